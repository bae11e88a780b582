package scoring

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/critical"
)

// A harm that only the critical matcher knows (a regulator, a health
// inspector) settles a mention that reads as praise negative, as the
// scorer's own harm cues do; a post going viral, which can be praise,
// does not; a text without harm keeps its label.
func TestCriticalSettlesLabel(t *testing.T) {
	sc := NewScorer(nil)
	for _, c := range []struct {
		text string
		want mw.Label
	}{
		{"Pelayanan Kopi Senja ramah dan cepat, tapi saya tetap lapor YLKI soal harga", mw.Negative},
		{"Kopi Senja enak banget, sampai BPOM harus tau", mw.Negative},
		{"Great coffee at Brewly, filing a complaint with the FTC anyway", mw.Negative},
		{"Best burger ever at Grillhaus, reported them to the health department though", mw.Negative},
		{"Sumpah enak banget, mau aku viralin biar semua tau Kopi Senja", mw.Positive},
		{"Great coffee at Brewly, the barista remembered my order", mw.Positive},
		// Harms in disguise, which the matcher reads (alerts/critical).
		{"Pelayanan ramah banget, makanan enak, suka deh, tapi anakku k3racunan", mw.Negative},
		{"Love the app, great design, but it is a total sc4m", mw.Negative},
		{"Love the app, great design, but it is a total S C A M", mw.Negative},
		{"Love the app, great design, but it is a total \u0455\u0441\u0430m", mw.Negative},
		{"Pelayanan ramah banget, makanan enak, tapi anakku kera\u200bcunan", mw.Negative},
		{"Love the app, great design, see you at 5pm, 10/10 would buy again", mw.Positive},
	} {
		m := mw.Mention{Text: c.text}
		sc.Score(&m)
		if m.Label != c.want {
			t.Errorf("%q: %s (%.2f), want %s", c.text, m.Label, m.Sentiment, c.want)
		}
		// The title is read too.
		m = mw.Mention{Title: c.text, Text: "see the post"}
		sc.Score(&m)
		if c.want == mw.Negative && m.Label == mw.Positive {
			t.Errorf("title %q: positive (%.2f)", c.text, m.Sentiment)
		}
	}
}

