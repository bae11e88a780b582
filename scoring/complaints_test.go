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

// The negative and the positive domain sums keep their signs: a phrase
// takes back only what its words added with the other sign, after their
// negation. "tidak nyesel" added praise twice (the negated word and the
// phrase) and took back a complaint its word never added, which cancelled
// the real complaint after it ("paket rusak") and settled the text as
// praise; "not impressed" took praise out of a sum that had none.
func TestPhraseTakesBackWhatItsWordsAdded(t *testing.T) {
	loadModels()
	for _, text := range []string{
		"gak nyesel sih", "tidak kecewa", "tidak pernah kecewa", "not impressed", "no complaints",
		"kurang ramah", "tidak recommended", "tidak rusak", "never again", "nothing broke, no complaints",
	} {
		s := getScratch()
		s.tokenize(text)
		if s.domNeg > 0 || s.domPos < 0 {
			t.Errorf("%q: negative sum %.2f, positive sum %.2f; want <= 0 and >= 0", text, s.domNeg, s.domPos)
		}
		putScratch(s)
	}
	sc := NewScorer(nil)
	if r := ScoreText(sc, "gak nyesel sih, tapi paket rusak"); r.Label != mw.Negative {
		t.Errorf("no regrets, but the parcel is broken: %s (%.3f), want negative", r.Label, r.Sentiment)
	}
}

// Praise after an Indonesian negation complains, whatever the model has
// learned of the praise word alone.
func TestIndonesianNegatedPraise(t *testing.T) {
	sc := NewScorer(nil)
	for _, text := range []string{"nggak rekomen", "gak rekomen deh", "ga recommend sama sekali", "kurang cepat responnya"} {
		if r := ScoreText(sc, text); r.Label != mw.Negative {
			t.Errorf("%q: %s (%.3f), want negative", text, r.Label, r.Sentiment)
		}
	}
	for _, text := range []string{"tidak pernah kecewa", "tidak ribet, pengiriman cepat"} {
		if r := ScoreText(sc, text); r.Label != mw.Positive {
			t.Errorf("%q: %s (%.3f), want positive (a negated complaint praises)", text, r.Label, r.Sentiment)
		}
	}
}

// The emoji of anger and contempt complain, alone or beside words that
// say nothing; a smiling one still praises.
func TestEmojiComplaints(t *testing.T) {
	sc := NewScorer(nil)
	for _, text := range []string{"😡", "😡📦❌", "🤬🤬", "my order 😡", "🙄🙄", "🖕"} {
		if r := ScoreText(sc, text); r.Label != mw.Negative {
			t.Errorf("%q: %s (%.3f), want negative", text, r.Label, r.Sentiment)
		}
	}
	if r := ScoreText(sc, "love it 😍"); r.Label != mw.Positive {
		t.Errorf("love it 😍: %s (%.3f), want positive", r.Label, r.Sentiment)
	}
}

// A text that opens with one word of strong praise set off by
// punctuation and then complains, with no more praise, is sarcasm; the
// same opener before good news, or before a "but" that turns to praise,
// is not.
func TestSarcasticOpener(t *testing.T) {
	sc := NewScorer(nil)
	for _, c := range []struct {
		text  string
		label mw.Label
	}{
		{"great, another delayed order", mw.Negative},
		{"Mantap, kurirnya telat lagi", mw.Negative},
		{"Great, fixed it, thanks", mw.Positive},
		{"Awesome, thanks for the refund", mw.Positive},
		{"great, another delayed order, but the food was delicious", mw.Positive},
		{"Great! Love it, though delivery was late", mw.Positive},
	} {
		if r := ScoreText(sc, c.text); r.Label != c.label {
			t.Errorf("%q: %s (%.3f), want %s", c.text, r.Label, r.Sentiment, c.label)
		}
	}
}

// A negated return ("won't buy here again") complains; the return itself,
// or a negation of something else before it, does not.
func TestNegatedReturn(t *testing.T) {
	sc := NewScorer(nil)
	for _, c := range []struct {
		text  string
		label mw.Label
	}{
		{"ga bakal beli lagi di sini", mw.Negative},
		{"gak akan beli lagi", mw.Negative},
		{"nggak bakal balik lagi ke sini", mw.Negative},
		{"ga bakal ke sini lagi", mw.Negative},
		{"pasti beli lagi", mw.Positive},
		{"tidak perlu beli lagi karena awet", mw.Positive},
	} {
		if r := ScoreText(sc, c.text); r.Label != c.label {
			t.Errorf("%q: %s (%.3f), want %s", c.text, r.Label, r.Sentiment, c.label)
		}
	}
}

