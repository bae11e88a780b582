package query

import (
	"strings"
	"testing"
)

// TestRequiredNeverRejectsAMatch: a document Match accepts contains, as a
// substring of its folded text (ClickHouse's scan), one term of every
// clause, and also as words in a row of its tokens, the last a prefix when
// the term says so (SQLite's FTS5 index, whose unicode61 tokenizer splits
// words where Tokenize does). The second check is what a variant that
// Match accepts (Shopeenya, #KopiKenangan, SHOPEEEE) needs from Required.
func TestRequiredNeverRejectsAMatch(t *testing.T) {
	docs := []string{
		"Acme never delivered my order", "paket Acme hilang lagi, kurir lambat", "#acme_id is down @AcmeSupport",
		"Café Acmé: the refund took weeks", "globex is better than acme store", "nothing to see",
		"Acmenya lemot, orderannya belum sampai", "ACMEEE kenapa sih", "#AcmeStore rusak", "acmestorenyaaa tutup",
		"the late ordernya", "$ACME naik", "refundnya kapan",
	}
	queries := []string{
		"acme", `"order" AND acme`, "acme OR globex", "(kurir OR refund) AND NOT spam", "acme NEAR/3 order",
		"NOT acme", "lang:en", "acme*", `"acme store" OR (cafe AND refund)`, "@acmesupport OR #acme_id",
		`"acme store" NEAR/2 rusak`, "$acme", "acme late", `"late order"`, "refund",
	}
	for _, qs := range queries {
		q := MustParse(qs)
		for _, d := range docs {
			if !q.Match(Doc{Text: d, Lang: "en"}) {
				continue
			}
			folded, toks := Fold(d), Tokenize(Fold(d))
			for _, clause := range q.Required() {
				substr, words := false, false
				for _, term := range clause {
					all := true
					for _, w := range term.Words {
						all = all && strings.Contains(folded, w)
					}
					substr = substr || all
					words = words || inTokens(toks, term)
				}
				if !substr {
					t.Errorf("query %q matches %q but clause %v rejects it as substrings", qs, d, clause)
				}
				if !words {
					t.Errorf("query %q matches %q but clause %v rejects it as words", qs, d, clause)
				}
			}
		}
	}
	if got := MustParse("NOT acme OR lang:id").Required(); got != nil {
		t.Errorf("a query needing no word gave clauses %v", got)
	}
	got := MustParse(`acme AND ("late order" OR refund*)`).Required()
	if len(got) != 2 || got[0][0].Words[0] != "acme" || strings.Join(got[1][0].Words, " ") != "late order" ||
		got[1][len(got[1])-1].Words[0] != "refund" || !got[1][len(got[1])-1].Prefix {
		t.Errorf("clauses %+v, want [acme ...] [late order ... | refund*]", got)
	}
}

// inTokens reports whether term's words occur in a row in toks, the last a
// prefix when term.Prefix: a word index's phrase query.
func inTokens(toks []Token, term Term) bool {
	n := len(term.Words)
	for i := 0; i+n <= len(toks); i++ {
		ok := true
		for j, w := range term.Words {
			if tw := toks[i+j].Word; tw != w && !(j == n-1 && term.Prefix && strings.HasPrefix(tw, w)) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