// The scorer runs the matcher only on texts with one of its trigger
// words (mayHarm): the gate must never hide a harm the matcher finds (of
// the categories that settle the label).
// Checked on the critical sets (every harm category, slang and affixes)
// and, where the shared data is present, on the sentiment sets.
func TestHarmGateNeverHides(t *testing.T) {
	loadModels()
	var texts []string
	for _, p := range []string{"critical_dev.tsv", "critical_heldout.tsv"} {
		ex, err := critical.ReadSet(filepath.Join("..", "alerts", "testdata", p))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ex {
			texts = append(texts, e.Text)
		}
	}
	// Harms in disguise (leetspeak, spelled out, look-alike letters): the
	// gate's second look (mayDisguise) must pass them too.
	hostile, err := critical.ReadSet(filepath.Join("..", "alerts", "critical", "testdata", "critical_hostile.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range hostile {
		texts = append(texts, e.Text)
	}
	for _, name := range []string{"complaints_design", "complaints_design2"} {
		for _, it := range complaintSet(t, name).Items {
			texts = append(texts, it.Text)
		}
	}
	for _, p := range []string{"../../shared/data/sentiment-en/tweets.tsv", "../../shared/data/sentiment-id/smsa_valid.tsv"} {
		fh, err := os.Open(p)
		if err != nil {
			continue
		}
		err = critical.ReadTexts(fh, p, func(s string) { texts = append(texts, s) })
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	s := getScratch()
	defer putScratch(s)
	found := 0
	for _, text := range texts {
		if h, ok := harmMatch.Find(text); !ok || h.Category == notSettling {
			continue
		}
		found++
		s.reset()
		s.tokenize(text)
		if !s.mayHarm() && !s.mayDisguise() && !hasZWSP(text) {
			t.Errorf("the matcher finds a harm in %q, the gate lets it pass unread", text)
		}
	}
	if found < 250 {
		t.Errorf("only %d of %d texts hold a harm: the critical sets did not load", found, len(texts))
	}
	t.Logf("%d texts, %d with a harm, none hidden by the gate", len(texts), found)
}

// The gate folds elongations and splits words at inner punctuation as the
// matcher does.
func TestHarmGateFolds(t *testing.T) {
	loadModels()
	s := getScratch()
	defer putScratch(s)
	for _, text := range []string{
		"anak saya keracunannnn abis makan di Kopi Senja",
		"my son was rushed to the hospital...after eating at Grillhaus",
		"Love it but the battery EXPLODEDDD in my bag",
	} {
		if _, ok := harmMatch.Find(text); !ok {
			t.Fatalf("the matcher finds no harm in %q", text)
		}
		s.reset()
		s.tokenize(text)
		if !s.mayHarm() {
			t.Errorf("%q: the gate hides the harm", text)
		}
	}
	var g triggerSet
	if g.hasFolded([]byte("mantap")) {
		t.Error("a word without a run of three folds")
	}
}

// A harm word that everyday speech also uses for no harm (police,
// hospital, stole, racun, meledak, ...: ambiguousHarms) is a harm only
// when the critical matcher, with its context rules, finds a harm in the
// text; otherwise it adds no valence and the rules and models read the
// text, but never to a positive label (a harm the matcher misses is not
// praised). Each of the first texts was settled negative (-0.5) before.
func TestAmbiguousHarmWordsNeedTheMatcher(t *testing.T) {
	sc := NewScorer(nil)
	for _, c := range []struct {
		text  string
		label mw.Label
	}{
		{"Acme donated to the children's hospital, amazing", mw.Neutral},
		{"Acme sponsors the police charity run, great event", mw.Neutral},
		{"Pelayanan ramah, ada polisi jaga parkir jadi aman", mw.Neutral},
		{"racun banget produk ini, bagus dan wangi", mw.Neutral},
		{"Acme stole the show at CES, love the new laptop", mw.Neutral},
		{"death by chocolate cake at Acme, heavenly", mw.Neutral},
		{"penjualan meledak, terima kasih pelanggan setia Acme", mw.Neutral},
		{"ada polisi tidur di depan toko, hati-hati", mw.Neutral},
		// The matcher confirms these: harms.
		{"I called the police on the delivery guy, he threatened me", mw.Negative},
		{"Kopi Senja enak, tapi adikku keracunan dan dirawat di rumah sakit", mw.Negative},
		{"Love the design, but the charger exploded and my son ended up in hospital", mw.Negative},
		{"mantap, HP meledak pas dicas", mw.Negative},
	} {
		if r := ScoreText(sc, c.text); r.Label != c.label {
			t.Errorf("%q: %s (%.3f), want %s", c.text, r.Label, r.Sentiment, c.label)
		}
	}
	for _, p := range ambiguousHarms {
		if !slices.Contains(harmCues, p) {
			t.Errorf("ambiguous harm %q is not a harm cue", p)
		}
	}
}

// A harm in disguise (leetspeak, letters spelled out, a letter held
// "scaaaam", look-alike letters, a zero-width space inside the word),
// which the scorer's own words cannot read but the matcher can, settles
// the mention as its plain spelling does, whatever the label: each was
// neutral or barely negative before while its plain twin was a harm.
func TestDisguisedHarmSettles(t *testing.T) {
	sc := NewScorer(nil)
	for _, c := range []struct{ text, plain string }{
		{"k3racunan setelah makan di WarungKita", "keracunan setelah makan di WarungKita"},
		{"this shop is a scaaaam", "this shop is a scam"},
		{"this shop is a sc4m", "this shop is a scam"},
		{"this shop is a S C A M", "this shop is a scam"},
		{"this shop is a \u0455\u0441\u0430m", "this shop is a scam"},
		{"keracunannnn abis makan disini", "keracunan abis makan disini"},
		{"kera\u200bcunan abis makan disini", "keracunan abis makan disini"},
	} {
		got, want := ScoreText(sc, c.text), ScoreText(sc, c.plain)
		if want.Sentiment > harmSettled {
			t.Fatalf("%q: %.3f; the plain twin should be a harm", c.plain, want.Sentiment)
		}
		if got.Sentiment > harmSettled {
			t.Errorf("%q: %s (%.3f), want a harm's %v or less, as %q (%.3f)", c.text, got.Label, got.Sentiment, harmSettled, c.plain, want.Sentiment)
		}
	}
	// Not disguises: no harm.
	for _, text := range []string{"sooooo good, I looove it", "A B C of skincare, great guide", "5g and mp3 support, 10/10"} {
		if r := ScoreText(sc, text); r.Sentiment <= harmSettled {
			t.Errorf("%q: %.3f, settled as a harm", text, r.Sentiment)
		}
	}
}
