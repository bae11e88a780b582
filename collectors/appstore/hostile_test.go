package appstore

import (
	"fmt"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestOversizedPageRefused: Apple's pages hold 50 reviews. A service at
// base_url that answers with thousands a page (ten such pages cost nine
// seconds and 600,000 mentions in one run) is refused with an error that
// names the page and what to check; the reviews of the pages before it
// are kept.
func TestOversizedPageRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"feed":{"entry":[`)
	for i := range MaxPageEntries + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":{"label":"%d"},"updated":{"label":"2020-01-01T00:00:00-07:00"},"im:rating":{"label":"1"},"content":{"label":"Acme bad"}}`, 1000+i)
	}
	b.WriteString(`]}}`)
	feed := newFake(t)
	feed.pages["us/2"] = b.String()
	srv := ct.Serve(t, feed.ServeHTTP)
	src := ct.Build(t, Type, "app_id: '123456789'\nmax_pages: 3\nbase_url: "+srv.URL)
	first, err := Parse(ct.Fixture(t, "page1.json"), "us", "123456789")
	if err != nil {
		t.Fatal(err)
	}
	items, _, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantErrorContains(t, err, "appstore", "page 2", "501 reviews", "check base_url")
	if len(items) != len(first.Items) {
		t.Fatalf("%d items, want the %d of page 1", len(items), len(first.Items))
	}
}
