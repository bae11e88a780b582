package scoring

import (
	"fmt"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/query"
)

// Matcher finds which configured brands (and competitors) a text names.
// Each brand is one boolean query (package query): its query: from the
// config, or its keywords and exclude compiled to "(k1 OR k2) NOT (e1 OR
// e2)" with every keyword a phrase. Matching folds case and diacritics and
// respects word boundaries. "@acme" matches only the handle, "#acme" only
// the hashtag, and a plain "acme" matches the word, the handle and the
// hashtag. A Matcher is immutable and safe for concurrent use.
type Matcher struct {
	brands   []brandMatcher
	needLang bool // some query filters on lang:, so MatchMention detects it
}

type brandMatcher struct {
	name  string
	owner string       // the tracked brand for a competitor; its own name otherwise
	q     *query.Query // nil: matches nothing (no keyword with a letter or digit)
}

// NewMatcher compiles the brands' queries. It expects brands from a
// validated config (mw.ParseConfig checks every query); a brand whose
// query does not parse matches nothing. CompileMatcher returns the error.
func NewMatcher(brands []mw.Brand) *Matcher {
	m, _ := compileMatcher(brands)
	return m
}

// CompileMatcher is NewMatcher that fails on the first query that does not
// parse, naming the brand.
func CompileMatcher(brands []mw.Brand) (*Matcher, error) { return compileMatcher(brands) }

func compileMatcher(brands []mw.Brand) (*Matcher, error) {
	m := &Matcher{}
	var first error
	add := func(name, owner, q string, keys, excl []string) {
		bq, err := BrandQuery(q, keys, excl)
		if err != nil && first == nil {
			first = fmt.Errorf("compiling the query of %s: %w", name, err)
		}
		m.needLang = m.needLang || bq != nil && bq.UsesField(query.FieldLang)
		m.brands = append(m.brands, brandMatcher{name: name, owner: owner, q: bq})
	}
	for _, b := range brands {
		add(b.Name, b.Name, b.Query, b.Keywords, b.Exclude)
		for _, c := range b.Competitors {
			add(c.Name, b.Name, c.Query, c.Keywords, c.Exclude)
		}
	}
	return m, first
}

// BrandQuery is the one query a brand's config stands for: q when set,
// else the keywords and excludes (query.AnyExcept). It returns nil, nil
// when there is no keyword with a letter or digit.
func BrandQuery(q string, keywords, exclude []string) (*query.Query, error) {
	if q != "" {
		return query.Parse(q)
	}
	bq, ok := query.AnyExcept(keywords, exclude)
	if !ok {
		return nil, nil
	}
	return bq, nil
}

// Match returns the names of the brands and competitors text names, in
// config order. Field filters (lang:, source:, ...) see empty fields; use
// MatchMention for a collected item.
func (m *Matcher) Match(text string) []string {
	p := query.Prepare(query.Doc{Text: text})
	return m.matchPrepared(&p)
}

// MatchMention returns the brands and competitors a collected item names:
// its title and text ("title\ntext") against the words of each query, and
// its source, type, author and language against the field filters.
// When a query filters on lang: and the item has no Lang yet, the language
// is detected as the scorer would.
func (m *Matcher) MatchMention(item *mw.Mention) []string {
	doc := query.Doc{Text: item.Title + "\n" + item.Text, Lang: item.Lang, Source: item.Source, Type: item.Type, Author: item.Author}
	if m.needLang && doc.Lang == "" {
		doc.Lang = langOf(item.Title, item.Text, item.LangHint)
	}
	p := query.Prepare(doc)
	return m.matchPrepared(&p)
}

func (m *Matcher) matchPrepared(p *query.Prepared) []string {
	var out []string
	for _, b := range m.brands {
		if b.q != nil && b.q.MatchPrepared(p) {
			out = append(out, b.name)
		}
	}
	return out
}

// langOf decides the language of a title and text as Score does, with
// the service's hint.
func langOf(title, text, hint string) string {
	s := getScratch()
	defer putScratch(s)
	if title != "" {
		s.tokenize(title)
	}
	s.tokenize(text)
	lang, _ := decideLang(s, mw.LangTag(hint))
	return lang
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
