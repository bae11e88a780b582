package query

import (
	"errors"
	"testing"
)

func TestPrecedence(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a b", "(a AND b)"},
		{"a OR b c", "(a OR (b AND c))"},
		{"a b OR c", "((a AND b) OR c)"},
		{"NOT a b", "(NOT a AND b)"},
		{"NOT a OR b", "(NOT a OR b)"},
		{"a -b OR c", "((a AND NOT b) OR c)"},
		{"(a OR b) NOT c", "((a OR b) AND NOT c)"},
		{"(a OR b) AND NOT (c OR d)", "((a OR b) AND NOT (c OR d))"},
		{"NOT NOT a", "NOT NOT a"},
		{"-(a b)", "NOT (a AND b)"},
		{`-"a b"`, `NOT "a b"`},
		{"a AND b AND c OR d", "((a AND b AND c) OR d)"},
		{"a or b", "(a AND or AND b)"}, // lower-case operators are words
		{"a and not b", "(a AND and AND not AND b)"},
		{"a NEAR/3 b OR c", "(a NEAR/3 b OR c)"},
		{"NOT a NEAR/2 b", "NOT a NEAR/2 b"},
		{`"Acme Store" NEAR/0 rusak`, `"acme store" NEAR/0 rusak`},
		{"Café", "cafe"},
		{"acme's", `"acme s"`},
		{"e-commerce", `"e commerce"`},
		{"@Acme_ID OR #AcmeID", "(@acme_id OR #acmeid)"},
		{"acm*", "acm*"},
		{"lang:ID source:Play-Store author:@Budi type:appstore*", "(lang:id AND source:play-store AND author:budi AND type:appstore*)"},
		{`author:"Budi Santoso"`, `author:"budi santoso"`},
		{"Author:@@", "author:@@"}, // one @ is dropped, so a value starting with @ prints it back
		{`author:"@@x"`, "author:@@x"},
		{"author:@@x*", "author:@@x*"},
		{"12:30 http://acme.id", `("12 30" AND "http acme id")`},
		{"((a))", "a"},
		// A quote glued to a word is part of the name; an operator or
		// field after a closing quote is not.
		{`Toys"R"Us`, `"toys r us"`},
		{`"Toys"R"Us"`, `"toys r us"`},
		{`Toys"R"Us*`, "toys.r.us*"},
		{`E"*"TRADE`, `"e trade"`},
		{`"a"OR b`, "(a OR b)"},
		{`x"y"lang:id`, `("x y" AND lang:id)`},
		{`source:"play store"`, `source:"play store"`},
		{"$GOTO OR $aapl", "($goto OR $aapl)"},
		{`ac*"me"`, "(ac* AND me)"}, // a wildcard ends the word
	} {
		q, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := q.String(); got != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.in, got, tc.want)
		}
		// The printed form parses back to itself.
		if again, err := Parse(q.String()); err != nil || again.String() != q.String() {
			t.Errorf("round trip of %q: %v %v", q.String(), again, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"", "query: column 1: empty query: give at least one word, \"phrase\" or field:value"},
		{"   ", "query: column 1: empty query: give at least one word, \"phrase\" or field:value"},
		{`acme "acme store`, `query: column 6: unclosed quote: add the closing "`},
		{`kopi senja OR "kopi`, `query: column 15: unclosed quote: add the closing "`},
		{"acme NOT", "query: column 9: expected a term after NOT, found end of query"},
		{"acme AND", "query: column 9: expected a term after AND, found end of query"},
		{"acme OR", "query: column 8: expected a term after OR, found end of query"},
		{"acme AND OR b", "query: column 10: expected a term after AND, found OR"},
		{"NOT OR b", "query: column 5: expected a term after NOT, found OR"},
		{"OR acme", "query: column 1: expected a term before OR"},
		{"AND acme", "query: column 1: expected a term before AND"},
		{"(acme OR b", "query: column 1: unclosed parenthesis: add the closing ')'"},
		{"a (b (c)", "query: column 3: unclosed parenthesis: add the closing ')'"},
		{"acme)", "query: column 5: unmatched ')'"},
		{"acme ()", "query: column 6: empty parentheses"},
		{"(a OR)", "query: column 6: expected a term after OR, found ')'"},
		{"lnag:id acme", `query: column 1: unknown field lnag: (did you mean lang:?); the fields are lang:, source:, author: and type:; to search for text with a colon, put it in quotes`},
		{"acme sorce:x", `query: column 6: unknown field sorce: (did you mean source:?); the fields are lang:, source:, author: and type:; to search for text with a colon, put it in quotes`},
		{"typ:app", `query: column 1: unknown field typ: (did you mean type:?); the fields are lang:, source:, author: and type:; to search for text with a colon, put it in quotes`},
		{"acme lang:", "query: column 11: expected a value after lang:, as in lang:id"},
		{`acme author:"`, `query: column 13: unclosed quote: add the closing "`},
		{"acme NEAR rusak", "query: column 6: NEAR needs a distance in words, as in NEAR/3"},
		{"acme NEAR/x rusak", "query: column 11: expected a number of words after NEAR/, as in NEAR/3"},
		{"acme NEAR/5000 rusak", "query: column 6: NEAR distance is at most 1000 words"},
		{"acme NEAR/3", "query: column 12: expected a term after NEAR/3, found end of query"},
		{"(a OR b) NEAR/3 c", "query: column 10: NEAR/3 joins two words or phrases, not a group or a field filter"},
		{"a NEAR/3 lang:id", "query: column 10: NEAR/3 joins two words or phrases, not a group or a field filter"},
		{"a NEAR/3 b NEAR/2 c", "query: column 12: NEAR joins two words or phrases; to chain them, join the pairs with AND"},
		{"acme !!!", `query: column 6: "!!!" has no letters or digits to match`},
		{`acme "..."`, "query: column 6: phrase has no letters or digits"},
		{"ac*me", "query: column 3: a wildcard * goes only at the end of a word"},
		{"a*", "query: column 1: a wildcard needs at least 2 letters before the *"},
		{`acme Toys"R`, `query: column 10: unclosed quote: add the closing "`},
		{`x Toys"R"U*s`, "query: column 11: a wildcard * goes only at the end of a word"},
		{"kafé (ñusa OR", "query: column 14: expected a term after OR, found end of query"},
		// The operator found is named as written, not as a "term".
		{"NEAR/3 acme", "query: column 1: expected a term before NEAR/3"},
		{"a NEAR/3 NOT b", "query: column 10: expected a term after NEAR/3, found NOT"},
		{"a NEAR/3 -b", "query: column 10: expected a term after NEAR/3, found NOT"},
		{"a OR NEAR/2 b", "query: column 6: expected a term after OR, found NEAR/2"},
	} {
		_, err := Parse(tc.in)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Errorf("Parse(%q) = %v, want a *query.Error", tc.in, err)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tc.in, err, tc.want)
		}
	}
}

