package reviews

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestHugeJSONLDArrayBounded: a page whose JSON-LD is an array of
// 100,000 reviews (5 MB, within the body limit) used to come back whole from one
// run, costing gigabytes while the cursor remembered them one by one; and,
// as the cursor keeps only mw.MaxSeen ids, every later run returned the
// same reviews again. A run returns at most MaxPerRun, the next run the
// next ones (the page's ETag is not kept, so it is not answered with 304),
// and no review twice.
func TestHugeJSONLDArrayBounded(t *testing.T) {
	const n = 5_000 // ten times MaxPerRun: enough to show the bound, quick under -race
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><script type="application/ld+json">[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"@type":"Review","@id":"r%d","reviewBody":"Acme %d"}`, i, i)
	}
	b.WriteString(`]</script></head><body></body></html>`)
	site := newSite(t)
	site.set("/huge", b.String(), `"v1"`) // a run cut short must not save it
	srv := ct.Serve(t, site.ServeHTTP)
	src := ct.Build(t, Type, "url: "+srv.URL+"/huge\n")

	got := map[string]bool{}
	cur := mw.Cursor{}
	for run := 1; run <= 3; run++ {
		items, next, err := ct.Collect(t, src, cur)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if len(items) != MaxPerRun {
			t.Fatalf("run %d: %d reviews, want %d", run, len(items), MaxPerRun)
		}
		for _, m := range items {
			if got[m.NativeID] {
				t.Fatalf("run %d: %s returned again", run, m.NativeID)
			}
			got[m.NativeID] = true
		}
		if len(next.Seen) != run*MaxPerRun {
			t.Fatalf("run %d: cursor remembers %d ids, want %d", run, len(next.Seen), run*MaxPerRun)
		}
		cur = next
	}
}

// TestNextPagesAfterHostRedirect: sites redirect the address configured
// (acme.example) to their canonical host (www.acme.example), whose pages
// link the next page on that host. Paging used to stop after page 1, as
// the next link was not on the configured host; it follows links on the
// host the first page was served from, and still no other.
func TestNextPagesAfterHostRedirect(t *testing.T) {
	site := newSite(t)
	canonical := ct.Serve(t, site.ServeHTTP)
	other := ct.Serve(t, site.ServeHTTP)
	site.set("/review/www.acme.example?page=2", strings.Replace(site.pages["/review/www.acme.example?page=2"],
		`</body>`, `<a rel="next" href="`+other.URL+`/review/www.acme.example?page=3">next</a></body>`, 1), `"v1"`)
	site.set("/review/www.acme.example?page=3", site.pages["/review/www.acme.example"], `"v1"`)
	apex := ct.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, canonical.URL+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
	src := ct.Build(t, Type, "url: "+apex.URL+"/review/www.acme.example\npreset: trustpilot\nmax_pages: 5")
	items, _, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 5 || !slices.Contains(site.requests, "/review/www.acme.example?page=2") || slices.Contains(site.requests, "/review/www.acme.example?page=3") {
		t.Fatalf("%d reviews, requests %v; want pages 1 and 2 of the canonical host, and no page of another host", len(items), site.requests)
	}
}

// TestRelativeDatesKeepReviewIDs: a review without an id is known by a
// hash of what it shows, and that hash took the date as written. Sites
// that write "2 days ago" showed it as "3 days ago" the next day: the same
// reviews came back as new ones every day (stored and alerted again). A
// date that is not a date is left out of the hash.
func TestRelativeDatesKeepReviewIDs(t *testing.T) {
	page := func(when string) string {
		return `<!DOCTYPE html><html><body>
<div class="review"><b class="who">Ayu</b><span class="when">` + when + `</span><p class="body">Acme kettle broke after a week</p></div>
<div class="review"><b class="who">Budi</b><span class="when">` + when + `</span><p class="body">Acme delivery was quick</p></div>
</body></html>`
	}
	site := newSite(t)
	site.set("/relative", page("2 days ago"), `"d2"`)
	srv := ct.Serve(t, site.ServeHTTP)
	src := ct.Build(t, Type, "url: "+srv.URL+"/relative\nstructured: false\nselectors:\n  item: .review\n  author: .who\n  text: .body\n  date: .when\n")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 2 {
		t.Fatalf("first run: %d items, %v", len(items), err)
	}
	site.set("/relative", page("3 days ago"), `"d3"`)
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 0 {
		t.Fatalf("a day later: %d items %+v, %v; want none (the same reviews)", len(items), items, err)
	}
}

// TestRunBoundAcrossPages: a run that stops at MaxPerRun on page 2 left
// the rest of page 2 for the next run, which stopped at page 1 (all read
// before) and never came back to it.
func TestRunBoundAcrossPages(t *testing.T) {
	page := func(from, n int, next string) string {
		var b strings.Builder
		b.WriteString(`<!DOCTYPE html><html><head>` + next + `<script type="application/ld+json">[`)
		for i := from; i < from+n; i++ {
			if i > from {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"@type":"Review","@id":"r%d","reviewBody":"Acme %d"}`, i, i)
		}
		b.WriteString(`]</script></head><body></body></html>`)
		return b.String()
	}
	site := newSite(t)
	site.set("/many", page(0, 300, `<link rel="next" href="/many?page=2">`), `"v1"`)
	site.set("/many?page=2", page(300, 300, ""), `"v1"`)
	srv := ct.Serve(t, site.ServeHTTP)
	src := ct.Build(t, Type, "url: "+srv.URL+"/many\n")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != MaxPerRun {
		t.Fatalf("first run: %d reviews, %v; want %d", len(items), err, MaxPerRun)
	}
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 600-MaxPerRun {
		t.Fatalf("second run: %d reviews, %v; want the %d left on page 2", len(items), err, 600-MaxPerRun)
	}
}
