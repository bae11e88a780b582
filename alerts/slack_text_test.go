package alerts

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestSlackPartsResume: a digest's messages are posted in order, and a
// retry after the second failed sends only the messages not yet sent.
// Before, a digest was one message, which Slack splits at its 4,000th
// character wherever that falls (digest.SlackParts now splits it).
func TestSlackPartsResume(t *testing.T) {
	parts := []string{"part one", "part two", "part three"}
	var got []string
	fail := true // the second message fails once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Text string `json:"text"`
		}
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			t.Error(err)
		}
		if len(got) == 1 && fail {
			fail = false
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte("internal_error"))
			return
		}
		got = append(got, m.Text)
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	s, err := NewSlack(mw.SlackConfig{WebhookURL: mw.Secret(srv.URL + "/services/T0/B0/x")}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PostParts(ctx, parts); err == nil {
		t.Fatal("PostParts succeeded although the second message failed")
	}
	if err := s.PostParts(ctx, parts); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if fmt.Sprint(got) != fmt.Sprint(parts) {
		t.Errorf("messages %q; want each part once, in order", got)
	}
	// Sent in full, the same parts are sent again in full if asked.
	got = nil
	if err := s.PostParts(ctx, parts); err != nil || len(got) != 3 {
		t.Errorf("again: %v, %d messages; want 3", err, len(got))
	}
}
