package training

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mentionwatch/mentionwatch/alerts/critical"
)

// smallHarmData is critical_dev and a few hundred ordinary texts written
// here, enough to train on in a test.
func smallHarmData(t *testing.T) []HarmExample {
	t.Helper()
	dir := t.TempDir()
	var ord bytes.Buffer
	words := []string{"coffee", "delivery", "price", "staff", "app", "update", "menu", "parcel", "refund", "screen"}
	moods := []string{"love the", "hate the", "the new", "not sure about the", "suka banget sama", "kecewa sama"}
	for i, w := range words {
		for j, m := range moods {
			for k := 0; k < 5; k++ {
				ord.WriteString("x\tneutral\t" + m + " " + w + " " + words[(i+j+k)%len(words)] + "\n")
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "ordinary.tsv"), ord.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := LoadHarmData(dir, []string{"../../alerts/testdata/critical_dev.tsv"}, []string{"ordinary.tsv"})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestTrainHarmDeterministic(t *testing.T) {
	data := smallHarmData(t)
	o := HarmTrainOptions{Epochs: 3}
	enc := func() []byte {
		m := TrainHarm(data, nil, o)
		var b bytes.Buffer
		if err := m.Encode(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	if !bytes.Equal(enc(), enc()) {
		t.Fatal("the same data trained twice gave different models")
	}
}

func TestCrossValidateHarmPicksWithinBudget(t *testing.T) {
	data := smallHarmData(t)
	cv := CrossValidateHarm(data, HarmTrainOptions{Epochs: 3})
	if cv.Harms == 0 || cv.Ordinary == 0 || len(cv.Rows) != len(HarmThresholds) {
		t.Fatalf("cv: %d harms, %d ordinary, %d rows", cv.Harms, cv.Ordinary, len(cv.Rows))
	}
	if cv.Pick.AddedShare > 1.0/2000 {
		t.Fatalf("picked threshold %.2f adds %.4f false criticals, over the budget", cv.Pick.Threshold, cv.Pick.AddedShare)
	}
	for i, r := range cv.Rows {
		if i > 0 && (r.Recall > cv.Rows[i-1].Recall || r.Added > cv.Rows[i-1].Added) {
			t.Fatalf("threshold %.2f finds more or adds more than %.2f: %+v %+v", r.Threshold, cv.Rows[i-1].Threshold, r, cv.Rows[i-1])
		}
		if r.Recall < cv.ListRecall {
			t.Fatalf("threshold %.2f: recall %.3f below the lists' own %.3f", r.Threshold, r.Recall, cv.ListRecall)
		}
	}
}

func TestLoadHarmDataErrors(t *testing.T) {
	if _, err := LoadHarmData(t.TempDir(), nil, []string{"missing.tsv"}); err == nil {
		t.Fatal("a missing ordinary set loaded")
	}
	if _, err := LoadHarmData(t.TempDir(), []string{"missing.tsv"}, nil); err == nil {
		t.Fatal("a missing labelled set loaded")
	}
}

// The embedded learned harm model is what `mentionwatch train harm` builds
// from the design sets (its threshold, chosen by the cross-validation that
// command prints, is taken from the embedded file). It fails after a
// change to the features, the sets, the phrase lists or the trainer:
// retrain then.
func TestHarmModelReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if raceEnabled {
		// TrainHarm is one goroutine: the race detector checks nothing in
		// it and makes it 10x slower (130 s). make test runs this test
		// again without -race.
		t.Skip("-race: make test runs it without the race detector")
	}
	if _, err := os.Stat(filepath.Join(dataDir, HarmOrdinarySets[0])); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("no shared data at", dataDir)
		}
		t.Fatal(err)
	}
	labelled := make([]string, len(HarmDesignSets))
	for i, p := range HarmDesignSets {
		labelled[i] = filepath.Join("../..", p)
	}
	data, err := LoadHarmData(dataDir, labelled, HarmOrdinarySets)
	if err != nil {
		t.Fatal(err)
	}
	m := TrainHarm(data, nil, HarmTrainOptions{})
	m.Threshold = critical.Learned().Threshold
	checkEmbedded(t, m.Encode, "../../alerts/critical/learned_model.bin.gz", "mentionwatch train harm --data ../shared/data")
}
