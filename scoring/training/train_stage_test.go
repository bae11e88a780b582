package training

import (
	"os"
	"slices"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/scoring"
)

// The project's hand-labelled stage rows (package scoring's testdata).
const (
	stageTunePath  = "../testdata/stage_tune.tsv"
	stageTrainPath = "../testdata/stage_train.tsv"
)

// stageTrainingRows are the rows the shipped model is trained on, in the
// order `mentionwatch train stage` reads them.
func stageTrainingRows(t *testing.T) (dev, tune, train []scoring.EvalItem) {
	t.Helper()
	var err error
	if dev, err = ReadStageRows(dataDir + "/moments/dev.tsv"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	if tune, err = ReadStageRows(stageTunePath); err != nil {
		t.Fatal(err)
	}
	if train, err = ReadStageRows(stageTrainPath); err != nil {
		t.Fatal(err)
	}
	return dev, tune, train
}

func stageFolds(n, k int) [][]int {
	f := make([][]int, k)
	for i := 0; i < n; i++ {
		f[i%k] = append(f[i%k], i)
	}
	return f
}

type cvResult struct{ rules, model [3]float64 } // en, id, all

// stageCV trains on base plus all but one fold of rows, for each of k
// folds, and scores the held-out fold with the rules alone and the model.
func stageCV(t *testing.T, base, rows []scoring.EvalItem, k int, o StageTrainOptions) cvResult {
	var ok [2][3]float64
	var n [3]float64
	for _, fold := range stageFolds(len(rows), k) {
		in := map[int]bool{}
		for _, i := range fold {
			in[i] = true
		}
		train := append([]scoring.EvalItem(nil), base...)
		for i, it := range rows {
			if !in[i] {
				train = append(train, it)
			}
		}
		m, err := TrainStage(train, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range fold {
			it := rows[i]
			li := 0
			if it.Lang == "id" {
				li = 1
			}
			n[li]++
			n[2]++
			mc, r := m.Stages(it.Text)
			for j, c := range []mw.Stage{r, mc} {
				if c == it.Stage {
					ok[j][li]++
					ok[j][2]++
				}
			}
		}
	}
	var res cvResult
	for i := range n {
		res.rules[i], res.model[i] = ok[0][i]/n[i], ok[1][i]/n[i]
	}
	return res
}

// TestStageModelReproducible checks that the embedded model is what
// `mentionwatch train stage` makes from the rows in the tree. It fails when
// the cues, the vocabulary or the tokenizer changed the model's inputs:
// retrain then (the message says how).
func TestStageModelReproducible(t *testing.T) {
	dev, tune, train := stageTrainingRows(t)
	m, err := TrainStage(append(append(dev, tune...), train...), StageTrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkEmbedded(t, m.Encode, "../model/stage.bin.gz",
		"go run ./cmd/mentionwatch train stage --data ../shared/data --out scoring/model/stage.bin.gz from the repository root, commit the model,")
}

// TestStageCV measures what the model adds to the rules on mentions the
// rules were not written from: 5-fold cross-validation over
// testdata/stage_train.tsv, each fold's model trained on dev.tsv,
// stage_tune.tsv and the other folds, the decision made as decideStage
// makes it. The model is shipped for this gain; the test pins it.
func TestStageCV(t *testing.T) {
	dev, tune, train := stageTrainingRows(t)
	r := stageCV(t, append(dev, tune...), train, 5, StageTrainOptions{})
	t.Logf("stage_train, 5-fold: rules en=%.3f id=%.3f all=%.3f; model en=%.3f id=%.3f all=%.3f (n=%d)",
		r.rules[0], r.rules[1], r.rules[2], r.model[0], r.model[1], r.model[2], len(train))
	// Achieved (docs/BENCHMARKS.md): rules 0.823, with the model 0.868.
	if r.model[2] < 0.85 || r.model[2] < r.rules[2]+0.03 {
		t.Errorf("cross-validated stage accuracy: model %.3f, rules %.3f; want the model >= 0.85 and >= rules + 0.03",
			r.model[2], r.rules[2])
	}
}

// TestTrainStageSmall trains on three rows: some word weight moves, and
// a row with an unknown stage is an error.
func TestTrainStageSmall(t *testing.T) {
	w, err := trainStageWeights([]scoring.EvalItem{
		{Text: "Where is my parcel? Tracking has not moved", Stage: "amot"},
		{Text: "Highly recommend it, five stars", Stage: "lmot"},
		{Text: "Paket belum sampai juga", Stage: "amot"},
	}, StageTrainOptions{Epochs: 3})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Max(w.Q) == 0 && slices.Min(w.Q) == 0 {
		t.Error("training left every word weight at zero")
	}
	if _, err := TrainStage([]scoring.EvalItem{{Text: "x", Stage: "later"}}, StageTrainOptions{}); err == nil {
		t.Error("TrainStage accepted an unknown stage")
	}
}
