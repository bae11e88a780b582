package bluesky

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	handle   = "acme.bsky.social"
	password = "abcd-efgh-ijkl-mnop"
)

// fakeBluesky is a PDS: app-password sessions (createSession,
// refreshSession) and searchPosts/getProfiles for a valid access JWT. It
// sorts and filters posts by sortAt (the earlier of createdAt and
// indexedAt) like the real search, and pages with an offset cursor.
type fakeBluesky struct {
	mu        sync.Mutex
	posts     []json.RawMessage
	followers map[string]int64
	created   int // createSession calls
	refreshed int // refreshSession calls
	access    string
	refresh   string
	expired   map[string]bool // access or refresh JWTs the server calls expired
	accessExp time.Time       // exp claim of the next access JWT
	searches  []string
	hook      http.HandlerFunc // if set, answers searchPosts
	badActor  string           // a getProfiles batch asking for it fails with a 502
}

func newFake(t *testing.T) *fakeBluesky {
	var r struct {
		Posts []json.RawMessage `json:"posts"`
	}
	if err := json.Unmarshal(ct.Fixture(t, "search.json"), &r); err != nil {
		t.Fatal(err)
	}
	return &fakeBluesky{posts: r.Posts, expired: map[string]bool{}, accessExp: ct.Now.Add(2 * time.Hour),
		followers: map[string]int64{"rina.bsky.social": 2310, "devon.dev": 51200, "skew.bsky.social": 3}}
}

func jwt(sub string, exp time.Time, n int) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"typ":"at+jwt","alg":"ES256K"}`)) + "." +
		enc(fmt.Appendf(nil, `{"scope":"com.atproto.appPass","sub":%q,"iat":%d,"exp":%d,"aud":"did:web:bsky.social","n":%d}`, sub, ct.Now.Unix(), exp.Unix(), n)) + ".c2ln"
}

func (f *fakeBluesky) issue(w http.ResponseWriter) {
	n := f.created + f.refreshed
	f.access = jwt("did:plc:acme", f.accessExp, n)
	f.refresh = jwt("did:plc:acme", ct.Now.Add(90*24*time.Hour), n) + "r"
	fmt.Fprintf(w, `{"did":"did:plc:acme","handle":%q,"email":"social@acme.example","emailConfirmed":true,"accessJwt":%q,"refreshJwt":%q,"active":true}`, handle, f.access, f.refresh)
}

func xrpcErr(w http.ResponseWriter, status int, name, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q,"message":%q}`, name, msg)
}

func (f *fakeBluesky) bearer(r *http.Request) string {
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

func (f *fakeBluesky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/xrpc/com.atproto.server.createSession":
		var in struct{ Identifier, Password string }
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &in)
		if r.Method != http.MethodPost || in.Identifier != handle || in.Password != password {
			xrpcErr(w, 401, "AuthenticationRequired", "Invalid identifier or password")
			return
		}
		f.created++
		f.issue(w)
	case "/xrpc/com.atproto.server.refreshSession":
		tok := f.bearer(r)
		if f.expired[tok] {
			xrpcErr(w, 400, "ExpiredToken", "Token has expired")
			return
		}
		if tok != f.refresh {
			xrpcErr(w, 400, "InvalidToken", "Token could not be verified")
			return
		}
		f.refreshed++
		f.issue(w)
	case "/xrpc/app.bsky.feed.searchPosts", "/xrpc/app.bsky.actor.getProfiles":
		tok := f.bearer(r)
		if f.expired[tok] {
			xrpcErr(w, 400, "ExpiredToken", "Token has expired")
			return
		}
		if tok != f.access {
			xrpcErr(w, 401, "AuthenticationRequired", "Invalid token")
			return
		}
		if r.URL.Path == "/xrpc/app.bsky.actor.getProfiles" {
			if f.badActor != "" && slices.Contains(r.URL.Query()["actors"], f.badActor) {
				w.WriteHeader(502)
				w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
				return
			}
			var ps []map[string]any
			for _, a := range r.URL.Query()["actors"] {
				ps = append(ps, map[string]any{"did": "did:plc:" + a, "handle": a, "followersCount": f.followers[a], "followsCount": 10, "postsCount": 100})
			}
			json.NewEncoder(w).Encode(map[string]any{"profiles": ps})
			return
		}
		f.searches = append(f.searches, r.URL.RawQuery)
		if f.hook != nil {
			f.hook(w, r)
			return
		}
		f.search(w, r)
	default:
		xrpcErr(w, 501, "MethodNotImplemented", "Method Not Implemented")
	}
}

