package reddit

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeReddit serves the token endpoint and the search listing.
type fakeReddit struct {
	mu         sync.Mutex
	tokens     int               // tokens issued
	valid      string            // the token the API accepts
	pages      map[string]string // after → listing body
	searches   []string
	agents     []string
	searchHook http.HandlerFunc // if set, answers /search instead
}

func newFake(t *testing.T) *fakeReddit {
	return &fakeReddit{pages: map[string]string{
		"":          string(ct.Fixture(t, "search_page1.json")),
		"t3_1h09x2": string(ct.Fixture(t, "search_page2.json")),
	}}
}

func (f *fakeReddit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.agents = append(f.agents, r.UserAgent())
	switch r.URL.Path {
	case "/api/v1/access_token":
		id, secret, ok := r.BasicAuth()
		r.ParseForm()
		if !ok || id != "cid" || secret != "csecret" || r.PostForm.Get("grant_type") != "client_credentials" {
			w.WriteHeader(401)
			w.Write([]byte(`{"message": "Unauthorized", "error": 401}`))
			return
		}
		f.tokens++
		f.valid = fmt.Sprintf("tok%d", f.tokens)
		fmt.Fprintf(w, `{"access_token": %q, "token_type": "bearer", "expires_in": 86400, "scope": "*"}`, f.valid)
	case "/search", "/r/indonesia+Frugal/search":
		if r.Header.Get("Authorization") != "bearer "+f.valid {
			w.Header().Set("www-authenticate", `Bearer realm="reddit", error="invalid_token"`)
			w.WriteHeader(401)
			w.Write([]byte(`{"message": "Unauthorized", "error": 401}`))
			return
		}
		f.searches = append(f.searches, r.URL.RawQuery)
		if f.searchHook != nil {
			f.searchHook(w, r)
			return
		}
		body, ok := f.pages[r.URL.Query().Get("after")]
		if !ok {
			body = `{"kind":"Listing","data":{"after":null,"dist":0,"children":[],"before":null}}`
		}
		w.Header().Set("X-Ratelimit-Remaining", "99.0")
		w.Write([]byte(body))
	default:
		http.NotFound(w, r)
	}
}

func config(url string) string {
	return "client_id: cid\nclient_secret: csecret\nusername: acme_social\ntoken_url: " + url + "/api/v1/access_token\napi_url: " + url
}

func TestCollectGoldenAndSecondRun(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL))
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	ct.CheckItems(t, Type, items)
	ct.Golden(t, "search.golden.json", items, *update)
	if len(items) != 4 || len(fake.searches) != 2 || fake.tokens != 1 {
		t.Fatalf("items %d, searches %v, tokens %d", len(items), fake.searches, fake.tokens)
	}
	q := fake.searches[0]
	for _, want := range []string{"q=acme+OR+%22acme+store%22+OR+globex", "sort=new", "limit=100", "raw_json=1"} {
		if !strings.Contains(q, want) {
			t.Errorf("query %q lacks %q", q, want)
		}
	}
	if fake.agents[0] != "server:mentionwatch:v1 (by /u/acme_social)" {
		t.Errorf("User-Agent = %q", fake.agents[0])
	}

	// A new post on top: the second run stops at the mark on page 1.
	var l map[string]any
	json.Unmarshal(ct.Fixture(t, "search_page1.json"), &l)
	children := l["data"].(map[string]any)["children"].([]any)
	fresh := map[string]any{}
	for k, v := range children[0].(map[string]any)["data"].(map[string]any) {
		fresh[k] = v
	}
	fresh["name"], fresh["id"], fresh["created_utc"] = "t3_1h0bb0", "1h0bb0", 1795513000.0
	fresh["title"] = "Update: paket Acme akhirnya sampai"
	l["data"].(map[string]any)["children"] = append([]any{map[string]any{"kind": "t3", "data": fresh}}, children...)
	b, _ := json.Marshal(l)
	fake.mu.Lock()
	fake.pages[""], fake.searches = string(b), nil
	fake.mu.Unlock()
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].NativeID != "t3_1h0bb0" || len(fake.searches) != 1 || fake.tokens != 1 {
		t.Fatalf("second run = %+v, searches %v, tokens %d; want the new post only, token reused", items, fake.searches, fake.tokens)
	}
	if !cur.LastTime.Equal(time.Unix(1795513000, 0)) {
		t.Errorf("cursor = %+v", cur)
	}
}

func TestTokenRefreshOn401(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL)+"\nsubreddits: [r/indonesia, Frugal]")
	if _, _, err := ct.Collect(t, src, mw.Cursor{}); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	fake.valid = "revoked" // the token dies early
	fake.mu.Unlock()
	items, _, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 4 || fake.tokens != 2 {
		t.Fatalf("after revocation: %d items, %v, tokens %d; want a refreshed token and the items", len(items), err, fake.tokens)
	}
	if !strings.Contains(fake.searches[0], "restrict_sr=1") {
		t.Errorf("subreddit search without restrict_sr: %s", fake.searches[0])
	}
}

func TestBadCredentials(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, strings.Replace(config(srv.URL), "csecret", "wrong", 1))
	items, _, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantAuth(t, err, "client_id/client_secret", "reddit.com/prefs/apps")
	if len(items) != 0 || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("items %d, err %v", len(items), err)
	}
}

