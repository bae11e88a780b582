package scoring

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
)

// A brand's own name is not an opinion. "Happy Foods shipped my order"
// says nothing good, "Bad Dragon" nothing bad, and "Best Buy", "Love
// Bonito" or "Toko Kecewa" would tilt every mention of the brand (and of
// a competitor so named) the same way. So a configured brand or
// competitor name with a word that carries sentiment (in the VADER
// lexicon, or the domain and Indonesian lexicons, slang through its normal
// form) is blanked out of the title and text before they are scored; the
// same words elsewhere in the text still count ("Happy Foods made me
// happy"). Names without such a word (Acme, Kopi Senja) are left alone,
// so the scoring of their mentions, and every evaluation figure, is as
// before.

// nameMask finds the configured names to blank out.
type nameMask struct {
	re *regexp.Regexp // the names, case-insensitive, longest first
}

// newNameMask returns the mask for brands' and competitors' names that
// carry sentiment, nil when none does.
func newNameMask(brands []mw.Brand) *nameMask {
	var names []string
	add := func(name string) {
		if nameCarriesSentiment(name) && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	for _, b := range brands {
		add(b.Name)
		for _, c := range b.Competitors {
			add(c.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	alts := make([]string, len(names))
	for i, n := range names {
		// The name's words with any run of spaces or punctuation between
		// them ("Happy Foods", "happy-foods", "Happy  Foods").
		words := strings.FieldsFunc(n, func(r rune) bool { return !isNameRune(r) })
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		alts[i] = strings.Join(words, `[^\p{L}\p{N}_]+`)
	}
	return &nameMask{re: regexp.MustCompile(`(?i)(?:` + strings.Join(alts, "|") + `)`)}
}

// nameCarriesSentiment reports whether a word of name carries valence.
func nameCarriesSentiment(name string) bool {
	for _, w := range scoredWords(name) {
		wi := vocab[w]
		if wi == nil {
			continue
		}
		if hasValence(wi) || wi.norm() != nil && hasValence(wi.norm()) {
			return true
		}
	}
	return false
}

func hasValence(wi *wordInfo) bool {
	return wi.inLex() || wi.cueID != 0 && wordCues[wi.cueID].hasVal
}

func isNameRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_' }

// apply returns s with every whole-word occurrence of a masked name
// replaced by spaces (the same number of bytes). It allocates only when a
// name occurs.
func (nm *nameMask) apply(s string) string {
	if nm == nil || s == "" {
		return s
	}
	var b []byte
	for pos := 0; pos < len(s); {
		loc := nm.re.FindStringIndex(s[pos:])
		if loc == nil {
			break
		}
		start, end := pos+loc[0], pos+loc[1]
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (start > 0 && isNameRune(before)) || (end < len(s) && isNameRune(after)) {
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
