package query

import "testing"

// TestJoined: the one-word form of a phrase is what the phrase matches
// written as one word, and none where the matcher takes none.
func TestJoined(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Kopi Kenangan", "kopikenangan"},
		{`"kopi kenangan"`, "kopikenangan"},
		{"go-jek", "gojek"},
		{"7-Eleven", "7eleven"},
		{"Café Luwak", "cafeluwak"},
		{"acme", ""},
		{"H&M", ""},         // too short to tell
		{"@kopi senja", ""}, // a handle is another account
		{"#kopi kenangan", ""},
		{"!!!", ""},
		{"", ""},
	} {
		got := Joined(tc.text)
		if got != tc.want {
			t.Errorf("Joined(%q) = %q, want %q", tc.text, got, tc.want)
			continue
		}
		if got == "" {
			continue
		}
		p, _ := Phrase(tc.text)
		for _, doc := range []string{"#" + got, "beli " + got + " tadi"} {
			if !p.Match(Doc{Text: doc}) {
				t.Errorf("Phrase(%q) does not match %q, its joined form", tc.text, doc)
			}
		}
	}
}
