package training

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// The stage model's trainer: AdaGrad on the softmax loss over
// scoring.StageFeatures.

const numStages = scoring.NumStages

// ReadStageRows reads hand-labelled mentions (stage TAB lang TAB
// sentiment TAB text, with a header: the format of moments/dev.tsv).
func ReadStageRows(path string) ([]scoring.EvalItem, error) {
	s, err := scoring.ReadMoments(path)
	return s.Items, err
}

// StageTrainOptions controls TrainStage. The zero value is the shipped
// model's setting.
type StageTrainOptions struct {
	Epochs   int           // passes over the rows (default 30)
	Rate     float64       // AdaGrad rate (default 0.3)
	L2       float64       // L2 penalty on word weights, per row (default 3e-4)
	Seed     uint64        // shuffling seed
	Progress func(n int64) // called with the rows done, if set
}

func (o StageTrainOptions) withDefaults() StageTrainOptions {
	if o.Epochs == 0 {
		o.Epochs = 30
	}
	if o.Rate == 0 {
		o.Rate = 0.3
	}
	if o.L2 == 0 {
		o.L2 = 3e-4
	}
	return o
}

// TotalWork is the number of rows TrainStage reports through Progress.
func (o StageTrainOptions) TotalWork(rows int) int64 {
	return int64(o.withDefaults().Epochs * rows)
}

// stageExample is one training row as scoring sees it: its word buckets,
// the rules' evidence and the gold stage.
type stageExample struct {
	buckets []uint32
	ev      [numStages]float32
	label   int
}

// TrainStage fits the stage model on rows (text and gold stage) by
// AdaGrad on the softmax loss, then stores the word weights as int16.
// Deterministic: the same rows and options give the same model.
func TrainStage(rows []scoring.EvalItem, o StageTrainOptions) (*scoring.StageModel, error) {
	w, err := trainStageWeights(rows, o)
	if err != nil {
		return nil, err
	}
	return scoring.NewStageModel(w)
}

// trainStageWeights is TrainStage's training, before the model is built.
func trainStageWeights(rows []scoring.EvalItem, o StageTrainOptions) (scoring.StageWeights, error) {
	o = o.withDefaults()
	var ex []stageExample
	for i, it := range rows {
		l, ok := scoring.StageClass(it.Stage)
		if !ok {
			return scoring.StageWeights{}, fmt.Errorf("training stage model: row %d: unknown stage %q", i+1, it.Stage)
		}
		e := stageExample{label: l}
		e.buckets, e.ev = scoring.StageFeatures(it.Text, nil)
		ex = append(ex, e)
	}
	if len(ex) == 0 {
		return scoring.StageWeights{}, fmt.Errorf("training stage model: no rows")
	}
	m := scoring.StageWeights{Q: make([]int16, scoring.StageBuckets*numStages), Scale: 1}
	w := make([]float64, len(m.Q))
	gw := make([]float64, len(m.Q))
	var (
		ev, gev [numStages][numStages]float64
		b, gb   [numStages]float64
	)
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	order := make([]int, len(ex))
	for i := range order {
		order[i] = i
	}
	const eps = 1e-8
	step := func(g float64, sum *float64) float64 {
		*sum += g * g
		return o.Rate * g / math.Sqrt(*sum+eps)
	}
	for ep := 0; ep < o.Epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			e := &ex[i]
			x := float64(scoring.StageWordScale(len(e.buckets)))
			var z [numStages]float64
			for c := range z {
				z[c] = b[c]
				for _, f := range e.buckets {
					z[c] += w[int(f)*numStages+c] * x
				}
				for k := range e.ev {
					z[c] += float64(e.ev[k]*scoring.StageEvScale) * ev[k][c]
				}
			}
			p := z
			scoring.Softmax(p[:])
			for c := range z {
				g := p[c]
				if c == e.label {
					g--
				}
				b[c] -= step(g, &gb[c])
				for k := range e.ev {
					if e.ev[k] != 0 {
						ev[k][c] -= step(g*float64(e.ev[k]*scoring.StageEvScale), &gev[k][c])
					}
				}
				for _, f := range e.buckets {
					j := int(f)*numStages + c
					w[j] -= step(g*x+o.L2*w[j], &gw[j])
				}
			}
		}
		if o.Progress != nil {
			o.Progress(int64(len(ex)))
		}
	}
	for c := range b {
		m.Bias[c] = float32(b[c])
		for k := range ev {
			m.Evidence[k][c] = float32(ev[k][c])
		}
	}
	var maxAbs float64
	for _, v := range w {
		maxAbs = max(maxAbs, math.Abs(v))
	}
	if maxAbs > 0 {
		m.Scale = float32(maxAbs / 32767)
	}
	for i, v := range w {
		m.Q[i] = int16(math.Round(v / float64(m.Scale)))
	}
	return m, nil
}
