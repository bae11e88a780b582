package x

import (
	"strconv"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestPagesThatGoRound: X's next_token given back again, or a next page
// answering the first whatever next_token says (ct.WantPageLoopStop).
func TestPagesThatGoRound(t *testing.T) {
	for ignore, want := range map[string]int{"": 20, "next_token": 10} {
		fake := newFake(t)
		fake.add(41)
		h, requests := ct.Paging(fake.ServeHTTP, ignore, func(body map[string]any, n int) {
			tok := "b26v89c19zqg8o3f10" // the second page names itself next
			if ignore != "" {
				tok = "b26v89c19zqg8o3f" + strconv.Itoa(10*n)
			}
			body["meta"].(map[string]any)["next_token"] = tok
		})
		srv := ct.Serve(t, h)
		ct.WantPageLoopStop(t, Type, conf+"\nmax_pages: 20\nbase_url: "+srv.URL, mw.Cursor{}, requests, want)
	}
}
