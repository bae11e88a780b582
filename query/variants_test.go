package query

import (
	"strings"
	"testing"
)

// refOccurrences lists every occurrence of term n in toks as [start, end)
// by brute force: its words in a row, the last possibly a variant, or its
// joined form (or a variant of it) in one token. The plain twin of at,
// span and endsAt.
func refOccurrences(toks []Token, n *node) [][2]int {
	var out [][2]int
	for i := range toks {
		if i+len(n.toks) <= len(toks) {
			ok := true
			for j, pt := range n.toks {
				t := toks[i+j]
				last := j == len(n.toks)-1
				switch {
				case last && n.wild:
					ok = ok && (pt.Prefix == 0 || t.Prefix == pt.Prefix) && strings.HasPrefix(t.Word, pt.Word)
				case t.Word == pt.Word:
					ok = ok && (pt.Prefix == 0 || t.Prefix == pt.Prefix)
				default:
					ok = ok && last && n.vary && t.Prefix == 0 && variant(t.Word, pt.Word)
				}
			}
			if ok {
				out = append(out, [2]int{i, i + len(n.toks)})
			}
		}
		if t := toks[i]; n.joined != "" && (t.Word == n.joined || t.Prefix == 0 && variant(t.Word, n.joined)) {
			out = append(out, [2]int{i, i + 1})
		}
	}
	return out
}

// refNear: any pair of occurrences, not overlapping, at most dist words
// apart.
func refNear(toks []Token, a, b *node, dist int) bool {
	for _, x := range refOccurrences(toks, a) {
		for _, y := range refOccurrences(toks, b) {
			if x[1] <= y[0] && y[0]-x[1] <= dist || y[1] <= x[0] && x[0]-y[1] <= dist {
				return true
			}
		}
	}
	return false
}

var twinQueries = []string{
	"acme", "shopee", `"kopi kenangan"`, "7-Eleven", "#acme", "$goto", "acm*", `"acme store" NEAR/1 rusak`,
	`kopi NEAR/0 "kopi kenangan"`, `"go pay" NEAR/2 saldo`, "gojek NEAR/0 gojek", `"a b" NEAR/0 "b c"`, `"ab cd" NEAR/1 ab`,
}

// FuzzTermsAgainstTwin: Match and NEAR with variants and joined phrases
// agree with the brute-force twin on any text.
func FuzzTermsAgainstTwin(f *testing.F) {
	for _, s := range []string{
		"kopikenangan kopi kenangannya saldo gopay", "acme store rusak acmestore", "gojekkk gojeknya", "ab cd abcd ab",
		"$GOTO #acme acmeee 7eleven rusak", "a b c abc bc", "shopeenyaaa, kopi kopikenangan",
	} {
		f.Add(s)
	}
	qs := make([]*Query, len(twinQueries))
	for i, s := range twinQueries {
		qs[i] = MustParse(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p := Prepare(Doc{Text: text})
		for i, q := range qs {
			n := q.root
			var want bool
			if n.op == opNear {
				want = refNear(p.toks, n.kids[0], n.kids[1], n.dist)
			} else {
				want = len(refOccurrences(p.toks, n)) > 0
			}
			if got := q.MatchPrepared(&p); got != want {
				t.Fatalf("%q on %q = %v, twin %v", twinQueries[i], text, got, want)
			}
		}
	})
}
