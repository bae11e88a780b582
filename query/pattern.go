package query

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxPatternRunes is how many characters of a word FoldPattern spells out:
// a text holding the whole word holds its beginning, so a longer word's
// pattern is its first MaxPatternRunes characters (a superset), and a
// megabyte word does not make a megabyte of character classes.
const MaxPatternRunes = 32

// FoldPattern returns a regular expression (RE2 syntax, no flags) that
// finds word in any text whose Fold holds Fold(word): each character of
// the word is the class of every character that folds to it (e -> e, E,
// é, É, ê, ... ; i -> i, I, İ, í, ...), and combining marks (Mn) may
// follow each character, as in text written decomposed ("e\u0301"). A
// store without Fold in its SQL searches with it (ClickHouse: match()),
// then the evaluator decides. Only the first MaxPatternRunes characters
// are spelled out. Text in Hangul written decomposed into jamo is the one
// case it misses (Fold composes nothing back).
func FoldPattern(word string) string {
	folded := norm.NFC.String(Fold(word))
	var b strings.Builder
	n := 0
	for i, r := range folded {
		if n == MaxPatternRunes {
			break
		}
		if n > 0 {
			b.WriteString(`[\p{Mn}]*`)
		}
		n++
		class := foldClass(r)
		if i+utf8.RuneLen(r) == len(folded) {
			// Fold splits Hangul syllables into jamo, so a prefix may end
			// inside one: "하" begins "한", and "ᄒ" begins both.
			switch {
			case r >= 0xAC00 && r <= 0xD7A3 && (r-0xAC00)%28 == 0:
				for t := rune(1); t < 28; t++ {
					class = append(class, r+t)
				}
			case r >= 0x1100 && r <= 0x1112:
				for s := rune(0); s < 21*28; s++ {
					class = append(class, 0xAC00+(r-0x1100)*21*28+s)
				}
			}
			slices.Sort(class)
		}
		writeClass(&b, class)
	}
	return b.String()
}

// writeClass writes the sorted runes as a character class, runs of
// consecutive ones as ranges.
func writeClass(b *strings.Builder, class []rune) {
	b.WriteByte('[')
	for i := 0; i < len(class); {
		j := i
		for j+1 < len(class) && class[j+1] == class[j]+1 {
			j++
		}
		writeClassRune(b, class[i])
		if j > i {
			if j > i+1 {
				b.WriteByte('-')
			}
			writeClassRune(b, class[j])
		}
		i = j + 1
	}
	b.WriteByte(']')
}

// writeClassRune writes c for a character class: ASCII letters and digits
// as they are, anything else as \x{hex} (no byte can then end the class
// or the pattern, NUL and backslash included).
func writeClassRune(b *strings.Builder, c rune) {
	if c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
		b.WriteRune(c)
		return
	}
	fmt.Fprintf(b, `\x{%x}`, c)
}

// foldClass returns r and every character whose Fold is Fold(r), sorted.
func foldClass(r rune) []rune {
	key := Fold(string(r))
	out := []rune{r}
	if k, size := utf8.DecodeRuneInString(key); size == len(key) && k != r {
		out = append(out, k)
	}
	for _, c := range foldInverse()[key] {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

var (
	inverseOnce sync.Once
	inverse     map[string][]rune
)

// foldInverse maps a Fold to the characters, other than itself, that fold
// to it ("e" -> E, é, É, ...). It is built once, on first use, from every
// character that Fold changes.
func foldInverse() map[string][]rune {
	inverseOnce.Do(func() {
		inverse = map[string][]rune{}
		var buf [utf8.UTFMax]byte
		for r := rune(0); r <= unicode.MaxRune; r++ {
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			s := string(buf[:utf8.EncodeRune(buf[:], r)])
			if unicode.ToLower(r) == r && norm.NFD.IsNormalString(s) {
				continue // Fold leaves it as it is
			}
			if k := Fold(s); k != s && k != "" {
				inverse[k] = append(inverse[k], r)
			}
		}
	})
	return inverse
}
