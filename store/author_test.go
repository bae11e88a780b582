package store

import "testing"

func TestAuthorKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Budi", "budi"},
		{"budi", "budi"},
		{"@budi", "budi"},
		{" budi ", "budi"},
		{"  @BuDi  ", "budi"},
		{"@@Budi", "@budi"}, // one '@' only
		{"@ Budi", " budi"}, // trimmed before the '@' goes
		{"budi@", "budi@"},
		{"budiman", "budiman"},
		{"@", ""},
		{"  ", ""},
		{"", ""},
		{"\tBudi", "\tbudi"},           // spaces only, as SQL trim()
		{"\u00a0Budi", "\u00a0budi"},   // no Unicode white space either
		{"ÉLODIE", "Élodie"},           // ASCII folding only, as SQL lower()
		{"\u212aelvin", "\u212aelvin"}, // strings.ToLower would make it "kelvin"
		{"İSTANBUL", "İstanbul"},
		{"Jos\uFFFD", "jos\uFFFD"},
	} {
		if got := AuthorKey(c.in); got != c.want {
			t.Errorf("AuthorKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
