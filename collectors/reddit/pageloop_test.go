package reddit

import (
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestPagesThatGoRound: Reddit has answered a listing with the "after" it
// was asked for (praw-dev/praw#887), or with its first page whatever
// "after" said. The run read the same page up to max_pages, then advised
// raising max_pages. It stops at the repeat with a warning naming the
// source, and keeps the posts read.
func TestPagesThatGoRound(t *testing.T) {
	echoed := strings.Replace(string(ct.Fixture(t, "search_page2.json")), `"after": null`, `"after": "t3_1h09x2"`, 1)
	for name, page2 := range map[string]string{"after echoed": echoed, "after ignored": string(ct.Fixture(t, "search_page1.json"))} {
		t.Run(name, func(t *testing.T) {
			fake := newFake(t)
			fake.pages["t3_1h09x2"] = page2
			srv := ct.Serve(t, fake.ServeHTTP)
			want := map[string]int{"after echoed": 4, "after ignored": 3}[name]
			ct.WantPageLoopStop(t, Type, config(srv.URL)+"\nmax_pages: 20", mw.Cursor{}, func() int { return len(fake.searches) }, want)
		})
	}
}
