package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	mw "github.com/mentionwatch/mentionwatch"
	mq "github.com/mentionwatch/mentionwatch/query"
	"github.com/mentionwatch/mentionwatch/store"
)

// searchTexts are texts a store's search must read as the query matcher
// does: accents precomposed and decomposed, upper and lower case beyond
// ASCII (Turkish İ and ı, German ß, Greek, Cyrillic), emoji glued to
// words, symbols that are not letters (², ½), hashtags, handles, name
// forms, quotes and the like.
var searchTexts = []string{
	"Café Kenangan enak sekali",
	"CAFÉ KENANGAN TUTUP",
	"Cafe\u0301 baru buka, re\u0301sume\u0301 dikirim",
	"İSTANBUL'da kargo GEÇ geldi",
	"Şişe kırık geldi, ılık su",
	"ıslak paket",
	"Die Straße in MÜNCHEN, Äpfel über alles",
	"ÜBERALL schlecht",
	"Paket SAYA hilang lagi",
	"Shopeenya lemot banget",
	"GOJEKKK kemana",
	"pelayanan 😡😡 buruk",
	"👍mantap jiwa",
	"luas 20m² murah, ½harga",
	"#KopiKenangan viral",
	"kopi kenangan mantap",
	"tanya @Acme_ID dong",
	"ΆΘΗΝΑ ΚΑΙ ΣΠΆΡΤΗ",
	"ДМИТРИЙ доволен",
	`it's 100% "good" back\slash under_score`,
	"nul\x00byte here",
	"ﬁnal ligature",
	"Ærø and Œuvre",
	"naïve coöperation",
	"Việt Nam đẹp quá",
	"ĐÀ NẴNG",
	"Ёлка и ЁЖ",
	"",
}

// searchQueries are inbox searches (q=) over searchTexts.
var searchQueries = []string{
	"cafe", "café", "CAFÉ", "Cafe kenangan", `"cafe kenangan"`, "resume", "résumé",
	"istanbul", "İstanbul", "ISTANBUL", "geç", "gec", "GEÇ",
	"şişe", "sise", "kırık", "kirik", "ılık", "ilik", "islak", "ıslak",
	"straße", "STRASSE", "münchen", "munchen", "MÜNCHEN", "äpfel", "apfel", "über", "uber", "überall",
	"hilang", "saya", "shopee", "gojek", "buruk", "pelayanan buruk", "mantap", "👍mantap",
	"m", "20m", "harga", "½harga",
	"kopikenangan", "#kopikenangan", "kopi kenangan", "@acme_id", "acme_id", "acme",
	"αθηνα", "ΆΘΗΝΑ", "σπάρτη", "дмитрий", "Дмитрий",
	"100", "good", "it's", `back\slash`, "under_score", "nul", "byte",
	"final", "ﬁnal", "ærø", "aerø", "œuvre", "naive", "cooperation",
	"viet", "việt", "dep", "da nang", "đà nẵng", "ёлка", "елка", "ёж",
	"caf*", "ist*", "mün*", "ШОП*",
	"cafe OR istanbul", "cafe AND NOT kenangan", "cafe NEAR/2 baru",
}

// testSearchAsMatcher: the inbox search (q=) gives in each store what the
// query matcher gives over every stored mention: the store's rows for
// Required's clauses, checked with Match, are exactly the mentions Match
// accepts, so no store drops a mention the other shows (ClickHouse's scan
// did not fold accents, so "cafe" missed "Café" there and not in SQLite).
func testSearchAsMatcher(t *testing.T, open Opener) {
	s := open(t)
	var ms []mw.Mention
	for i, text := range searchTexts {
		m := Mention("acme", fmt.Sprintf("t%02d", i), T0.Add(time.Duration(i)*time.Minute), mw.Negative)
		m.Title, m.Text = "", text
		if i%3 == 0 { // some in the title
			m.Title, m.Text = text, "-"
		}
		ms = append(ms, m)
	}
	insert(t, s, ms...)
	matched := 0
	for _, qs := range searchQueries {
		q, err := mq.Parse(qs)
		if err != nil {
			t.Fatalf("query %q: %v", qs, err)
		}
		var want []string
		for _, m := range ms {
			if q.Match(mq.Doc{Text: m.Title + "\n" + m.Text, Lang: m.Lang}) {
				want = append(want, m.NativeID)
			}
		}
		slices.Reverse(want) // newest first
		matched += len(want)
		var search []store.SearchClause
		for _, c := range q.Required() {
			var sc store.SearchClause
			for _, term := range c {
				sc = append(sc, store.SearchTerm{Words: term.Words, Prefix: term.Prefix})
			}
			search = append(search, sc)
		}
		for _, limit := range []int{0, 3} {
			var got []string
			sq := store.MentionQuery{Search: search, Limit: limit}
			for range len(ms) + 1 {
				page := query(t, s, sq)
				for _, m := range page {
					if q.Match(mq.Doc{Text: m.Title + "\n" + m.Text, Lang: m.Lang}) {
						got = append(got, m.NativeID)
					}
				}
				if limit == 0 || len(page) < limit {
					break
				}
				last := page[len(page)-1]
				sq.After = &store.Cursor{Published: last.Published, ID: last.ID}
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("q=%s (limit %d): store then matcher (-matcher alone +store):\n%s", qs, limit, diff)
			}
		}
	}
	if matched < len(searchQueries) {
		t.Fatalf("the queries matched %d mentions in all; the test needs most of them to match something", matched)
	}
}
