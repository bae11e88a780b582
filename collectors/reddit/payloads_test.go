package reddit

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestRawJSONIsMarkdown: with raw_json=1 Reddit returns markdown, where
// "<module>" and "<praw.Config object ...>" are text, not tags; a comment
// without a permalink gets its URL from link_id and id.
func TestRawJSONIsMarkdown(t *testing.T) {
	body, err := os.ReadFile("testdata/raw_json_markdown.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 2 {
		t.Fatalf("%d items", len(p.Items))
	}
	post, comment := p.Items[0], p.Items[1]
	if want := "Acme SDK: ImportError from <module> after upgrade"; post.Title != want {
		t.Errorf("title %q, want %q", post.Title, want)
	}
	if want := "Acme's SDK breaks on import: ImportError: cannot import name 'Client' from <module> and printing the config gives <praw.Config object at 0x7f3a2c1b9d60>. Tried `pip install -U acme` & restarting, 5 < 6 still. Any idea?"; post.Text != want {
		t.Errorf("text\n%q, want\n%q", post.Text, want)
	}
	if want := "Pin acme<2.0 until they fix it; the <Client> class moved to acme.client."; comment.Text != want {
		t.Errorf("comment text %q, want %q", comment.Text, want)
	}
	if want := "https://www.reddit.com/comments/1h2bq7/_/lz4k2pq/"; comment.URL != want {
		t.Errorf("comment URL %q, want %q", comment.URL, want)
	}
}

// TestClosedSubreddit: a subreddit that went private (or quarantined,
// gated) answers 403 {"reason": "private", ...}. That is no credentials
// problem: the error says which subreddits and why, and is not an auth
// error, so the scheduler retries the source instead of stopping it.
func TestClosedSubreddit(t *testing.T) {
	for _, reason := range []string{"private", "quarantined", "gated"} {
		t.Run(reason, func(t *testing.T) {
			fake := newFake(t)
			fake.searchHook = ct.Status(403, `{"reason": "`+reason+`", "message": "Forbidden", "error": 403}`)
			srv := ct.Serve(t, fake.ServeHTTP)
			src := ct.Build(t, Type, config(srv.URL)+"\nsubreddits: [indonesia, Frugal]")
			_, _, err := ct.Collect(t, src, mw.Cursor{})
			ct.WantErrorContains(t, err, "r/indonesia+Frugal", reason, "remove it from subreddits")
			if collectors.IsAuth(err) || strings.Contains(err.Error(), "credentials") || strings.Contains(err.Error(), "client_id/client_secret") {
				t.Fatalf("error %q blames the credentials; the source would be stopped", err)
			}
			if res := ct.NewRunner().RunOnce(t, src); res.Stop || res.Err == nil {
				t.Fatalf("scheduled run = %+v, want an error that is retried", res)
			}
		})
	}
}

// TestPostsIndexedAfterTheMark: Reddit's search lists a post some time
// after it is made, and created_utc has whole seconds. A post made in the
// mark's own second, or a minute before it, that shows up in search after
// the run that set the mark was never returned: the run stopped at the
// first item at or before the mark.
func TestPostsIndexedAfterTheMark(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL))
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 4 {
		t.Fatalf("first run: %d items, %v", len(items), err)
	}
	mark := float64(cur.LastTime.Unix())

	var l map[string]any
	json.Unmarshal(ct.Fixture(t, "search_page1.json"), &l)
	children := l["data"].(map[string]any)["children"].([]any)
	late := func(name string, created float64) any {
		d := map[string]any{}
		for k, v := range children[0].(map[string]any)["data"].(map[string]any) {
			d[k] = v
		}
		d["name"], d["id"], d["created_utc"], d["edited"] = name, strings.TrimPrefix(name, "t3_"), created, false
		d["author"], d["title"] = "[deleted]", "Acme "+name
		return map[string]any{"kind": "t3", "data": d}
	}
	// Sorted by new: the late posts sit among the ones already read.
	l["data"].(map[string]any)["children"] = append([]any{children[0], late("t3_1h0same", mark), late("t3_1h0min1", mark-60)}, children[1:]...)
	b, _ := json.Marshal(l)
	fake.mu.Lock()
	fake.pages[""] = string(b)
	fake.mu.Unlock()

	ct.WantLate(t, src, cur, "t3_1h0same", "t3_1h0min1")
}

