package hackernews

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeAlgolia serves hits newest first, honouring numericFilters
// created_at_i>N, hitsPerPage and page, like the real search_by_date.
type fakeAlgolia struct {
	mu       sync.Mutex
	hits     []json.RawMessage
	requests []string
	failPage int // answer this page with 500 (-1: never)
}

func newFake(t *testing.T) *fakeAlgolia {
	var r struct {
		Hits []json.RawMessage `json:"hits"`
	}
	if err := json.Unmarshal(ct.Fixture(t, "search.json"), &r); err != nil {
		t.Fatal(err)
	}
	return &fakeAlgolia{hits: r.Hits, failPage: -1}
}

func (f *fakeAlgolia) add(h string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits = append([]json.RawMessage{json.RawMessage(h)}, f.hits...)
}

func (f *fakeAlgolia) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.URL.RawQuery)
	q := r.URL.Query()
	if r.URL.Path != "/search_by_date" || q.Get("query") == "" || q.Get("tags") != "(story,comment)" {
		http.Error(w, "bad request", 400)
		return
	}
	since, _ := strconv.ParseInt(strings.TrimPrefix(q.Get("numericFilters"), "created_at_i>"), 10, 64)
	per, _ := strconv.Atoi(q.Get("hitsPerPage"))
	page, _ := strconv.Atoi(q.Get("page"))
	if page == f.failPage {
		http.Error(w, "upstream error", 500)
		return
	}
	var match []json.RawMessage
	for _, h := range f.hits {
		var x struct {
			T int64 `json:"created_at_i"`
		}
		json.Unmarshal(h, &x)
		if x.T > since {
			match = append(match, h)
		}
	}
	pages := (len(match) + per - 1) / per
	lo, hi := min(page*per, len(match)), min((page+1)*per, len(match))
	if match[lo:hi] == nil {
		match = []json.RawMessage{}
	}
	json.NewEncoder(w).Encode(map[string]any{"hits": match[lo:hi], "nbHits": len(match), "nbPages": pages, "page": page, "hitsPerPage": per, "query": q.Get("query")})
}

func TestCollectGoldenAndSecondRun(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "base_url: "+srv.URL+"\nhits_per_page: 3\nquery: acme")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	ct.CheckItems(t, Type, items)
	ct.Golden(t, "search.golden.json", items, *update)
	if len(fake.requests) != 2 {
		t.Errorf("requests = %d, want 2 pages", len(fake.requests))
	}
	if cur.Extra["since:acme"] != "1795513200" {
		t.Errorf("cursor = %+v", cur)
	}

	fake.add(`{"_tags":["comment"],"author":"rina","comment_text":"Acme baru saja membalas, terima kasih!","created_at_i":1795513500,"objectID":"41000200","parent_id":41000105,"story_id":41000001,"story_title":"Show HN: Acme Store checkout, rebuilt in Go"}`)
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].NativeID != "41000200" || items[0].Text != "Acme baru saja membalas, terima kasih!" {
		t.Fatalf("second run = %+v, want only the new comment", items)
	}
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 0 {
		t.Fatalf("third run = %d items, %v; want none", len(items), err)
	}
}

func TestQueriesFromBrands(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "base_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	// acme, "acme store", globex and acmestore (the phrase written as
	// one word) each search; the fake ignores the query, so dedup leaves
	// the 4 fixture hits.
	if len(items) != 4 || len(fake.requests) != 4 {
		t.Fatalf("items = %d, requests = %v", len(items), fake.requests)
	}
	if !strings.Contains(fake.requests[1], "query=%22acme+store%22") {
		t.Errorf("phrase not quoted: %s", fake.requests[1])
	}
	if !strings.Contains(fake.requests[3], "query=acmestore&") {
		t.Errorf("joined form not searched: %s", fake.requests[3])
	}
	if len(cur.Extra) != 4 {
		t.Errorf("cursor extra = %v, want one mark per query", cur.Extra)
	}
}

