package appstore

import (
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestLanguageHint: the feed gives no language per review; a storefront
// where one language dominates (id: Indonesian; us, gb, au, nz, ie:
// English) gives its reviews that LangHint, which scoring reads only when
// a review is too short to tell. Other storefronts give none.
func TestLanguageHint(t *testing.T) {
	page := string(ct.Fixture(t, "page1.json"))
	fake := &fakeFeed{pages: map[string]string{"id/1": page, "fr/1": page, "gb/1": page}}
	srv := ct.Serve(t, fake.ServeHTTP)
	items, _, err := ct.Collect(t, ct.Build(t, Type, "app_id: id123456789\ncountries: [id, fr, gb]\nmax_pages: 1\nbase_url: "+srv.URL), mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]bool{}
	for _, m := range items {
		c := m.NativeID[:2]
		if got[c] == nil {
			got[c] = map[string]bool{}
		}
		got[c][m.LangHint] = true
	}
	for c, want := range map[string]string{"id": "id", "fr": "", "gb": "en"} {
		if len(got[c]) != 1 || !got[c][want] {
			t.Errorf("storefront %s: hints %v, want only %q", c, got[c], want)
		}
	}
}
