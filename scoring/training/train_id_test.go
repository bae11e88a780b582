package training

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// TestTrainDeterministic trains twice on a small slice of smsa_train and
// expects the same weights and the same encoded bytes (the encoding's
// round trip is scoring's TestIDWeightsRoundTrip).
func TestTrainDeterministic(t *testing.T) {
	dir := filepath.Join(dataDir, "sentiment-id")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no shared data at", dir)
	}
	train, err := scoring.ReadSmSA(filepath.Join(dir, "smsa_train.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	valid, err := scoring.ReadSmSA(filepath.Join(dir, "smsa_valid.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	train, valid = train[:600], valid[:200]
	opts := TrainOptions{Epochs: 2, Seed: 1, Configs: []scoring.IDConfig{
		{Bits: 14, Bigrams: true, Negate: true},
		{Bits: 14, Bigrams: true, Negate: true, CharMin: 3, CharMax: 4},
	}}
	run := func() (*TrainResult, []byte) {
		r, err := TrainSentimentID(train, valid, opts)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := r.Model.Encode(&b); err != nil {
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
	for i := range a.Model.W {
		if a.Model.W[i] != b.Model.W[i] {
			t.Fatalf("weight %d differs: %v vs %v", i, a.Model.W[i], b.Model.W[i])
		}
		if a.Model.W[i] != 0 {
			nonzero++
		}
	}
	if nonzero == 0 || a.Model.Bias != b.Model.Bias {
		t.Fatalf("no weights learned (%d non-zero) or bias differs: %v vs %v", nonzero, a.Model.Bias, b.Model.Bias)
	}
	if !bytes.Equal(ab, bb) {
		t.Fatal("encoded models differ")
	}
	// Even 600 rows learn something: better than always predicting one class.
	if a.MacroF1 < 0.4 {
		t.Errorf("macro-F1 on 200 valid rows after 600 train rows = %.3f, want >= 0.4", a.MacroF1)
	}
}
