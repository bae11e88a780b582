package mastodon

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gomastodon "github.com/mattn/go-mastodon"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeMastodon serves the hashtag timeline and status search of one
// instance from the same statuses, newest first, honouring limit, min_id
// (the timeline: the page immediately newer; search: a filter on the
// newest-first results), offset (search), since_id and max_id like the
// real API. Search needs the bearer token.
type fakeMastodon struct {
	mu       sync.Mutex
	statuses []json.RawMessage // newest first
	token    string
	requests []*http.Request
}

func newFake(t *testing.T) *fakeMastodon {
	var ss []json.RawMessage
	if err := json.Unmarshal(ct.Fixture(t, "tag.json"), &ss); err != nil {
		t.Fatal(err)
	}
	return &fakeMastodon{statuses: ss, token: "tok"}
}

func (f *fakeMastodon) add(id, created, content string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := fmt.Sprintf(`{"id":%q,"created_at":%q,"uri":"https://mastodon.social/users/rina/statuses/%s","url":"https://mastodon.social/@rina/%s","content":%q,"spoiler_text":"","reblog":null,"account":{"id":"109302000000000001","username":"rina","acct":"rina","followers_count":1521},"media_attachments":[],"mentions":[],"tags":[],"emojis":[]}`, id, created, id, id, content)
	f.statuses = append([]json.RawMessage{json.RawMessage(s)}, f.statuses...)
}

func idOf(s json.RawMessage) string {
	var x struct {
		ID string `json:"id"`
	}
	json.Unmarshal(s, &x)
	return x.ID
}

func (f *fakeMastodon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r)
	q := r.URL.Query()
	search := r.URL.Path == "/api/v2/search"
	switch {
	case search:
		if r.Header.Get("Authorization") != "Bearer "+f.token {
			w.WriteHeader(401)
			w.Write([]byte(`{"error":"The access token is invalid"}`))
			return
		}
		if q.Get("type") != "statuses" || q.Get("q") == "" {
			w.WriteHeader(400)
			return
		}
	case strings.HasPrefix(r.URL.Path, "/api/v1/timelines/tag/"):
	default:
		http.NotFound(w, r)
		return
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 40 {
		limit = 20
	}
	var match []json.RawMessage // newest first
	for _, s := range f.statuses {
		id := idOf(s)
		if (q.Get("min_id") != "" && CompareID(id, q.Get("min_id")) <= 0) ||
			(q.Get("since_id") != "" && CompareID(id, q.Get("since_id")) <= 0) ||
			(q.Get("max_id") != "" && CompareID(id, q.Get("max_id")) >= 0) {
			continue
		}
		match = append(match, s)
	}
	switch {
	case search:
		// Mastodon 4's StatusesSearchService turns min_id into an
		// "after:" filter and lists the newest matches first, by offset.
		off, _ := strconv.Atoi(q.Get("offset"))
		match = match[min(off, len(match)):]
	case q.Get("min_id") != "" && len(match) > limit:
		match = match[len(match)-limit:] // the statuses immediately newer than min_id
	}
	match = match[:min(limit, len(match))]
	if match == nil {
		match = []json.RawMessage{}
	}
	if search {
		json.NewEncoder(w).Encode(map[string]any{"accounts": []any{}, "statuses": match, "hashtags": []any{}})
		return
	}
	json.NewEncoder(w).Encode(match)
}

func (f *fakeMastodon) paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.requests {
		out = append(out, r.URL.Path+"?"+r.URL.RawQuery)
	}
	return out
}

func (f *fakeMastodon) reset() {
	f.mu.Lock()
	f.requests = nil
	f.mu.Unlock()
}

func TestCollectGoldenAndSecondRun(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "server: "+srv.URL+"\nhashtags: ['#Acme']")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	ct.CheckItems(t, Type, items)
	ct.Golden(t, "tag.golden.json", items, *update)
	if len(items) != 4 {
		t.Fatalf("items = %d, want 4 (the boost skipped)", len(items))
	}
	if p := fake.paths(); len(p) != 1 || p[0] != "/api/v1/timelines/tag/acme?limit=40" {
		t.Errorf("requests = %v, want the newest page of #acme only", p)
	}
	if cur.Extra["tag:acme"] != "113541200000000005" {
		t.Errorf("cursor = %+v", cur)
	}

	fake.add("113541300000000006", "2026-11-24T09:55:00.000Z", "<p>Update: paket <b>Acme</b> sudah sampai!</p>")
	fake.reset()
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].NativeID != "https://mastodon.social/users/rina/statuses/113541300000000006" ||
		items[0].Text != "Update: paket Acme sudah sampai!" || items[0].Author != "rina@"+host(srv.URL) || items[0].AuthorReach != 1521 {
		t.Fatalf("second run = %+v, want only the new status", items)
	}
	if p := fake.paths(); len(p) != 1 || !strings.Contains(p[0], "min_id=113541200000000005") {
		t.Errorf("second run requests = %v, want min_id of the mark", p)
	}
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 0 {
		t.Fatalf("third run = %d items, %v; want none", len(items), err)
	}
}

