package scoring

import (
	"strings"

	mw "github.com/mentionwatch/mentionwatch"
)

// Matcher finds which configured brands (and competitors) a text names.
// Matching folds case and diacritics and respects word boundaries. A
// multi-word keyword is a phrase. "@acme" matches only the handle, "#acme"
// only the hashtag, and a plain "acme" matches the word, the handle and the
// hashtag.
type Matcher struct {
	brands []brandMatcher
}

type brandMatcher struct {
	name    string
	owner   string // the tracked brand for a competitor; its own name otherwise
	keys    []pattern
	exclude []pattern
}

type pattern []Token

// NewMatcher compiles the brands' queries.
func NewMatcher(brands []mw.Brand) *Matcher {
	m := &Matcher{}
	for _, b := range brands {
		m.brands = append(m.brands, compileBrand(b.Name, b.Name, b.Keywords, b.Exclude))
		for _, c := range b.Competitors {
			m.brands = append(m.brands, compileBrand(c.Name, b.Name, c.Keywords, c.Exclude))
		}
	}
	return m
}

func compileBrand(name, owner string, keys, excl []string) brandMatcher {
	bm := brandMatcher{name: name, owner: owner}
	for _, k := range keys {
		if p := compile(k); len(p) > 0 {
			bm.keys = append(bm.keys, p)
		}
	}
	for _, k := range excl {
		if p := compile(k); len(p) > 0 {
			bm.exclude = append(bm.exclude, p)
		}
	}
	return bm
}

func compile(keyword string) pattern {
	keyword = strings.Trim(strings.TrimSpace(keyword), `"`)
	return pattern(Tokenize(Fold(keyword)))
}

// Match returns the names of the brands and competitors text names, in
// config order.
func (m *Matcher) Match(text string) []string {
	toks := Tokenize(Fold(text))
	var out []string
	for _, b := range m.brands {
		if anyMatch(toks, b.keys) && !anyMatch(toks, b.exclude) {
			out = append(out, b.name)
		}
	}
	return out
}

// Owner returns the tracked brand a matched name belongs to (itself for a
// brand, the owning brand for a competitor).
func (m *Matcher) Owner(name string) string {
	for _, b := range m.brands {
		if b.name == name {
			return b.owner
		}
	}
	return ""
}

func anyMatch(toks []Token, pats []pattern) bool {
	for _, p := range pats {
		if matchAt(toks, p) {
			return true
		}
	}
	return false
}

func matchAt(toks []Token, p pattern) bool {
	for i := 0; i+len(p) <= len(toks); i++ {
		ok := true
		for j, pt := range p {
			t := toks[i+j]
			if t.Word != pt.Word || (pt.Prefix != 0 && t.Prefix != pt.Prefix) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
