package digest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify/telegram"
)

// chat is the shape the Slack and Telegram digests share: a title, then
// sections of lines. esc escapes untrusted text, bold and link format.
type chat struct {
	esc  func(string) string
	bold func(string) string // of escaped text
	link func(url, label string) string
}

// sections renders the digest as sections, each a paragraph of lines in
// the chat's markup.
func (c chat) sections(r *Report) []string {
	e, b := c.esc, c.bold
	var out []string
	var cur []string
	add := func(format string, args ...any) { cur = append(cur, fmt.Sprintf(format, args...)) }
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	add("%s", b(e(clipLine(r.title()))))
	add("%s", e(r.zoneNote()))
	for _, h := range r.Highlights() {
		add("• %s", e(h))
	}
	flush()
	add("%s", b("Volume and sentiment"))
	for _, row := range r.volumeRows() {
		add("%s: %s (before %s, %s)", e(row[0]), b(e(row[1])), e(row[2]), e(row[3]))
	}
	add("%s", e(r.bucketsLine()))
	flush()
	add("%s", b("Customer journey: negative mentions by stage"))
	for _, s := range r.Journey {
		add("• %s", e(s.line()))
	}
	flush()
	add("%s", b("Top aspects and what changed"))
	if len(r.Aspects) == 0 {
		add("No aspect was mentioned.")
	}
	for _, a := range r.Aspects {
		add("• %s", e(clipLine(a.line())))
	}
	flush()
	if len(r.Voice) > 0 {
		add("%s", b("Share of voice"))
		if n := r.NoVoice(); n != "" {
			add("%s", e(n))
		}
		for _, v := range r.voiceRows() {
			add("• %s", e(clipLine(v.line())))
		}
		flush()
	}
	add("%s", b("Top negative mentions"))
	if len(r.Top) == 0 {
		add("No negative mention.")
	}
	for i, t := range r.Top {
		by := e(clipLine(t.byline()))
		if u := t.link(); u != "" {
			by = c.link(u, clipLine(t.byline()))
		}
		add("%d. %s\n%s", i+1, by, e(mentionText(t.Mention, mentionRunes)))
	}
	flush()
	add("%s", b("Alerts and time to first response"))
	add("%s", e(r.AlertSummary()))
	for _, a := range r.Alerts {
		l := e(clipLine(a.line()))
		if a.Link != "" {
			l += " " + c.link(a.Link, "open")
		}
		add("• %s", l)
	}
	if m := r.moreAlerts(); m != "" {
		add("%s", e(m))
	}
	if r.Dashboard != "" {
		add("%s", c.link(r.Dashboard, "Open the dashboard for this "+r.Window.Period.Noun()))
	}
	flush()
	return out
}

// escSlack makes untrusted text inert in mrkdwn, as in the Slack alerts:
// alerts.EscapeMrkdwn escapes &, < and >, breaks @channel, and replaces
// the formatting marks (* _ ~ `) that could format with look-alikes; a
// mark inside a word (rina_w), which Slack does not format, stays as
// typed.
func escSlack(s string) string { return alerts.EscapeMrkdwn(s) }

// Slack renders the digest as one Slack mrkdwn text (a digest is a few
// thousand characters), which SlackParts splits into the messages it is
// sent as. Mention text is escaped (alerts.EscapeMrkdwn): <!channel>,
// <url|label> and @here are inert.
func Slack(r *Report) string {
	c := chat{esc: escSlack, bold: func(s string) string { return "*" + s + "*" }, link: alerts.SlackLink}
	return capLines(strings.Join(c.sections(r), "\n\n"), maxSlackText)
}

// slackPart is the most UTF-16 units of one Slack message of a digest:
// Slack splits a longer text at its 4,000th character wherever that
// falls, which can be inside an escape (&amp;) or a link (<url|label>).
const slackPart = 3900

// SlackParts splits a Slack digest (Slack's text) into the messages it is
// posted as (alerts.Slack.PostParts), between its sections and lines, as
// Telegram's are (pack).
func SlackParts(text string) []string { return pack(strings.Split(text, "\n\n"), slackPart) }