func host(u string) string { return strings.Split(strings.TrimPrefix(u, "http://"), ":")[0] }

// Pages walk forward from the mark; max_pages bounds one run and the next
// run continues where it stopped, so nothing is skipped.
func TestBoundedPagesSkipNothing(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "server: "+srv.URL+"\nhashtags: [acme]\nlimit: 2\nmax_pages: 1")
	cur := mw.Cursor{Extra: map[string]string{"tag:acme": "113540800000000001"}}
	var got []string
	for run := 0; run < 3; run++ {
		items, next, err := ct.Collect(t, src, cur)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			got = append(got, it.NativeID[strings.LastIndex(it.NativeID, "/")+1:])
		}
		cur = next
	}
	want := []string{"113540900000000002", "113541099000000000", "113541200000000005"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("three bounded runs = %v, want %v", got, want)
	}
	if cur.Extra["tag:acme"] != "113541200000000005" {
		t.Errorf("mark = %q", cur.Extra["tag:acme"])
	}
}

func TestSearchWithToken(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "server: "+srv.URL+"\nhashtags: [acme]\nquery: acme\naccess_token: tok")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 4 {
		t.Fatalf("items = %d, want the 4 statuses once although both streams found them", len(items))
	}
	p := fake.paths()
	if len(p) != 2 || !strings.HasPrefix(p[1], "/api/v2/search?") || !strings.Contains(p[1], "type=statuses") {
		t.Fatalf("requests = %v", p)
	}
	for _, r := range fake.requests {
		if r.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("%s without the token", r.URL.Path)
		}
	}
	if cur.Extra["search:acme"] != "113541200000000005" || len(cur.Seen) != 4 {
		t.Errorf("cursor = %+v", cur)
	}
}

