package hackernews

import (
	"testing"

	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestSearchQueryForms: one search per term, then per phrase's joined
// form (collectortest.PerTermSearch).
func TestSearchQueryForms(t *testing.T) {
	ct.PerTermSearch(t, Type, "query", func(t *testing.T) (string, func() []string) {
		fake := newFake(t)
		srv := ct.Serve(t, fake.ServeHTTP)
		return "base_url: " + srv.URL, func() []string { return fake.requests }
	})
}
