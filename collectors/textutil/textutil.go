// Package textutil turns the HTML and messy strings that services return
// into the plain text a Mention carries: tags stripped, entities decoded,
// white space folded, valid UTF-8.
package textutil

import (
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
)

// Clean makes s valid UTF-8 (invalid bytes become U+FFFD), drops control
// characters and folds runs of white space into one space.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// PlainText strips HTML tags, decodes entities and folds white space. The
// contents of script and style are dropped; block elements and <br> become
// a space so words do not run together. It never fails: broken markup gives
// its text.
func PlainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return Clean(s)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return Clean(b.String())
		case xhtml.TextToken:
			if skip == 0 {
				b.WriteString(html.UnescapeString(string(z.Raw())))
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			case "br", "p", "div", "li", "tr", "td", "h1", "h2", "h3", "h4", "blockquote":
				b.WriteByte(' ')
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if skip > 0 {
					skip--
				}
			case "p", "div", "li", "tr", "td", "h1", "h2", "h3", "h4", "blockquote":
				b.WriteByte(' ')
			}
		}
	}
}