func TestAPIRejectsEveryToken(t *testing.T) {
	fake := newFake(t)
	fake.searchHook = ct.Status(403, `{"message": "Forbidden", "error": 403}`)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL))
	_, _, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantAuth(t, err, "client_id/client_secret")
}

func TestDisabledWithoutCredentials(t *testing.T) {
	src := ct.Build(t, Type, "api_url: http://127.0.0.1:1\ntoken_url: http://127.0.0.1:1")
	items, cur, err := ct.Collect(t, src, mw.Cursor{LastID: "keep"})
	if err != nil || len(items) != 0 || cur.LastID != "keep" {
		t.Fatalf("disabled source: %d items, %+v, %v", len(items), cur, err)
	}
	ct.WantBuildError(t, Type, "client_id: only", "both client_id and client_secret")
	ct.WantBuildError(t, Type, "client_id: a\nclient_secret: b\ntype: users", "type")
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		h     http.HandlerFunc
		check func(t *testing.T, err error)
	}{
		{"429", ct.Status(429, `{"message": "Too Many Requests", "error": 429}`, "Retry-After", "42"), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 429)
			ct.WantRetryAfter(t, err, 42*time.Second)
		}},
		{"ratelimit-reset", ct.Status(429, `{}`, "X-Ratelimit-Remaining", "0", "X-Ratelimit-Reset", "17"), func(t *testing.T, err error) {
			ct.WantRetryAfter(t, err, 17*time.Second)
		}},
		{"500", ct.Status(500, "<html>all our servers are busy</html>"), func(t *testing.T, err error) { ct.WantHTTPStatus(t, err, 500) }},
		{"malformed", ct.Status(200, string(ct.Fixture(t, "malformed.json"))), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "reddit", "decoding Reddit listing")
		}},
		{"not a listing", ct.Status(200, `{"kind":"t5","data":{}}`), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "want Listing")
		}},
		{"empty", ct.Status(200, string(ct.Fixture(t, "empty.json"))), func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			fake.searchHook = tc.h
			srv := ct.Serve(t, fake.ServeHTTP)
			src := ct.Build(t, Type, config(srv.URL))
			items, _, err := ct.Collect(t, src, mw.Cursor{})
			tc.check(t, err)
			if len(items) != 0 {
				t.Errorf("items = %d, want 0", len(items))
			}
		})
	}
}

func TestLaterPageFails(t *testing.T) {
	fake := newFake(t)
	fake.pages["t3_1h09x2"] = "{not json"
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL))
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantErrorContains(t, err, "decoding Reddit listing")
	if len(items) != 3 || len(cur.Seen) != 3 || !cur.LastTime.IsZero() {
		t.Fatalf("items %d, cursor %+v; want page 1 kept, remembered, mark unmoved", len(items), cur)
	}
	fake.pages["t3_1h09x2"] = string(ct.Fixture(t, "search_page2.json"))
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 1 || items[0].NativeID != "t3_1h07k0" {
		t.Fatalf("retry = %+v, %v; want only the page-2 post", items, err)
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
	f.Add([]byte(`{"kind":"Listing","data":{"children":[{"kind":"t1","data":{"name":"t1_x","created_utc":1e300,"subreddit_subscribers":-5}}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Parse(body)
		if err != nil && len(p.Items) > 0 {
			t.Fatal("items with error")
		}
		for _, m := range p.Items {
			if m.NativeID == "" {
				t.Fatal("empty native id")
			}
		}
	})
}

const benchItems = 100

// BenchmarkParse compares Parse (decode + map to Mention) with a bare
// json.Unmarshal of the same 100-item listing into Listing.
func BenchmarkParse(b *testing.B) {
	var l map[string]any
	json.Unmarshal(ct.Fixture(b, "search_page1.json"), &l)
	children := l["data"].(map[string]any)["children"].([]any)
	var many []any
	for i := 0; i < benchItems; i++ {
		many = append(many, children[i%len(children)])
	}
	l["data"].(map[string]any)["children"] = many
	body, _ := json.Marshal(l)
	ct.BenchParse[Listing](b, body, benchItems, func(body []byte) error {
		_, err := Parse(body)
		return err
	})
}

// The scheduler stops the source on rejected credentials, and a second
// scheduled run after success stores only new items.
func TestThroughScheduler(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	run := ct.NewRunner()
	res := run.RunOnce(t, ct.Build(t, Type, config(srv.URL)))
	if res.Err != nil || res.Items != 4 || res.Stop {
		t.Fatalf("first run = %+v", res)
	}
	src := ct.Build(t, Type, config(srv.URL))
	res = run.RunOnce(t, src)
	if res.Err != nil || res.Items != 0 {
		t.Fatalf("second run = %+v, want nothing new", res)
	}
	res = run.RunOnce(t, ct.Build(t, Type, strings.Replace(config(srv.URL), "csecret", "bad", 1)))
	if !res.Stop || !strings.Contains(res.Err.Error(), "client_id/client_secret") {
		t.Fatalf("bad credentials run = %+v, want the source stopped naming the credential", res)
	}
}
