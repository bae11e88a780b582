package bluesky

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestPostIndexedAfterTheMark: searchPosts filters "since" by sortAt, the
// earlier of createdAt and indexedAt. A post written just before the mark
// (the newest indexedAt read) but indexed after that run has its sortAt
// before the mark; asking from the mark itself never returned it.
func TestPostIndexedAfterTheMark(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL))
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 4 || cur.Extra["since:acme"] != "2026-11-24T09:30:01.456Z" {
		t.Fatalf("first run: %d items, %+v, %v", len(items), cur.Extra, err)
	}
	late := `{"uri":"at://did:plc:rina4kq7x2vd3lmaa5oqzq6e/app.bsky.feed.post/3lbx9late2k2a","cid":"bafyreilate","author":{"did":"did:plc:rina4kq7x2vd3lmaa5oqzq6e","handle":"rina.bsky.social"},` +
		`"record":{"$type":"app.bsky.feed.post","createdAt":"2026-11-24T09:29:58.000Z","text":"Acme kirim ulang paketnya, mantap"},"indexedAt":"2026-11-24T09:31:10.000Z"}`
	fake.mu.Lock()
	fake.posts = append([]json.RawMessage{json.RawMessage(late)}, fake.posts...)
	fake.mu.Unlock()

	cur = ct.WantLate(t, src, cur, "at://did:plc:rina4kq7x2vd3lmaa5oqzq6e/app.bsky.feed.post/3lbx9late2k2a")
	if cur.Extra["since:acme"] != "2026-11-24T09:31:10Z" {
		t.Errorf("mark = %q, want the late post's indexedAt", cur.Extra["since:acme"])
	}
}

// TestFutureIndexedPostDoesNotStopTheSource: one post whose indexedAt was
// in 2100 set the query's mark there, and every later search asked only
// for posts since then: the source returned nothing, without an error,
// for good. The mark never passes now.
func TestFutureIndexedPostDoesNotStopTheSource(t *testing.T) {
	fake := newFake(t)
	fake.add("3lbxfuture22a", "2100-01-01T00:00:00.000Z", "Acme from the future")
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, config(srv.URL))
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 5 {
		t.Fatalf("first run: %d items, %v", len(items), err)
	}
	if want := ct.Now.Format(time.RFC3339Nano); cur.Extra["since:acme"] != want {
		t.Errorf("mark = %s, want now (%s): a post indexed in 2100 moved it", cur.Extra["since:acme"], want)
	}
	fake.add("3lbxnewpost2a", "2026-11-24T09:59:00.000Z", "Acme replied")
	ct.WantLate(t, src, cur, "at://did:plc:rina4kq7x2vd3lmaa5oqzq6e/app.bsky.feed.post/3lbxnewpost2a")
	// A cursor an earlier version saved with the mark in 2100 heals.
	cur.Extra["since:acme"] = "2100-01-01T00:00:00Z"
	healed := ct.WantLate(t, src, cur, "at://did:plc:rina4kq7x2vd3lmaa5oqzq6e/app.bsky.feed.post/3lbxnewpost2a")
	if healed.Extra["since:acme"] != ct.Now.Format(time.RFC3339Nano) {
		t.Errorf("mark after a run from 2100 = %s, want now", healed.Extra["since:acme"])
	}
}

// TestEchoedPasswordNotStored: a login error whose body quotes the
// request (a proxy's, or a server's debug answer) put the app password in
// the run's error, which the scheduler saved as the source's last_error:
// in the store's source_state, which analysts query (docs/SCHEMA.md), and
// in the state file. Secrets are masked there as in logs.
func TestEchoedPasswordNotStored(t *testing.T) {
	srv := ct.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, `{"error":"UpstreamFailure","message":"upstream failed for request %s"}`, body)
	})
	src := ct.Build(t, Type, config(srv.URL))
	run := ct.NewRunner()
	if res := run.RunOnce(t, src); res.Err == nil {
		t.Fatal("the run succeeded; want the login error")
	}
	st := run.State.Saved("test")
	if st.LastError == "" || strings.Contains(st.LastError, password) || !strings.Contains(st.LastError, "<secret>") {
		t.Fatalf("saved last_error = %q; want the error with the password masked", st.LastError)
	}
}
