package appstore

import (
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

var update = flag.Bool("update", false, "rewrite golden files")

var feedPath = regexp.MustCompile(`^/([a-z]{2})/rss/customerreviews/page=([0-9]+)/id=([0-9]+)/sortby=mostrecent/json$`)

// fakeFeed serves testdata pages by page number; pages maps page number to
// body, per storefront.
type fakeFeed struct {
	mu       sync.Mutex
	pages    map[string]string // "us/1" → body
	requests []string
}

func newFake(t *testing.T) *fakeFeed {
	return &fakeFeed{pages: map[string]string{
		"us/1": string(ct.Fixture(t, "page1.json")),
		"us/2": string(ct.Fixture(t, "page2.json")),
	}}
}

func (f *fakeFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := feedPath.FindStringSubmatch(r.URL.Path)
	if m == nil || m[3] != "123456789" {
		http.Error(w, "not found", 404)
		return
	}
	f.requests = append(f.requests, m[1]+"/"+m[2])
	body, ok := f.pages[m[1]+"/"+m[2]]
	if !ok {
		body = `{"feed":{"author":{"name":{"label":"iTunes Store"}},"title":{"label":"iTunes Store: Customer Reviews"}}}`
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(body))
}

func TestCollectGoldenAndSecondRun(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "app_id: id123456789\nbase_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	ct.CheckItems(t, Type, items)
	ct.Golden(t, "reviews.golden.json", items, *update)
	if len(items) != 4 || strings.Join(fake.requests, ",") != "us/1,us/2" {
		t.Fatalf("items = %d, requests = %v; want 4 items from 2 pages (last page link)", len(items), fake.requests)
	}
	if cur.Extra["since:us"] != "2026-11-24T08:30:00Z" {
		t.Errorf("cursor = %+v", cur)
	}

	// A new review arrives on top of page 1; the second run reads back a
	// day before its mark (ReadBack: page 2's reviews are within it) and
	// returns just that review.
	var feed map[string]any
	json.Unmarshal(ct.Fixture(t, "page1.json"), &feed)
	entries := feed["feed"].(map[string]any)["entry"].([]any)
	fresh := map[string]any{}
	for k, v := range entries[0].(map[string]any) {
		fresh[k] = v
	}
	fresh["id"] = map[string]any{"label": "11350000010"}
	fresh["updated"] = map[string]any{"label": "2026-11-24T02:10:00-07:00"}
	fresh["title"] = map[string]any{"label": "Sudah diperbaiki"}
	feed["feed"].(map[string]any)["entry"] = append([]any{fresh}, entries...)
	b, _ := json.Marshal(feed)
	fake.mu.Lock()
	fake.pages["us/1"] = string(b)
	fake.requests = nil
	fake.mu.Unlock()
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].NativeID != "us:11350000010" || len(fake.requests) != 2 {
		t.Fatalf("second run = %+v (requests %v), want only the new review from page 1", items, fake.requests)
	}
	if !strings.HasPrefix(items[0].Title, "Sudah diperbaiki") {
		t.Errorf("title = %q", items[0].Title)
	}
}

