package reviews

import (
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeSite serves the fixture pages by path (and ?page=), a robots.txt,
// and ETags so conditional GET works.
type fakeSite struct {
	mu       sync.Mutex
	pages    map[string]string // path[?page=N] → body
	etag     map[string]string
	requests []string
}

func newSite(t *testing.T) *fakeSite {
	f := &fakeSite{pages: map[string]string{}, etag: map[string]string{}}
	for path, file := range map[string]string{
		"/review/www.acme.example":             "trustpilot_p1.html",
		"/review/www.acme.example?page=2":      "trustpilot_p2.html",
		"/product/acme-kettle/":                "woocommerce_p1.html",
		"/product/acme-kettle/comment-page-2/": "woocommerce_p2.html",
		"/blender":                             "microdata.html",
		"/vacuum":                              "jsonld_product.html",
		"/malformed":                           "malformed.html",
		"/private/reviews":                     "trustpilot_p1.html",
	} {
		f.pages[path] = string(ct.Fixture(t, file))
		f.etag[path] = `"v1"`
	}
	f.pages["/empty"] = "<!DOCTYPE html><html><body><ol class='commentlist'></ol><p class='woocommerce-noreviews'>There are no reviews yet.</p></body></html>"
	return f
}

func (f *fakeSite) set(path, body, etag string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages[path], f.etag[path] = body, etag
}

func (f *fakeSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/robots.txt" {
		w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
		return
	}
	key := r.URL.Path
	if p := r.URL.Query().Get("page"); p != "" {
		key += "?page=" + p
	}
	f.requests = append(f.requests, key)
	body, ok := f.pages[key]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if e := f.etag[key]; e != "" {
		w.Header().Set("ETag", e)
		if r.Header.Get("If-None-Match") == e {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(body))
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name, path, extra string
		want              int
	}{
		{"trustpilot", "/review/www.acme.example", "preset: trustpilot", 5},
		{"trustpilot_selectors", "/review/www.acme.example", "preset: trustpilot\nstructured: false", 5},
		{"woocommerce", "/product/acme-kettle/", "preset: woocommerce", 4},
		{"microdata", "/blender", "", 2},
		{"jsonld_product", "/vacuum", "", 2},
		{"malformed", "/malformed", "preset: trustpilot", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := newSite(t)
			srv := ct.Serve(t, site.ServeHTTP)
			src := ct.Build(t, Type, "url: "+srv.URL+tc.path+"\n"+tc.extra)
			items, _, err := ct.Collect(t, src, mw.Cursor{})
			if err != nil {
				t.Fatal(err)
			}
			ct.CheckItems(t, Type, items)
			if len(items) != tc.want {
				t.Errorf("items = %d, want %d", len(items), tc.want)
			}
			// Golden files must not depend on the test server's port.
			for i := range items {
				items[i].URL = strings.ReplaceAll(items[i].URL, srv.URL, "https://site.example")
				items[i].NativeID = strings.ReplaceAll(items[i].NativeID, srv.URL, "https://site.example")
				items[i].NativeID = strings.ReplaceAll(items[i].NativeID, "127.0.0.1:", "site.example:")
			}
			ct.Golden(t, tc.name+".golden.json", items, *update)
		})
	}
}

func TestSecondRunReturnsOnlyNew(t *testing.T) {
	site := newSite(t)
	srv := ct.Serve(t, site.ServeHTTP)
	src := ct.Build(t, Type, "url: "+srv.URL+"/product/acme-kettle/\npreset: woocommerce")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 4 {
		t.Fatalf("first run: %d items, %v", len(items), err)
	}
	if cur.ETag != `"v1"` || len(cur.Seen) != 4 {
		t.Fatalf("cursor = %+v", cur)
	}

	// Unchanged page 1: one conditional request, nothing new.
	site.requests = nil
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 0 || len(site.requests) != 1 {
		t.Fatalf("unchanged: %d items, %v, requests %v", len(items), err, site.requests)
	}

	// A new review on top: page 1 changes; page 1 still has old reviews
	// beside the new one, page 2 is all old and stops the walk.
	p1 := string(ct.Fixture(t, "woocommerce_p1.html"))
	fresh := strings.Replace(p1, `<ol class="commentlist">`, `<ol class="commentlist">
	<li class="review" id="li-comment-420"><div class="comment_container"><div class="comment-text">
	<div class="star-rating" role="img" aria-label="Rated 1 out of 5"></div>
	<p class="meta"><strong class="woocommerce-review__author">Wati</strong> <time class="woocommerce-review__published-date" datetime="2026-11-24T08:00:00+07:00">24 November 2026</time></p>
	<div class="description"><p>Sudah dua kali retur, tetap bocor.</p></div></div></div></li>`, 1)
	site.set("/product/acme-kettle/", fresh, `"v2"`)
	site.requests = nil
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Text != "Sudah dua kali retur, tetap bocor." || items[0].Rating != 1 {
		t.Fatalf("new review run = %+v", items)
	}
	if cur.ETag != `"v2"` || len(site.requests) != 2 {
		t.Errorf("cursor %+v, requests %v", cur, site.requests)
	}
}

