package bluesky

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
		return strings.Replace(config(srv.URL), "query: acme", "author_reach: false", 1), func() []string { return fake.searches }
	})
}
