package scoring

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
)

// Labeled is a text with a gold class (negative, neutral or positive).
type Labeled struct {
	Text  string
	Class int // clsNeg, clsNeu, clsPos
}

// ReadSmSA reads an IndoNLU SmSA file: text TAB label per line.
func ReadSmSA(path string) ([]Labeled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	var out []Labeled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		i := strings.LastIndexByte(line, '\t')
		if i < 0 {
			return nil, fmt.Errorf("%s line %d: want text<TAB>label", path, n)
		}
		c, ok := classOf(strings.TrimSpace(line[i+1:]))
		if !ok {
			return nil, fmt.Errorf("%s line %d: unknown label %q", path, n, line[i+1:])
		}
		out = append(out, Labeled{Text: line[:i], Class: c})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return out, nil
}

func classOf(label string) (int, bool) {
	for c, n := range classNames {
		if n == label {
			return c, true
		}
	}
	return 0, false
}

// TrainOptions controls TrainSentimentID.
type TrainOptions struct {
	Epochs   int           // per configuration; the best epoch is kept (default 16)
	Progress func(n int64) // called with examples processed, may be nil
	Log      io.Writer     // one line per configuration and epoch, may be nil
	Configs  []featConfig  // nil: DefaultTrainConfigs
	Seed     uint64        // shuffling seed (the result is deterministic for a seed)
	Rate     float64       // AdaGrad learning rate, default 0.2
	L2       float64       // L2 penalty per update, default 1e-6
	use      []int         // the rows to train on (a cross-validation fold's complement); nil: all
}

// DefaultTrainConfigs is the grid of feature sets the trainer compares on
// the validation set.
var DefaultTrainConfigs = []featConfig{
	{Bits: 18, Bigrams: true, Negate: true},
	{Bits: 18, Bigrams: true, Negate: true, CharMin: 3, CharMax: 4},
	{Bits: 18, Bigrams: true, Negate: true, CharMin: 2, CharMax: 5},
}

