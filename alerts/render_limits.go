package alerts

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"github.com/slack-go/slack"
)

// Block Kit limits (api.slack.com/reference/block-kit). Lengths are counted
// in UTF-16 code units, which is never less than Slack's character count.
const (
	maxBlocks      = 50   // blocks per message
	maxSectionText = 3000 // a section's text
	maxHeaderText  = 150  // a header's plain text
	maxButtonText  = 75   // a button's label
	maxButtonURL   = 3000 // a button's url
	maxContextText = 3000 // a context element's text
	maxFallback    = 3000 // the message's top-level text, shown in notifications
	// maxLinkURL bounds a URL written into mrkdwn text. A longer one is not
	// linked (cutting it would break it): the dashboard link stands in.
	maxLinkURL = 1000
)

// slackLen counts s in UTF-16 code units.
func slackLen(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// pings are Slack's broadcast words; an app's message can notify a whole
// channel with them, so they are broken with a zero-width space.
var pings = []string{"channel", "here", "everyone"}

// EscapeMrkdwn makes untrusted text inert in Slack mrkdwn: &, < and > are
// the only control characters Slack asks to escape, and escaping them
// disarms <!channel>, <@U123> and <http://x|click>; a bare @channel,
// @here or @everyone gets a zero-width space after the @. Slack has no
// escape for its formatting marks, so * _ ~ ` become look-alikes that
// format nothing (InertMarks).
func EscapeMrkdwn(s string) string { return escClip(s, -1, false) }

// InertMarks replaces the emphasis marks of Slack mrkdwn and WhatsApp
// (* _ ~ `) with look-alikes that no client reads as formatting (∗ ˍ ∼ ˋ),
// except inside a word (rina_w, a*b), where neither client formats.
func InertMarks(s string) string {
	if !strings.ContainsAny(s, "*_~`") {
		return s
	}
	rs := []rune(s)
	word := func(i int) bool { return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i])) }
	var b strings.Builder
	for i, r := range rs {
		if alt, ok := inertMark[r]; ok && !(word(i-1) && word(i+1)) {
			r = alt
		}
		b.WriteRune(r)
	}
	return b.String()
}

var inertMark = map[rune]rune{'*': '\u2217', '_': '\u02cd', '~': '\u223c', '`': '\u02cb'}

// escClip escapes untrusted s for mrkdwn (EscapeMrkdwn) and cuts it to at
// most n UTF-16 units (n < 0: no limit), ending in "…", on a word boundary
// when one is near. It never cuts inside an entity. With fold, runs of
// white space become one space.
func escClip(s string, n int, fold bool) string { return escClipMarks(s, n, fold, true) }

// escClipMarks is escClip that leaves the formatting marks alone unless
// marks: for the renderer's own text (a time zone such as
// America/Los_Angeles).
func escClipMarks(s string, n int, fold, marks bool) string {
	if marks {
		s = InertMarks(s)
	}
	if fold {
		s = OneLine(s)
	} else {
		s = visible(s)
	}
	var b strings.Builder
	used, lastSpace, lastSpaceUsed := 0, -1, 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var piece string
		switch r {
		case '&':
			piece = "&amp;"
		case '<':
			piece = "&lt;"
		case '>':
			piece = "&gt;"
		case '@':
			piece = "@"
			for _, p := range pings {
				if len(s) >= i+1+len(p) && strings.EqualFold(s[i+1:i+1+len(p)], p) {
					piece = "@\u200b"
				}
			}
		default:
			piece = s[i : i+size]
		}
		w := slackLen(piece)
		if n >= 0 && used+w > n-1 && (used+w > n || i+size < len(s)) {
			out := b.String()
			// Drop the start of a grapheme cluster the cut splits: it was
			// copied as is unless it holds an escaped character.
			if c := GraphemeCut(s, i); c < i && !strings.ContainsAny(s[c:i], "&<>@") {
				out = out[:len(out)-(i-c)]
			}
			if lastSpace > 0 && lastSpaceUsed > n/2 {
				out = out[:lastSpace]
			}
			return strings.TrimRight(out, " ") + "…"
		}
		if r == ' ' {
			lastSpace, lastSpaceUsed = b.Len(), used
		}
		b.WriteString(piece)
		used += w
		i += size
	}
	return b.String()
}