func TestParseLimits(t *testing.T) {
	deep := ""
	for range MaxDepth + 2 {
		deep += "("
	}
	if _, err := Parse(deep + "a"); err == nil || err.Error() != "query: column 66: query nests deeper than 64 levels" {
		t.Errorf("deep nesting: %v", err)
	}
	long := make([]byte, MaxQueryBytes+1)
	for i := range long {
		long[i] = 'a'
	}
	if _, err := Parse(string(long)); err == nil {
		t.Error("an over-long query parsed")
	}
}

func TestTermsAndNeedsTerm(t *testing.T) {
	q := MustParse(`(acme OR "acme store" OR @acme_id) -spam lang:id`)
	if got := q.Terms(); len(got) != 3 || got[0] != "acme" || got[1] != "acme store" || got[2] != "@acme_id" {
		t.Errorf("Terms = %q", got)
	}
	for in, want := range map[string]bool{
		"acme":               true,
		"NOT spam":           false,
		"lang:id":            false,
		"acme OR lang:id":    false,
		"acme lang:id":       true,
		"NOT spam acme":      true,
		"a NEAR/2 b":         true,
		"(a OR b) (c OR -d)": true,
	} {
		if got := MustParse(in).NeedsTerm(); got != want {
			t.Errorf("NeedsTerm(%q) = %v, want %v", in, got, want)
		}
	}
}