func TestHashtagsFromBrands(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "server: "+srv.URL+"\nlocal: true")
	if _, _, err := ct.Collect(t, src, mw.Cursor{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"/api/v1/timelines/tag/acme?limit=40&local=true", "/api/v1/timelines/tag/acmestore?limit=40&local=true", "/api/v1/timelines/tag/globex?limit=40&local=true"}
	if p := fake.paths(); !slices.Equal(p, want) {
		t.Errorf("requests = %v, want %v (no search without a token)", p, want)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		conf  string
		h     http.HandlerFunc
		check func(t *testing.T, err error)
	}{
		{"401 token", "access_token: s3cret", ct.Status(401, `{"error":"The access token is invalid"}`), func(t *testing.T, err error) {
			ct.WantAuth(t, err, "mastodon", "rejected the access_token")
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error leaks the token: %v", err)
			}
		}},
		{"401 no token", "", ct.Status(401, `{"error":"This method requires an authenticated user"}`), func(t *testing.T, err error) {
			ct.WantAuth(t, err, "mastodon", "requires an access_token")
		}},
		{"403", "access_token: s3cret", ct.Status(403, `{"error":"This action is outside the authorized scopes"}`), func(t *testing.T, err error) {
			ct.WantAuth(t, err, "access_token", "scope")
		}},
		{"429", "", ct.Status(429, `{"error":"Too many requests"}`, "Retry-After", "300", "X-RateLimit-Remaining", "0"), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 429)
			ct.WantRetryAfter(t, err, 300*time.Second)
		}},
		{"500", "", ct.Status(500, "<html>We're sorry, but something went wrong</html>"), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 500)
			ct.WantErrorContains(t, err, "mastodon", "#acme")
		}},
		{"malformed", "", ct.Status(200, string(ct.Fixture(t, "malformed.json"))), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "mastodon", "decoding Mastodon timeline")
		}},
		{"malformed search", "access_token: tok\nhashtags: []\nquery: acme", ct.Status(200, `{"statuses":{}}`), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "mastodon", `search "acme"`, "decoding Mastodon search results")
		}},
		{"html", "", ct.Status(200, "<html>maintenance</html>"), func(t *testing.T, err error) { ct.WantErrorContains(t, err, "mastodon", "decoding") }},
		{"empty", "", ct.Status(200, string(ct.Fixture(t, "empty.json"))), func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ct.Serve(t, tc.h)
			conf := "server: " + srv.URL + "\n" + tc.conf
			if !strings.Contains(conf, "hashtags") {
				conf += "\nhashtags: [acme]"
			}
			items, _, err := ct.Collect(t, ct.Build(t, Type, conf), mw.Cursor{})
			tc.check(t, err)
			if len(items) != 0 {
				t.Errorf("items = %d, want 0", len(items))
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	ct.WantBuildError(t, Type, "hashtags: [acme]", "server")
	ct.WantBuildError(t, Type, "server: mastodon.social", "invalid server")
	ct.WantBuildError(t, Type, "server: https://m.example\nlimit: 80", "limit")
	ct.WantBuildError(t, Type, "server: https://m.example\nsearch: true", "access_token")
	ct.WantBuildError(t, Type, "server: https://m.example\nhashtag: [acme]", "hashtag")
}

// The scheduler stops the source on a rejected token; a second scheduled
// run stores nothing new.
func TestThroughScheduler(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	run := ct.NewRunner()
	conf := "server: " + srv.URL + "\nhashtags: [acme]\naccess_token: tok"
	if res := run.RunOnce(t, ct.Build(t, Type, conf)); res.Err != nil || res.Items != 4 {
		t.Fatalf("first run = %+v", res)
	}
	if res := run.RunOnce(t, ct.Build(t, Type, conf)); res.Err != nil || res.Items != 0 {
		t.Fatalf("second run = %+v, want nothing new", res)
	}
	res := run.RunOnce(t, ct.Build(t, Type, strings.Replace(conf, "access_token: tok", "access_token: revoked", 1)))
	if !res.Stop || !strings.Contains(res.Err.Error(), "access_token") {
		t.Fatalf("bad token run = %+v, want the source stopped naming access_token", res)
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
	f.Add([]byte(`[{"id":123,"created_at":"0001-01-01T00:00:00Z","content":"<p>&#xFFFFFF;<","account":{"followers_count":-1}},null]`))
	f.Add([]byte(`{"statuses":[{"id":"9","reblog":{"id":"8"}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, parse := range []func([]byte, string) (Page, error){ParseTimeline, ParseSearch} {
			p, err := parse(body, "m.example")
			if err != nil && len(p.Items) > 0 {
				t.Fatal("items with error")
			}
			if len(p.Items) > p.N {
				t.Fatal("more items than statuses")
			}
			for _, m := range p.Items {
				if m.NativeID == "" || m.URL == "" {
					t.Fatalf("item without id or url: %+v", m)
				}
			}
		}
	})
}

const benchItems = 40

// BenchmarkParse compares ParseTimeline (decode + map to Mention) with a
// bare json.Unmarshal of the same 40-status page into []*mastodon.Status.
func BenchmarkParse(b *testing.B) {
	var ss []map[string]any
	json.Unmarshal(ct.Fixture(b, "tag.json"), &ss)
	var page []map[string]any
	for i := 0; len(page) < benchItems; i++ {
		s := ss[i%len(ss)]
		if s["reblog"] != nil {
			continue
		}
		c := map[string]any{}
		for k, v := range s {
			c[k] = v
		}
		c["id"] = strconv.Itoa(113541200000000000 - i)
		page = append(page, c)
	}
	body, _ := json.Marshal(page)
	ct.BenchParse[[]*gomastodon.Status](b, body, benchItems, func(body []byte) error {
		_, err := ParseTimeline(body, "mastodon.social")
		return err
	})
}

// A 429 on the first stream stops the run: the other streams would hit
// the same instance's limit, and the scheduler waits until its reset.
func TestRateLimitStopsTheOtherStreams(t *testing.T) {
	rec := ct.Record(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/acme") {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", time.Now().Add(5*time.Minute).UTC().Format("2006-01-02T15:04:05.000000Z"))
			w.WriteHeader(429)
			w.Write([]byte(`{"error":"Too many requests"}`))
			return
		}
		w.Write([]byte(`[]`))
	})
	srv := ct.Serve(t, rec.ServeHTTP)
	src := ct.Build(t, Type, "server: "+srv.URL+"\nhashtags: [globex, acme, acmestore, kettle]")
	_, _, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantHTTPStatus(t, err, 429)
	if _, ok := collectors.RetryAfter(err); !ok {
		t.Errorf("error %v asks for no wait", err)
	}
	if paths := rec.Paths(); len(paths) != 2 {
		t.Errorf("requests %q; want 2: the run stops at the 429 instead of sending the other streams into the same limit", paths)
	}
}
