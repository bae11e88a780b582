package x

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
	"github.com/mentionwatch/mentionwatch/collectors"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeX serves GET /2/tweets/search/recent: newest first, since_id,
// max_results, an opaque next_token, the author expansion, and the
// x-rate-limit-* headers of a 450-request window.
type fakeX struct {
	mu        sync.Mutex
	tweets    []Tweet // newest first
	users     map[string]User
	remaining int // requests left in the window
	requests  []string
	hook      http.HandlerFunc
}

func newFake(t testing.TB) *fakeX {
	var r Response
	if err := json.Unmarshal(ct.Fixture(t, "search.json"), &r); err != nil {
		t.Fatal(err)
	}
	f := &fakeX{tweets: r.Data, users: map[string]User{}, remaining: 450}
	for _, u := range r.Includes.Users {
		f.users[u.ID] = u
	}
	return f
}

var reset = ct.Now.Add(15 * time.Minute).Unix()

func (f *fakeX) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path != "/2/tweets/search/recent" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer AAAAtoken" {
		w.WriteHeader(401)
		w.Write([]byte(`{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`))
		return
	}
	f.requests = append(f.requests, r.URL.RawQuery)
	if f.hook != nil {
		f.hook(w, r)
		return
	}
	f.remaining--
	w.Header().Set("x-rate-limit-limit", "450")
	w.Header().Set("x-rate-limit-remaining", strconv.Itoa(f.remaining))
	w.Header().Set("x-rate-limit-reset", strconv.FormatInt(reset, 10))
	q := r.URL.Query()
	if q.Get("tweet.fields") != tweetFields || q.Get("expansions") != "author_id" || q.Get("user.fields") != userFields {
		w.WriteHeader(400)
		w.Write([]byte(`{"title":"Invalid Request","detail":"One or more parameters to your request was invalid."}`))
		return
	}
	var match []Tweet
	for _, t := range f.tweets {
		if s := q.Get("since_id"); s == "" || CompareID(t.ID, s) > 0 {
			match = append(match, t)
		}
	}
	per, _ := strconv.Atoi(q.Get("max_results"))
	off := 0
	if tok := q.Get("next_token"); tok != "" {
		off, _ = strconv.Atoi(strings.TrimPrefix(tok, "b26v89c19zqg8o3f"))
	}
	lo, hi := min(off, len(match)), min(off+per, len(match))
	page := match[lo:hi]
	meta := map[string]any{"result_count": len(page)}
	if len(page) > 0 {
		meta["newest_id"], meta["oldest_id"] = page[0].ID, page[len(page)-1].ID
	}
	if hi < len(match) {
		meta["next_token"] = "b26v89c19zqg8o3f" + strconv.Itoa(hi)
	}
	out := map[string]any{"meta": meta}
	if len(page) > 0 {
		var users []User
		seen := map[string]bool{}
		for _, t := range page {
			if u, ok := f.users[t.AuthorID]; ok && !seen[u.ID] {
				seen[u.ID] = true
				users = append(users, u)
			}
		}
		out["data"], out["includes"] = page, map[string]any{"users": users}
	}
	json.NewEncoder(w).Encode(out)
}

func (f *fakeX) add(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var fresh []Tweet
	for i := n; i > 0; i-- {
		id := strconv.FormatInt(1992560000000000000+int64(i), 10)
		fresh = append(fresh, Tweet{ID: id, Text: fmt.Sprintf("acme post %d", i), AuthorID: "2222222222",
			CreatedAt: ct.Now.Add(-time.Duration(n-i) * time.Second).Format(time.RFC3339)})
	}
	f.tweets = append(fresh, f.tweets...)
}

func (f *fakeX) reqs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

const conf = "bearer_token: AAAAtoken\nmax_results: 10"