// maxSlackText keeps a Slack digest under Slack's 40,000-character limit
// on a message's text, beyond which Slack cuts it wherever it falls
// (inside an escape or a link). A digest reaches it only when its
// mentions and alerts are padded with characters that escape long.
const maxSlackText = 39000

// capLines returns s when it has at most limit characters, else its
// first whole lines that fit with a last line saying the rest is left out.
func capLines(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	const more = "… (the rest is left out: Slack's message limit; the dashboard has it)"
	budget := limit - utf8.RuneCountInString(more) - 1
	var b strings.Builder
	n := 0
	for _, line := range strings.SplitAfter(s, "\n") {
		w := utf8.RuneCountInString(line)
		if n+w > budget {
			break
		}
		b.WriteString(line)
		n += w
	}
	return b.String() + "\n" + more
}

// Telegram renders the digest as Telegram HTML messages (parse_mode
// HTML), split between sections so that each fits telegram.MaxRunes.
// Mention text is escaped with telegram.Escape, links are http(s) only.
func Telegram(r *Report) []string {
	c := chat{esc: telegram.Escape, bold: func(s string) string { return "<b>" + s + "</b>" },
		link: func(u, label string) string {
			if !alerts.HTTPURL(u) || len(u) > maxLinkURL {
				return telegram.Escape(label)
			}
			return `<a href="` + telegram.Escape(u) + `">` + telegram.Escape(label) + `</a>`
		}}
	return pack(c.sections(r), telegram.MaxRunes)
}

// pack joins sections with blank lines into messages of at most limit
// UTF-16 units. A section too long for one message is cut between its
// lines, so no tag or entity is ever cut. A line can still be too long on
// its own (escaping makes a clipped line up to six times longer, and a link
// adds its URL): it loses its tags and is cut outside entities (cutLine).
func pack(sections []string, limit int) []string {
	var parts []string
	cur := ""
	add := func(s, sep string) {
		if cur != "" && utf16Len(cur)+len(sep)+utf16Len(s) > limit {
			parts = append(parts, cur)
			cur = ""
		}
		if cur != "" {
			cur += sep
		}
		cur += s
	}
	for _, s := range sections {
		if utf16Len(s) <= limit {
			add(s, "\n\n")
			continue
		}
		for i, line := range strings.Split(s, "\n") {
			sep := "\n"
			if i == 0 {
				sep = "\n\n"
			}
			for _, piece := range cutLine(line, limit) {
				add(piece, sep)
				sep = "\n"
			}
		}
	}
	if cur != "" {
		parts = append(parts, cur)
	}
	return parts
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// tag matches the renderer's own tags (<b>, <a href="...">); untrusted
// text holds no < or >, only their entities.
var tag = regexp.MustCompile(`<[^>]*>`)

// cutLine returns line as is when it fits limit, else its text without
// tags cut into pieces of at most limit units, between whole characters
// and entities.
func cutLine(line string, limit int) []string {
	if utf16Len(line) <= limit {
		return []string{line}
	}
	text := tag.ReplaceAllString(line, "")
	var out []string
	start, n := 0, 0
	for i := 0; i < len(text); {
		_, size := utf8.DecodeRuneInString(text[i:])
		if text[i] == '&' {
			if j := strings.IndexByte(text[i:], ';'); j > 0 {
				size = j + 1
			}
		}
		w := utf16Len(text[i : i+size])
		if n+w > limit && n > 0 {
			out = append(out, text[start:i])
			start, n = i, 0
		}
		n += w
		i += size
	}
	return append(out, text[start:])
}

// maxLinkURL bounds a link in a Telegram digest; a longer URL is left out
// (cutting would break it) so that a section stays far below the limit.
const maxLinkURL = 1000

// maxLineRunes bounds a line of a chat digest before escaping: brand,
// aspect and alert texts are not bounded by the config, and a line must
// stay far below Telegram's 4,096 even when escaping makes every character
// six ("&quot;").
const maxLineRunes = 600

// clipLine cuts plain text to maxLineRunes.
func clipLine(s string) string { return alerts.Clip(s, maxLineRunes) }
