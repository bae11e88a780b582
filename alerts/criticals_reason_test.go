package alerts

import (
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

func TestCriticalReason(t *testing.T) {
	c := newCriticals(nil, mw.CriticalConfig{Keywords: []string{"recall notice"}}, []string{"acme"}, nil)
	for _, tc := range []struct {
		title, text, want string
	}{
		{"", "Adik saya keracunan setelah makan di acme", `mentions "keracunan" (poisoning)`},
		{"acme", "they sent a recall notice for the kettle", `mentions "recall notice" (custom)`},
		{"", "Ended up on a drip after eating the chicken at acme", "reads as a report of harm (learned model; no listed phrase matched)"},
		{"", "acme opened a store", ""},
		{"", "love the new acme menu", ""},
	} {
		m := mw.Mention{Title: tc.title, Text: tc.text, Label: mw.Positive}
		if got := c.reason(&m); got != tc.want {
			t.Errorf("%q: reason %q, want %q", tc.text, got, tc.want)
		}
	}
	// Whatever the label: the same harm labelled negative gives the same reason.
	m := mw.Mention{Text: "Ended up on a drip after eating the chicken at acme", Label: mw.Negative}
	if got := c.reason(&m); !strings.Contains(got, "learned model") {
		t.Fatalf("negative label: %q", got)
	}
}

func TestCriticalReasonListsOnly(t *testing.T) {
	c := newCriticals(nil, mw.CriticalConfig{ListsOnly: true}, []string{"acme"}, nil)
	m := mw.Mention{Text: "Ended up on a drip after eating the chicken at acme", Label: mw.Negative}
	if got := c.reason(&m); got != "" {
		t.Fatalf("lists_only: %q, want no reason", got)
	}
	m.Text = "Adik saya keracunan setelah makan di acme"
	if got := c.reason(&m); got != `mentions "keracunan" (poisoning)` {
		t.Fatalf("lists_only, a listed harm: %q", got)
	}
}