// TrainResult is the selected model and its validation figures.
type TrainResult struct {
	Model   *idModel
	Config  featConfig
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
func TrainSentimentID(train, valid []Labeled, o TrainOptions) (*TrainResult, error) {
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
		trainIDEpochs(tf, train, cfg, o, func(ep int, m *idModel) {
			f1 := evalFeats(m, vf, valid)
			if o.Progress != nil {
				o.Progress(int64(len(train) + len(valid)))
			}
			if o.Log != nil {
				fmt.Fprintf(o.Log, "%s epoch=%d valid_macro_f1=%.4f\n", describeID(cfg), ep, f1)
			}
			if best == nil || f1 > best.MacroF1 {
				snap := &idModel{cfg: cfg, w: append([]float32(nil), m.w...), bias: m.bias}
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
func trainIDEpochs(tf [][]uint32, set []Labeled, cfg featConfig, o TrainOptions, after func(ep int, m *idModel)) {
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
	m := &idModel{cfg: cfg, w: make([]float32, (1<<cfg.Bits)*numClasses)}
	g := make([]float32, len(m.w))
	var gb [numClasses]float32
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	for ep := 1; ep <= o.epochs(); ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			m.step(tf[i], set[i].Class, cw, g, &gb, float32(rate), float32(l2))
		}
		after(ep, m)
	}
}

func featurize(set []Labeled, cfg featConfig) [][]uint32 {
	s := getScratch()
	defer putScratch(s)
	out := make([][]uint32, len(set))
	for i, ex := range set {
		s.reset()
		s.tokenize(ex.Text)
		out[i] = s.features(cfg, nil)
	}
	return out
}

// step is one AdaGrad update on one example.
func (m *idModel) step(feats []uint32, y int, cw [numClasses]float64, g []float32, gb *[numClasses]float32, rate, l2 float32) {
	p := m.predict(feats)
	x := featScale(len(feats))
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
		m.bias[c] -= rate * d[c] / float32(math.Sqrt(float64(gb[c])+1e-8))
	}
	for _, f := range feats {
		base := int(f) * numClasses
		for c := range d {
			k := base + c
			gr := d[c]*x + l2*m.w[k]
			g[k] += gr * gr
			m.w[k] -= rate * gr / float32(math.Sqrt(float64(g[k])+1e-8))
		}
	}
}

func evalFeats(m *idModel, feats [][]uint32, gold []Labeled) float64 {
	var cm Confusion
	for i, f := range feats {
		cm.Add(gold[i].Class, argmax(m.predict(f)))
	}
	return cm.MacroF1()
}

func argmax(p [numClasses]float32) int {
	b := 0
	for c := 1; c < numClasses; c++ {
		if p[c] > p[b] {
			b = c
		}
	}
	return b
}

// Confusion is a 3-class confusion matrix, [gold][predicted], indexed by
// ClassNeg, ClassNeu and ClassPos. Training selects by it and the
// evaluation (scoring/training) reports from it.
type Confusion [numClasses][numClasses]int

// Add counts one item of class gold predicted as pred.
func (cm *Confusion) Add(gold, pred int) { cm[gold][pred]++ }

// MacroF1 is the mean of the per-class F1 scores.
func (cm *Confusion) MacroF1() float64 {
	var sum float64
	for c := 0; c < numClasses; c++ {
		sum += cm.F1(c)
	}
	return sum / numClasses
}

// F1 is class c's F1 score.
func (cm *Confusion) F1(c int) float64 {
	tp, fp, fn := 0, 0, 0
	for g := 0; g < numClasses; g++ {
		for p := 0; p < numClasses; p++ {
			switch {
			case g == c && p == c:
				tp += cm[g][p]
			case p == c:
				fp += cm[g][p]
			case g == c:
				fn += cm[g][p]
			}
		}
	}
	if tp == 0 {
		return 0
	}
	return 2 * float64(tp) / float64(2*tp+fp+fn)
}

// Recall is the share of class c's gold items predicted as c.
func (cm *Confusion) Recall(c int) float64 {
	n := 0
	for p := range cm[c] {
		n += cm[c][p]
	}
	if n == 0 {
		return 0
	}
	return float64(cm[c][c]) / float64(n)
}

// MacroRecall is the mean of the per-class recalls (the SemEval metric).
func (cm *Confusion) MacroRecall() float64 {
	return (cm.Recall(clsNeg) + cm.Recall(clsNeu) + cm.Recall(clsPos)) / numClasses
}

// Accuracy is the share of items predicted as their gold class.
func (cm *Confusion) Accuracy() float64 {
	ok, n := 0, 0
	for g := range cm {
		for p := range cm[g] {
			n += cm[g][p]
			if g == p {
				ok += cm[g][p]
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(ok) / float64(n)
}

// WriteModel writes the trained model in the embedded format.
func (r *TrainResult) WriteModel(path string) error {
	return writeModelFile(path, r.Model.encode)
}

// Describe names the selected feature set.
func (r *TrainResult) Describe() string {
	return describeID(r.Config)
}

func describeID(c featConfig) string {
	return fmt.Sprintf("2^%d buckets, char %d-%d-grams, bigrams %v, negation %v (%d words), stems %v",
		c.Bits, c.CharMin, c.CharMax, c.Bigrams, c.Negate, c.negWin(), c.Stem)
}

// IDWordList returns the words that mark Indonesian for language
// detection: the most frequent words of the training texts (at least
// minCount occurrences, at most max words) that are neither English
// function words nor English lexicon words. Sorted by frequency, then
// alphabetically, so the list is deterministic.
func IDWordList(train []Labeled, minCount, maxWords int) []string {
	counts := map[string]int{}
	s := getScratch()
	defer putScratch(s)
	for _, ex := range train {
		s.reset()
		s.tokenize(ex.Text)
		for _, t := range s.toks {
			w := s.buf[t.a:t.b]
			if len(w) < 2 || !isLetters(w) {
				continue
			}
			counts[string(w)]++
		}
	}
	var words []string
	for w, c := range counts {
		if c < minCount {
			continue
		}
		if wi := vocab[w]; wi != nil && (wi.lang&(langEN|langOther) != 0 || wi.vader()) {
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