func TestLaterPageFailsKeepsEarlierItems(t *testing.T) {
	fake := newFake(t)
	fake.failPage = 1
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "base_url: "+srv.URL+"\nhits_per_page: 2\nquery: acme")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantHTTPStatus(t, err, 500)
	ct.WantErrorContains(t, err, "hackernews", `"acme"`)
	if len(items) != 2 {
		t.Fatalf("items = %d, want the 2 of page 0", len(items))
	}
	if len(cur.Seen) != 2 {
		t.Fatalf("cursor %+v should remember the items returned", cur)
	}
	fake.failPage = -1
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 2 {
		t.Fatalf("retry = %d items, %v; want the 2 older hits only", len(items), err)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		h      http.HandlerFunc
		check  func(t *testing.T, err error)
		nItems int
	}{
		{"401", ct.Status(401, `{"message":"Invalid Application-ID or API key","status":401}`), func(t *testing.T, err error) { ct.WantAuth(t, err, "hackernews") }, 0},
		{"429", ct.Status(429, `{"message":"Too many requests"}`, "Retry-After", "120"), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 429)
			ct.WantRetryAfter(t, err, 120*time.Second)
		}, 0},
		{"500", ct.Status(500, "oops"), func(t *testing.T, err error) { ct.WantHTTPStatus(t, err, 500) }, 0},
		{"malformed", ct.Status(200, string(ct.Fixture(t, "malformed.json"))), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "hackernews", "decoding Algolia HN response")
		}, 0},
		{"html", ct.Status(200, "<html>captive portal</html>"), func(t *testing.T, err error) { ct.WantErrorContains(t, err, "decoding") }, 0},
		{"empty", ct.Status(200, string(ct.Fixture(t, "empty.json"))), func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ct.Serve(t, tc.h)
			src := ct.Build(t, Type, "base_url: "+srv.URL+"\nquery: acme")
			items, _, err := ct.Collect(t, src, mw.Cursor{})
			tc.check(t, err)
			if len(items) != tc.nItems {
				t.Errorf("items = %d, want %d", len(items), tc.nItems)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	ct.WantBuildError(t, Type, "hits_per_page: 5000", "hits_per_page")
	ct.WantBuildError(t, Type, "base_url: ::nope", "base_url")
	ct.WantBuildError(t, Type, "qurey: acme", "qurey")
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
	f.Add([]byte(`{"hits":[{"objectID":"1","created_at_i":-99999999999,"comment_text":"<p>&#xFFFFFF;"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, _, err := Parse(body)
		if err != nil && items != nil {
			t.Fatal("items with error")
		}
		for _, m := range items {
			if m.NativeID == "" {
				t.Fatal("empty native id")
			}
		}
	})
}

// BenchmarkParse compares Parse (decode + map to Mention) with a bare
// json.Unmarshal of the same payload into Response.
func BenchmarkParse(b *testing.B) {
	body := benchPayload(b)
	ct.BenchParse[Response](b, body, benchHits, func(body []byte) error {
		_, _, err := Parse(body)
		return err
	})
}

const benchHits = 100

// benchPayload is a 100-hit page made from the fixture's hits.
func benchPayload(b *testing.B) []byte {
	var r map[string]any
	if err := json.Unmarshal(ct.Fixture(b, "search.json"), &r); err != nil {
		b.Fatal(err)
	}
	src := r["hits"].([]any)
	var hits []any
	for i := 0; len(hits) < benchHits; i++ {
		h := map[string]any{}
		for k, v := range src[i%len(src)].(map[string]any) {
			h[k] = v
		}
		h["objectID"] = fmt.Sprint(41000000 + i)
		hits = append(hits, h)
	}
	r["hits"] = hits
	out, _ := json.Marshal(r)
	return out
}

// A 429 on the first query stops the run: Algolia limits by IP, so the
// other queries would be refused too, and the scheduler waits.
func TestRateLimitStopsTheOtherQueries(t *testing.T) {
	rec := ct.Record(ct.Status(429, `{"message":"Too many requests"}`, "Retry-After", "120"))
	srv := ct.Serve(t, rec.ServeHTTP)
	src := ct.Build(t, Type, "base_url: "+srv.URL) // one query per keyword
	_, _, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantHTTPStatus(t, err, 429)
	ct.WantRetryAfter(t, err, 120*time.Second)
	if paths := rec.Paths(); len(paths) != 1 {
		t.Errorf("%d requests; want 1: the run stops at the 429 instead of sending the other queries into the same limit", len(paths))
	}
}
