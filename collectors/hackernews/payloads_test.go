package hackernews

import (
	"strconv"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestHitsIndexedAfterTheMark: Algolia makes an item searchable some time
// after it is created, not in creation order. A comment created in the
// mark's own second, or just before it, that is indexed after the run that
// set the mark was never returned: the next run asked only for
// created_at_i > mark.
func TestHitsIndexedAfterTheMark(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "base_url: "+srv.URL+"\nhits_per_page: 3\nquery: acme")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 4 || cur.Extra["since:acme"] != "1795513200" {
		t.Fatalf("first run: %d items, %+v, %v", len(items), cur.Extra, err)
	}
	// Indexed after the first run: one created in the mark's second, one
	// 40 s before it.
	fake.add(`{"_tags":["comment"],"author":"devon","comment_text":"Same here, Acme refunded me","created_at_i":1795513200,"objectID":"41000190","parent_id":41000105,"story_id":41000001,"story_title":"Show HN: Acme Store checkout, rebuilt in Go","story_text":null,"title":null,"url":null,"points":null}`)
	fake.add(`{"_tags":["comment"],"author":"kate","comment_text":"Acme support never answered","created_at_i":1795513160,"objectID":"41000185","parent_id":41000105,"story_id":41000001,"story_title":"Show HN: Acme Store checkout, rebuilt in Go","story_text":null,"title":null,"url":null,"points":null}`)

	ct.WantLate(t, src, cur, "41000190", "41000185")
}

// TestFutureDatedHitDoesNotStopTheSource: one hit with created_at_i in
// 2100 set the query's mark there, and every later run asked only for
// created_at_i after 2100: the source returned nothing, without an error,
// for good. The mark never passes now.
func TestFutureDatedHitDoesNotStopTheSource(t *testing.T) {
	fake := newFake(t)
	fake.add(`{"_tags":["story"],"author":"mallory","title":"Acme from the future","created_at_i":4102444800,"objectID":"41999999","story_text":"acme"}`)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "base_url: "+srv.URL+"\nquery: acme")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 5 {
		t.Fatalf("first run: %d items, %v", len(items), err)
	}
	if want := strconv.FormatInt(ct.Now.Unix(), 10); cur.Extra["since:acme"] != want {
		t.Errorf("mark = %s, want now (%s): a hit dated in 2100 moved it", cur.Extra["since:acme"], want)
	}
	fake.add(`{"_tags":["comment"],"author":"rina","comment_text":"Acme replied","created_at_i":1795514340,"objectID":"41000200","parent_id":41000105,"story_id":41000001,"story_title":"Show HN: Acme Store checkout, rebuilt in Go"}`)
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 1 || items[0].NativeID != "41000200" {
		t.Fatalf("second run: %d items %v, %v; want 41000200", len(items), items, err)
	}
	// A cursor an earlier version saved with the mark in 2100 heals.
	cur.Extra["since:acme"] = "4102444800"
	items, healed, err := ct.Collect(t, src, cur)
	if err != nil || len(items) != 1 || items[0].NativeID != "41000200" || healed.Extra["since:acme"] != strconv.FormatInt(ct.Now.Unix(), 10) {
		t.Fatalf("from a mark saved in 2100: %v (mark %s), %v; want 41000200 and the mark at now", items, healed.Extra["since:acme"], err)
	}
}