// safeURL returns raw made safe to place in <url|label> or a button, or ""
// when it is not an http(s) URL or is longer than max once escaped.
// CleanURL has percent-encoded |, <, > and spaces; & is escaped for mrkdwn.
func safeURL(raw string, max int) string {
	safe := strings.ReplaceAll(CleanURL(raw), "&", "&amp;")
	if safe == "" || slackLen(safe) > max {
		return ""
	}
	return safe
}

// slackLink returns a mrkdwn link to an http(s) URL, or the escaped label
// alone when the URL is unsafe or too long. The URL cannot break out of
// the <...|...>.
func slackLink(raw, label string) string {
	esc := EscapeMrkdwn(strings.ReplaceAll(label, "|", "¦"))
	if u := safeURL(raw, maxLinkURL); u != "" {
		return "<" + u + "|" + esc + ">"
	}
	return esc
}

// linkOr links an already escaped label to raw, else to fallback (the
// dashboard), else leaves it plain.
func linkOr(raw, fallback, escLabel string) string {
	escLabel = strings.ReplaceAll(escLabel, "|", "¦")
	for _, u := range []string{raw, fallback} {
		if s := safeURL(u, maxLinkURL); s != "" {
			return "<" + s + "|" + escLabel + ">"
		}
	}
	return escLabel
}

// clip shortens plain text to n runes on a word boundary, as one visible
// line (OneLine; no escaping).
func clip(s string, n int) string {
	s = OneLine(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := CutRunes(s, n)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// GraphemeCut is the last grapheme-cluster boundary of s at or before byte
// i, so that text cut there keeps a flag, a skin-toned or joined emoji, or a
// letter with its accents whole (a lone regional indicator or modifier
// shows as a stray symbol). When the first cluster alone is longer than i
// (a hostile run of combining marks), it is i: the cluster is cut rather
// than the whole text dropped. It reads s only up to the cut.
func GraphemeCut(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	last, state := 0, -1
	for rest := s; len(rest) > 0; {
		var c string
		c, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if last+len(c) > i {
			break
		}
		last += len(c)
	}
	if last == 0 {
		return i
	}
	return last
}

// CutRunes is the longest start of s of at most n runes that ends on a
// grapheme-cluster boundary (GraphemeCut).
func CutRunes(s string, n int) string {
	end := len(s)
	for i := range s {
		if n == 0 {
			end = i
			break
		}
		n--
	}
	return s[:GraphemeCut(s, end)]
}

// clip16 is clip counting UTF-16 units, as Slack's limits do: for plain
// text fields (a header) where an emoji counts two.
func clip16(s string, n int) string {
	s = OneLine(s)
	if slackLen(s) <= n {
		return s
	}
	used, end := 0, 0
	for i, r := range s {
		w := slackLen(string(r))
		if used+w > n-1 { // room for "…"
			break
		}
		used, end = used+w, i+utf8.RuneLen(r)
	}
	cut := s[:GraphemeCut(s, end)]
	if i := strings.LastIndexByte(cut, ' '); i > end/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// section collects the lines of one section's text within maxSectionText.
type section struct {
	lines []string
	n     int
}

// add appends line if it fits and reports whether it did.
func (s *section) add(line string) bool {
	w := slackLen(line)
	if len(s.lines) > 0 {
		w++
	}
	if s.n+w > maxSectionText {
		return false
	}
	s.lines = append(s.lines, line)
	s.n += w
	return true
}

func (s *section) block() slack.Block {
	return mrkdwnSection(strings.Join(s.lines, "\n"))
}

func mrkdwnSection(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

// button is a URL button, or nil when the URL cannot be used.
func button(id, label, raw string, style slack.Style) slack.BlockElement {
	u := safeURL(raw, maxButtonURL)
	if u == "" {
		return nil
	}
	// Buttons take the URL as is: undo the mrkdwn escape of &.
	u = strings.ReplaceAll(u, "&amp;", "&")
	if slackLen(u) > maxButtonURL {
		return nil
	}
	b := slack.NewButtonBlockElement(id, id, slack.NewTextBlockObject(slack.PlainTextType, clip(label, maxButtonText-1), false, false)).WithURL(u)
	if style != "" {
		b = b.WithStyle(style)
	}
	return b
}

// capBlocks keeps at most maxBlocks, always keeping the last (the footer).
func capBlocks(bs []slack.Block) []slack.Block {
	if len(bs) <= maxBlocks {
		return bs
	}
	return append(bs[:maxBlocks-1:maxBlocks-1], bs[len(bs)-1])
}
