package rss

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// bigRSS is an RSS document of n items, one an hour (newest first, or
// oldest first when reversed), each naming Acme, with the ids of extra
// on top.
func bigRSS(n int, reversed bool, extra ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Archive</title><link>https://news.example/</link>`)
	item := func(id string, at time.Time) {
		fmt.Fprintf(&b, `<item><guid isPermaLink="false">%s</guid><link>https://news.example/%s</link><title>Acme story %s</title><pubDate>%s</pubDate></item>`,
			id, id, id, at.Format(time.RFC1123Z))
	}
	for i, id := range extra {
		item(id, collectortest.Now.Add(-time.Duration(i+1)*time.Second))
	}
	for j := range n {
		i := j
		if reversed {
			i = n - 1 - j
		}
		item(fmt.Sprintf("a-%d", i), collectortest.Now.Add(-time.Duration(i+1)*time.Hour))
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// TestBigFeedKeepsEveryItemOnce: a feed longer than max_items (500 a
// run) lost items, not only deduplicated them less well. Items past the
// first run's were dropped by the scheduler's window as older than 7 days
// before the newest it had taken, and from the sixth run on the collector
// handed back items it had taken before, whose ids its cursor (2,000) had
// let go of, so items 2,500 on were never read at all. Every item is now
// stored exactly once, in either document order, and an item published
// while the backlog is read is taken too.
func TestBigFeedKeepsEveryItemOnce(t *testing.T) {
	for _, reversed := range []bool{false, true} {
		t.Run(fmt.Sprintf("oldest_first=%v", reversed), func(t *testing.T) { bigFeedOnce(t, reversed) })
	}
}

func bigFeedOnce(t *testing.T, reversed bool) {
	const n = 3_000
	var body atomic.Value
	body.Store(bigRSS(n, reversed))
	srv := collectortest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body.Load().([]byte)) // no ETag: the whole feed every time
	})
	src := collectortest.Build(t, "rss", "url: "+srv.URL)
	run := collectortest.NewRunner()
	for i := range 12 {
		if i == 3 {
			body.Store(bigRSS(n, reversed, "fresh-1"))
		}
		if res := run.RunOnce(t, src); res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	got := map[string]int{}
	for _, m := range run.Items {
		got[m.NativeID]++
	}
	missing := 0
	for i := range n {
		if got[fmt.Sprintf("a-%d", i)] == 0 {
			missing++
		}
	}
	for id, c := range got {
		if c > 1 {
			t.Errorf("item %s stored %d times", id, c)
		}
	}
	if missing > 0 || got["fresh-1"] != 1 {
		t.Fatalf("%d of %d items never stored (fresh-1 stored %d times); want every item once", missing, n, got["fresh-1"])
	}
	cur := run.State.Saved("test").Cursor
	if size := len(fmt.Sprint(cur)); size > 400<<10 {
		t.Errorf("the cursor is %d bytes for a %d-item feed", size, n)
	}
}

// A cursor saved before Seen held hashes (ids, oldest first) still tells
// the items it names apart.
func TestBigFeedLegacyCursor(t *testing.T) {
	srv := collectortest.Serve(t, collectortest.Status(http.StatusOK, string(bigRSS(3, false)), "Content-Type", "application/rss+xml"))
	src := collectortest.Build(t, "rss", "url: "+srv.URL)
	items, next, err := collectortest.Collect(t, src, mw.Cursor{Seen: []string{"a-0", "a-2"}})
	if err != nil || len(items) != 1 || items[0].NativeID != "a-1" {
		t.Fatalf("items %+v, err %v; want a-1 only", items, err)
	}
	if again, _, _ := collectortest.Collect(t, src, next); len(again) != 0 {
		t.Fatalf("the next run returned %d items, want none", len(again))
	}
}
