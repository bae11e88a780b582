package query

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// The column of an error counts every byte of invalid UTF-8 as one
// character, as utf8.RuneCountInString (and an editor showing U+FFFD per
// bad byte) does: a run of bad bytes before the error must not pull the
// column back onto the wrong character.
func TestErrorColumnAfterInvalidUTF8(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // the character the column must point at
	}{
		{"acme \xff\xff\xffx (b", "("},
		{"\xff\xfe\xfdacme )", ")"},
		{"caf\xe9\xe9 \"x", `"`},
		{"a\xffb OR )", ")"},
	} {
		_, err := Parse(tc.in)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Fatalf("Parse(%q) = %v, want a *query.Error", tc.in, err)
		}
		runes := []rune(tc.in) // one U+FFFD per bad byte
		if qe.Col < 1 || qe.Col > len(runes) || !strings.HasPrefix(string(runes[qe.Col-1:]), tc.want) {
			t.Errorf("Parse(%q): %v; want the column of %q (rune count %d)", tc.in, err, tc.want, utf8.RuneCountInString(tc.in))
		}
	}
}

// Hostile queries within the size limit fail with a column inside the
// query or parse, and the parsed ones match.
func TestHostileQueries(t *testing.T) {
	ors := strings.Repeat("kopi OR ", MaxQueryBytes/8-1) + "acme"
	if q, err := Parse(ors); err != nil || !q.Match(Doc{Text: "ACME!"}) || q.Match(Doc{Text: "teh"}) {
		t.Errorf("%d OR terms: err %v", strings.Count(ors, " OR "), err)
	}
	for _, s := range []string{
		strings.Repeat("NOT ", MaxDepth+2) + "a",
		strings.Repeat("-", MaxDepth+2) + "a",
		strings.Repeat("(-", MaxDepth) + "a",
		strings.Repeat("(", MaxQueryBytes/2) + "a" + strings.Repeat(")", MaxQueryBytes/2-1),
	} {
		_, err := Parse(s)
		var qe *Error
		if !errors.As(err, &qe) || qe.Col < 1 || qe.Col > utf8.RuneCountInString(s)+1 || !strings.Contains(qe.Msg, "nests deeper") {
			t.Errorf("Parse(%.20q...) = %v, want a nesting error inside the query", s, err)
		}
	}
	// Case folding: dotted capital I folds to i, accents fold.
	if !MustParse("İstanbul").Match(Doc{Text: "ISTANBUL"}) || !MustParse(`"KAFÉ ñusa"`).Match(Doc{Text: "kafe Ñusa"}) {
		t.Error("case or accent folding failed")
	}
}
