package query

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	doc := func(text string) Doc { return Doc{Text: text} }
	for _, tc := range []struct {
		q    string
		d    Doc
		want bool
	}{
		// Words fold case and accents and respect word boundaries.
		{"acme", doc("I love my ACME vacuum"), true},
		{"acme", doc("acmeist art"), false},
		{"cafe", doc("ngopi di Café Ñusa"), true},
		{"Café", doc("ngopi di cafe nusa"), true},
		// Phrases are words in a row; punctuation between them is ignored.
		{`"acme store"`, doc("the Acme-Store app"), true},
		{`"acme store"`, doc("acme's store"), false},
		{`"acme store"`, doc("store acme"), false},
		{"acme store", doc("store acme"), true}, // implicit AND
		// Precedence: NOT > AND > OR.
		{"kopi senja OR lain", doc("lain kali"), true},
		{"kopi senja OR lain", doc("kopi enak"), false},
		{"kopi -senja", doc("kopi senja"), false},
		{"kopi -senja", doc("kopi pagi"), true},
		{"(acme OR roboclean) NOT review", doc("roboclean rusak"), true},
		{"(acme OR roboclean) NOT review", doc("roboclean review"), false},
		{"NOT spam", doc("anything"), true},
		// Handles and hashtags.
		{"@acme_id", doc("thanks @acme_id!"), true},
		{"@acme_id", doc("thanks acme_id"), false},
		{"@acme_id", doc("thanks @acme_id_support"), false},
		{"#acmeid", doc("#AcmeID mantul"), true},
		{"#acmeid", doc("@acmeid mantul"), false},
		{"acme", doc("ordered from #acme today"), true},
		{"acme", doc("ask @acme"), true},
		// An e-mail's domain is no handle, a '#' inside a word no hashtag.
		{"@acme", doc("mail budi@acme.com"), false},
		{"acme", doc("mail budi@acme.com"), true},
		{"#acme", doc("code in c#acme"), false},
		{"@acme", doc("(@acme) and \"@acme\""), true},
		// Wildcard suffix.
		{"kecewa*", doc("sangat kekecewaan"), false},
		{"kecewa*", doc("Kecewanya parah"), true},
		{`"paket belum*"`, doc("paket belumm sampai"), false}, // quotes are exact
		{"paket.belum*", doc("paket belumm sampai"), true},
		{"#promo*", doc("#PromoGajian"), true},
		{"#promo*", doc("promosi"), false},
		// NEAR/n: at most n words between, either order, no overlap.
		{"paket NEAR/2 sampai", doc("paket belum juga sampai"), true},
		{"paket NEAR/1 sampai", doc("paket belum juga sampai"), false},
		{"sampai NEAR/2 paket", doc("paket belum juga sampai"), true},
		{"paket NEAR/0 sampai", doc("sampai paket"), true},
		{`"acme store" NEAR/1 rusak`, doc("rusak lagi Acme Store"), true},
		{`"acme store" NEAR/1 rusak`, doc("rusak lagi dan Acme Store"), false},
		{`"acme store" NEAR/1 rusak`, doc("acme store pagi rusak"), true},
		{"a NEAR/0 a", doc("a"), false},
		{"a NEAR/0 a", doc("a a"), true},
		{`"a b" NEAR/0 "b c"`, doc("a b c"), false}, // overlapping
		{`"a b" NEAR/0 "b c"`, doc("b c a b"), true},
		{"paket NEAR/3 sampai", doc("paket x x x x sampai paket"), true},
		{"lama NEAR/2 kirim*", doc("pengiriman lama sekali, kirimnya lama"), true},
		// Fields.
		{"lang:id", Doc{Lang: "id"}, true},
		{"lang:id", Doc{Lang: "en"}, false},
		{"acme lang:ID", Doc{Text: "acme", Lang: "id"}, true},
		{"source:play-store", Doc{Source: "Play-Store"}, true},
		{"source:play*", Doc{Source: "play-store"}, true},
		{`source:"play*"`, Doc{Source: "play-store"}, false},
		{"author:@budi", Doc{Author: "budi"}, true},
		{"author:budi", Doc{Author: "@Budi"}, true},
		{"author:budi", Doc{Author: "budiman"}, false},
		{`author:"Budi Santoso"`, Doc{Author: "budi santoso"}, true},
		{"type:appstore", Doc{Type: "appstore"}, true},
		{"acme -source:x", Doc{Text: "acme", Source: "x"}, false},
		// Words do not look into fields.
		{"budi", Doc{Author: "budi"}, false},
	} {
		q, err := Parse(tc.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.q, err)
		}
		if got := q.Match(tc.d); got != tc.want {
			t.Errorf("%q on %+v = %v, want %v", tc.q, tc.d, got, tc.want)
		}
	}
}

// TestAnyExceptIsTheQuery: keywords [a, b] with exclude [c] is the query
// (a OR b) NOT c, keyword by keyword a phrase.
func TestAnyExceptIsTheQuery(t *testing.T) {
	kw := []string{"acme", `"acme store"`, "@acme_id", "#acmeid", "Café Ñusa", "!!!"}
	ex := []string{"wile e coyote", "spam"}
	a, ok := AnyExcept(kw, ex)
	if !ok {
		t.Fatal("no query")
	}
	b := MustParse(`(acme OR "acme store" OR @acme_id OR #acmeid OR "cafe nusa") NOT ("wile e coyote" OR spam)`)
	if a.String() != b.String() {
		t.Errorf("AnyExcept = %s\n   query = %s", a, b)
	}
	texts := []string{"I love my ACME vacuum", "acmeist", "thanks @acme_id!", "#acmeid", "ngopi di cafe nusa",
		"Wile E. Coyote ordered from Acme", "acme spam", "acme store", "", "kopi"}
	for _, s := range texts {
		if a.Match(Doc{Text: s}) != b.Match(Doc{Text: s}) {
			t.Errorf("%q: AnyExcept and the query differ", s)
		}
	}
	if _, ok := AnyExcept([]string{"!!!", `""`}, nil); ok {
		t.Error("keywords without letters gave a query")
	}
}

// TestMatchManyNearMisses: 60,000 words of near misses against phrases,
// a wildcard and NEAR/1000. Matching is O(query × words) by construction
// (no backtracking; NEAR is one pass), so this finishes at once; the test
// checks the answers, not the time.
func TestMatchManyNearMisses(t *testing.T) {
	text := strings.Repeat("paket paket belum ", 20000)
	q := MustParse(`"paket paket paket sampai" OR paket NEAR/1000 sampai OR pak* NEAR/0 "belum sampai"`)
	if q.Match(Doc{Text: text}) {
		t.Error("matched")
	}
	if !MustParse("paket NEAR/1000 sampai").Match(Doc{Text: text + "sampai"}) {
		t.Error("the last word is next to a paket")
	}
}

func BenchmarkQueryMatchPrepared(b *testing.B) {
	q := MustParse(`(acme OR "acme store" OR @acme_id) NOT wile`)
	p := Prepare(Doc{Text: "Paket Acme belum sampai juga padahal udah dua minggu, kecewa banget sama acme store"})
	b.ReportAllocs()
	for b.Loop() {
		q.MatchPrepared(&p)
	}
}
