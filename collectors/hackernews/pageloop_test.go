package hackernews

import (
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestPagesThatGoRound: a search (or a cache in front of it) that ignores
// page and answers page 0 to every request, with nbPages far on, was read
// to max_pages. The read stops at the repeat with a warning naming the
// source, and keeps the hits read.
func TestPagesThatGoRound(t *testing.T) {
	fake := newFake(t)
	h, requests := ct.Paging(fake.ServeHTTP, "page", func(body map[string]any, _ int) { body["nbPages"] = 50 })
	srv := ct.Serve(t, h)
	ct.WantPageLoopStop(t, Type, "query: acme\nhits_per_page: 2\nmax_pages: 20\nbase_url: "+srv.URL, mw.Cursor{}, requests, 2)
}
