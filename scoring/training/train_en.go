package training

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// The English sentiment model's trainer: AdaGrad multinomial logistic
// regression over scoring.ENFeatures.

const numDense = scoring.NumDense

// ENTrainOptions controls TrainSentimentEN.
type ENTrainOptions struct {
	Epochs   int                // per configuration; the best epoch on valid is kept (default 8)
	Configs  []scoring.ENConfig // nil: DefaultENConfigs
	Seed     uint64             // shuffling seed (the result is deterministic for a seed)
	Rate     float64            // AdaGrad learning rate, default 0.2
	L2       float64            // L2 penalty per update, default 1e-6
	Progress func(n int64)      // called with examples processed, may be nil
	Log      io.Writer          // one line per configuration and epoch, may be nil
	// ClassPow is the power of the inverse class frequency each class's
	// examples weigh (1: balanced; 0: unweighted). Default 1.
	ClassPow float64
}

// DefaultENConfigs is the grid the English trainer compares on the
// validation tweets.
var DefaultENConfigs = []scoring.ENConfig{
	{Bits: 18, Bigrams: false, Negate: true, RuleBin: true},
	{Bits: 17, Bigrams: false, Negate: true, RuleBin: true},
	{Bits: 16, Bigrams: false, Negate: true, RuleBin: true},
}

func (o ENTrainOptions) configs() []scoring.ENConfig {
	if o.Configs == nil {
		return DefaultENConfigs
	}
	return o.Configs
}

func (o ENTrainOptions) epochs() int {
	if o.Epochs <= 0 {
		return 8
	}
	return o.Epochs
}

// TotalWork is the number of examples TrainSentimentEN processes.
func (o ENTrainOptions) TotalWork(train, valid int) int64 {
	return int64(len(o.configs()) * o.epochs() * (train + valid))
}

// ENTrainResult is the selected English model and its validation figures.
type ENTrainResult struct {
	Model       *scoring.ENWeights
	Epoch       int
	MacroRecall float64 // on valid, after the class offsets
	RawRecall   float64 // on valid, plain arg-max
}

// enExample is a featurized text.
type enExample struct {
	feats []uint32
	dense [numDense]float32
	class int
}

// featurizeEN tokenizes each text and computes its hashed and rule
// features.
func featurizeEN(set []scoring.Labeled, cfg scoring.ENConfig) []enExample {
	out := make([]enExample, len(set))
	for i, ex := range set {
		feats, dense := scoring.ENFeatures(ex.Text, cfg, nil)
		out[i] = enExample{feats: feats, dense: dense, class: ex.Class}
	}
	return out
}

// TrainSentimentEN trains the English model on train with AdaGrad
// multinomial logistic regression (inverse-frequency class weights, so
// macro-recall is what is optimised), once per configuration, keeps the
// configuration and epoch with the best macro-recall on valid, then
// picks the class offsets that maximise macro-recall on valid.
// Deterministic for given data and options.
func TrainSentimentEN(train, valid []scoring.Labeled, o ENTrainOptions) (*ENTrainResult, error) {
	if len(train) == 0 || len(valid) == 0 {
		return nil, fmt.Errorf("training sentiment-en: empty train or valid set")
	}
	rate, l2 := float32(o.Rate), float32(o.L2)
	if rate == 0 {
		rate = 0.2
	}
	if l2 == 0 {
		l2 = 1e-6
	}
	pow := o.ClassPow
	if pow == 0 {
		pow = 1
	} else if pow < 0 {
		pow = 0
	}
	var count [numClasses]float64
	for _, ex := range train {
		count[ex.Class]++
	}
	var cw [numClasses]float32
	for c := range cw {
		cw[c] = float32(math.Pow(float64(len(train))/(numClasses*max(count[c], 1)), pow))
	}
	var best *ENTrainResult
	for _, cfg := range o.configs() {
		tf, vf := featurizeEN(train, cfg), featurizeEN(valid, cfg)
		m := &scoring.ENWeights{Config: cfg, W: make([]float32, (1<<cfg.Bits)*numClasses)}
		g := make([]float32, len(m.W))
		var gb [numClasses]float32
		var gd [numDense][numClasses]float32
		order := make([]int, len(tf))
		for i := range order {
			order[i] = i
		}
		rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
		for ep := 1; ep <= o.epochs(); ep++ {
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			for _, i := range order {
				stepEN(m, &tf[i], cw, g, &gb, &gd, rate, l2)
			}
			mr := enMacroRecall(m, vf)
			if o.Progress != nil {
				o.Progress(int64(len(train) + len(valid)))
			}
			if o.Log != nil {
				fmt.Fprintf(o.Log, "bits=%d bigrams=%v negate=%v epoch=%d valid_macro_recall=%.4f\n",
					cfg.Bits, cfg.Bigrams, cfg.Negate, ep, mr)
			}
			if best == nil || mr > best.RawRecall {
				snap := &scoring.ENWeights{Config: cfg, W: append([]float32(nil), m.W...), Dense: m.Dense, Bias: m.Bias}
				best = &ENTrainResult{Model: snap, Epoch: ep, RawRecall: mr, MacroRecall: mr}
			}
		}
		if best.Model.Config == cfg {
			// The offsets for this configuration's best epoch.
			best.MacroRecall = tuneOffsets(best.Model, vf)
		}
	}
	return best, nil
}

