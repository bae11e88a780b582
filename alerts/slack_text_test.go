package alerts

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestSlackLongTextSplitAtLineEnds: a digest longer than one Slack message
// is posted as several, each at most MaxTextPart characters and cut at a
// line end, so no escape or link is cut in two; a retry after the second
// message failed sends only the messages not yet sent. Before, the whole
// text went in one message, which Slack splits at its 4,000th character
// wherever that falls.
func TestSlackLongTextSplitAtLineEnds(t *testing.T) {
	var lines []string
	for i := 0; i < 120; i++ {
		lines = append(lines, fmt.Sprintf("• <https://shop.example/r/%d|Review %d> Acme &amp; kettle *leaks* — %s", i, i, strings.Repeat("é", 20)))
	}
	text := strings.Join(lines, "\n")
	var got []string
	fail := 2 // the second message fails once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Text string `json:"text"`
		}
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			t.Error(err)
		}
		if len(got) == fail-1 && fail > 0 {
			fail = 0
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
	if err := s.PostText(ctx, text); err == nil {
		t.Fatal("PostText succeeded although the second message failed")
	}
	if len(got) != 1 {
		t.Fatalf("%d messages before the failure; want 1", len(got))
	}
	if err := s.PostText(ctx, text); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if len(got) < 3 {
		t.Fatalf("%d messages; want the %d-character text in 3 or more", len(got), utf8.RuneCountInString(text))
	}
	for i, m := range got {
		if n := utf8.RuneCountInString(m); n > MaxTextPart {
			t.Errorf("message %d has %d characters, more than %d", i+1, n, MaxTextPart)
		}
		if strings.HasSuffix(m, "\n") || !strings.HasSuffix(m, strings.Repeat("é", 20)) {
			t.Errorf("message %d does not end at a line end: …%q", i+1, m[len(m)-40:])
		}
	}
	if joined := strings.Join(got, "\n"); joined != text {
		t.Errorf("the messages together are not the text (a part sent twice or lost): %d against %d bytes", len(joined), len(text))
	}
	// A short text is one message, as before.
	got = nil
	if err := s.PostText(ctx, "*Daily digest* of acme"); err != nil || len(got) != 1 || got[0] != "*Daily digest* of acme" {
		t.Errorf("short text: %v, %q", err, got)
	}
}

// TestSplitLinesLongLine: a line longer than a message is cut at a space,
// else at a character boundary; every part fits.
func TestSplitLinesLongLine(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("word ", 50),
		strings.Repeat("é", 130),
		"short\n" + strings.Repeat("x", 95) + "\n\n" + strings.Repeat("🇮🇩", 60),
	} {
		parts := SplitLines(s, 40)
		total := 0
		for _, p := range parts {
			if n := utf8.RuneCountInString(p); n > 40 || n == 0 {
				t.Errorf("part of %d characters: %q", n, p)
			}
			total += utf8.RuneCountInString(strings.ReplaceAll(strings.ReplaceAll(p, " ", ""), "\n", ""))
		}
		if want := utf8.RuneCountInString(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), "\n", "")); total != want {
			t.Errorf("%d characters kept of %d", total, want)
		}
	}
}
