package reviews

import (
	"fmt"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestPagesThatGoRound: a site that ignores ?page= answers its first
// page at every address, each with a "next" link one further on. A run
// resuming after a failed page reads every page up to max_pages, so it
// read the same reviews max_pages times. It stops at the repeat with a
// warning naming the source, and keeps the reviews read.
func TestPagesThatGoRound(t *testing.T) {
	site := newSite(t)
	first := site.pages["/review/www.acme.example"]
	for i := 1; i <= 20; i++ {
		next := `href="/review/www.acme.example?page=` + fmt.Sprint(i+1) + `"`
		site.set("/review/www.acme.example?page="+fmt.Sprint(i), strings.Replace(first, `href="/review/www.acme.example?page=2"`, next, 1), `"v1"`)
	}
	srv := ct.Serve(t, site.ServeHTTP)
	cur := mw.Cursor{Extra: map[string]string{extraResume: "1"}}
	ct.WantPageLoopStop(t, Type, "url: "+srv.URL+"/review/www.acme.example?page=1\npreset: trustpilot\nmax_pages: 20", cur, func() int { return len(site.requests) }, 3)
}
