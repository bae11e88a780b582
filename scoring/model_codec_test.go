package scoring

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"testing"
)

// dataDir is the shared evaluation data (../shared/data from the
// worktree root); tests that need it skip when it is absent.
const dataDir = "../../shared/data"

// TestIDWeightsRoundTrip: trained Indonesian weights encode to a model
// that decodes to the same configuration and bias, and to the same
// weights up to int16 quantisation.
func TestIDWeightsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	w := &IDWeights{Config: IDConfig{Bits: 10, Bigrams: true, Negate: true, NegWin: 3, Stem: true},
		W: make([]float32, (1<<10)*numClasses), Bias: [numClasses]float32{-0.5, 0.25, 0.125}}
	randomWeights(r, w.W)
	var b bytes.Buffer
	if err := w.Encode(&b); err != nil {
		t.Fatal(err)
	}
	m, err := decodeIDModel(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m.cfg != w.Config || m.bias != w.Bias || len(m.q) != len(w.W) {
		t.Fatalf("decoded model differs: %+v %v vs %+v %v", m.cfg, m.bias, w.Config, w.Bias)
	}
	checkQuantised(t, m.q, m.scale, w.W)
}

// checkQuantised checks that each weight of q decodes to its trained
// value in w within one quantisation step.
func checkQuantised(t *testing.T, q []int16, scale float32, w []float32) {
	t.Helper()
	for i, v := range q {
		if d := float32(v)*scale - w[i]; d > scale || d < -scale {
			t.Fatalf("weight %d decodes to %v, trained %v", i, float32(v)*scale, w[i])
		}
	}
}

// randomWeights fills w with normal variates of r.
func randomWeights(r *rand.Rand, w []float32) {
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
}

// randomENModel is an English model of members cfgs with random weights
// and offsets adj, as training holds it and as encoded and decoded.
func randomENModel(t *testing.T, r *rand.Rand, adj [numClasses]float32, cfgs ...ENConfig) (*ENModel, *enModel) {
	t.Helper()
	e := &ENModel{Adj: adj}
	for i, c := range cfgs {
		w := &ENWeights{Config: c, W: make([]float32, (1<<c.Bits)*numClasses), Bias: [numClasses]float32{0.5, -1, float32(i)}}
		randomWeights(r, w.W)
		for k := range w.Dense {
			randomWeights(r, w.Dense[k][:])
		}
		e.Members = append(e.Members, w)
	}
	var b bytes.Buffer
	if err := e.Encode(&b); err != nil {
		t.Fatal(err)
	}
	m, err := decodeENModel(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return e, m
}

// TestENWeightsRoundTrip: the same for the English ensemble, with the
// rule features' weights and the class offsets.
func TestENWeightsRoundTrip(t *testing.T) {
	e, m := randomENModel(t, rand.New(rand.NewPCG(5, 6)), [numClasses]float32{0.1, 0, -0.05},
		ENConfig{Bits: 12, Negate: true, RuleBin: true}, ENConfig{Bits: 10, Bigrams: true}, ENConfig{Bits: 11, CharMin: 4, CharMax: 4})
	if m.adj != e.Adj || len(m.more) != len(e.Members)-1 {
		t.Fatalf("decoded offsets %v and %d more members, want %v and %d", m.adj, len(m.more), e.Adj, len(e.Members)-1)
	}
	for i, mm := range append([]*enModel{m}, m.more...) {
		w := e.Members[i]
		if mm.cfg != w.Config || mm.bias != w.Bias || mm.dense != w.Dense || len(mm.q) != len(w.W) {
			t.Fatalf("member %d differs: %+v vs %+v", i, mm.cfg, w.Config)
		}
		checkQuantised(t, mm.q, mm.scale, w.W)
	}
	for _, data := range [][]byte{[]byte("not a model"), gz([]byte("MWSEN2")), gz(append([]byte("MWSEN2"), make([]byte, 12)...))} {
		if _, err := decodeENModel(data); err == nil {
			t.Errorf("%q decoded without an error", data)
		}
	}
}

func TestDecodeBadModel(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("not gzip"), gz([]byte("MWSID0xxxxx")), gz([]byte("MWSID2\x03\x00\x00\x00\x00\x00\x00"))} {
		if _, err := decodeIDModel(data); err == nil {
			t.Errorf("%q: want an error", data)
		}
	}
}

func gz(raw []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(raw)
	zw.Close()
	return b.Bytes()
}

// TestPredictTextMatchesFeatures: scoring's fused walk over the tokens
// gives exactly what training's feature lists give, for the shipped model
// and for one with character n-grams (which takes the feature path).
func TestPredictTextMatchesFeatures(t *testing.T) {
	texts := []string{
		"", "bagus", "Paket belum sampai juga padahal udah dua minggu, kecewa banget.",
		"gak bagus sama sekali, tidak enak dan tidak murah", "Acme X2 mantul bgt 😀 rumah jadi bersih!",
		"pelayanan nya lemot bgt, nyesel kapok gak akan balik lagi", "tidak tidak tidak buruk",
	}
	charModel := &idModel{cfg: IDConfig{Bits: 10, CharMin: 2, CharMax: 3, Bigrams: true, Negate: true},
		q: make([]int16, (1<<10)*numClasses), scale: 0.01}
	for i := range charModel.q {
		charModel.q[i] = int16(i*7919%2001 - 1000)
	}
	loadModels()
	for _, m := range []*idModel{sentimentID, charModel} {
		for _, text := range texts {
			s := getScratch()
			s.tokenize(text)
			want := m.predict(s.features(m.cfg, nil))
			if got := m.predictText(s); got != want {
				t.Errorf("%+v %q: predictText %v, predict(features) %v", m.cfg, text, got, want)
			}
			putScratch(s)
		}
	}
}
