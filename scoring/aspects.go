package scoring

import (
	"slices"
	"strings"

	mw "github.com/mentionwatch/mentionwatch"
)

// aspectSets holds one read-only slice per combination of built-in
// aspects, so that scoring a mention allocates nothing for them.
var aspectSets = func() [][]string {
	sets := make([][]string, 1<<len(aspectNames))
	for bits := range sets {
		var l []string
		for i, n := range aspectNames {
			if bits&(1<<i) != 0 {
				l = append(l, n)
			}
		}
		sets[bits] = l[:len(l):len(l)]
	}
	return sets
}()

// brandAspects are a brand's configured aspects: name → keywords. A name
// that is built in (delivery, price, ...) extends it; others are added.
type brandAspects struct {
	names []string                // aspect names in config order, sorted
	first map[string][]brandMatch // first word of a keyword → candidates
}

type brandMatch struct {
	words  []string // the keyword's folded words
	aspect int      // index into names
}

func newBrandAspects(cfg map[string][]string) *brandAspects {
	ba := &brandAspects{first: map[string][]brandMatch{}}
	for name := range cfg {
		ba.names = append(ba.names, strings.ToLower(strings.TrimSpace(name)))
	}
	slices.Sort(ba.names)
	for _, name := range sortedKeys(cfg) {
		kws := cfg[name]
		idx := slices.Index(ba.names, strings.ToLower(strings.TrimSpace(name)))
		for _, kw := range kws {
			// The keyword's words as the scorer reads a text (lower case,
			// punctuation stripped, slang as its normal form), once as
			// written and once folded, so "Café" matches "café" and
			// "cafe", "bgt" matches "bgt" and "#promo" the hashtag.
			var seen [][]string
			for _, form := range [2]string{kw, Fold(kw)} {
				words := scoredWords(form)
				if len(words) == 0 || slices.ContainsFunc(seen, func(w []string) bool { return slices.Equal(w, words) }) {
					continue
				}
				seen = append(seen, words)
				ba.first[words[0]] = append(ba.first[words[0]], brandMatch{words: words, aspect: idx})
			}
		}
	}
	return ba
}

// scoredWords returns the words of text as the scorer's tokenizer makes
// them, which is what aspects compares a brand's keywords with.
func scoredWords(text string) []string {
	s := getScratch()
	defer putScratch(s)
	s.tokenize(text)
	words := make([]string, len(s.toks))
	for i, t := range s.toks {
		words[i] = string(s.buf[t.a:t.b])
	}
	return words
}

// aspects returns the mention's aspects: the built-in cues found by scan,
// plus the brand's own keywords.
func (sc *Scorer) aspects(s *scratch, brand string) []string {
	bits := s.asp
	var ba *brandAspects
	if len(sc.brands) > 0 && brand != "" {
		ba = sc.brands[Fold(brand)]
	}
	if ba == nil {
		return aspectSets[bits]
	}
	var found []bool
	for i, t := range s.toks {
		cands := ba.first[string(s.buf[t.a:t.b])]
		for _, c := range cands {
			if !s.matchWords(i, c.words) {
				continue
			}
			if found == nil {
				found = make([]bool, len(ba.names))
			}
			found[c.aspect] = true
		}
	}
	if found == nil {
		return aspectSets[bits]
	}
	out := slices.Clone(aspectSets[bits])
	for i, ok := range found {
		if !ok {
			continue
		}
		if b := slices.Index(aspectNames, ba.names[i]); b >= 0 {
			bits |= 1 << b
			continue
		}
		out = append(out, ba.names[i])
	}
	// Rebuild in canonical order: built-ins first, then the brand's own.
	res := slices.Clone(aspectSets[bits])
	for _, n := range out {
		if !slices.Contains(res, n) {
			res = append(res, n)
		}
	}
	return res
}

func (s *scratch) matchWords(i int, words []string) bool {
	if i+len(words) > len(s.toks) {
		return false
	}
	for k, w := range words {
		t := s.toks[i+k]
		if string(s.buf[t.a:t.b]) != w {
			return false
		}
	}
	return true
}

// AspectNames returns the aspects the scorer knows by default and those
// brands add in their configuration (brands[i].Aspects), sorted.
func AspectNames(brands []mw.Brand) []string {
	out := slices.Clone(aspectNames)
	for _, b := range brands {
		for name := range b.Aspects {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}
