package mastodon

import (
	"fmt"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestSearchMoreThanAPageSinceTheMark: status search (Mastodon 4) reads
// min_id as a filter and still lists the newest matches first, so a page
// with min_id is the newest `limit` statuses after the mark, not those just
// after it. Walking forward from the newest page's id, as on a timeline,
// skipped every status between the mark and that page.
func TestSearchMoreThanAPageSinceTheMark(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "server: "+srv.URL+"\nhashtags: []\nquery: acme\naccess_token: tok\nlimit: 2\nmax_pages: 5")
	_, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	mark := cur.Extra["search:acme"]
	if mark != "113541200000000005" {
		t.Fatalf("first run mark = %q", mark)
	}
	for i := 1; i <= 5; i++ {
		fake.add(fmt.Sprintf("11354130000000000%d", i), fmt.Sprintf("2026-11-24T09:5%d:00.000Z", i), fmt.Sprintf("<p>acme post %d</p>", i))
	}
	fake.reset()
	items, cur, err := ct.Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.NativeID[strings.LastIndex(it.NativeID, "/")+1:])
	}
	if len(items) != 5 {
		t.Fatalf("second run = %v (requests %v), want the 5 statuses posted since the mark", got, fake.paths())
	}
	if cur.Extra["search:acme"] != "113541300000000005" {
		t.Errorf("mark = %q, want the newest status", cur.Extra["search:acme"])
	}
	if items, _, err := ct.Collect(t, src, cur); err != nil || len(items) != 0 {
		t.Fatalf("third run = %d items, %v; want none", len(items), err)
	}
}
