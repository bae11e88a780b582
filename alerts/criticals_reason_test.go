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

// A brand or competitor named with a harm word is a name, not a harm: its
// mentions are not critical for the name alone, and a harm told about it
// still is.
func TestCriticalBrandNamedWithAHarmWord(t *testing.T) {
	c := newCriticals(nil, mw.CriticalConfig{}, []string{"Lawsuit Coffee"}, nil)
	ordinary := []string{"Lawsuit Coffee opened a new branch", "ngopi di Boikot Store tadi pagi", "Ambulance Chasers is a great band"}
	for _, text := range ordinary {
		m := mw.Mention{Text: text, Label: mw.Positive}
		if c.reason(&m) == "" {
			t.Fatalf("%q: the unmasked check does not flag it; the example no longer shows the problem", text)
		}
	}
	c.maskNames([]string{"Lawsuit Coffee", "Acme", "Boikot Store", "Ambulance Chasers"})
	for _, text := range ordinary {
		m := mw.Mention{Text: text, Label: mw.Positive}
		if got := c.reason(&m); got != "" {
			t.Errorf("%q: reason %q for the name alone", text, got)
		}
	}
	for _, tc := range []struct{ text, want string }{
		{"Adik saya keracunan setelah minum di Lawsuit Coffee", `mentions "keracunan" (poisoning)`},
		{"we are filing a lawsuit against Lawsuit Coffee", `mentions "lawsuit" (legal)`},
		{"ayo boikot Boikot Store", `mentions "boikot" (boycott)`},
	} {
		m := mw.Mention{Text: tc.text, Label: mw.Positive}
		if got := c.reason(&m); got != tc.want {
			t.Errorf("%q: reason %q, want %q", tc.text, got, tc.want)
		}
	}
}

// A brand named with a harm word is also written as one word, in a
// hashtag or run together: that is the name too, not a harm.
func TestCriticalBrandNameAsHashtag(t *testing.T) {
	c := newCriticals(nil, mw.CriticalConfig{}, []string{"Boikot Store"}, nil)
	c.maskNames([]string{"Boikot Store", "Lawsuit Coffee"})
	for _, text := range []string{"ngopi di #BoikotStore tadi pagi", "ngopi di BoikotStore tadi pagi",
		"#LawsuitCoffee opened a new branch", "thanks @LawsuitCoffee for the latte"} {
		m := mw.Mention{Text: text, Label: mw.Positive}
		if got := c.reason(&m); got != "" {
			t.Errorf("%q: reason %q for the name alone", text, got)
		}
	}
	for _, tc := range []struct{ text, want string }{
		{"ayo boikot #BoikotStore", `mentions "boikot" (boycott)`},
		{"Adik saya keracunan setelah minum di #LawsuitCoffee", `mentions "keracunan" (poisoning)`},
	} {
		m := mw.Mention{Text: tc.text, Label: mw.Positive}
		if got := c.reason(&m); got != tc.want {
			t.Errorf("%q: reason %q, want %q", tc.text, got, tc.want)
		}
	}
}