func TestCollectGoldenAndSecondRun(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, conf+"\nbase_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	ct.CheckItems(t, Type, items)
	ct.Golden(t, "search.golden.json", items, *update)
	r := fake.reqs()
	if len(items) != 4 || len(r) != 1 || cur.LastID != "1992551234567890005" {
		t.Fatalf("items %d, requests %v, cursor %+v", len(items), r, cur)
	}
	if !strings.Contains(r[0], "query=%28acme+OR+%22acme+store%22+OR+globex+OR+acmestore+OR+%23acmestore%29+-is%3Aretweet") || strings.Contains(r[0], "since_id") {
		t.Errorf("first query = %s", r[0])
	}

	fake.add(1)
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].NativeID != "1992560000000000001" || items[0].URL != "https://x.com/devon/status/1992560000000000001" {
		t.Fatalf("second run = %+v, want only the new post", items)
	}
	if r := fake.reqs(); !strings.Contains(r[1], "since_id=1992551234567890005") {
		t.Errorf("second query = %s", r[1])
	}
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 0 {
		t.Fatalf("third run = %d items, %v; want none", len(items), err)
	}
}

func TestPagesBounded(t *testing.T) {
	fake := newFake(t)
	fake.add(21) // 25 tweets: 3 pages of 10
	srv := ct.Serve(t, fake.ServeHTTP)
	items, cur, err := ct.Collect(t, ct.Build(t, Type, conf+"\nbase_url: "+srv.URL), mw.Cursor{})
	if err != nil || len(items) != 25 || len(fake.reqs()) != 3 {
		t.Fatalf("3 pages: %d items, %d requests, %v", len(items), len(fake.reqs()), err)
	}
	if !strings.Contains(fake.reqs()[2], "next_token=b26v89c19zqg8o3f20") {
		t.Errorf("third page = %s", fake.reqs()[2])
	}
	items, cur2, err := ct.Collect(t, ct.Build(t, Type, conf+"\nmax_pages: 2\nbase_url: "+srv.URL), mw.Cursor{})
	if err != nil || len(items) != 20 || cur2.LastID != cur.LastID {
		t.Fatalf("max_pages 2: %d items, %+v, %v; want 20 and the mark at the newest", len(items), cur2, err)
	}
}