func sortAt(p json.RawMessage) time.Time {
	var x struct {
		IndexedAt time.Time `json:"indexedAt"`
		Record    struct {
			CreatedAt time.Time `json:"createdAt"`
		} `json:"record"`
	}
	json.Unmarshal(p, &x)
	if x.Record.CreatedAt.Before(x.IndexedAt) {
		return x.Record.CreatedAt
	}
	return x.IndexedAt
}

func (f *fakeBluesky) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("sort") != "latest" || q.Get("q") == "" {
		xrpcErr(w, 400, "InvalidRequest", "bad params")
		return
	}
	since, err := time.Parse(time.RFC3339Nano, q.Get("since"))
	if err != nil {
		xrpcErr(w, 400, "InvalidRequest", "since")
		return
	}
	var match []json.RawMessage
	for _, p := range f.posts {
		if !sortAt(p).Before(since) {
			match = append(match, p)
		}
	}
	sort.SliceStable(match, func(i, j int) bool { return sortAt(match[i]).After(sortAt(match[j])) })
	limit, _ := strconv.Atoi(q.Get("limit"))
	off, _ := strconv.Atoi(q.Get("cursor"))
	lo, hi := min(off, len(match)), min(off+limit, len(match))
	out := map[string]any{"posts": append([]json.RawMessage{}, match[lo:hi]...), "hitsTotal": len(match)}
	if hi < len(match) {
		out["cursor"] = strconv.Itoa(hi)
	}
	json.NewEncoder(w).Encode(out)
}

func (f *fakeBluesky) add(rkey, at, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := fmt.Sprintf(`{"uri":"at://did:plc:rina4kq7x2vd3lmaa5oqzq6e/app.bsky.feed.post/%s","cid":"bafyreinew","author":{"did":"did:plc:rina4kq7x2vd3lmaa5oqzq6e","handle":"rina.bsky.social"},"record":{"$type":"app.bsky.feed.post","createdAt":%q,"text":%q},"indexedAt":%q}`, rkey, at, text, at)
	f.posts = append([]json.RawMessage{json.RawMessage(p)}, f.posts...)
}

func (f *fakeBluesky) counts() (created, refreshed, searches int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.created, f.refreshed, len(f.searches)
}

func config(url string) string {
	return "handle: '@" + handle + "'\napp_password: " + password + "\nservice: " + url + "\nquery: acme"
}

func TestCollectGoldenAndSecondRun(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL)+"\nlimit: 2")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	ct.CheckItems(t, Type, items)
	ct.Golden(t, "search.golden.json", items, *update)
	if c, r, s := fake.counts(); len(items) != 4 || c != 1 || r != 0 || s != 2 {
		t.Fatalf("items %d, sessions %d, refreshes %d, searches %d; want 4 posts of the last 24h in 2 pages, one login", len(items), c, r, s)
	}
	if !strings.Contains(fake.searches[0], "since=2026-11-23T10%3A00%3A00Z") {
		t.Errorf("first search %q does not look back 24h", fake.searches[0])
	}
	if cur.Extra["since:acme"] != "2026-11-24T09:30:01.456Z" {
		t.Errorf("cursor = %+v", cur.Extra)
	}

	fake.add("3lbx9new2k2a", "2026-11-24T09:58:00.000Z", "Update: paket Acme sudah sampai!")
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].URL != "https://bsky.app/profile/rina.bsky.social/post/3lbx9new2k2a" || items[0].AuthorReach != 2310 {
		t.Fatalf("second run = %+v, want only the new post", items)
	}
	if c, _, _ := fake.counts(); c != 1 {
		t.Errorf("sessions = %d, want the first one reused", c)
	}
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 0 {
		t.Fatalf("third run = %d items, %v; want none", len(items), err)
	}
}

