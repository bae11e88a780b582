// Package textutil turns the HTML and messy strings that services return
// into the plain text a Mention carries: tags stripped, entities decoded,
// white space folded, valid UTF-8. Both functions make one pass and one
// allocation, because collectors call them for every item.
package textutil

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean makes s valid UTF-8 (invalid bytes become U+FFFD), drops control
// characters and folds runs of white space into one space, trimmed.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	w := newWriter(len(s))
	for i := 0; i < len(s); {
		i += w.next(s, i, false)
	}
	return w.String()
}

// isClean reports whether s is printable ASCII with single inner spaces:
// already what Clean returns.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
			continue
		}
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// PlainText strips HTML tags, decodes entities and folds white space like
// Clean. The contents of script and style elements (closed ones: an
// unclosed <script> is text naming the tag) and of comments are dropped; block
// elements and <br> become a space so words do not run together. A "<" that
// does not start a tag stays text. It never fails: broken markup gives its
// text (an unterminated tag is dropped).
func PlainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return Clean(s)
	}
	w := newWriter(len(s))
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			i = w.tag(s, i)
		case '&':
			// An entity is '&', a name or number, ';': a space or tag
			// before the ';' means a bare '&' ("R&D <a ...>; ...").
			j := 1
			for j < 40 && i+j < len(s) && isEntityByte(s[i+j]) {
				j++
			}
			if j <= 1 || i+j >= len(s) || s[i+j] != ';' {
				w.rune('&')
				i++
				continue
			}
			dec := html.UnescapeString(s[i : i+j+1])
			for _, r := range dec {
				w.rune(r)
			}
			i += j + 1
		default:
			i += w.next(s, i, true)
		}
	}
	return w.String()
}

type writer struct {
	b     strings.Builder
	space bool // a space is pending
	// unclosed holds "script" or "style" once no end tag of it follows:
	// later ones are not looked for again, which keeps PlainText linear.
	unclosed map[string]bool
}

func newWriter(n int) *writer {
	w := &writer{}
	w.b.Grow(n)
	return w
}

func (w *writer) String() string { return w.b.String() }

// plain reports whether c is printable ASCII that needs no work (in
// markup mode, not the start of a tag or entity).
func plain(c byte, markup bool) bool {
	return c > 0x20 && c < 0x7f && !(markup && (c == '<' || c == '&'))
}

// next writes the text at s[i] (a run of plain ASCII with single spaces, or
// one character) and returns how many bytes it consumed.
func (w *writer) next(s string, i int, markup bool) int {
	k := i
	for k < len(s) {
		if c := s[k]; plain(c, markup) || (c == ' ' && k > i && k+1 < len(s) && plain(s[k+1], markup)) {
			k++
			continue
		}
		break
	}
	if k > i {
		if w.space && w.b.Len() > 0 {
			w.b.WriteByte(' ')
		}
		w.space = false
		w.b.WriteString(s[i:k])
		return k - i
	}
	c := s[i]
	if c < utf8.RuneSelf {
		w.rune(rune(c))
		return 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	w.rune(r) // RuneError for invalid bytes: written as U+FFFD
	return n
}

func (w *writer) rune(r rune) {
	switch {
	case r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\v' || (r > 0x7f && unicode.IsSpace(r)):
		w.space = true
		return
	case r < 0x20 || r == 0x7f:
		return
	}
	if w.space && w.b.Len() > 0 {
		w.b.WriteByte(' ')
	}
	w.space = false
	if r < utf8.RuneSelf {
		w.b.WriteByte(byte(r))
	} else {
		w.b.WriteRune(r)
	}
}

// tag handles the markup starting at s[i] == '<' and returns where text
// resumes.
func (w *writer) tag(s string, i int) int {
	rest := s[i+1:]
	if rest == "" || !(isLetter(rest[0]) || rest[0] == '/' || rest[0] == '!' || rest[0] == '?') {
		w.rune('<')
		return i + 1
	}
	if strings.HasPrefix(rest, "!--") {
		if k := strings.Index(rest[3:], "-->"); k >= 0 {
			return i + 1 + 3 + k + 3
		}
		return len(s)
	}
	j := strings.IndexByte(rest, '>')
	if j < 0 {
		return len(s)
	}
	end := i + 1 + j + 1
	body := rest[:j]
	closing := strings.HasPrefix(body, "/")
	name := strings.ToLower(tagName(strings.TrimPrefix(body, "/")))
	switch name {
	case "script", "style":
		// A closed element's content is dropped. One never closed is
		// text naming the tag ("the <script> tag in Acme's widget"): only
		// the tag goes.
		if !closing && !w.unclosed[name] {
			if k := indexFold(s[end:], "</"+name); k >= 0 {
				return end + k
			}
			if w.unclosed == nil {
				w.unclosed = map[string]bool{}
			}
			w.unclosed[name] = true
		}
	case "br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr":
		w.space = true
	}
	return end
}

func tagName(s string) string {
	for k := 0; k < len(s); k++ {
		if !isLetter(s[k]) && !(s[k] >= '0' && s[k] <= '9') {
			return s[:k]
		}
	}
	return s
}

// isEntityByte reports whether c may appear between '&' and ';' of a
// character reference (&amp; &#233; &#xE9;).
func isEntityByte(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '#' }

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func indexFold(s, sub string) int {
	for k := 0; k+len(sub) <= len(s); k++ {
		if strings.EqualFold(s[k:k+len(sub)], sub) {
			return k
		}
	}
	return -1
}
