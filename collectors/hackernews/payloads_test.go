package hackernews

import (
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