func TestCountriesAndPartialFailure(t *testing.T) {
	fake := newFake(t)
	fake.pages["id/1"] = fake.pages["us/1"]
	delete(fake.pages, "us/2")
	srv := ct.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/us/rss/customerreviews/page=2/") {
			w.Header().Set("Retry-After", "30")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fake.ServeHTTP(w, r)
	})
	src := ct.Build(t, Type, "app_id: '123456789'\ncountries: [US, id]\nbase_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantHTTPStatus(t, err, 503)
	ct.WantRetryAfter(t, err, 30*time.Second)
	ct.WantErrorContains(t, err, "appstore", "storefront us")
	if len(items) != 6 {
		t.Fatalf("items = %d, want 3 from us page 1 and 3 from id", len(items))
	}
	if cur.Extra["since:us"] != "" || cur.Extra["since:id"] == "" || len(cur.Seen) != 6 || !cur.HasSeen("us:11350000003") {
		t.Fatalf("cursor = %+v: us mark must stay, its 3 items remembered", cur)
	}
	items, _, err = ct.Collect(t, src, cur)
	if err == nil || len(items) != 0 {
		t.Fatalf("retry = %d items, %v; want no duplicates and the same error", len(items), err)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		h     http.HandlerFunc
		check func(t *testing.T, err error)
	}{
		{"401", ct.Status(401, "Unauthorized"), func(t *testing.T, err error) { ct.WantAuth(t, err, "appstore", "123456789") }},
		{"403", ct.Status(403, "<html>Forbidden</html>"), func(t *testing.T, err error) { ct.WantAuth(t, err, "appstore") }},
		{"429", ct.Status(429, "slow down", "Retry-After", "60"), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 429)
			ct.WantRetryAfter(t, err, time.Minute)
		}},
		{"500", ct.Status(500, "oops"), func(t *testing.T, err error) { ct.WantHTTPStatus(t, err, 500) }},
		{"malformed", ct.Status(200, string(ct.Fixture(t, "malformed.json"))), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "appstore", "decoding App Store reviews feed")
		}},
		{"empty", ct.Status(200, string(ct.Fixture(t, "empty.json"))), func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ct.Serve(t, tc.h)
			src := ct.Build(t, Type, "app_id: '123456789'\nbase_url: "+srv.URL)
			items, _, err := ct.Collect(t, src, mw.Cursor{})
			tc.check(t, err)
			if len(items) != 0 {
				t.Errorf("items = %d, want 0", len(items))
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	ct.WantBuildError(t, Type, "country: us", "app_id is required")
	ct.WantBuildError(t, Type, "app_id: '1'\ncountry: usa", "two-letter")
	ct.WantBuildError(t, Type, "app_id: '1'\nmax_pages: 11", "at most 10")
	ct.WantBuildError(t, Type, "app_id: '1'\nappid: 2", "appid")
}

func TestSingleEntryObject(t *testing.T) {
	p, err := Parse(ct.Fixture(t, "page2.json"), "us", "123456789")
	if err != nil || len(p.Items) != 1 || p.LastPage != 2 {
		t.Fatalf("Parse(single entry object) = %+v, %v", p, err)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		if strings.HasSuffix(p, ".golden.json") {
			continue
		}
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte(`{"feed":{"entry":{"id":{"label":"1"},"im:rating":{"label":"NaN"},"updated":{"label":"x"}},"link":{"attributes":{"rel":"last","href":"page=-1"}}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Parse(body, "us", "1")
		if err != nil && len(p.Items) > 0 {
			t.Fatal("items with error")
		}
		for _, m := range p.Items {
			if m.Rating < 0 || m.Rating > 5 || m.NativeID == "" {
				t.Fatalf("bad item %+v", m)
			}
		}
	})
}

// BenchmarkParse compares Parse (decode + map to Mention) with a bare
// json.Unmarshal of the same 50-review page into Response.
func BenchmarkParse(b *testing.B) {
	var feed map[string]any
	json.Unmarshal(ct.Fixture(b, "page1.json"), &feed)
	entries := feed["feed"].(map[string]any)["entry"].([]any)
	var many []any
	for i := 0; i < benchItems; i++ {
		many = append(many, entries[i%len(entries)])
	}
	feed["feed"].(map[string]any)["entry"] = many
	body, _ := json.Marshal(feed)
	ct.BenchParse[Response](b, body, benchItems, func(body []byte) error {
		_, err := Parse(body, "us", "123456789")
		return err
	})
}

const benchItems = 50

// TestFutureDatedReviewDoesNotStopTheSource: one review "updated" in 2100
// set the storefront's mark there, and every later review, at or before
// it, was skipped: the source returned nothing, without an error, for
// good. The mark never passes now.
func TestFutureDatedReviewDoesNotStopTheSource(t *testing.T) {
	fake := newFake(t)
	var feed map[string]any
	json.Unmarshal(ct.Fixture(t, "page1.json"), &feed)
	entries := feed["feed"].(map[string]any)["entry"].([]any)
	entry := func(id, updated string) any {
		e := map[string]any{}
		for k, v := range entries[0].(map[string]any) {
			e[k] = v
		}
		e["id"], e["updated"] = map[string]any{"label": id}, map[string]any{"label": updated}
		return e
	}
	future := entry("11350000099", "2100-01-01T00:00:00-07:00")
	setPage1 := func(top ...any) {
		feed["feed"].(map[string]any)["entry"] = append(top, entries...)
		b, _ := json.Marshal(feed)
		fake.mu.Lock()
		fake.pages["us/1"] = string(b)
		fake.mu.Unlock()
	}
	setPage1(future)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "app_id: id123456789\nbase_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 5 {
		t.Fatalf("first run: %d items, %v", len(items), err)
	}
	if want := ct.Now.Format(time.RFC3339); cur.Extra["since:us"] != want {
		t.Errorf("mark = %s, want now (%s): a review dated in 2100 moved it", cur.Extra["since:us"], want)
	}
	setPage1(future, entry("11350000100", "2026-11-24T03:10:00-07:00"))
	items, _, err = ct.Collect(t, src, cur)
	var ids []string
	for _, m := range items {
		ids = append(ids, m.NativeID)
	}
	if err != nil || !slices.Contains(ids, "us:11350000100") {
		t.Fatalf("second run: %v, %v; want us:11350000100 among them", ids, err)
	}
	// A cursor an earlier version saved with the mark in 2100 heals.
	cur.Extra["since:us"] = "2100-01-01T07:00:00Z"
	items, healed, err := ct.Collect(t, src, cur)
	ids = nil
	for _, m := range items {
		ids = append(ids, m.NativeID)
	}
	if err != nil || !slices.Contains(ids, "us:11350000100") || healed.Extra["since:us"] != ct.Now.Format(time.RFC3339) {
		t.Fatalf("from a mark saved in 2100: %v (mark %s), %v; want us:11350000100 and the mark at now", ids, healed.Extra["since:us"], err)
	}
}

// A 429 on the first storefront stops the run: every storefront is read
// from the same host, and the scheduler waits for Retry-After.
func TestRateLimitStopsTheOtherStorefronts(t *testing.T) {
	rec := ct.Record(ct.Status(429, "slow down", "Retry-After", "60"))
	srv := ct.Serve(t, rec.ServeHTTP)
	src := ct.Build(t, Type, "app_id: '123456789'\ncountries: [us, id, gb]\nbase_url: "+srv.URL)
	_, _, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantHTTPStatus(t, err, 429)
	ct.WantRetryAfter(t, err, time.Minute)
	if paths := rec.Paths(); len(paths) != 1 {
		t.Errorf("requests %q; want 1: the run stops at the 429 instead of sending the other storefronts into the same limit", paths)
	}
}

// TestLateReviewsNotSkipped: Apple's feed is cached and reviews pass
// moderation before they show, so a review can appear after a run with an
// updated time older than the newest review that run saw. The collector
// stopped at its mark (updated at or before it) and such a review was
// never collected; one in the mark's own second neither. Each run now
// reads back a day before the mark, and the reviews read there are not
// returned twice.
func TestLateReviewsNotSkipped(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "app_id: id123456789\nbase_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 4 {
		t.Fatalf("first run: %d items, %v", len(items), err)
	}
	mark, err := time.Parse(time.RFC3339, cur.Extra["since:us"])
	if err != nil {
		t.Fatal(err)
	}

	var doc map[string]any
	json.Unmarshal(ct.Fixture(t, "page1.json"), &doc)
	feed := doc["feed"].(map[string]any)
	entries := feed["entry"].([]any)
	late := func(id string, updated time.Time) any {
		e := map[string]any{}
		b, _ := json.Marshal(entries[0])
		json.Unmarshal(b, &e)
		e["id"] = map[string]any{"label": id}
		e["updated"] = map[string]any{"label": updated.In(time.FixedZone("PDT", -7*3600)).Format(time.RFC3339)}
		e["title"] = map[string]any{"label": "Acme review " + id}
		return e
	}
	// Newest first: the late reviews sit among the ones already read.
	feed["entry"] = append([]any{entries[0], late("11350000090", mark), late("11350000091", mark.Add(-3*time.Hour))}, entries[1:]...)
	b, _ := json.Marshal(doc)
	fake.mu.Lock()
	fake.pages["us/1"] = string(b)
	fake.mu.Unlock()

	ct.WantLate(t, src, cur, "us:11350000090", "us:11350000091")
}
