// Package namemask blanks configured names (brands, competitors) out of a
// text, so that a name made of ordinary words is not read as those words:
// "Happy Foods" as praise, "Poison" (a perfume) or "Police" (sunglasses)
// as a harm.
package namemask

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask finds a set of names in texts. A nil *Mask blanks nothing.
type Mask struct {
	re *regexp.Regexp // the names, case-insensitive, longest first
}

// New returns the mask of names (duplicates and empty names ignored), nil
// when there are none.
func New(names []string) *Mask {
	var alts []string
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	for _, n := range names {
		// The name's words with any run of spaces or punctuation between
		// them ("Happy Foods", "happy-foods", "Happy  Foods").
		words := strings.FieldsFunc(n, func(r rune) bool { return !isWordRune(r) })
		if len(words) == 0 {
			continue
		}
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		alt := strings.Join(words, `[^\p{L}\p{N}_]+`)
		if !slices.Contains(alts, alt) {
			alts = append(alts, alt)
		}
	}
	if len(alts) == 0 {
		return nil
	}
	return &Mask{re: regexp.MustCompile(`(?i)(?:` + strings.Join(alts, "|") + `)`)}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_' }

// Apply returns s with every whole-word occurrence of a name replaced by
// spaces (the same number of bytes). It allocates only when a name
// occurs.
func (m *Mask) Apply(s string) string {
	if m == nil || s == "" {
		return s
	}
	var b []byte
	for pos := 0; pos < len(s); {
		loc := m.re.FindStringIndex(s[pos:])
		if loc == nil {
			break
		}
		start, end := pos+loc[0], pos+loc[1]
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (start > 0 && isWordRune(before)) || (end < len(s) && isWordRune(after)) {
			// Inside a longer word ("Happy Foodsy"): not the name.
			_, size := utf8.DecodeRuneInString(s[start:])
			pos = start + max(size, 1)
			continue
		}
		if b == nil {
			b = []byte(s)
		}
		for i := start; i < end; i++ {
			b[i] = ' '
		}
		pos = end
	}
	if b == nil {
		return s
	}
	return string(b)
}
