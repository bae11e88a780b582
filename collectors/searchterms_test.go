package collectors

import (
	"slices"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestSearchTermsFromQuery: a brand written as a boolean query asks search
// APIs for the words and phrases it looks for, never for what it excludes.
func TestSearchTermsFromQuery(t *testing.T) {
	brands := []mw.Brand{
		{Name: "Acme", Keywords: []string{"acme", "acme store"}},
		{Name: "Senja", Query: `("kopi senja" OR @kopisenja) NOT lowongan`,
			Competitors: []mw.Competitor{{Name: "Fore", Query: "fore AND kopi"}}},
	}
	got := SearchTerms(brands)
	want := []string{"acme", "acme store", "kopi senja", "@kopisenja", "fore", "kopi"}
	if !slices.Equal(got, want) {
		t.Errorf("SearchTerms = %q, want %q", got, want)
	}
}

// TestSearchTermsAsWritten: a keyword written in quotes (as the matcher
// reads it, a phrase) is its words, and one without letters or digits,
// which matches nothing, asks for nothing.
func TestSearchTermsAsWritten(t *testing.T) {
	brands := []mw.Brand{{Name: "Kopi", Keywords: []string{`"Kopi Kenangan"`, "  gojek ", `"`, "!!!", `""`}}}
	got := SearchTerms(brands)
	want := []string{"Kopi Kenangan", "gojek"}
	if !slices.Equal(got, want) {
		t.Errorf("SearchTerms = %q, want %q", got, want)
	}
}

// TestSearchQueries: one query per distinct term, quoted where it has
// spaces or punctuation a service would read as syntax, then the joined
// forms of phrases not already asked for.
func TestSearchQueries(t *testing.T) {
	for _, tc := range []struct {
		explicit string
		terms    []string
		want     []string
	}{
		{"", []string{"kopi kenangan", "gojek"}, []string{`"kopi kenangan"`, "gojek", "kopikenangan"}},
		{"", []string{"#KopiKenangan", "kopi kenangan"}, []string{"KopiKenangan", `"kopi kenangan"`}},
		{"", []string{"go-jek", "Gojek"}, []string{`"go-jek"`, "Gojek"}},
		{"", []string{"acme:pro", "(acme)", `acme "pro" store`}, []string{`"acme:pro"`, `"(acme)"`, `"acme pro store"`, "acmepro", "acmeprostore"}},
		{"", []string{"H&M", "@kopi senja"}, []string{`"H&M"`, `"kopi senja"`}}, // no joined form: the matcher takes none for a handle
		{`"kopi kenangan" -lowongan`, []string{"kopi kenangan"}, []string{`"kopi kenangan" -lowongan`}},
	} {
		if got := SearchQueries(tc.explicit, tc.terms); !slices.Equal(got, tc.want) {
			t.Errorf("SearchQueries(%q, %q) = %q, want %q", tc.explicit, tc.terms, got, tc.want)
		}
	}
}

// TestOrQueryFits: the terms are always all there; joined forms are added
// in order while the query fits, and one that does not fit does not stop a
// shorter later one.
func TestOrQueryFits(t *testing.T) {
	o := OrQuery{Sep: " OR ", Term: QuoteTerm, Joined: func(j string) []string { return []string{j} },
		Fits: func(q string) bool { return len(q) <= 60 }}
	got := o.Build([]string{"kopi kenangan", "acme", "sepatu kulit bagus", "go jek"}, nil)
	want := `"kopi kenangan" OR acme OR "sepatu kulit bagus" OR "go jek"` // 57 bytes: no room
	if got != want {
		t.Errorf("Build = %s, want %s", got, want)
	}
	o.Fits = func(q string) bool { return len(q) <= 90 }
	got = o.Build([]string{"kopi kenangan", "acme", "sepatu kulit bagus", "go jek"}, nil)
	want += " OR kopikenangan OR gojek" // sepatukulitbagus would pass 90
	if got != want {
		t.Errorf("Build = %s, want %s", got, want)
	}
}
