package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestParseTimeStrict: from/to take integer Unix seconds or RFC 3339, and
// nothing that merely starts like one ("1e9" was read as 1 s, "123abc" as
// 123).
func TestParseTimeStrict(t *testing.T) {
	for in, want := range map[string]time.Time{
		"1700000000":                time.Unix(1700000000, 0).UTC(),
		"0":                         time.Unix(0, 0).UTC(),
		"2026-12-01T08:00:00Z":      time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC),
		"2026-12-01T15:00:00+07:00": time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC),
		"2026-12-01T08:00:00.5Z":    time.Date(2026, 12, 1, 8, 0, 0, 5e8, time.UTC),
	} {
		got, err := parseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"1e9", "123abc", "1.5", "+1700000000", " 1700000000", "0x10", "1_000", "99999999999999999999", "-5", "", "2026-12-01", "yesterday"} {
		if got, err := parseTime(in); err == nil {
			t.Errorf("parseTime(%q) = %v, want an error", in, got)
		}
	}
}

// TestTimeOffsetUnencodedInURL: the documented from=…+07:00, typed into a
// URL without encoding the '+' (which a query string reads as a space),
// is the same instant as with %2B.
func TestTimeOffsetUnencodedInURL(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	var plain, encoded Series
	getJSON(t, h, "/api/series?brand=Acme&from=2026-03-09T15:00:00+07:00&to=2026-03-10T15:00:00+07:00", &plain)
	getJSON(t, h, "/api/series?brand=Acme&from=2026-03-09T15:00:00%2B07:00&to=2026-03-10T15:00:00%2B07:00", &encoded)
	if !plain.From.Equal(encoded.From) || !plain.To.Equal(encoded.To) || !encoded.To.Equal(time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("unencoded +07:00: %v..%v; encoded: %v..%v", plain.From, plain.To, encoded.From, encoded.To)
	}
	for _, in := range []string{"2026-12-01T15:00:00 07:00", "2026-12-01T15:00:00.25 05:30"} {
		if _, err := parseTime(in); err != nil {
			t.Errorf("parseTime(%q): %v", in, err)
		}
	}
	for _, in := range []string{"2026-12-01 15:00:00Z", "2026-12-01T15:00:00 -07:00", "      "} {
		if got, err := parseTime(in); err == nil {
			t.Errorf("parseTime(%q) = %v, want an error", in, got)
		}
	}
}

// TestToWithoutFromSaysSo: to= alone is a 400 that asks for from=,
// not one calling the missing from= "neither Unix seconds nor RFC 3339".
func TestToWithoutFromSaysSo(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	w := do(t, h, "GET", "/api/series?brand=Acme&to=1700000000", nil)
	var e apiError
	if w.Code != http.StatusBadRequest || json.Unmarshal(w.Body.Bytes(), &e) != nil || !strings.Contains(e.Error, "to= needs from=") {
		t.Errorf("to= alone: %d %s; want 400 asking for from=", w.Code, w.Body)
	}
}

func TestLaxTimesAreBadRequests(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	for _, target := range []string{
		"/api/series?from=1e9",
		"/api/series?from=123abc",
		"/api/series?from=1700000000&to=1700003600x",
		"/api/mentions?from=1e9",
	} {
		w := do(t, h, "GET", target, nil)
		var e apiError
		if w.Code != http.StatusBadRequest || json.Unmarshal(w.Body.Bytes(), &e) != nil || !strings.Contains(e.Error, "Unix seconds") {
			t.Errorf("GET %s: %d %s; want 400 naming the accepted forms", target, w.Code, w.Body)
		}
	}
}

// TestHugeSearchIsABadRequest: a search asking the store for more words
// than it runs at once (store.MaxSearchWords) is the caller's to fix: a
// 400 that says so, not the store's error as a 500.
func TestHugeSearchIsABadRequest(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	words := make([]string, 400)
	for i := range words {
		words[i] = "w" + strconv.Itoa(i)
	}
	target := "/api/mentions?q=" + url.QueryEscape(strings.Join(words, " OR "))
	w := do(t, h, "GET", target, nil)
	var e apiError
	if w.Code != http.StatusBadRequest || json.Unmarshal(w.Body.Bytes(), &e) != nil || !strings.Contains(e.Error, "at most 256") {
		t.Errorf("GET /api/mentions?q=<400 alternatives>: %d %.300s; want 400 naming the limit", w.Code, w.Body)
	}
}

// TestFeedWindowIsExact: the inbox and its export keep the mentions of
// the from..to asked for. The chart's step (a day for a window over 30
// days) rounds the charts' start down to a bucket; the rows do not.
func TestFeedWindowIsExact(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	// m1 is 2 h old, m2 3 h, m3 4 h (seed); from is 2.5 h ago, 40 days
	// before to.
	from := testNow.Add(-150 * time.Minute)
	window := "brand=Acme&from=" + from.Format(time.RFC3339) + "&to=" + from.Add(40*24*time.Hour).Format(time.RFC3339)
	var page FeedPage
	getJSON(t, h, "/api/mentions?feed=1&"+window, &page)
	for _, r := range page.Rows {
		if r.Published.Before(from) {
			t.Errorf("feed: %s published %s, before from=%s", r.ID, r.Published, from)
		}
	}
	if len(page.Rows) != 1 {
		t.Errorf("feed: %d rows; want 1 (m1)", len(page.Rows))
	}
	w := do(t, h, "GET", "/api/mentions/export?format=jsonl&"+window, nil)
	if n := strings.Count(w.Body.String(), "\n"); w.Code != http.StatusOK || n != 1 {
		t.Errorf("export: %d, %d rows; want 1 (m1):\n%s", w.Code, n, w.Body)
	}
}

// TestMentionArraysNeverNull: a mention without aspects has "aspects": []
// in every JSON answer and in the JSON Lines export, as tags and notes
// do, so a client can loop over it without a null check.
func TestMentionArraysNeverNull(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	targets := []string{"/api/mentions?feed=1&brand=Acme&q=m3", "/api/mentions?author=alice", "/api/mentions/export?format=jsonl&brand=Acme&q=m3"}
	for _, target := range targets {
		body := do(t, h, "GET", target, nil).Body.String()
		if !strings.Contains(body, `"native_id":"m3"`) || strings.Contains(body, `"aspects":null`) {
			t.Errorf("GET %s: want m3 with \"aspects\": [], not null:\n%s", target, body)
		}
	}
}
