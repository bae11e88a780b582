package youtube

import (
	"net/http"
	"strconv"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestPagesThatGoRound: a nextPageToken that names its own page, or
// pageToken ignored; each page read again cost quota (ct.WantPageLoopStop).
func TestPagesThatGoRound(t *testing.T) {
	for _, ignored := range []bool{false, true} {
		fake := newFake(t)
		calls := 0
		fake.hook = func(w http.ResponseWriter, r *http.Request) {
			calls++
			page, next := fake.threads[0:2], "QURTSl2" // the second page names itself next
			if ignored {
				next = "QURTSl" + strconv.Itoa(2*calls)
			} else if r.URL.Query().Get("pageToken") != "" {
				page = fake.threads[2:4]
			}
			w.Write([]byte(`{"kind":"youtube#commentThreadListResponse","nextPageToken":"` + next + `","pageInfo":{"totalResults":2,"resultsPerPage":2},"items":[` + string(page[0]) + `,` + string(page[1]) + `]}`))
		}
		srv := ct.Serve(t, fake.ServeHTTP)
		want := map[bool]int{false: 4, true: 2}[ignored]
		ct.WantPageLoopStop(t, Type, "api_key: "+key+"\nchannel_id: "+channel+"\nmax_pages: 20\nbase_url: "+srv.URL, mw.Cursor{}, func() int { return calls }, want)
	}
}
