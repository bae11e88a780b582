// Package namemask blanks configured names (brands, competitors) out of a
// text, so that a name made of ordinary words is not read as those words:
// "Happy Foods" as praise, "Lawsuit Coffee" or "Boikot Store" as a harm.
package namemask

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask finds a set of names in texts. A nil *Mask blanks nothing.
type Mask struct {
	names [][]string // each name's words, the names with most words first
	// first holds the lower-case first bytes of the names' first words
	// (anyFirst: one starts beyond ASCII). A word starting with another
	// ASCII byte is no name's start: ASCII letters fold only to their
	// other case within ASCII.
	first    [128]bool
	anyFirst bool
}

// New returns the mask of names (duplicates and empty names ignored), nil
// when there are none.
func New(names []string) *Mask {
	m := &Mask{}
	for _, n := range names {
		words := strings.FieldsFunc(n, func(r rune) bool { return !isWordRune(r) })
		if len(words) == 0 || slices.ContainsFunc(m.names, func(w []string) bool { return equalFoldWords(w, words) }) {
			continue
		}
		m.names = append(m.names, words)
	}
	if len(m.names) == 0 {
		return nil
	}
	slices.SortStableFunc(m.names, func(a, b []string) int { return len(b) - len(a) })
	for _, n := range m.names {
		c := n[0][0]
		if c >= utf8.RuneSelf {
			m.anyFirst = true
			continue
		}
		m.first[lower(c)] = true
	}
	return m
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func equalFoldWords(a, b []string) bool {
	return slices.EqualFunc(a, b, strings.EqualFold)
}

// isASCII reports whether w is ASCII: then a word that equals it without
// case has its length (Unicode folding can change a word's length).
func isASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_' }

// word returns the bounds of the first word (a run of letters, digits and
// _) at or after i, or a < 0 when there is none.
func word(s string, i int) (a, b int) {
	for i < len(s) {
		w, size := wordAt(s, i)
		if w {
			break
		}
		i += size
	}
	if i >= len(s) {
		return -1, -1
	}
	a = i
	for i < len(s) {
		w, size := wordAt(s, i)
		if !w {
			break
		}
		i += size
	}
	return a, i
}

// wordAt reports whether the rune at s[i] is a word rune, and its size;
// ASCII without decoding.
func wordAt(s string, i int) (bool, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_', 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r), size
}

// match returns the end of name when its words, compared without case,
// are the words of s from the word [a, b) on, with only spaces or
// punctuation between them; -1 otherwise.
func match(s string, a, b int, name []string) int {
	if b-a != len(name[0]) && isASCII(name[0]) || !strings.EqualFold(s[a:b], name[0]) {
		return -1
	}
	for _, w := range name[1:] {
		if a, b = word(s, b); a < 0 || !strings.EqualFold(s[a:b], w) {
			return -1
		}
	}
	return b
}

// Apply returns s with every whole-word occurrence of a name replaced by
// spaces (the same number of bytes): its words in order, case-insensitive,
// with any run of spaces or punctuation between them ("Happy Foods",
// "HAPPY-FOODS"), never part of a longer word. It is linear in s and
// allocates only when a name occurs.
func (m *Mask) Apply(s string) string {
	if m == nil || s == "" {
		return s
	}
	var buf []byte
	for a, b := word(s, 0); a >= 0; a, b = word(s, b) {
		if c := s[a]; !m.anyFirst && c < utf8.RuneSelf && !m.first[lower(c)] {
			continue
		}
		for _, name := range m.names {
			if end := match(s, a, b, name); end >= 0 {
				if buf == nil {
					buf = []byte(s)
				}
				for i := a; i < end; i++ {
					buf[i] = ' '
				}
				b = end
				break
			}
		}
	}
	if buf == nil {
		return s
	}
	return string(buf)
}
