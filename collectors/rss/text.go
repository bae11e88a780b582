package rss

import (
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
)

// PlainText strips HTML tags, decodes entities and folds white space. It
// drops script and style contents. Invalid UTF-8 is replaced.
func PlainText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
		case xhtml.TextToken:
			if skip == 0 {
				b.Write(z.Raw())
			}
		case xhtml.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			case "br", "p", "div", "li":
				b.WriteByte(' ')
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if skip > 0 {
					skip--
				}
			case "p", "div", "li":
				b.WriteByte(' ')
			}
		}
	}
}
