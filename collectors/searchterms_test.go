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
