package telegram

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/mentionwatch/mentionwatch/alerts"
)

// MaxRunes is Telegram's limit on a message's text. It counts characters
// after entity parsing; split measures the HTML source in UTF-16 code
// units, which is never less, so a part is never rejected as too long.
const MaxRunes = 4096

// maxLinkURL bounds a post's URL in a message, as Slack's renderer does:
// a mention's URL has no limit, and one too long for a message would be
// sent, as plain text, over many. A longer one is left out; the
// dashboard link stands in.
const maxLinkURL = 1000

// Escape escapes untrusted text for parse_mode HTML: Telegram asks for
// exactly &, < and > (and " inside an attribute, which Escape covers too),
// so "<b>" and "</a>" in a mention show as text.
func Escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// block is one paragraph of a message: its HTML, whose tags all close
// inside it, and the same as plain text for when it alone is too long.
type block struct{ html, plain string }

// render returns the message as blocks of Telegram HTML, in order.
func render(c alerts.Content) []block {
	head := block{html: "<b>" + Escape(c.Headline) + "</b>\n" + Escape(c.Why) + "\n" + Escape(c.When), plain: c.Headline + "\n" + c.Why + "\n" + c.When}
	if c.Acked != "" {
		head.html += "\n" + Escape(c.Acked)
		head.plain += "\n" + c.Acked
	}
	bs := []block{head}
	for _, e := range c.Evidence {
		html, plain := "• "+Escape(e.Line()), "• "+e.Line()
		if e.URL != "" && size(e.URL) <= maxLinkURL {
			html += "\n" + link(e.URL, "Open the post")
			plain += "\n" + e.URL
		}
		bs = append(bs, block{html: html, plain: plain})
		bs = append(bs, copies(e)...)
	}
	if c.More > 0 {
		s := fmt.Sprintf("and %d more in the dashboard", c.More)
		bs = append(bs, block{html: Escape(s), plain: s})
	}
	var links []string
	for _, l := range []struct{ url, label string }{{c.Open, "Open in the dashboard"}, {c.Ack, "Acknowledge"}, {c.Silence, "Silence 4 h"}} {
		if alerts.HTTPURL(l.url) {
			links = append(links, link(l.url, l.label))
		}
	}
	if len(links) > 0 {
		bs = append(bs, block{html: strings.Join(links, " · "), plain: c.Open})
	}
	return bs
}

// copies links a critical mention's copies (e.Copies), a line each: one
// paragraph, or, when its URLs are long, a paragraph each, so that a
// split falls between them and none goes as plain text.
func copies(e alerts.Evidence) []block {
	if len(e.Copies) == 0 {
		return nil
	}
	head := e.CopiesWords() + ":"
	one := block{html: Escape(head), plain: head}
	var each []block
	for _, u := range e.Copies {
		b := block{html: "• " + link(u, alerts.PostHost(u)), plain: "• " + alerts.PostHost(u) + ": " + u}
		one.html, one.plain = one.html+"\n"+b.html, one.plain+"\n"+b.plain
		each = append(each, b)
	}
	if size(one.html) <= MaxRunes/2 {
		return []block{one}
	}
	each[0].html, each[0].plain = Escape(head)+"\n"+each[0].html, head+"\n"+each[0].plain
	return each
}

func link(u, label string) string { return `<a href="` + Escape(u) + `">` + Escape(label) + `</a>` }

// ownLink and ownTag match the tags the renderers write (link, <b>);
// untrusted text holds no < or >, only their entities.
var (
	ownLink = regexp.MustCompile(`<a href="([^"]*)">([^<]*)</a>`)
	ownTag  = regexp.MustCompile(`</?b>`)
)

// plainText turns a message of Telegram HTML into the same text without
// markup, for parse_mode none: a link becomes "label: URL", the tags go
// and the entities are read back.
func plainText(s string) string {
	s = ownLink.ReplaceAllString(s, "$2: $1")
	return html.UnescapeString(ownTag.ReplaceAllString(s, ""))
}

func size(s string) int { return len(utf16.Encode([]rune(s))) }

// split packs blocks into messages of at most limit UTF-16 units, joined
// by blank lines. A cut falls only between blocks, so never inside a tag,
// an entity or an open element; a block longer than limit on its own is
// sent as its plain text, escaped and cut outside entities.
func split(bs []block, limit int) []string {
	var out []string
	cur := ""
	flush := func() {
		if cur != "" {
			out = append(out, cur)
			cur = ""
		}
	}
	for _, b := range bs {
		pieces := []string{b.html}
		if size(b.html) > limit {
			pieces = cutEscaped(b.plain, limit)
		}
		for _, p := range pieces {
			switch {
			case cur == "":
				cur = p
			case size(cur)+2+size(p) <= limit:
				cur += "\n\n" + p
			default:
				flush()
				cur = p
			}
		}
	}
	flush()
	return out
}

// cutEscaped escapes plain and cuts it into pieces of at most limit units,
// each cut between whole characters and never inside an entity.
func cutEscaped(plain string, limit int) []string {
	var out []string
	var sb strings.Builder
	n := 0
	for _, r := range plain {
		e := Escape(string(r))
		w := size(e)
		if n+w > limit {
			out = append(out, sb.String())
			sb.Reset()
			n = 0
		}
		sb.WriteString(e)
		n += w
	}
	if sb.Len() > 0 {
		out = append(out, sb.String())
	}
	return out
}
