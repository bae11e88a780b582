package x

import (
	"net/http"
	"os"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestNoteTweetText: a post longer than 280 characters comes with its
// text cut ("…" and a t.co link) and the whole text in note_tweet, which
// the search must ask for and the mention must carry.
func TestNoteTweetText(t *testing.T) {
	if !strings.Contains(","+tweetFields+",", ",note_tweet,") {
		t.Errorf("tweet.fields %q does not ask for note_tweet", tweetFields)
	}
	body, err := os.ReadFile("testdata/note_tweet.json")
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
	long := p.Items[0].Text
	if !strings.HasSuffix(long, "I'm asking for a refund <not a voucher>. @acme_id this is not okay.") || strings.Contains(long, "t.co") || strings.Contains(long, "…") {
		t.Errorf("long post text = %q", long)
	}
	if len([]rune(long)) <= 280 {
		t.Errorf("long post cut to %d characters", len([]rune(long)))
	}
	if got := p.Items[1].Text; got != "Short one: Acme X2 still not here & no reply." {
		t.Errorf("short post text = %q", got)
	}
}

// A since_id from before recent search's 7 days (the source was stopped
// for a week) is refused with 400 Invalid Request on every run; the run
// reads the last 7 days instead of failing for good.
func TestSinceIDOlderThanSevenDays(t *testing.T) {
	fake := newFake(t)
	const stale = "1519056945277198339"
	srv := ct.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("since_id") == stale {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(400)
			w.Write([]byte(`{"errors":[{"parameters":{"since_id":["` + stale + `"]},"message":"Invalid 'since_id':'` + stale + `'. 'since_id' must be a tweet id created after 2026-11-17T10:00:30Z. Please use a 'start_time' instead"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}`))
			return
		}
		fake.ServeHTTP(w, r)
	})
	src := ct.Build(t, Type, conf+"\nbase_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{LastID: stale})
	if err != nil {
		t.Fatalf("collect with a since_id older than 7 days: %v", err)
	}
	if len(items) != 4 || cur.LastID != "1992551234567890005" {
		t.Fatalf("items %d, cursor %+v; want the 4 posts of the last 7 days and the mark at the newest", len(items), cur)
	}
	if r := fake.reqs(); len(r) != 1 || strings.Contains(r[0], "since_id") {
		t.Errorf("requests the fake served = %v, want one without since_id", r)
	}
}

// TestRateLimitResetFarAway: x-rate-limit-remaining 0 with an
// x-rate-limit-reset decades away asked the scheduler for a wait of
// decades, and the error said so. The wait is cut to
// collectors.MaxRetryAfter and the error says the service asked for
// longer.
func TestRateLimitResetFarAway(t *testing.T) {
	defer func(r int64) { reset = r }(reset)
	reset = 4102444800 // 2100-01-01
	fake := newFake(t)
	fake.add(21)
	fake.remaining = 1
	srv := ct.Serve(t, fake.ServeHTTP)
	_, _, err := ct.Collect(t, ct.Build(t, Type, conf+"\nbase_url: "+srv.URL), mw.Cursor{})
	ct.WantHTTPStatus(t, err, 429)
	ct.WantRetryAfter(t, err, collectors.MaxRetryAfter)
	ct.WantErrorContains(t, err, "asked for longer", "4102444800")
}
