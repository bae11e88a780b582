package scoring

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

// dataDir is the shared evaluation data (../shared/data from the
// worktree root); tests that need it skip when it is absent.
const dataDir = "../../shared/data"

// TestTrainDeterministic trains twice on a small slice of smsa_train and
// expects the same weights and the same encoded bytes.
func TestTrainDeterministic(t *testing.T) {
	dir := filepath.Join(dataDir, "sentiment-id")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no shared data at", dir)
	}
	train, err := ReadSmSA(filepath.Join(dir, "smsa_train.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	valid, err := ReadSmSA(filepath.Join(dir, "smsa_valid.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	train, valid = train[:600], valid[:200]
	opts := TrainOptions{Epochs: 2, Seed: 1, Configs: []featConfig{
		{Bits: 14, Bigrams: true, Negate: true},
		{Bits: 14, Bigrams: true, Negate: true, CharMin: 3, CharMax: 4},
	}}
	run := func() (*TrainResult, []byte) {
		r, err := TrainSentimentID(train, valid, opts)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := r.Model.encode(&b); err != nil {
			t.Fatal(err)
		}
		return r, b.Bytes()
	}
	a, ab := run()
	b, bb := run()
	if a.Config != b.Config || a.Epoch != b.Epoch || a.MacroF1 != b.MacroF1 {
		t.Fatalf("runs differ: %s epoch %d F1 %v vs %s epoch %d F1 %v",
			a.Describe(), a.Epoch, a.MacroF1, b.Describe(), b.Epoch, b.MacroF1)
	}
	nonzero := 0
	for i := range a.Model.w {
		if a.Model.w[i] != b.Model.w[i] {
			t.Fatalf("weight %d differs: %v vs %v", i, a.Model.w[i], b.Model.w[i])
		}
		if a.Model.w[i] != 0 {
			nonzero++
		}
	}
	if nonzero == 0 || a.Model.bias != b.Model.bias {
		t.Fatalf("no weights learned (%d non-zero) or bias differs: %v vs %v", nonzero, a.Model.bias, b.Model.bias)
	}
	if !bytes.Equal(ab, bb) {
		t.Fatal("encoded models differ")
	}
	// The encoding round-trips to the same weights, up to int16 quantisation.
	m, err := decodeIDModel(ab)
	if err != nil {
		t.Fatal(err)
	}
	if m.cfg != a.Config || m.bias != a.Model.bias || len(m.q) != len(a.Model.w) {
		t.Fatalf("decoded model differs: %+v vs %+v", m.cfg, a.Config)
	}
	for i, q := range m.q {
		if d := float32(q)*m.scale - a.Model.w[i]; d > m.scale || d < -m.scale {
			t.Fatalf("weight %d decodes to %v, trained %v", i, float32(q)*m.scale, a.Model.w[i])
		}
	}
	// Even 600 rows learn something: better than always predicting one class.
	if a.MacroF1 < 0.4 {
		t.Errorf("macro-F1 on 200 valid rows after 600 train rows = %.3f, want >= 0.4", a.MacroF1)
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
	charModel := &idModel{cfg: featConfig{Bits: 10, CharMin: 2, CharMax: 3, Bigrams: true, Negate: true},
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
