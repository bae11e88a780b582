package scoring

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/query"
)

func TestMatcher(t *testing.T) {
	m := NewMatcher([]mw.Brand{{
		Name:     "Acme",
		Keywords: []string{"acme", `"acme store"`, "@acme_id", "#acmeid", "Café Ñusa"},
		Exclude:  []string{"wile e coyote"},
		Competitors: []mw.Competitor{
			{Name: "Roboclean", Keywords: []string{"roboclean"}},
		},
	}})
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"I love my ACME vacuum", []string{"Acme"}},
		{"acme's app crashed", []string{"Acme"}},
		{"acmeist art movement", nil},
		{"thanks @acme_id!", []string{"Acme"}},
		{"thanks @acme_id_support", nil},
		{"#acmeid mantul", []string{"Acme"}},
		{"acmeid without hash", nil},
		{"ngopi di cafe nusa", []string{"Acme"}},
		{"Acme vs Roboclean?", []string{"Acme", "Roboclean"}},
		{"Wile E. Coyote ordered from Acme again", nil},
		{"ordered from #acme today", []string{"Acme"}},
		{"invalid \xff\xfe utf8 acme", []string{"Acme"}},
	} {
		if got := m.Match(tc.text); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Match(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if m.Owner("Roboclean") != "Acme" || m.Owner("Acme") != "Acme" {
		t.Error("Owner")
	}
}

func TestPipelineOnePerBrandStableIDs(t *testing.T) {
	brands := []mw.Brand{{Name: "Acme", Keywords: []string{"acme"}, Competitors: []mw.Competitor{{Name: "Roboclean", Keywords: []string{"roboclean"}}}}}
	p := NewPipeline(brands, NewScorer(brands))
	raw := []mw.Mention{
		{Type: "rss", NativeID: "1", Text: "Acme or Roboclean, which is better?"},
		{Type: "rss", NativeID: "2", Text: "nothing relevant"},
	}
	out := p.Process(raw, nil)
	if len(out) != 2 || out[0].Brand != "Acme" || out[1].Brand != "Roboclean" || out[0].ID == out[1].ID {
		t.Fatalf("got %+v", out)
	}
	if out[0].ID != mw.MentionID("Acme", "rss", "1") || out[0].Label == "" {
		t.Fatalf("id or score missing: %+v", out[0])
	}
	if got := p.Process(raw, []string{"Roboclean"}); len(got) != 1 || got[0].Brand != "Roboclean" {
		t.Fatalf("only filter: %+v", got)
	}
}

func BenchmarkMatch(b *testing.B) {
	m := NewMatcher([]mw.Brand{{Name: "Acme", Keywords: []string{"acme", "acme store", "@acme_id"}}})
	text := "Paket Acme belum sampai juga padahal udah dua minggu, kecewa banget sama acme store"
	b.ReportAllocs()
	for b.Loop() {
		m.Match(text)
	}
}

// legacyMatcher is the keyword matcher this package had before brand
// queries (any keyword as a phrase, minus any exclude), kept as the
// baseline that the query matcher must equal and is timed against.
type legacyMatcher struct {
	brands []legacyBrand
}

type legacyBrand struct {
	name      string
	keys, exc [][]Token
}

func newLegacyMatcher(brands []mw.Brand) *legacyMatcher {
	compile := func(ks []string) (out [][]Token) {
		for _, k := range ks {
			if p := Tokenize(Fold(strings.Trim(strings.TrimSpace(k), `"`))); len(p) > 0 {
				out = append(out, p)
			}
		}
		return out
	}
	m := &legacyMatcher{}
	for _, b := range brands {
		m.brands = append(m.brands, legacyBrand{b.Name, compile(b.Keywords), compile(b.Exclude)})
		for _, c := range b.Competitors {
			m.brands = append(m.brands, legacyBrand{c.Name, compile(c.Keywords), compile(c.Exclude)})
		}
	}
	return m
}

func (m *legacyMatcher) Match(text string) []string {
	toks := Tokenize(Fold(text))
	any := func(pats [][]Token) bool {
		for _, p := range pats {
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
		}
		return false
	}
	var out []string
	for _, b := range m.brands {
		if any(b.keys) && !any(b.exc) {
			out = append(out, b.name)
		}
	}
	return out
}

// corpusBrands are keyword brands that match a good share of the
// evaluation texts, with phrases, handles, hashtags, excludes and keywords
// that are operators or punctuation in the query syntax.
var corpusBrands = []mw.Brand{
	{Name: "A", Keywords: []string{"the", "not good", "@user", "#1", "tidak", `"very bad"`, "it's", "café"}, Exclude: []string{"movie", "sangat"},
		Competitors: []mw.Competitor{{Name: "C", Keywords: []string{"apple", "samsung galaxy", "#iphone", "@apple"}}}},
	{Name: "B", Keywords: []string{"saya", "sangat bagus", "phone", "!!!", "e-commerce", "go-jek"}},
	{Name: "D", Keywords: []string{"and", "or", "not", "NOT", "OR"}, Exclude: []string{"(", "the movie", "lang:id"}},
}

func corpusTexts(tb testing.TB) []string {
	var out []string
	for _, f := range []string{"sentiment-en/tweets.tsv", "sentiment-en/product_reviews.tsv", "sentiment-en/movie_reviews.tsv",
		"sentiment-id/smsa_train.tsv", "sentiment-id/smsa_valid.tsv", "moments/dev.tsv"} {
		data, err := os.ReadFile(filepath.Join(dataDir, f))
		if err != nil {
			tb.Skipf("evaluation data not present: %v", err)
		}
		out = append(out, strings.Split(string(data), "\n")...)
	}
	return out
}

// TestQueryMatcherEqualsKeywordMatcher: keywords and excludes compiled to
// one query give the brands the keyword matcher gave, on every line of the
// evaluation texts, except where the text holds a form of a keyword or an
// exclude that the query language also reads as the name (query's name
// forms: "gojek" for go-jek, "tidaknya" for tidak, "sayaaa" for saya).
// Every difference is checked to be one of those: the texts are compared
// again with the forms spelled out as the keyword matcher's words.
func TestQueryMatcherEqualsKeywordMatcher(t *testing.T) {
	texts := corpusTexts(t)
	old, cur := newLegacyMatcher(corpusBrands), NewMatcher(corpusBrands)
	matched, forms := 0, 0
	for _, s := range texts {
		a, b := old.Match(s), cur.Match(s)
		if !reflect.DeepEqual(a, b) {
			if c := old.Match(unform(s)); !reflect.DeepEqual(c, b) {
				t.Fatalf("%q: keyword matcher %v (%v with name forms spelled out), query matcher %v", s, a, c, b)
			}
			forms++
		}
		if len(a) > 0 {
			matched++
		}
	}
	t.Logf("%d of %d texts differ only by a name form", forms, len(texts))
	if matched < len(texts)/2 {
		t.Fatalf("only %d of %d texts matched: the comparison says little", matched, len(texts))
	}
	if forms > len(texts)/100 {
		t.Errorf("%d of %d texts differ by name forms: more than 1%%", forms, len(texts))
	}
}

// unform spells out, for the keyword matcher, the name forms of the
// corpus brands' words that the query language reads as the word: a
// trailing -nya, a last letter repeated, and go-jek / e-commerce written
// as one word.
func unform(s string) string {
	var out []string
	for _, w := range strings.Fields(s) {
		lw := strings.ToLower(w)
		switch {
		case lw == "gojek":
			w = "go-jek"
		case lw == "ecommerce":
			w = "e-commerce"
		}
		for _, k := range []string{"tidak", "saya", "phone", "apple", "movie", "galaxy", "bagus", "sangat", "good", "bad", "user", "iphone"} {
			if strings.HasPrefix(lw, k) && len(lw) > len(k) {
				rest := lw[len(k):]
				if rest == "nya" || strings.Trim(rest, k[len(k)-1:]) == "" {
					w = k
				}
			}
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// TestConfigQueryEqualsDirectQuery: a brand's query: in the config and the
// same string through query.Parse(...).Match (the inbox's path) agree on
// every text and field combination.
func TestConfigQueryEqualsDirectQuery(t *testing.T) {
	queries := []string{
		`(acme OR "acme store" OR @acme_id) -spam`,
		`paket NEAR/3 sampai lang:id`,
		`#promo* OR (kopi senja -author:@bot)`,
		`acme (source:play OR type:appstore)`,
	}
	var brands []mw.Brand
	for i, q := range queries {
		brands = append(brands, mw.Brand{Name: string(rune('A' + i)), Query: q})
	}
	m, err := CompileMatcher(brands)
	if err != nil {
		t.Fatal(err)
	}
	items := []mw.Mention{
		{Text: "Acme store rusak lagi", Source: "play", Type: "appstore", Author: "budi"},
		{Title: "Paket", Text: "paket saya belum juga sampai, kecewa", Source: "x", Type: "x", Author: "@bot"},
		{Text: "#PromoGajian kopi senja", Author: "@bot"},
		{Text: "kopi senja enak", Author: "rina", Type: "rss"},
		{Text: "acme spam spam", Type: "appstore"},
		{Text: "my parcel has not arrived, acme store", Lang: "en", Type: "appstore", Source: "play"},
	}
	for _, it := range items {
		got := m.MatchMention(&it)
		var want []string
		for i, qs := range queries {
			lang := it.Lang
			if lang == "" {
				lang = langOf(it.Title, it.Text, it.LangHint)
			}
			doc := query.Doc{Text: it.Title + "\n" + it.Text, Lang: lang, Source: it.Source, Type: it.Type, Author: it.Author}
			if query.MustParse(qs).Match(doc) {
				want = append(want, brands[i].Name)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: matcher %v, direct %v", it, got, want)
		}
	}
	// The texts above exercise every query both ways.
	if got := m.MatchMention(&items[1]); !reflect.DeepEqual(got, []string{"B"}) {
		t.Errorf("NEAR with detected lang:id: %v", got)
	}
	if got := m.MatchMention(&items[2]); !reflect.DeepEqual(got, []string{"C"}) {
		t.Errorf("#promo*: %v", got)
	}
	if got := m.MatchMention(&items[3]); !reflect.DeepEqual(got, []string{"C"}) {
		t.Errorf("kopi senja: %v", got)
	}
	if got := m.MatchMention(&items[0]); !reflect.DeepEqual(got, []string{"A", "D"}) {
		t.Errorf("acme: %v", got)
	}
}

func TestCompileMatcherNamesTheBrand(t *testing.T) {
	_, err := CompileMatcher([]mw.Brand{{Name: "Acme", Query: `acme "store`}})
	if err == nil || err.Error() != `compiling the query of Acme: query: column 6: unclosed quote: add the closing "` {
		t.Errorf("err = %v", err)
	}
	if got := NewMatcher([]mw.Brand{{Name: "Acme", Query: `acme "store`}}).Match("acme store"); got != nil {
		t.Errorf("a brand with a bad query matched: %v", got)
	}
}

// BenchmarkMatcherCorpus times the query matcher and the keyword matcher
// it replaced on the same texts and brands, alternating whole passes over
// the corpus so that load on a shared machine hits both alike. It reports
// query_ns/text, legacy_ns/text and their ratio; docs/BENCHMARKS.md
// records them.
func BenchmarkMatcherCorpus(b *testing.B) {
	texts := corpusTexts(b)
	legacy, cur := newLegacyMatcher(corpusBrands), NewMatcher(corpusBrands)
	var tLegacy, tQuery time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		for _, s := range texts {
			legacy.Match(s)
		}
		mid := time.Now()
		for _, s := range texts {
			cur.Match(s)
		}
		tLegacy += mid.Sub(start)
		tQuery += time.Since(mid)
		n += len(texts)
	}
	b.ReportMetric(float64(tLegacy.Nanoseconds())/float64(n), "legacy_ns/text")
	b.ReportMetric(float64(tQuery.Nanoseconds())/float64(n), "query_ns/text")
	b.ReportMetric(float64(tQuery)/float64(tLegacy), "query/legacy")
}
