package scoring

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// enTestTexts are English texts of the shapes the model's features treat
// apart: handles, links, elongations, negation scopes, clause breaks,
// emoji, unknown words.
var enTestTexts = []string{
	"@Zapkart my order never came, not happy at all!!! http://t.co/abc",
	"sooooo good, can't wait for the new season :) #excited",
	"The app doesn't work. Great update, thanks www.example.com",
	"Not bad, not great, just meh?",
	"I don't think the courier even tried to deliver it",
	"LOVE LOVE LOVE this coffee 😍😍",
	"Flight delayed again, no info from the crew, nothing",
	"",
	"Xyzzyq qwertyuiop zzzzzzzz",
}

// complaintSet reads one of the complaint and praise sets, which the
// evaluation (scoring/training) embeds.
func complaintSet(t *testing.T, name string) EvalSet {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("training", "testdata", name+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := ParseMentions(name, string(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return set
}

// The scorer sums each member's weights as it walks the tokens; training
// builds feature lists. Both must give the same scores, and the scorer's
// ensemble the members' average.
// Checked on the embedded model and on an ensemble of the
// `--ensemble` shape with random weights.
func TestENInlineMatches(t *testing.T) {
	loadModels()
	texts := enTestTexts
	for _, name := range []string{"complaints_design", "complaints_unseen"} {
		for _, it := range complaintSet(t, name).Items {
			texts = append(texts, it.Text)
		}
	}
	if sentimentEN != nil {
		checkENInline(t, sentimentEN, texts)
	}
	_, m := randomENModel(t, rand.New(rand.NewPCG(7, 8)), [numClasses]float32{0.2, 0, 0.05},
		ENConfig{Bits: 12, Negate: true, RuleBin: true}, ENConfig{Bits: 11, Bigrams: true, Negate: true, RuleBin: true},
		ENConfig{Bits: 10, Negate: true, RuleBin: true, CharMin: 4, CharMax: 4})
	m.linkWords()
	checkENInline(t, m, texts)
}

func checkENInline(t *testing.T, m *enModel, texts []string) {
	t.Helper()
	s := getScratch()
	defer putScratch(s)
	for _, text := range texts {
		s.reset()
		s.tokenize(text)
		rule := s.ruleCompoundEN()
		d := s.enDense(rule)
		var per [][NumClasses]float32
		for k, mm := range append([]*enModel{m}, m.more...) {
			want := mm.scores(mm.cfg.features(s, rule), &d)
			if got := mm.scoresInline(s, rule, &d); got != want {
				t.Errorf("%q, member %d: inline scores %v, feature list %v", text, k, got, want)
			}
			per = append(per, want)
		}
		// The scorer averages the members' scores as training does
		// (AverageScores) and adds the offsets before the arg-max.
		z := AverageScores(per)
		za := z
		for k := range za {
			za[k] += m.adj[k]
		}
		softmax(z[:])
		if p, cls := m.predictEN(s, rule); p != z || cls != Argmax(za) {
			t.Errorf("%q: scorer %v class %d, members averaged %v class %d", text, p, cls, z, Argmax(za))
		}
	}
}

// features is the feature list of s under c (a fresh slice).
func (c ENConfig) features(s *scratch, rule float64) []uint32 {
	return s.enFeatures(c, rule, nil)
}

// enCharGrams yields the grams of charGrams (one per position, the ends
// marked), hashed otherwise: as many, and different grams apart.
func TestENCharGrams(t *testing.T) {
	for _, w := range []string{"", "a", "ok", "good", "sooo", "unbelievable", "12345678901"} {
		for _, r := range [][2]int{{4, 4}, {3, 5}, {1, 8}, {2, 9}} {
			got := enCharGrams(nil, []byte(w), r[0], r[1], 1<<30-1)
			want := charGrams(nil, []byte(w), r[0], min(r[1], 8), 1<<30-1)
			if len(got) != len(want) {
				t.Errorf("%q %v: %d grams, charGrams %d", w, r, len(got), len(want))
			}
		}
	}
	a := enCharGrams(nil, []byte("good"), 4, 4, 1<<30-1)
	b := enCharGrams(nil, []byte("food"), 4, 4, 1<<30-1)
	if len(a) != 3 || a[0] == b[0] || a[1] == b[1] || a[2] != b[2] {
		t.Errorf("good %v, food %v: want <goo, good, ood> and <foo, food, ood>: only the last the same", a, b)
	}
}