// x-rate-limit-remaining 0 before the last page: keep what was read, do
// not move the mark, wait until x-rate-limit-reset, then read the rest.
func TestRateLimitRemainingZero(t *testing.T) {
	fake := newFake(t)
	fake.add(21)
	fake.remaining = 1
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, conf+"\nbase_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{LastID: "1992520000000000002"})
	ct.WantHTTPStatus(t, err, 429)
	ct.WantRetryAfter(t, err, 15*time.Minute)
	ct.WantErrorContains(t, err, "x:", "x-rate-limit-remaining is 0", "10 posts kept")
	if len(items) != 10 || len(fake.reqs()) != 1 || cur.LastID != "1992520000000000002" || len(cur.Seen) != 10 {
		t.Fatalf("items %d, requests %d, cursor %+v", len(items), len(fake.reqs()), cur)
	}
	fake.mu.Lock()
	fake.remaining = 450
	fake.mu.Unlock()
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 14 || cur.LastID != "1992560000000000021" || len(cur.Seen) != 0 {
		t.Fatalf("after the reset: %d items, %+v, %v; want the 14 not yet read", len(items), cur, err)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		token string
		h     http.HandlerFunc
		check func(t *testing.T, err error)
	}{
		{"401", "wrong", nil, func(t *testing.T, err error) {
			ct.WantAuth(t, err, "x:", "bearer_token", "developer.x.com")
			if strings.Contains(err.Error(), "wrong") {
				t.Errorf("error leaks the token: %v", err)
			}
		}},
		{"403", "", ct.Status(403, `{"client_id":"123","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}`), func(t *testing.T, err error) {
			ct.WantAuth(t, err, "bearer_token", "project")
		}},
		{"429", "", ct.Status(429, `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`, "Retry-After", "60", "x-rate-limit-remaining", "0"), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 429)
			ct.WantRetryAfter(t, err, 60*time.Second)
		}},
		{"429 reset header", "", func(w http.ResponseWriter, r *http.Request) {
			// The shared client reads the epoch against the wall clock.
			w.Header().Set("x-rate-limit-remaining", "0")
			w.Header().Set("x-rate-limit-reset", strconv.FormatInt(time.Now().Add(10*time.Minute).Unix(), 10))
			w.WriteHeader(429)
		}, func(t *testing.T, err error) {
			d, ok := collectors.RetryAfter(err)
			if !ok || d < 9*time.Minute || d > 10*time.Minute {
				t.Fatalf("RetryAfter = %v, %v; want about 10m from x-rate-limit-reset", d, ok)
			}
		}},
		{"500", "", ct.Status(500, `{"title":"Internal Server Error"}`), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 500)
			ct.WantErrorContains(t, err, "x: searching")
		}},
		{"503", "", ct.Status(503, `{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}`), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 503)
		}},
		{"malformed", "", ct.Status(200, string(ct.Fixture(t, "malformed.json"))), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "x:", "decoding X search response")
		}},
		{"errors only", "", ct.Status(200, `{"errors":[{"title":"Authorization Error","detail":"Sorry, you are not authorized to see the Tweet.","type":"https://api.twitter.com/2/problems/not-authorized-for-resource"}],"meta":{"result_count":0}}`), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "x:", "Authorization Error")
		}},
		{"empty", "", ct.Status(200, string(ct.Fixture(t, "empty.json"))), func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			fake.hook = tc.h
			srv := ct.Serve(t, fake.ServeHTTP)
			c := "base_url: " + srv.URL + "\n" + conf
			if tc.token != "" {
				c = strings.Replace(c, "AAAAtoken", tc.token, 1)
			}
			items, _, err := ct.Collect(t, ct.Build(t, Type, c), mw.Cursor{})
			tc.check(t, err)
			if len(items) != 0 {
				t.Errorf("items = %d, want 0", len(items))
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	ct.WantBuildError(t, Type, "query: acme", "bearer_token", "developer.x.com")
	ct.WantBuildError(t, Type, "bearer_token: t\nmax_results: 5", "max_results")
	ct.WantBuildError(t, Type, "bearer_token: t\nquery: "+strings.Repeat("acme OR ", 70)+"acme", "512")
	ct.WantBuildError(t, Type, "bearer_token: t\nsince_id: 1", "since_id")
	src := ct.Build(t, Type, "bearer_token: t\nquery: '@AcmeID OR #acme'\nlang: id\nexclude_retweets: false")
	if q := src.Collector.(*X).query; q != "@AcmeID OR #acme lang:id" {
		t.Errorf("query = %q", q)
	}
}

// The scheduler stops the source on a rejected token; a second scheduled
// run stores nothing new.
func TestThroughScheduler(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	run := ct.NewRunner()
	c := conf + "\nbase_url: " + srv.URL
	if res := run.RunOnce(t, ct.Build(t, Type, c)); res.Err != nil || res.Items != 4 {
		t.Fatalf("first run = %+v", res)
	}
	if res := run.RunOnce(t, ct.Build(t, Type, c)); res.Err != nil || res.Items != 0 {
		t.Fatalf("second run = %+v, want nothing new", res)
	}
	res := run.RunOnce(t, ct.Build(t, Type, strings.Replace(c, "AAAAtoken", "revoked", 1)))
	if !res.Stop || !strings.Contains(res.Err.Error(), "bearer_token") {
		t.Fatalf("bad token run = %+v, want the source stopped naming bearer_token", res)
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
	f.Add([]byte(`{"data":[{"id":"12a","author_id":"1"},{"id":"99999999999999999999","text":"&lt;b&gt;","author_id":"1","created_at":"x"}],"includes":{"users":[{"id":"1","username":"a/b","public_metrics":{"followers_count":-1}}]},"meta":{"newest_id":"../x"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Parse(body)
		if err != nil && len(p.Items) > 0 {
			t.Fatal("items with error")
		}
		if p.NewestID != "" && !validID(p.NewestID) {
			t.Fatalf("newest id %q", p.NewestID)
		}
		for _, m := range p.Items {
			if !validID(m.NativeID) || !strings.HasPrefix(m.URL, "https://x.com/") || strings.ContainsAny(m.URL[len("https://x.com/"):], "?#.:") {
				t.Fatalf("bad item %+v", m)
			}
		}
	})
}

const benchItems = 100

// BenchmarkParse compares Parse (decode, join authors, map to Mention) with
// a bare json.Unmarshal of the same 100-post page into Response.
func BenchmarkParse(b *testing.B) {
	var r Response
	json.Unmarshal(ct.Fixture(b, "search.json"), &r)
	src := r.Data
	r.Data = nil
	for i := 0; len(r.Data) < benchItems; i++ {
		t := src[i%len(src)]
		t.ID = strconv.FormatInt(1992551234567890005-int64(i), 10)
		r.Data = append(r.Data, t)
	}
	r.Meta.NextToken = "b26v89c19zqg8o3fo7gesq314yb9l2l4ptqy"
	body, _ := json.Marshal(r)
	ct.BenchParse[Response](b, body, benchItems, func(body []byte) error {
		_, err := Parse(body)
		return err
	})
}

// A service's error text reaches our error message bounded and with its
// control characters escaped, as an error body's start does.
func TestOnlyErrorsTextIsBounded(t *testing.T) {
	detail := "\x1b[2Jwipe" + strings.Repeat("d", 10000)
	body := `{"errors":[{"title":"Bad\nRequest","detail":"` + strings.ReplaceAll(detail, "\x1b", `\u001b`) + `"}]}`
	_, err := Parse([]byte(body))
	if err == nil {
		t.Fatal("no error for an answer of only errors")
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\x1b\n") || !strings.Contains(msg, `\x1b`) {
		t.Errorf("control characters not escaped: %q", msg[:min(len(msg), 120)])
	}
	if len(msg) > 1200 {
		t.Errorf("error message of %d bytes: the service's text is not bounded", len(msg))
	}
}

// An edit is a new post with a new id; search then returns that latest
// version, with the first version's id first in edit_history_tweet_ids.
// It is the mention already stored, not a second one.
func TestEditedPostIsNotASecondMention(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, conf+"\nbase_url: "+srv.URL)
	run := ct.NewRunner()
	if res := run.RunOnce(t, src); res.Err != nil || res.Items != 4 {
		t.Fatalf("first run: %+v", res)
	}
	fake.mu.Lock()
	orig := fake.tweets[1]
	edited := orig
	edited.ID = "1992559999999999999"
	edited.Text = "The Acme Store kettle <3 boils fast. EDIT: the lid broke after a week"
	edited.CreatedAt = "2026-11-24T09:50:00.000Z"
	edited.EditHistoryTweetIDs = []string{orig.ID, edited.ID}
	fake.tweets = append([]Tweet{edited}, append(fake.tweets[:1:1], fake.tweets[2:]...)...)
	fake.mu.Unlock()

	items, _, err := ct.Collect(t, src, mw.Cursor{LastID: "1992551234567890005"})
	if err != nil || len(items) != 1 {
		t.Fatalf("run after the edit = %d items, %v; want the edited post", len(items), err)
	}
	if m := items[0]; m.NativeID != orig.ID || m.URL != "https://x.com/devon/status/"+edited.ID {
		t.Errorf("edited post: native id %q, url %q; want the first version's id %q and the latest version's URL", m.NativeID, m.URL, orig.ID)
	}
	if res := run.RunOnce(t, src); res.Err != nil || res.Items != 0 {
		t.Fatalf("run after the edit stored %d items, %v; want 0: the edit is the post already stored", res.Items, res.Err)
	}
}
