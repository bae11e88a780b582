package bluesky

import (
	"strconv"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestPagesThatGoRound: searchPosts naming the cursor it was asked for
// as the next, or ignoring it (ct.WantPageLoopStop).
func TestPagesThatGoRound(t *testing.T) {
	for ignore, want := range map[string]int{"": 4, "cursor": 2} {
		fake := newFake(t)
		var requests func() int
		fake.hook, requests = ct.Paging(fake.search, ignore, func(body map[string]any, n int) {
			body["cursor"] = "2" // the second page names itself next
			if ignore != "" {
				body["cursor"] = strconv.Itoa(2 * n)
			}
		})
		srv := ct.Serve(t, fake.ServeHTTP)
		ct.WantPageLoopStop(t, Type, config(srv.URL)+"\nlimit: 2\nmax_pages: 20", mw.Cursor{}, requests, want)
	}
}
