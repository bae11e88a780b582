package training

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// The Indonesian sentiment model's trainer: AdaGrad multinomial logistic
// regression over scoring.IDFeatures.

const numClasses = scoring.NumClasses

// TrainOptions controls TrainSentimentID.
type TrainOptions struct {
	Epochs   int                // per configuration; the best epoch is kept (default 16)
	Progress func(n int64)      // called with examples processed, may be nil
	Log      io.Writer          // one line per configuration and epoch, may be nil
	Configs  []scoring.IDConfig // nil: DefaultTrainConfigs
	Seed     uint64             // shuffling seed (the result is deterministic for a seed)
	Rate     float64            // AdaGrad learning rate, default 0.2
	L2       float64            // L2 penalty per update, default 1e-6
	// Mentions are brand-mention rows trained on besides SmSA, each
	// repeated MentionWeight times (CrossValidateID chooses the weight
	// among MentionWeights, nil: DefaultMentionWeights).
	Mentions       []scoring.Labeled
	MentionWeights []int
	MentionWeight  int
	use            []int // the rows to train on (a cross-validation fold's complement); nil: all
}

// DefaultTrainConfigs is the grid of feature sets the trainer compares on
// the validation set.
var DefaultTrainConfigs = []scoring.IDConfig{
	{Bits: 18, Bigrams: true, Negate: true},
	{Bits: 18, Bigrams: true, Negate: true, CharMin: 3, CharMax: 4},
	{Bits: 18, Bigrams: true, Negate: true, CharMin: 2, CharMax: 5},
}

// TrainResult is the selected model and its validation figures.
type TrainResult struct {
	Model   *scoring.IDWeights
	Config  scoring.IDConfig
	Epoch   int
	MacroF1 float64 // on the validation set
}

// TotalWork is the number of examples TrainSentimentID processes, for a
// progress bar.
func (o TrainOptions) TotalWork(train, valid int) int64 {
	cfgs := o.Configs
	if cfgs == nil {
		cfgs = DefaultTrainConfigs
	}
	return int64(len(cfgs) * o.epochs() * (train + valid))
}

func (o TrainOptions) epochs() int {
	if o.Epochs <= 0 {
		return 16
	}
	return o.Epochs
}

// TrainSentimentID trains the Indonesian sentiment model on train with
// AdaGrad multinomial logistic regression, once per feature
// configuration, and keeps the configuration and epoch with the best
// macro-F1 on valid. Deterministic for given data and options. The
// shipped model is chosen by cross-validation instead (SelectSentimentID).
func TrainSentimentID(train, valid []scoring.Labeled, o TrainOptions) (*TrainResult, error) {
	if len(train) == 0 || len(valid) == 0 {
		return nil, fmt.Errorf("training sentiment-id: empty train or valid set")
	}
	cfgs := o.Configs
	if cfgs == nil {
		cfgs = DefaultTrainConfigs
	}
	var best *TrainResult
	for _, cfg := range cfgs {
		tf, vf := featurize(train, cfg), featurize(valid, cfg)
		trainIDEpochs(tf, train, cfg, o, func(ep int, m *scoring.IDWeights) {
			f1 := evalFeats(m, vf, valid)
			if o.Progress != nil {
				o.Progress(int64(len(train) + len(valid)))
			}
			if o.Log != nil {
				fmt.Fprintf(o.Log, "%s epoch=%d valid_macro_f1=%.4f\n", describeID(cfg), ep, f1)
			}
			if best == nil || f1 > best.MacroF1 {
				snap := &scoring.IDWeights{Config: cfg, W: append([]float32(nil), m.W...), Bias: m.Bias}
				best = &TrainResult{Model: snap, Config: cfg, Epoch: ep, MacroF1: f1}
			}
		})
	}
	return best, nil
}