func TestExpiredAccessTokenIsRefreshed(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL))
	if _, _, err := ct.Collect(t, src, mw.Cursor{}); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	fake.expired[fake.access] = true // expires early, despite its exp claim
	fake.mu.Unlock()
	items, _, err := ct.Collect(t, src, mw.Cursor{})
	if c, r, _ := fake.counts(); err != nil || len(items) != 4 || c != 1 || r != 1 {
		t.Fatalf("after 400 ExpiredToken: %d items, %v, sessions %d, refreshes %d; want one refresh, no new login", len(items), err, c, r)
	}

	// Refresh token dead too: log in again.
	fake.mu.Lock()
	fake.expired[fake.access], fake.expired[fake.refresh] = true, true
	fake.mu.Unlock()
	items, _, err = ct.Collect(t, src, mw.Cursor{})
	if c, r, _ := fake.counts(); err != nil || len(items) != 4 || c != 2 || r != 1 {
		t.Fatalf("after both expired: %d items, %v, sessions %d, refreshes %d; want a new login", len(items), err, c, r)
	}
}

// An access JWT whose exp claim is within a minute is refreshed before the
// next search, without a refused request.
func TestRefreshesBeforeExp(t *testing.T) {
	fake := newFake(t)
	fake.accessExp = ct.Now.Add(30 * time.Second)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL)+"\nauthor_reach: false")
	if _, _, err := ct.Collect(t, src, mw.Cursor{}); err != nil {
		t.Fatal(err)
	}
	if c, r, s := fake.counts(); c != 1 || r != 0 || s != 1 {
		t.Fatalf("first run: sessions %d, refreshes %d, searches %d", c, r, s)
	}
	fake.mu.Lock()
	fake.accessExp = ct.Now.Add(2 * time.Hour)
	fake.hook = func(w http.ResponseWriter, r *http.Request) { fake.search(w, r) }
	fake.mu.Unlock()
	if _, _, err := ct.Collect(t, src, mw.Cursor{}); err != nil {
		t.Fatal(err)
	}
	if c, r, s := fake.counts(); c != 1 || r != 1 || s != 2 {
		t.Fatalf("second run: sessions %d, refreshes %d, searches %d; want one refresh before searching", c, r, s)
	}
}

func TestBadAppPassword(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, strings.Replace(config(srv.URL), password, "my-main-password", 1))
	items, _, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantAuth(t, err, "bluesky", "handle/app_password", "bsky.app/settings/app-passwords")
	if len(items) != 0 || strings.Contains(err.Error(), "my-main-password") {
		t.Fatalf("items %d, err %v", len(items), err)
	}
	// A 2FA account's main password: 400 AuthFactorTokenRequired.
	src = ct.Build(t, Type, config(ct.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		xrpcErr(w, 400, "AuthFactorTokenRequired", "A sign in code has been sent to your email address")
	}).URL))
	_, _, err = ct.Collect(t, src, mw.Cursor{})
	ct.WantAuth(t, err, "handle/app_password", "AuthFactorTokenRequired")
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		h     http.HandlerFunc
		check func(t *testing.T, err error)
	}{
		{"401", func(w http.ResponseWriter, r *http.Request) {
			xrpcErr(w, 401, "AuthenticationRequired", "Invalid token")
		}, func(t *testing.T, err error) {
			ct.WantAuth(t, err, "bluesky", "handle/app_password")
		}},
		{"403", func(w http.ResponseWriter, r *http.Request) { xrpcErr(w, 403, "Forbidden", "account takendown") }, func(t *testing.T, err error) {
			ct.WantAuth(t, err, "bluesky", "handle/app_password")
		}},
		{"429", ct.Status(429, `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`, "Retry-After", "90", "RateLimit-Remaining", "0"), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 429)
			ct.WantRetryAfter(t, err, 90*time.Second)
		}},
		{"500", ct.Status(500, `{"error":"InternalServerError","message":"Internal Server Error"}`), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 500)
			ct.WantErrorContains(t, err, "bluesky", `"acme"`)
		}},
		{"malformed", ct.Status(200, string(ct.Fixture(t, "malformed.json"))), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "bluesky", "decoding Bluesky searchPosts response")
		}},
		{"html", ct.Status(200, "<html>502 Bad Gateway</html>"), func(t *testing.T, err error) { ct.WantErrorContains(t, err, "bluesky", "decoding") }},
		{"empty", ct.Status(200, string(ct.Fixture(t, "empty.json"))), func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			fake.hook = tc.h
			srv := ct.Serve(t, fake.ServeHTTP)
			items, _, err := ct.Collect(t, ct.Build(t, Type, config(srv.URL)), mw.Cursor{})
			tc.check(t, err)
			if len(items) != 0 {
				t.Errorf("items = %d, want 0", len(items))
			}
		})
	}
}

