package query

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzParse: any input either parses, prints to a form that parses to the
// same form, and matches without panicking, or fails with an *Error whose
// column lies inside the query (or just past its end).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"acme", `"acme store" OR @acme_id`, "(a OR b) NOT c", "a NEAR/3 b", "-x lang:id author:\"a b\"",
		"((", "\"", "NEAR/", "a NEAR/99999 b", "lnag:x", "ac*me*", "Café -(ñusa OR #kopi*)", "\xff\xfe",
	} {
		f.Add(s, "Acme store rusak, kopi #kopisenja @acme_id café")
	}
	f.Fuzz(func(t *testing.T, s, text string) {
		q, err := Parse(s)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q) error %v is not a *query.Error", s, err)
			}
			if qe.Col < 1 || qe.Col > utf8.RuneCountInString(s)+1 {
				t.Fatalf("Parse(%q): column %d outside the query", s, qe.Col)
			}
			return
		}
		again, err := Parse(q.String())
		if err != nil {
			t.Fatalf("String() of %q = %q does not parse: %v", s, q.String(), err)
		}
		if again.String() != q.String() {
			t.Fatalf("round trip of %q: %q then %q", s, q.String(), again.String())
		}
		d := Doc{Text: text, Lang: "id", Author: "@budi"}
		if q.Match(d) != again.Match(d) {
			t.Fatalf("%q and its printed form %q disagree on %q", s, q.String(), text)
		}
	})
}
