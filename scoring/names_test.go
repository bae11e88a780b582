package scoring

import (
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// A brand named with a sentiment word does not tilt its mentions: the
// name is read as a name, the same word elsewhere still counts, and a
// brand without such a word scores as before.
func TestBrandNamesCarryNoSentiment(t *testing.T) {
	brands := []mw.Brand{
		{Name: "Happy Foods", Competitors: []mw.Competitor{{Name: "Bad Dragon"}}},
		{Name: "Toko Kecewa"},
		{Name: "Acme"},
	}
	named := NewScorer(brands)
	plain := NewScorer(nil)
	label := func(sc *Scorer, brand, text string) (mw.Label, float32) {
		m := mw.Mention{Brand: brand, Text: text}
		sc.Score(&m)
		return m.Label, m.Sentiment
	}
	for _, tc := range []struct {
		brand, text string
		want        mw.Label
	}{
		{"Happy Foods", "Happy Foods shipped my order today", mw.Neutral},
		{"Happy Foods", "HAPPY-FOODS shipped my order today", mw.Neutral},
		{"Happy Foods", "Happy Foods lost my order, terrible", mw.Negative},
		{"Happy Foods", "Happy Foods made me so happy", mw.Positive},
		{"Bad Dragon", "Bad Dragon shipped my order today", mw.Neutral},
		{"Bad Dragon", "Bad Dragon support was wonderful, thank you", mw.Positive},
	} {
		if got, v := label(named, tc.brand, tc.text); got != tc.want {
			t.Errorf("%q: %s (%+.2f), want %s", tc.text, got, v, tc.want)
		}
	}
	// Indonesian: "kecewa" (disappointed) in the name no longer pulls the
	// mention down; it scores as the text without the name.
	const id = "Pesanan dari Toko Kecewa sudah sampai, terima kasih"
	_, masked := label(named, "Toko Kecewa", id)
	_, raw := label(plain, "Toko Kecewa", id)
	_, blank := label(plain, "Toko Kecewa", "Pesanan dari             sudah sampai, terima kasih")
	if masked != blank || !(masked > raw) {
		t.Errorf("%q: %+.3f with the mask, %+.3f without, %+.3f with the name blanked", id, masked, raw, blank)
	}
	// The unmasked scorer reads the names as opinions: the test above
	// checks something.
	if got, _ := label(plain, "Happy Foods", "Happy Foods shipped my order today"); got != mw.Positive {
		t.Errorf("without the mask %q is %s; the example no longer shows the problem", "Happy Foods shipped my order today", got)
	}
	// Acme has no sentiment word: its mentions score exactly as before,
	// and so does a word that only contains a name.
	for _, text := range []string{"Acme vacuum is great", "paket Acme belum sampai", "Happy Foodsy is a happy place"} {
		_, a := label(named, "Acme", text)
		_, b := label(plain, "Acme", text)
		if a != b {
			t.Errorf("%q: %+.3f with the brands, %+.3f without", text, a, b)
		}
	}
}

func TestNameMaskOnlyForSentimentNames(t *testing.T) {
	nm := newNameMask([]mw.Brand{{Name: "Best Buy"}})
	if nm == nil {
		t.Fatal("Best Buy carries sentiment but is not masked")
	}
	if newNameMask([]mw.Brand{{Name: "Acme", Competitors: []mw.Competitor{{Name: "Kopi Senja"}}}}) != nil {
		t.Error("names without a sentiment word are masked")
	}
	if got, want := nm.Apply("x best buy, Best  Buy! bestbuy"), "x "+strings.Repeat(" ", 8)+", "+strings.Repeat(" ", 9)+"! bestbuy"; got != want {
		t.Errorf("apply = %q", got)
	}
}

var nameMaskTexts = []string{
	"Paket dari toko ini belum sampai juga padahal udah seminggu, kecewa banget sama pelayanannya",
	"I ordered the vacuum last week and it arrived broken. Support has not answered my emails.",
	"Love the new app update, checkout is so much faster now!",
	"Harga naik terus tapi kualitas turun, mending pindah ke kompetitor aja deh",
}

// BenchmarkNameMask scores the same texts without brands and with three
// masked names configured (none of them in the texts): the mask's cost on
// every mention (docs/BENCHMARKS.md).
func BenchmarkNameMask(b *testing.B) {
	for _, bc := range []struct {
		name string
		sc   *Scorer
	}{
		{"plain", NewScorer(nil)},
		{"masked", NewScorer([]mw.Brand{{Name: "Best Buy", Competitors: []mw.Competitor{{Name: "Happy Foods"}, {Name: "Toko Kecewa"}}}})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				m := mw.Mention{Text: nameMaskTexts[i%len(nameMaskTexts)]}
				bc.sc.Score(&m)
			}
		})
	}
}
