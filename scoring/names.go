package scoring

import (
	"slices"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/namemask"
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

// newNameMask returns the mask of brands' and competitors' names that
// carry sentiment, nil when none does.
func newNameMask(brands []mw.Brand) *namemask.Mask {
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
	return namemask.New(names)
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
