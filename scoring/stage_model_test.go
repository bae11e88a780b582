package scoring

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

const stageTrainPath = "testdata/stage_train.tsv"

// stageTrainingRows are the rows the shipped model is trained on, in the
// order `mentionwatch train stage` reads them.
func stageTrainingRows(t *testing.T) (dev, tune, train []EvalItem) {
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
func stageCV(t *testing.T, base, rows []EvalItem, k int, o StageTrainOptions) cvResult {
	var ok [2][3]float64
	var n [3]float64
	for _, fold := range stageFolds(len(rows), k) {
		in := map[int]bool{}
		for _, i := range fold {
			in[i] = true
		}
		train := append([]EvalItem(nil), base...)
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
			gold, _ := stageIndex(string(it.Stage))
			li := 0
			if it.Lang == "id" {
				li = 1
			}
			n[li]++
			n[2]++
			s := getScratch()
			s.tokenize(it.Text)
			ev := s.stageEvidence(0)
			r, _ := rulesStage(ev)
			mc, _ := m.decide(s, ev)
			putScratch(s)
			for j, c := range []int{r, mc} {
				if c == gold {
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
	var b bytes.Buffer
	if err := m.Encode(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), stageModelData) {
		t.Errorf("model/stage.bin.gz is not what its rows train (%d bytes, retrained %d): run\n"+
			"  go run ./cmd/mentionwatch train stage --data ../shared/data --out scoring/model/stage.bin.gz\n"+
			"from the repository root and commit the model", len(stageModelData), b.Len())
	}
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

// TestStageModelCodec round-trips a model and checks that damaged model
// files give errors, not panics or a silently wrong model.
func TestStageModelCodec(t *testing.T) {
	m, err := TrainStage([]EvalItem{
		{Text: "Where is my parcel? Tracking has not moved", Stage: "amot"},
		{Text: "Highly recommend it, five stars", Stage: "lmot"},
		{Text: "Paket belum sampai juga", Stage: "amot"},
	}, StageTrainOptions{Epochs: 3})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.Encode(&b); err != nil {
		t.Fatal(err)
	}
	got, err := decodeStageModel(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.scale != m.scale || got.bias != m.bias || got.ev != m.ev || !slices.Equal(got.q, m.q) {
		t.Error("decoded model differs from the encoded one")
	}
	if slices.Max(m.q) == 0 && slices.Min(m.q) == 0 {
		t.Error("training left every word weight at zero")
	}
	raw := func(mutate func([]byte) []byte) []byte {
		zr, _ := gzip.NewReader(bytes.NewReader(b.Bytes()))
		p, _ := io.ReadAll(zr)
		var out bytes.Buffer
		zw := gzip.NewWriter(&out)
		zw.Write(mutate(p))
		zw.Close()
		return out.Bytes()
	}
	for name, data := range map[string][]byte{
		"not gzip":  []byte("MWSTG1"),
		"bad magic": raw(func(p []byte) []byte { p[0] = 'X'; return p }),
		"bad bits":  raw(func(p []byte) []byte { p[len(stageModelMagic)] = 30; return p }),
		"truncated": raw(func(p []byte) []byte { return p[:len(p)-3] }),
		"trailing":  raw(func(p []byte) []byte { return append(p, 0) }),
	} {
		if _, err := decodeStageModel(data); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
	if _, err := TrainStage([]EvalItem{{Text: "x", Stage: "later"}}, StageTrainOptions{}); err == nil {
		t.Error("TrainStage accepted an unknown stage")
	}
}

// TestDecideStageGate checks the split of work in decideStage: a mention
// with no stage evidence is unknown whatever its words, one with evidence
// gets the model's stage and probability.
func TestDecideStageGate(t *testing.T) {
	sc := NewScorer(nil)
	for _, c := range []struct {
		text string
		want string
	}{
		{"thunder and lightning tonight, what a sky", "unknown"},
		{"My order still hasn't arrived and the courier won't answer", "amot"},
		{"Udah 3 minggu pakai, baterainya makin boros", "smot"},
		{"Do not buy this, worst purchase ever. Never again.", "lmot"},
	} {
		r := ScoreText(sc, c.text)
		if string(r.Stage) != c.want {
			t.Errorf("%q: stage %s, want %s", c.text, r.Stage, c.want)
		}
		if r.StageConfidence <= 0 || r.StageConfidence > 1 {
			t.Errorf("%q: confidence %v, want in (0, 1]", c.text, r.StageConfidence)
		}
	}
}

// TestStageLogitsPacked checks the packed word sums against plain sums of
// the int16 weights, for short texts and for texts long enough to flush
// the lanes several times.
func TestStageLogitsPacked(t *testing.T) {
	texts := []string{"", "paket", "Where is my parcel? Tracking has not moved since Monday",
		strings.Repeat("kurir lama banget, ", 40), strings.Repeat("great battery life ", 100) + "worst update ever"}
	for _, m := range []*StageModel{stageMdl, randomStageModel()} {
		for _, text := range texts {
			s := getScratch()
			s.tokenize(text)
			ev := s.stageEvidence(0)
			got := m.logits(s, &ev)
			var acc [numStages]int64
			n := 0
			for i := range s.toks {
				for c := range acc {
					acc[c] += int64(m.q[stageBucket(s.toks[i].h)*numStages+c])
				}
				n++
			}
			want := m.bias
			for c := range want {
				want[c] += float32(acc[c]) * (m.scale * stageWordScale(n))
			}
			m.addEvidence(&want, &ev)
			putScratch(s)
			if got != want {
				t.Errorf("%d tokens: logits %v, want %v", n, got, want)
			}
		}
	}
}

// randomStageModel has weights across the whole int16 range.
func randomStageModel() *StageModel {
	m := newStageModel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range m.q {
		m.q[i] = int16(r.IntN(65535) - 32767)
	}
	m.q[0], m.q[1] = 32767, -32767
	m.scale = 1e-3
	m.pack()
	return m
}

// TestStageEvidenceNonNegative guards an assumption of decide, which
// compares the evidence as float bits: no cue adds negative evidence.
func TestStageEvidenceNonNegative(t *testing.T) {
	all := append([]*cue(nil), wordCues[1:]...)
	for _, c := range phraseMap {
		all = append(all, c)
	}
	for _, c := range all {
		for st, w := range c.stage {
			if w < 0 || w != w {
				t.Fatalf("a cue adds %v evidence for stage %d: decide needs evidence >= 0", w, st)
			}
		}
	}
	if stageQuestion < 0 || stageAddress < 0 || stageDuration < 0 || stageStars < 0 {
		t.Fatal("a structural signal is negative")
	}
}
