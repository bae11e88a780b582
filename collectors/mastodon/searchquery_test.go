package mastodon

import (
	"strings"
	"testing"

	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestSearchQueryForms: one search per term, then per phrase's joined
// form (collectortest.PerTermSearch).
func TestSearchQueryForms(t *testing.T) {
	ct.PerTermSearch(t, Type, "q", func(t *testing.T) (string, func() []string) {
		fake := newFake(t)
		srv := ct.Serve(t, fake.ServeHTTP)
		return "server: " + srv.URL + "\nhashtags: []\naccess_token: tok", func() []string { return searches(fake) }
	})
}

// searches returns the raw queries of the search requests fake served.
func searches(fake *fakeMastodon) []string {
	var out []string
	for _, p := range fake.paths() {
		if q, ok := strings.CutPrefix(p, "/api/v2/search?"); ok {
			out = append(out, q)
		}
	}
	return out
}