func TestQueriesFromBrands(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, strings.Replace(config(srv.URL), "query: acme", "lang: id\nauthor_reach: false", 1))
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 4 || len(fake.searches) != 4 || len(cur.Extra) != 4 {
		t.Fatalf("items %d, searches %v, cursor %v; want 4 queries (acme, \"acme store\", globex, acmestore), posts once", len(items), fake.searches, cur.Extra)
	}
	if !strings.Contains(fake.searches[1], "q=%22acme+store%22") || !strings.Contains(fake.searches[1], "lang=id") {
		t.Errorf("search = %s", fake.searches[1])
	}
	for _, it := range items {
		if it.AuthorReach != 0 {
			t.Errorf("author_reach: false still fetched reach: %+v", it)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	ct.WantBuildError(t, Type, "handle: acme.bsky.social", "app_password", "app-passwords")
	ct.WantBuildError(t, Type, "handle: a\napp_password: b\nlimit: 101", "limit")
	ct.WantBuildError(t, Type, "handle: a\napp_password: b\nservice: bsky.social", "service")
	ct.WantBuildError(t, Type, "handle: a\napp_password: b\npassword: c", "password")
}

func TestURLMapping(t *testing.T) {
	p, err := Parse(ct.Fixture(t, "search.json"))
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, m := range p.Items {
		urls = append(urls, m.URL)
	}
	want := "https://bsky.app/profile/did:plc:ghost7yk2zj4l3u6y7o4mzq2/post/3lbx3pp3xhk2u"
	if !slices.Contains(urls, want) {
		t.Errorf("urls %v lack %s (handle.invalid falls back to the DID)", urls, want)
	}
	for _, bad := range []string{`"uri":"https://bsky.app/x"`, `"uri":"at://did:plc:x/app.bsky.feed.like/1"`, `"uri":"at://did:plc:x/app.bsky.feed.post/a b"`} {
		p, err := Parse([]byte(`{"posts":[{` + bad + `}]}`))
		if err != nil || len(p.Items) != 0 || p.N != 1 {
			t.Errorf("%s: %d items, %v; want it skipped", bad, len(p.Items), err)
		}
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
	f.Add([]byte(`{"posts":[{"uri":"at://did:plc:x/app.bsky.feed.post/1","author":{"handle":"a/b","followersCount":-4},"record":{"createdAt":"9999-99-99"},"indexedAt":"x"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Parse(body)
		if err != nil && len(p.Items) > 0 {
			t.Fatal("items with error")
		}
		if len(p.Items) != len(p.Indexed) {
			t.Fatal("items and times differ")
		}
		for _, m := range p.Items {
			if !strings.HasPrefix(m.URL, "https://bsky.app/profile/") || m.NativeID == "" {
				t.Fatalf("bad item %+v", m)
			}
		}
	})
}

const benchItems = 100

// BenchmarkParse compares Parse (decode + map to Mention) with a bare
// json.Unmarshal of the same 100-post page into SearchResponse.
func BenchmarkParse(b *testing.B) {
	var r map[string]any
	json.Unmarshal(ct.Fixture(b, "search.json"), &r)
	src := r["posts"].([]any)
	var posts []any
	for i := 0; len(posts) < benchItems; i++ {
		p := map[string]any{}
		for k, v := range src[i%len(src)].(map[string]any) {
			p[k] = v
		}
		p["uri"] = fmt.Sprintf("at://did:plc:rina4kq7x2vd3lmaa5oqzq6e/app.bsky.feed.post/3lbx%09d", i)
		posts = append(posts, p)
	}
	r["posts"], r["cursor"] = posts, "100"
	body, _ := json.Marshal(r)
	ct.BenchParse[SearchResponse](b, body, benchItems, func(body []byte) error {
		_, err := Parse(body)
		return err
	})
}

// The scheduler stops the source on a rejected app password; a second
// scheduled run stores nothing new.
func TestThroughScheduler(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	run := ct.NewRunner()
	if res := run.RunOnce(t, ct.Build(t, Type, config(srv.URL))); res.Err != nil || res.Items != 4 {
		t.Fatalf("first run = %+v", res)
	}
	if res := run.RunOnce(t, ct.Build(t, Type, config(srv.URL))); res.Err != nil || res.Items != 0 {
		t.Fatalf("second run = %+v, want nothing new", res)
	}
	res := run.RunOnce(t, ct.Build(t, Type, strings.Replace(config(srv.URL), password, "wrong", 1)))
	if !res.Stop || !strings.Contains(res.Err.Error(), "app_password") {
		t.Fatalf("bad password run = %+v, want the source stopped naming app_password", res)
	}
}

// A 429 on the first query stops the run: the other queries would spend
// the same account's limit, and the scheduler waits until ratelimit-reset.
func TestRateLimitStopsTheOtherQueries(t *testing.T) {
	fake := newFake(t)
	fake.hook = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("RateLimit-Limit", "3000")
		w.Header().Set("RateLimit-Remaining", "0")
		w.Header().Set("RateLimit-Reset", strconv.FormatInt(time.Now().Add(4*time.Minute).Unix(), 10))
		xrpcErr(w, 429, "RateLimitExceeded", "Rate Limit Exceeded")
	}
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "handle: '@"+handle+"'\napp_password: "+password+"\nservice: "+srv.URL) // one query per keyword
	_, _, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantHTTPStatus(t, err, 429)
	if _, ok := collectors.RetryAfter(err); !ok {
		t.Errorf("error %v asks for no wait", err)
	}
	if _, _, s := fake.counts(); s != 1 {
		t.Errorf("%d searches; want 1: the run stops at the 429 instead of sending the other queries into the same limit", s)
	}
}

// A query that fails does not cost the posts of the queries read before it
// their author reach: they are not returned again, so a reach missing now
// is missing for good.
func TestReachKeptWhenALaterQueryFails(t *testing.T) {
	fake := newFake(t)
	fake.hook = func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("q") != "acme" {
			w.WriteHeader(502)
			w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"))
			return
		}
		fake.search(w, r)
	}
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "handle: '@"+handle+"'\napp_password: "+password+"\nservice: "+srv.URL) // one query per keyword
	items, _, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantHTTPStatus(t, err, 502)
	if len(items) != 4 {
		t.Fatalf("items = %d, want the 4 posts of the first query", len(items))
	}
	for _, it := range items {
		if want := uint32(fake.followers[it.Author]); it.AuthorReach != want {
			t.Errorf("%s by %s: reach %d, want %d", it.NativeID, it.Author, it.AuthorReach, want)
		}
	}
}

// TestReachKeptWhenOneProfilesBatchFails: getProfiles asks for 25 authors
// at a time; when a later batch fails, the authors of the batches that
// answered keep their followers (before: one failed batch left every
// author's reach at 0, so high-reach posts raised no reach-weighted alert).
func TestReachKeptWhenOneProfilesBatchFails(t *testing.T) {
	fake := newFake(t)
	fake.posts = nil
	for i := range 30 {
		a := fmt.Sprintf("user%02d.bsky.social", i)
		fake.followers[a] = int64(1000 + i)
		at := ct.Now.Add(-time.Duration(i+1) * time.Minute).Format(time.RFC3339)
		fake.posts = append(fake.posts, json.RawMessage(fmt.Sprintf(`{"uri":"at://did:plc:u%02d/app.bsky.feed.post/p%02d","cid":"bafy","author":{"did":"did:plc:u%02d","handle":%q},"record":{"$type":"app.bsky.feed.post","createdAt":%q,"text":"acme post %d"},"indexedAt":%q}`, i, i, i, a, at, i, at)))
	}
	fake.badActor = "user29.bsky.social"
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL))
	items, _, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 30 {
		t.Fatalf("%d items, %v; want 30", len(items), err)
	}
	var kept, zero int
	for _, it := range items {
		if it.AuthorReach == uint32(fake.followers[it.Author]) {
			kept++
		} else if it.AuthorReach == 0 {
			zero++
		}
	}
	if kept != 25 || zero != 5 {
		t.Errorf("reach kept for %d authors and 0 for %d; want 25 (the batch that answered) and 5", kept, zero)
	}
}
