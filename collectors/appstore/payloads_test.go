package appstore

import (
	"encoding/json"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestEntriesWithoutUpdated: the older JSON shape has no "updated" on its
// entries. The review id still sets the mark, so the next run returns only
// reviews posted since; undated reviews get the collection time.
func TestEntriesWithoutUpdated(t *testing.T) {
	fake := &fakeFeed{pages: map[string]string{"us/1": string(ct.Fixture(t, "no_updated.json"))}}
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "app_id: id123456789\nbase_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Fatalf("%d items, want 3", len(items))
	}
	for _, m := range items {
		if !m.Published.Equal(ct.Now.UTC()) {
			t.Errorf("%s: published %v, want the collection time %v", m.NativeID, m.Published, ct.Now)
		}
	}
	if cur.Extra["lastid:us"] != "8842113307" {
		t.Errorf("cursor %+v: the newest review id is not the mark", cur)
	}

	// The same page again: nothing new (Seen is not what stops it: clear it).
	cur.Seen = nil
	again, cur2, err := ct.Collect(t, src, cur)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run: %d items (%v), want none", len(again), err)
	}

	// A new review on top: only it comes back.
	var feed map[string]any
	json.Unmarshal(ct.Fixture(t, "no_updated.json"), &feed)
	entries := feed["feed"].(map[string]any)["entry"].([]any)
	fresh := map[string]any{}
	for k, v := range entries[1].(map[string]any) {
		fresh[k] = v
	}
	fresh["id"] = map[string]any{"label": "8843000001"}
	fresh["title"] = map[string]any{"label": "Refund never came"}
	feed["feed"].(map[string]any)["entry"] = append([]any{entries[0], fresh}, entries[1:]...)
	b, _ := json.Marshal(feed)
	fake.mu.Lock()
	fake.pages["us/1"] = string(b)
	fake.mu.Unlock()
	cur2.Seen = nil
	third, cur3, err := ct.Collect(t, src, cur2)
	if err != nil || len(third) != 1 || !strings.HasPrefix(third[0].Title, "Refund never came") || cur3.Extra["lastid:us"] != "8843000001" {
		t.Fatalf("third run: %+v, %v, cursor %+v", third, err, cur3)
	}
}
