package mastodon

import (
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestPagesThatGoRound: a server that ignores min_id on a hashtag
// timeline, or offset in search (Mastodon-API look-alikes, a caching
// proxy keyed on the path), answers its newest page to every request. The
// read asked for it up to max_pages, then advised raising max_pages. It
// stops at the repeat with a warning naming the source, and keeps the
// statuses read.
func TestPagesThatGoRound(t *testing.T) {
	for _, tc := range []struct{ conf, key, ignore string }{
		{"hashtags: [acme]", "tag:acme", "min_id"},
		{"hashtags: []\nquery: acme\naccess_token: tok", "search:acme", "offset"},
	} {
		fake := newFake(t)
		h, requests := ct.Paging(fake.ServeHTTP, tc.ignore, nil)
		srv := ct.Serve(t, h)
		cur := mw.Cursor{Extra: map[string]string{tc.key: "113540800000000001"}}
		ct.WantPageLoopStop(t, Type, "server: "+srv.URL+"\n"+tc.conf+"\nlimit: 2\nmax_pages: 20", cur, requests, 2)
	}
}