// TestDeletedAuthorIsNoAuthor: Reddit shows every deleted account as the
// author "[deleted]". Kept as a name, it made one author of every deleted
// account, whose history then mixed strangers' complaints in the inbox.
func TestDeletedAuthorIsNoAuthor(t *testing.T) {
	body := `{"kind":"Listing","data":{"after":null,"children":[
{"kind":"t3","data":{"name":"t3_1h0del","id":"1h0del","author":"[deleted]","title":"Acme never refunded me","selftext":"[deleted]","permalink":"/r/acme/comments/1h0del/x/","created_utc":1795513200.0,"subreddit":"acme"}},
{"kind":"t1","data":{"name":"t1_lz0rem","id":"lz0rem","author":"[removed]","body":"Acme support ghosted me too","link_id":"t3_1h0del","permalink":"/r/acme/comments/1h0del/x/lz0rem/","created_utc":1795513260.0,"subreddit":"acme"}},
{"kind":"t1","data":{"name":"t1_lz0ok","id":"lz0ok","author":"rina_k","body":"Same with Acme","link_id":"t3_1h0del","permalink":"/r/acme/comments/1h0del/x/lz0ok/","created_utc":1795513320.0,"subreddit":"acme"}}]}}`
	p, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var authors []string
	for _, m := range p.Items {
		authors = append(authors, m.Author)
	}
	if strings.Join(authors, "|") != "||rina_k" {
		t.Errorf("authors = %q, want none for [deleted] and [removed]", authors)
	}
	if p.Items[0].Text != "" || p.Items[0].Title != "Acme never refunded me" {
		t.Errorf("deleted post: title %q text %q; want the title kept and no \"[deleted]\" body", p.Items[0].Title, p.Items[0].Text)
	}
}

// TestFutureDatedPostDoesNotStopTheSource: one post dated in 2100 (a bad
// clock upstream, a hostile listing) set the mark to 2100, and every later
// run skipped every real post as older than it: the source returned
// nothing, without an error, for good. The mark never passes now.
func TestFutureDatedPostDoesNotStopTheSource(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL))
	listing := func(names ...string) string {
		var children []string
		for _, n := range names {
			created := map[string]float64{"t3_future": 4102444800, "t3_old": 1795513000, "t3_new": 1795514340}[n]
			children = append(children, fmt.Sprintf(`{"kind":"t3","data":{"name":%q,"id":%q,"title":"Acme %s","permalink":"/r/acme/comments/%s/x/","created_utc":%v,"subreddit":"acme"}}`, n, n[3:], n, n[3:], created))
		}
		return `{"kind":"Listing","data":{"after":null,"children":[` + strings.Join(children, ",") + `]}}`
	}
	fake.pages[""] = listing("t3_future", "t3_old")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 2 {
		t.Fatalf("first run: %d items, %v", len(items), err)
	}
	if !cur.LastTime.Equal(ct.Now) {
		t.Errorf("mark = %s, want now (%s): a post dated in 2100 moved it", cur.LastTime, ct.Now)
	}
	fake.mu.Lock()
	fake.pages[""] = listing("t3_future", "t3_new", "t3_old")
	fake.mu.Unlock()
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 1 || items[0].NativeID != "t3_new" {
		t.Fatalf("second run: %d items %v, %v; want t3_new", len(items), items, err)
	}
	// A cursor an earlier version saved with the mark in 2100 heals.
	cur.LastTime = time.Unix(4102444800, 0).UTC()
	items, healed, err := ct.Collect(t, src, cur)
	if err != nil || len(items) != 1 || items[0].NativeID != "t3_new" || !healed.LastTime.Equal(ct.Now) {
		t.Fatalf("from a mark saved in 2100: %v (mark %s), %v; want t3_new and the mark at now", items, healed.LastTime, err)
	}
}

// TestSearchAnswersAnArrayOfListings: a search for several result types
// (type: link,comment) may answer with an array of listings, one per type,
// as Reddit's own API client handles; each listing's posts and comments
// are read, and the page continues from the listing that pages on.
// Before, the array failed to decode on every run.
func TestSearchAnswersAnArrayOfListings(t *testing.T) {
	raw, err := os.ReadFile("testdata/raw_json_markdown.json")
	if err != nil {
		t.Fatal(err)
	}
	page2, err := os.ReadFile("testdata/search_page2.json")
	if err != nil {
		t.Fatal(err)
	}
	one, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	two, err := Parse(page2)
	if err != nil {
		t.Fatal(err)
	}
	paged := strings.Replace(string(raw), `"after": null`, `"after": "t3_next"`, 1)
	if paged == string(raw) {
		t.Fatal("fixture has no after: null to replace")
	}
	p, err := Parse([]byte("[" + string(page2) + ",\n" + paged + "]"))
	if err != nil {
		t.Fatalf("array of listings: %v", err)
	}
	if len(p.Items) != len(one.Items)+len(two.Items) || p.After != "t3_next" {
		t.Errorf("%d items, after %q; want %d items and after t3_next", len(p.Items), p.After, len(one.Items)+len(two.Items))
	}
	if _, err := Parse([]byte(`[{"kind":"Listing","data":{"children":[]}}, 5]`)); err == nil || !strings.Contains(err.Error(), "listings") {
		t.Errorf("a broken array: %v; want a decoding error", err)
	}
}
