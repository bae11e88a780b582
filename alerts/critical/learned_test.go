package critical

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestHarmFeaturesCounts(t *testing.T) {
	// "My son" gives two words and one pair; " my " 2 pieces of 3 letters
	// and 1 of 4; " son " 3 + 2 + 1.
	var words, grams int
	n := HarmFeatures("My son!", func(block int, h uint32) {
		if h>>LearnedBits != 0 {
			t.Fatalf("index %d outside the %d-bit space", h, LearnedBits)
		}
		if block == BlockWords {
			words++
		} else {
			grams++
		}
	})
	if words != 3 || grams != 9 || n != [2]int{3, 9} {
		t.Fatalf("words %d, pieces %d, counts %v; want 3, 9, [3 9]", words, grams, n)
	}
	// Case and punctuation do not change the features.
	collect := func(s string) []uint32 {
		var out []uint32
		HarmFeatures(s, func(b int, h uint32) { out = append(out, h|uint32(b)<<31) })
		return out
	}
	a, b := collect("KERACUNAN, parah"), collect("keracunan parah")
	if len(a) != len(b) {
		t.Fatalf("%d features against %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("feature %d differs: %x against %x", i, a[i], b[i])
		}
	}
	if n := HarmFeatures("", func(int, uint32) { t.Fatal("feature from an empty text") }); n != [2]int{} {
		t.Fatalf("empty text: %v", n)
	}
}

func TestHarmFeaturesLinear(t *testing.T) {
	// A long word gives pieces of its first maxGramRunes letters only, so
	// the work is linear in the text's length whatever its shape.
	count := func(s string) int {
		n := HarmFeatures(s, func(int, uint32) {})
		return n[0] + n[1]
	}
	one := count(strings.Repeat("a", 1000))
	many := count(strings.Repeat("a", 100000))
	if one != many {
		t.Fatalf("one long word: %d features at 1,000 letters, %d at 100,000", one, many)
	}
	short := count(strings.Repeat("racun ", 1000))
	long := count(strings.Repeat("racun ", 10000))
	if long > 10*short+10 { // the word pairs: n-1 of them
		t.Fatalf("10× the words gave %d features against %d", long, short)
	}
}

func TestLearnedModelRoundTrip(t *testing.T) {
	m := &LearnedModel{Bias: -3.5, Threshold: 0.6, W: make([]float32, 1<<LearnedBits)}
	for i := range m.W {
		m.W[i] = float32(math.Sin(float64(i))) * 2
	}
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeLearned(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got.Bias != m.Bias || got.Threshold != m.Threshold {
		t.Fatalf("header: bias %v threshold %v", got.Bias, got.Threshold)
	}
	step := 2.0 / 127
	for i := range m.W {
		if d := math.Abs(float64(got.W[i] - m.W[i])); d > step/2+1e-6 {
			t.Fatalf("weight %d: %v against %v (quantisation step %v)", i, got.W[i], m.W[i], step)
		}
	}
	text := "keracunan setelah makan di warung ini, adik saya masuk rumah sakit"
	if d := math.Abs(got.Prob(text) - m.Prob(text)); d > 0.05 {
		t.Fatalf("probability moved by %v after the round trip", d)
	}
}

func TestDecodeLearnedErrors(t *testing.T) {
	if _, err := DecodeLearned(strings.NewReader("not gzip")); err == nil || !strings.Contains(err.Error(), "learned harm model") {
		t.Fatalf("garbage: %v", err)
	}
	var buf bytes.Buffer
	m := &LearnedModel{W: make([]float32, 1<<LearnedBits)}
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	cut := buf.Bytes()[:buf.Len()/2]
	if _, err := DecodeLearned(bytes.NewReader(cut)); err == nil {
		t.Fatal("a truncated model decoded")
	}
	if err := (&LearnedModel{W: make([]float32, 10)}).Encode(&buf); err == nil {
		t.Fatal("a model of the wrong size encoded")
	}
}

func TestEmbeddedLearnedModel(t *testing.T) {
	m := Learned()
	if len(m.W) != 1<<LearnedBits || !(m.Threshold > 0 && m.Threshold < 1) {
		t.Fatalf("embedded model: %d weights, threshold %v", len(m.W), m.Threshold)
	}
	nonzero := 0
	for _, w := range m.W {
		if w != 0 {
			nonzero++
		}
	}
	if nonzero < 1000 {
		t.Fatalf("embedded model has %d non-zero weights: not trained", nonzero)
	}
	// Ordinary praise and complaints without harm stay far below the
	// threshold; a plain harm report the model saw in training is above it.
	for _, s := range []string{
		// Short texts: little evidence is no harm (the snippets in
		// training, and MinScaleWords).
		"a", "opened", "acme opened a store", "acme refund pending", "paket belum sampai",
		"love the new menu, the iced latte is great",
		"pengiriman lama banget, sudah seminggu belum sampai",
		"customer service never answers the phone",
	} {
		if p := m.Prob(s); p >= float64(m.Threshold) {
			t.Errorf("%q: probability %.3f at or above the threshold %.2f", s, p, m.Threshold)
		}
	}
}

func TestCheckUsesListsFirst(t *testing.T) {
	m := New(nil)
	h, ok := m.Check("Adik saya keracunan setelah makan di sini")
	if !ok || h.Category != "poisoning" || h.Term == "" {
		t.Fatalf("a listed harm: %+v %v", h, ok)
	}
	if _, ok := m.Check("great coffee, friendly staff"); ok {
		t.Fatal("ordinary praise flagged")
	}
	if Label(CatLearned) == "" {
		t.Fatal("the learned category has no label")
	}
}

func TestLearnedProbDoesNotAllocate(t *testing.T) {
	m := Learned()
	text := "the charger caught fire on my desk and burned my hand, the shop says it is my fault"
	if n := testing.AllocsPerRun(100, func() { m.Prob(text) }); n != 0 {
		t.Fatalf("Prob allocates %v times per call", n)
	}
}

func TestCheckLearnedHarm(t *testing.T) {
	// Harms in words no listed phrase holds: the lists clear them, the
	// learned model does not.
	m := New(nil)
	for _, s := range []string{
		"Ended up on a drip after eating the chicken at WokHouse",
		"anak gw diopname 3 hari abis makan nasi kotak dari katering itu",
	} {
		if _, listed := m.Find(s); listed {
			t.Fatalf("%q: the lists match it; pick a text they clear", s)
		}
		h, ok := m.Check(s)
		if !ok || h.Category != CatLearned || h.Term != "" || h.Label != Label(CatLearned) {
			t.Errorf("%q: Check gave %+v %v, want the learned category", s, h, ok)
		}
	}
}

func FuzzLearned(f *testing.F) {
	for _, c := range cases {
		f.Add(c.text)
	}
	f.Add("\xff\xfe#@@##'’.3.3.e.coli!!\n\n")
	f.Add(strings.Repeat("ááá", 30))
	f.Add(strings.Repeat("x", 5000))
	m := Learned()
	f.Fuzz(func(t *testing.T, text string) {
		p := m.Prob(text)
		if !(p >= 0 && p <= 1) {
			t.Fatalf("probability %v for %q", p, text)
		}
		// Work is bounded per byte: at most a word, a pair and 12 pieces
		// per letter.
		n := HarmFeatures(text, func(int, uint32) {})
		if n[0]+n[1] > 14*len(text)+2 {
			t.Fatalf("%d features for %d bytes", n[0]+n[1], len(text))
		}
	})
}
