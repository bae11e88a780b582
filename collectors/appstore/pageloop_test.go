package appstore

import (
	"strconv"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestPagesThatGoRound: a feed (or a cache in front of it) that answers
// page 1 for every page number, with a last link far on, was read to
// max_pages. The read stops at the repeat with a warning naming the
// source, and keeps the reviews read.
func TestPagesThatGoRound(t *testing.T) {
	fake := newFake(t)
	page1 := strings.ReplaceAll(fake.pages["us/1"], "customerreviews/page=2/", "customerreviews/page=10/")
	for i := 1; i <= 10; i++ {
		fake.pages["us/"+strconv.Itoa(i)] = page1
	}
	srv := ct.Serve(t, fake.ServeHTTP)
	ct.WantPageLoopStop(t, Type, "app_id: id123456789\nmax_pages: 10\nbase_url: "+srv.URL, mw.Cursor{}, func() int { return len(fake.requests) }, 3)
}