func TestLaterPageFails(t *testing.T) {
	site := newSite(t)
	var recovered atomic.Bool
	srv := ct.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" && !recovered.Load() {
			w.Header().Set("Retry-After", "90")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		site.ServeHTTP(w, r)
	})
	src := ct.Build(t, Type, "url: "+srv.URL+"/review/www.acme.example\npreset: trustpilot")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantHTTPStatus(t, err, 429)
	ct.WantRetryAfter(t, err, 90*time.Second)
	ct.WantErrorContains(t, err, "reviews", "page 2")
	if len(items) != 3 || len(cur.Seen) != 3 {
		t.Fatalf("items %d, seen %d; want page 1 kept and remembered", len(items), len(cur.Seen))
	}
	// Page 2 answers again; page 1 has not changed. The run read page 1
	// with its ETag kept, so the next one got 304 and never asked for
	// page 2: its reviews waited until page 1 changed.
	recovered.Store(true)
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 2 {
		t.Fatalf("next run: %d items, %v; want page 2's 2 reviews", len(items), err)
	}
	site.mu.Lock()
	site.requests = nil
	site.mu.Unlock()
	items, _, err = ct.Collect(t, src, cur)
	site.mu.Lock()
	requests := strings.Join(site.requests, ",")
	site.mu.Unlock()
	if err != nil || len(items) != 0 || requests != "/review/www.acme.example" {
		t.Fatalf("the run after: %d items, requests %s, %v; want page 1 only, unchanged", len(items), requests, err)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		h     http.HandlerFunc
		check func(t *testing.T, err error)
	}{
		{"401", ct.Status(401, "login required"), func(t *testing.T, err error) { ct.WantAuth(t, err, "reviews", "refused access") }},
		{"403", ct.Status(403, "<html>Access denied</html>"), func(t *testing.T, err error) { ct.WantAuth(t, err, "blocks this crawler") }},
		{"429", ct.Status(429, "slow down", "Retry-After", "120"), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 429)
			ct.WantRetryAfter(t, err, 2*time.Minute)
		}},
		{"500", ct.Status(500, "oops"), func(t *testing.T, err error) { ct.WantHTTPStatus(t, err, 500) }},
		{"not html", ct.Status(200, `{"reviews": []}`, "Content-Type", "application/json"), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "reviews", "not an HTML page")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ct.Serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				tc.h(w, r)
			})
			src := ct.Build(t, Type, "url: "+srv.URL+"/reviews\npreset: woocommerce")
			items, _, err := ct.Collect(t, src, mw.Cursor{})
			tc.check(t, err)
			if len(items) != 0 {
				t.Errorf("items = %d", len(items))
			}
		})
	}
}

func TestEmptyAndRobots(t *testing.T) {
	site := newSite(t)
	srv := ct.Serve(t, site.ServeHTTP)
	src := ct.Build(t, Type, "url: "+srv.URL+"/empty\npreset: woocommerce")
	items, _, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 0 {
		t.Fatalf("empty page: %d items, %v", len(items), err)
	}
	src = ct.Build(t, Type, "url: "+srv.URL+"/private/reviews\npreset: trustpilot")
	_, _, err = ct.Collect(t, src, mw.Cursor{})
	if !errors.Is(err, collectors.ErrRobots) {
		t.Fatalf("err = %v, want robots.txt refusal", err)
	}
	for _, r := range site.requests {
		if strings.HasPrefix(r, "/private/") {
			t.Fatalf("fetched a disallowed page: %v", site.requests)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	ct.WantBuildError(t, Type, "preset: trustpilot", "url")
	ct.WantBuildError(t, Type, "url: https://x.example/\npreset: yelp", "unknown preset", "trustpilot, woocommerce")
	ct.WantBuildError(t, Type, "url: https://x.example/\nselectors:\n  item: 'div[['", "selectors.item")
	ct.WantBuildError(t, Type, "url: https://x.example/\nselectors:\n  item: li\n  rating_regex: '(['", "rating_regex")
	ct.WantBuildError(t, Type, "url: https://x.example/\nselectors:\n  text: p", "need item")
	ct.WantBuildError(t, Type, "url: https://x.example/\nselectors:\n  itme: li", "itme")
	ct.WantBuildError(t, Type, "url: https://x.example/\nstructured: false", "selectors.item")
}

func TestCustomSelectorsPercentRating(t *testing.T) {
	site := newSite(t)
	srv := ct.Serve(t, site.ServeHTTP)
	src := ct.Build(t, Type, `url: `+srv.URL+`/product/acme-kettle/
max_pages: 1
structured: false
selectors:
  item: li.review
  author: .woocommerce-review__author
  rating: .star-rating span
  rating_attr: style
  rating_regex: 'width:\s*([0-9.]+)%'
  rating_max: 100
  text: .description
  date: time
`)
	items, _, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 3 {
		t.Fatalf("%d items, %v; want page 1 only (max_pages 1)", len(items), err)
	}
	if items[0].Rating != 2 || items[0].Author != "Ayu" || !items[0].Published.Equal(time.Date(2026, 11, 22, 3, 11, 0, 0, time.UTC)) {
		t.Errorf("first item = %+v", items[0])
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.html")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte(`<script type="application/ld+json">[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{"@type":"Review"}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]</script>`))
	f.Add([]byte(`<div itemscope itemtype="http://schema.org/Review"><span itemprop="reviewRating" itemscope><b itemprop="ratingValue">1e308</b></span></div>`))
	r := &Reviews{}
	sel := Presets[PresetTrustpilot]
	r.sel, r.ratingRe, r.structured = sel, defaultNumber, true
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := r.ParsePage(body, "https://site.example/reviews", now)
		if err != nil {
			return
		}
		for _, m := range p.Items {
			if m.NativeID == "" || m.Rating < 0 || m.Rating > 5 || m.Published.IsZero() {
				t.Fatalf("bad item %+v", m)
			}
		}
	})
}