// A harm cue negated just before it, in its clause ("not a scam", "bukan
// penipuan", "tidak keracunan", "no food poisoning": a negation in the
// three words before its first word) reports no harm: it does not settle the
// mention negative, and counts as any negated cue does (-0.5×). Such
// reassurances used to make praise negative ("legit, not a scam, got my
// order in 2 days"). Harms a negation does not reach stay harms.
func TestNegatedHarmIsNoHarm(t *testing.T) {
	sc := NewScorer(nil)
	harm := func(text string) bool {
		s := getScratch()
		defer putScratch(s)
		s.tokenize(text)
		return s.harms > 0
	}
	for _, c := range []struct {
		text  string
		harm  bool
		label mw.Label // "" for any
	}{
		{"not a scam", false, ""},
		{"Acme is legit, not a scam, got my order in 2 days", false, mw.Positive},
		{"legit seller, definitely not a scam! fast shipping", false, mw.Positive},
		{"It's not a scam, they refunded me within a day. Great support", false, mw.Positive},
		{"Toko ini bukan penipuan, barang sampai dengan aman", false, ""},
		{"tidak keracunan kok, makanannya enak", false, mw.Positive},
		{"no food poisoning, no injuries, everyone loved the catering", false, mw.Positive},
		{"we didn't get food poisoning and the food was great", false, ""},
		{"no one got food poisoning, the catering was great", false, ""},
		{"tidak pernah keracunan makan di sini, enak", false, mw.Positive},
		// Out of the negation's reach: harms.
		{"this shop is a scam", true, mw.Negative},
		{"I didn't know it was a scam until they took my money", true, mw.Negative},
		{"not happy, it's a scam", true, mw.Negative},
		{"isn't this a scam? they never shipped", false, mw.Negative},
		{"Not again. Food poisoning after the chicken bowl", true, mw.Negative},
		{"tidak kapok? keracunan lagi", true, mw.Negative},
		{"Lima orang keracunan makanan dari Kopi Senja", true, mw.Negative},
	} {
		if got := harm(c.text); got != c.harm {
			t.Errorf("%q: harm %v, want %v", c.text, got, c.harm)
		}
		if r := ScoreText(sc, c.text); c.label != "" && r.Label != c.label {
			t.Errorf("%q: %s (%.3f), want %s", c.text, r.Label, r.Sentiment, c.label)
		}
	}
}

// A harm word in a question ("Is Acme legit or a scam?", "apakah ini
// penipuan?") asks before buying rather than reports: when every harm of
// the text is in a question and the critical matcher (which tells "is
// this a scam?" from "why did I get food poisoning from your burger?")
// finds none, the harm does not settle the mention and its valence
// weighs half, as a question's words do in the rules; the label is never
// positive. Both texts were -0.5 before.
func TestHarmInQuestionAsks(t *testing.T) {
	sc := NewScorer(nil)
	for _, c := range []struct {
		text  string
		label mw.Label
	}{
		{"Is Acme legit or a scam? thinking of ordering", mw.Neutral},
		{"apakah ini penipuan? mau order", ""}, // the Indonesian model's reading: negative (-0.24)
		// Still harms: the matcher reads them as reports, or a harm is
		// outside the question.
		{"why did I get food poisoning from your burger?", mw.Negative},
		{"anyone else's account hacked after the update?", mw.Negative},
		{"is it safe? my friend got scammed last week", mw.Negative},
		{"Scam! why did they take my money?", mw.Negative},
	} {
		r := ScoreText(sc, c.text)
		if c.label != "" && r.Label != c.label {
			t.Errorf("%q: %s (%.3f), want %s", c.text, r.Label, r.Sentiment, c.label)
		}
		if c.label != mw.Negative && (r.Sentiment <= harmSettled || r.Label == mw.Positive) {
			t.Errorf("%q: %.3f, want above a harm's %v and not positive", c.text, r.Sentiment, harmSettled)
		}
		if c.label == mw.Negative && r.Sentiment > harmSettled {
			t.Errorf("%q: %.3f, want a harm's %v or less", c.text, r.Sentiment, harmSettled)
		}
	}
}
