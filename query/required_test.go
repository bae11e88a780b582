package query

import (
	"strings"
	"testing"
)

// TestRequiredNeverRejectsAMatch: a document Match accepts contains, as a
// substring of its folded text, one term of every clause.
func TestRequiredNeverRejectsAMatch(t *testing.T) {
	docs := []string{
		"Acme never delivered my order", "paket Acme hilang lagi, kurir lambat", "#acme_id is down @AcmeSupport",
		"Café Acmé: the refund took weeks", "globex is better than acme store", "nothing to see",
	}
	queries := []string{
		"acme", `"order" AND acme`, "acme OR globex", "(kurir OR refund) AND NOT spam", "acme NEAR/3 order",
		"NOT acme", "lang:en", "acme*", `"acme store" OR (cafe AND refund)`, "@acmesupport OR #acme_id",
	}
	for _, qs := range queries {
		q := MustParse(qs)
		for _, d := range docs {
			if !q.Match(Doc{Text: d, Lang: "en"}) {
				continue
			}
			folded := Fold(d)
			for _, clause := range q.Required() {
				ok := false
				for _, term := range clause {
					all := true
					for _, w := range term.Words {
						all = all && strings.Contains(folded, w)
					}
					ok = ok || all
				}
				if !ok {
					t.Errorf("query %q matches %q but clause %v rejects it", qs, d, clause)
				}
			}
		}
	}
	if got := MustParse("NOT acme OR lang:id").Required(); got != nil {
		t.Errorf("a query needing no word gave clauses %v", got)
	}
	if got := MustParse(`acme AND ("late order" OR refund*)`).Required(); len(got) != 2 || len(got[1]) != 2 || !got[1][1].Prefix {
		t.Errorf("clauses %+v, want [acme] [late order | refund*]", got)
	}
}