// stepEN is one AdaGrad update of m on one example.
func stepEN(m *scoring.ENWeights, ex *enExample, cw [numClasses]float32, g []float32, gb *[numClasses]float32,
	gd *[numDense][numClasses]float32, rate, l2 float32) {
	z := m.Scores(ex.feats, &ex.dense)
	scoring.Softmax(z[:])
	x := scoring.FeatScale(len(ex.feats))
	var d [numClasses]float32
	for c := range d {
		t := float32(0)
		if c == ex.class {
			t = 1
		}
		d[c] = cw[ex.class] * (z[c] - t)
	}
	for c := range d {
		gb[c] += d[c] * d[c]
		m.Bias[c] -= rate * d[c] / float32(math.Sqrt(float64(gb[c])+1e-8))
		for k := range ex.dense {
			if v := ex.dense[k]; v != 0 {
				gr := d[c] * v
				gd[k][c] += gr * gr
				m.Dense[k][c] -= rate * gr / float32(math.Sqrt(float64(gd[k][c])+1e-8))
			}
		}
	}
	stepHashed(m.W, g, ex.feats, &d, x, rate, l2)
}

func enMacroRecall(m *scoring.ENWeights, set []enExample) float64 {
	var cm Confusion
	for i := range set {
		z := m.Scores(set[i].feats, &set[i].dense)
		for c := range z {
			z[c] += m.Adj[c]
		}
		cm.Add(set[i].class, scoring.Argmax(z))
	}
	return cm.MacroRecall()
}

// tuneOffsets sets m.Adj to the negative and positive offsets (steps of
// 0.05 in [-1, 1], neutral fixed at 0) with the best macro-recall on set,
// the smallest offsets first on ties, and returns that macro-recall.
func tuneOffsets(m *scoring.ENWeights, set []enExample) float64 {
	zs := make([][numClasses]float32, len(set))
	for i := range set {
		zs[i] = m.Scores(set[i].feats, &set[i].dense)
	}
	bestMR, best := -1.0, [numClasses]float32{}
	for a := 0; a <= 40; a++ {
		for b := 0; b <= 40; b++ {
			adj := [numClasses]float32{offsetStep(a), 0, offsetStep(b)}
			var cm Confusion
			for i, z := range zs {
				for c := range z {
					z[c] += adj[c]
				}
				cm.Add(set[i].class, scoring.Argmax(z))
			}
			if mr := cm.MacroRecall(); mr > bestMR+1e-12 {
				bestMR, best = mr, adj
			}
		}
	}
	m.Adj = best
	return bestMR
}

// offsetStep maps 0..40 to 0, 0.05, -0.05, 0.1, -0.1, ...: the smallest
// offsets come first.
func offsetStep(i int) float32 {
	v := float32((i+1)/2) * 0.05
	if i%2 == 0 {
		return -v
	}
	return v
}

// WriteModel writes the trained model in the embedded format.
func (r *ENTrainResult) WriteModel(path string) error {
	return scoring.WriteModelFile(path, r.Model.Encode)
}

// Describe names the selected features and offsets.
func (r *ENTrainResult) Describe() string {
	c := r.Model.Config
	return fmt.Sprintf("2^%d buckets, bigrams %v, negation %v, offsets neg %+.2f pos %+.2f",
		c.Bits, c.Bigrams, c.Negate, r.Model.Adj[scoring.ClassNeg], r.Model.Adj[scoring.ClassPos])
}

// SemEval files the English model learns from (under
// sentiment-en/semeval/), and the one it selects on. 2016test.tsv is the
// evaluation set: never read here.
var (
	SemEvalTrainFiles = []string{"2013train.tsv", "2013dev.tsv", "2013test.tsv", "2014test.tsv",
		"2014sarcasm.tsv", "2015train.tsv", "2015test.tsv", "2016train.tsv", "2016dev.tsv"}
	SemEvalValidFile = "2016devtest.tsv"
)