// trainIDEpochs trains a model of cfg on the examples of tf and set (the
// rows of use, all rows when use is nil) for o.epochs() epochs, calling
// after with the model after each epoch. Class weights are the inverse
// class frequencies, so macro-F1 is what is optimised.
func trainIDEpochs(tf [][]uint32, set []scoring.Labeled, cfg scoring.IDConfig, o TrainOptions, after func(ep int, m *scoring.IDWeights)) {
	rate, l2 := o.Rate, o.L2
	if rate == 0 {
		rate = 0.2
	}
	if l2 == 0 {
		l2 = 1e-6
	}
	var order []int
	for i := range set {
		order = append(order, i)
	}
	if o.use != nil {
		order = append(order[:0], o.use...)
	}
	var count [numClasses]float64
	for _, i := range order {
		count[set[i].Class]++
	}
	var cw [numClasses]float64
	for c := range cw {
		cw[c] = float64(len(order)) / (numClasses * max(count[c], 1))
	}
	m := &scoring.IDWeights{Config: cfg, W: make([]float32, (1<<cfg.Bits)*numClasses)}
	g := make([]float32, len(m.W))
	var gb [numClasses]float32
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	for ep := 1; ep <= o.epochs(); ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			stepID(m, tf[i], set[i].Class, cw, g, &gb, float32(rate), float32(l2))
		}
		after(ep, m)
	}
}

func featurize(set []scoring.Labeled, cfg scoring.IDConfig) [][]uint32 {
	out := make([][]uint32, len(set))
	for i, ex := range set {
		out[i] = scoring.IDFeatures(ex.Text, cfg, nil)
	}
	return out
}

// stepID is one AdaGrad update of m on one example.
func stepID(m *scoring.IDWeights, feats []uint32, y int, cw [numClasses]float64, g []float32, gb *[numClasses]float32, rate, l2 float32) {
	p := m.Predict(feats)
	x := scoring.FeatScale(len(feats))
	var d [numClasses]float32
	for c := range d {
		t := float32(0)
		if c == y {
			t = 1
		}
		d[c] = float32(cw[y]) * (p[c] - t)
	}
	for c := range d {
		gb[c] += d[c] * d[c]
		m.Bias[c] -= rate * d[c] / float32(math.Sqrt(float64(gb[c])+1e-8))
	}
	stepHashed(m.W, g, feats, &d, x, rate, l2)
}

// stepHashed is the AdaGrad update of the hashed weights w (g: their
// squared-gradient sums) of the features feats, each of value x, for
// the class errors d. Both sentiment trainers use it.
func stepHashed(w, g []float32, feats []uint32, d *[numClasses]float32, x, rate, l2 float32) {
	for _, f := range feats {
		base := int(f) * numClasses
		for c := range d {
			k := base + c
			gr := d[c]*x + l2*w[k]
			g[k] += gr * gr
			w[k] -= rate * gr / float32(math.Sqrt(float64(g[k])+1e-8))
		}
	}
}

func evalFeats(m *scoring.IDWeights, feats [][]uint32, gold []scoring.Labeled) float64 {
	var cm Confusion
	for i, f := range feats {
		cm.Add(gold[i].Class, scoring.Argmax(m.Predict(f)))
	}
	return cm.MacroF1()
}

// WriteModel writes the trained model in the embedded format.
func (r *TrainResult) WriteModel(path string) error {
	return scoring.WriteModelFile(path, r.Model.Encode)
}

// Describe names the selected feature set.
func (r *TrainResult) Describe() string {
	return describeID(r.Config)
}

func describeID(c scoring.IDConfig) string {
	return fmt.Sprintf("2^%d buckets, char %d-%d-grams, bigrams %v, negation %v (%d words), stems %v",
		c.Bits, c.CharMin, c.CharMax, c.Bigrams, c.Negate, c.NegWindow(), c.Stem)
}

// IDWordList returns the words that mark Indonesian for language
// detection: the most frequent words of the training texts (at least
// minCount occurrences, at most max words) that are neither English
// function words nor English lexicon words. Sorted by frequency, then
// alphabetically, so the list is deterministic.
func IDWordList(train []scoring.Labeled, minCount, maxWords int) []string {
	counts := map[string]int{}
	for _, ex := range train {
		scoring.TokenWords(ex.Text, func(w []byte) {
			if len(w) >= 2 && isLetters(w) {
				counts[string(w)]++
			}
		})
	}
	var words []string
	for w, c := range counts {
		if c < minCount || scoring.ForeignToIndonesian(w) {
			continue
		}
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		if d := counts[b] - counts[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	return words
}

func isLetters(w []byte) bool {
	for _, c := range w {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// WriteWordList writes one word per line.
func WriteWordList(path string, words []string) error {
	if err := os.WriteFile(path, []byte(strings.Join(words, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("writing word list: %w", err)
	}
	return nil
}
