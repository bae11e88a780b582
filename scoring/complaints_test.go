package scoring

import (
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// The complaints of issue 17 that read as neutral or praise before.
func TestIssueComplaints(t *testing.T) {
	sc := NewScorer(nil)
	for _, c := range []struct {
		text  string
		label mw.Label
		min   float32 // for positives: at least this score
	}{
		{"Lima orang keracunan makanan dari Kopi Senja, kami akan gugat", mw.Negative, 0},
		{"aplikasinya error terus pas mau bayar", mw.Negative, 0},
		{"Pesanan saya dari Tokoku tidak pernah datang, refund belum diproses", mw.Negative, 0},
		{"mantul banget pelayanannya, makasih kak", mw.Positive, 0.25},
		{"mantap, paket hilang lagi", mw.Negative, 0},
		{"delivery-nya lama bgt, udah seminggu", mw.Negative, 0},
		{"great, my package is marked delivered and nowhere to be found. love that for me", mw.Negative, 0},
		{"Got food poisoning after the chicken bowl, we will sue", mw.Negative, 0},
	} {
		r := ScoreText(sc, c.text)
		if r.Label != c.label || c.label == mw.Positive && r.Sentiment < c.min {
			t.Errorf("%q: %s (%.3f), want %s", c.text, r.Label, r.Sentiment, c.label)
		}
	}
}

// "tidak pernah X" complains when X is no complaint word and praises when
// it is; a question with no cue is neutral, a question with one is not; a
// booster after a cue strengthens it.
func TestNeverAndQuestions(t *testing.T) {
	sc := NewScorer(nil)
	for _, c := range []struct {
		text  string
		label mw.Label
	}{
		{"adminnya Tokoku gak pernah bales chat", mw.Negative},
		{"Tokoku tidak pernah menjelaskan biaya tambahan itu", mw.Negative},
		{"gak pernah kecewa belanja di Tokoku", mw.Positive},
		{"warung Tokoku tidak pernah sepi pengunjung", mw.Positive},
		{"bisa bayar pakai transfer bank gak sih di Tokoku?", mw.Neutral},
		{"kenapa aplikasi Tokoku error terus?", mw.Negative},
		{"kurir Tokoku cepet banget", mw.Positive}, // "kurir Tokoku cepet" alone is neutral

	} {
		if r := ScoreText(sc, c.text); r.Label != c.label {
			t.Errorf("%q: %s (%.3f), want %s", c.text, r.Label, r.Sentiment, c.label)
		}
	}
}

// A harm is never positive, whatever praise surrounds it; a negated
// complaint word is not a complaint.
func TestSettle(t *testing.T) {
	sc := NewScorer(nil)
	for _, text := range []string{
		"Love this place, amazing food, but two of us got food poisoning. Great job",
		"keren banget tokonya, sayang HP-nya meledak pas dicas",
	} {
		if r := ScoreText(sc, text); r.Label != mw.Negative {
			t.Errorf("%q: %s (%.3f), want negative (a harm)", text, r.Label, r.Sentiment)
		}
	}
	for _, text := range []string{"barangnya tidak rusak, packing rapi, makasih", "arrived on time, nothing broke, no complaints"} {
		if r := ScoreText(sc, text); r.Label == mw.Negative {
			t.Errorf("%q: %s (%.3f), want not negative", text, r.Label, r.Sentiment)
		}
	}
}
