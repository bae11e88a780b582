package training

import (
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/mentionwatch/mentionwatch/alerts/critical"
)

// The learned harm model's training (critical.LearnedModel). It learns
// from the design sets only: the labelled harm sets whose errors were read
// while the phrase lists were written, and twelve writers' harm and
// near-miss sets the lists were not written on (HarmDesignSets), and the design
// sentiment sets of ../shared/data as ordinary texts (HarmOrdinarySets:
// the few harms in them count as ordinary, which errs towards flagging
// less). The kept-aside sets (critical_heldout, complaints_unseen*) and
// the unseen sentiment sets never train or choose anything; eval critical
// scores them.

// HarmDesignSets are the labelled sets the model learns harm from.
var HarmDesignSets = slices.Concat(
	[]string{"alerts/testdata/critical_dev.tsv", "alerts/testdata/critical_mentions_design.tsv"},
	MentionRows, HarmWriterSets)

// HarmWriterSets are twelve harm and near-miss sets by writers who read no
// project file (scoring/training/harms/README.md): the model learns from
// them; the phrase lists were not written on them.
var HarmWriterSets = []string{
	"scoring/training/harms/harm_design_a.tsv",
	"scoring/training/harms/harm_design_b.tsv",
	"scoring/training/harms/harm_design_c.tsv",
	"scoring/training/harms/harm_design_d.tsv",
	"scoring/training/harms/harm_design_e.tsv",
	"scoring/training/harms/harm_design_f.tsv",
	"scoring/training/harms/harm_design_g.tsv",
	"scoring/training/harms/harm_design_h.tsv",
	"scoring/training/harms/harm_design_i.tsv",
	"scoring/training/harms/harm_design_j.tsv",
	"scoring/training/harms/harm_design_k.tsv",
	"scoring/training/harms/harm_design_l.tsv",
}

// HarmOrdinarySets are the design sentiment sets (under the data
// directory) whose texts the model learns as ordinary.
var HarmOrdinarySets = []string{
	"sentiment-en/tweets.tsv",
	"sentiment-en/semeval/2013train.tsv",
	"sentiment-en/semeval/2015train.tsv",
	"sentiment-en/semeval/2016train.tsv",
	"sentiment-id/smsa_train.tsv",
}

// HarmExample is one training text.
type HarmExample struct {
	Group   string // the set it came from (a labelled set, or "ordinary k" for fold k of the ordinary texts)
	Harm    bool
	Listed  bool // the phrase lists already flag it
	Snippet bool // the first words of an ordinary text: trained on, not counted in the cross-validation's figures
	text    string
	feats   []uint32   // hashed index | block<<31, as critical.HarmFeatures emits them
	scale   [2]float64 // each block's feature value, as critical.LearnedModel.Prob weighs it (critical.HarmScale)
}

// HarmFolds is the number of folds the ordinary texts are split into (by a
// hash of the text) for the cross-validation; each labelled set is a fold
// of its own, so every fold is a writer the model has not read.
const HarmFolds = 5

// LoadHarmData reads the design sets (labelled paths relative to the
// working directory, ordinary ones under dataDir) and featurises them.
func LoadHarmData(dataDir string, labelled, ordinary []string) ([]HarmExample, error) {
	m := critical.New(nil)
	var out []HarmExample
	for _, p := range labelled {
		ex, err := ReadCriticalSet(p)
		if err != nil {
			return nil, fmt.Errorf("%w (run from the repository root)", err)
		}
		for _, e := range ex {
			_, listed := m.Find(e.Text)
			out = append(out, harmExample(filepath.Base(p), e.Text, e.Critical, listed))
		}
	}
	for _, p := range ordinary {
		path := filepath.Join(dataDir, p)
		fh, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("reading ordinary texts: %w (is --data the shared data directory?)", err)
		}
		err = critical.ReadTexts(fh, path, func(text string) {
			h := fnv.New32a()
			io.WriteString(h, text)
			_, listed := m.Find(text)
			group := fmt.Sprintf("ordinary %d", h.Sum32()%HarmFolds)
			out = append(out, harmExample(group, text, false, listed))
			// Its first 1-5 words, learned as ordinary too: every text
			// of the training sets is scaled to the same length, so
			// without short ones the model has never seen a text with
			// little evidence, and reads "acme opened a store" as
			// likely a harm as not.
			if words := strings.Fields(text); len(words) > 5 {
				sn := harmExample(group, strings.Join(words[:1+h.Sum32()/HarmFolds%5], " "), false, false)
				sn.Snippet = true
				out = append(out, sn)
			}
		})
		fh.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func harmExample(group, text string, harm, listed bool) HarmExample {
	e := HarmExample{Group: group, Harm: harm, Listed: listed, text: text}
	n := critical.HarmFeatures(text, func(block int, h uint32) { e.feats = append(e.feats, h|uint32(block)<<31) })
	for b := range e.scale {
		e.scale[b] = critical.HarmScale(b, n[b])
	}
	return e
}

// HarmTrainOptions are the learner's settings. The defaults were compared
// with their neighbours in the same cross-validation (docs/BENCHMARKS.md);
// the threshold is chosen by it on every run.
type HarmTrainOptions struct {
	Epochs      int     // default 40
	Rate        float64 // AdaGrad step, default 0.05
	L2          float64 // per-update weight decay of the touched weights, default 1e-4
	HarmWeight  float64 // weight of a harm example against an ordinary one, default 1 (5 while harms were 1.5% of the texts; with the writers' sets they are 7%)
	Seed        int64   // shuffling, default 1
	Progress    func(int64)
	FalseBudget float64 // the model may add at most this share of false criticals to the design texts, out of fold; default 1/2000
	// MinDF: a feature in fewer training texts than this keeps weight 0
	// (it still counts in its text's length), so the model cannot learn a
	// rare writer's quirk; default 5.
	MinDF int
}

func (o HarmTrainOptions) withDefaults() HarmTrainOptions {
	if o.Epochs <= 0 {
		o.Epochs = 40
	}
	if o.Rate <= 0 {
		o.Rate = 0.05
	}
	if o.L2 <= 0 {
		o.L2 = 1e-4
	}
	if o.HarmWeight <= 0 {
		o.HarmWeight = 1
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.FalseBudget <= 0 {
		o.FalseBudget = 1.0 / 2000
	}
	if o.MinDF <= 0 {
		o.MinDF = 5
	}
	return o
}

// TrainHarm fits logistic regression by AdaGrad on the examples whose
// index keep allows (nil: all). Deterministic for a seed.
func TrainHarm(data []HarmExample, keep func(i int) bool, o HarmTrainOptions) *critical.LearnedModel {
	o = o.withDefaults()
	w := make([]float64, 1<<critical.LearnedBits)
	g2 := make([]float64, len(w))
	var bias, bg2 float64
	order := make([]int, 0, len(data))
	for i := range data {
		if keep == nil || keep(i) {
			order = append(order, i)
		}
	}
	// Document frequency of each feature in the training texts.
	df := make([]int32, len(w))
	last := make([]int32, len(w))
	for _, i := range order {
		for _, f := range data[i].feats {
			h := f &^ (1 << 31)
			if last[h] != int32(i)+1 {
				last[h] = int32(i) + 1
				df[h]++
			}
		}
	}
	rng := rand.New(rand.NewSource(o.Seed))
	for ep := 0; ep < o.Epochs; ep++ {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		for _, i := range order {
			e := &data[i]
			z := bias
			for _, f := range e.feats {
				z += w[f&^(1<<31)] * e.scale[f>>31]
			}
			p := 1 / (1 + math.Exp(-z))
			y, cw := 0.0, 1.0
			if e.Harm {
				y, cw = 1, o.HarmWeight
			}
			g := (p - y) * cw
			for _, f := range e.feats {
				h := f &^ (1 << 31)
				if df[h] < int32(o.MinDF) {
					continue
				}
				gi := g*e.scale[f>>31] + o.L2*w[h]
				g2[h] += gi * gi
				w[h] -= o.Rate * gi / math.Sqrt(g2[h]+1e-8)
			}
			bg2 += g * g
			bias -= o.Rate * g / math.Sqrt(bg2+1e-8)
		}
		if o.Progress != nil {
			o.Progress(int64(len(order)))
		}
	}
	m := &critical.LearnedModel{Bias: float32(bias), W: make([]float32, len(w))}
	for i, v := range w {
		m.W[i] = float32(v)
	}
	return m
}

// HarmThresholds are the thresholds the cross-validation compares.
var HarmThresholds = []float64{0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99}

// HarmCVRow is one threshold's out-of-fold figures.
type HarmCVRow struct {
	Threshold   float64
	Recall      float64 // of the labelled harms, lists or model
	ModelRecall float64 // of the labelled harms, model alone
	Added       int     // false criticals the model adds (ordinary texts and labelled non-harms the lists clear)
	AddedShare  float64 // Added / the non-harm texts
}

// HarmCV is the cross-validation's result.
type HarmCV struct {
	Rows       []HarmCVRow
	Pick       HarmCVRow
	ListRecall float64 // the phrase lists alone, on the labelled harms (tuned on them)
	Harms      int
	Ordinary   int // non-harm texts
}

// CrossValidateHarm trains once per group with the group held out, scores
// the group, and picks the lowest threshold whose out-of-fold false
// criticals added stay within the budget.
func CrossValidateHarm(data []HarmExample, o HarmTrainOptions) HarmCV {
	o = o.withDefaults()
	var groups []string
	seen := map[string]bool{}
	for _, e := range data {
		if !seen[e.Group] {
			seen[e.Group] = true
			groups = append(groups, e.Group)
		}
	}
	// Two folds at a time: each writes only its own group's rows of oof.
	oof := make([]float64, len(data))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			m := TrainHarm(data, func(i int) bool { return data[i].Group != g }, o)
			for i := range data {
				if data[i].Group == g {
					oof[i] = m.Prob(data[i].text) // as an alert asks it
				}
			}
		}()
	}
	wg.Wait()
	var cv HarmCV
	listed := 0
	for _, e := range data {
		if e.Snippet {
			continue
		}
		if e.Harm {
			cv.Harms++
			if e.Listed {
				listed++
			}
		} else {
			cv.Ordinary++
		}
	}
	cv.ListRecall = float64(listed) / math.Max(1, float64(cv.Harms))
	cv.Pick = HarmCVRow{Threshold: 1}
	picked := false
	for _, t := range HarmThresholds {
		r := HarmCVRow{Threshold: t}
		var found, alone int
		for i, e := range data {
			if e.Snippet {
				continue
			}
			hit := oof[i] >= t
			switch {
			case e.Harm:
				if hit {
					alone++
				}
				if hit || e.Listed {
					found++
				}
			case hit && !e.Listed:
				r.Added++
			}
		}
		r.Recall = float64(found) / math.Max(1, float64(cv.Harms))
		r.ModelRecall = float64(alone) / math.Max(1, float64(cv.Harms))
		r.AddedShare = float64(r.Added) / math.Max(1, float64(cv.Ordinary))
		cv.Rows = append(cv.Rows, r)
		if !picked && r.AddedShare <= o.FalseBudget {
			cv.Pick, picked = r, true
		}
	}
	return cv
}

// HarmWork is the learner's work for a progress bar: every held-out
// group's training, then the final one on everything.
func HarmWork(data []HarmExample, o HarmTrainOptions) int64 {
	o = o.withDefaults()
	size := map[string]int64{}
	for _, e := range data {
		size[e.Group]++
	}
	n := int64(len(data))
	work := n
	for _, k := range size {
		work += n - k
	}
	return work * int64(o.Epochs)
}

// DescribeHarmCV renders the cross-validation's table.
func DescribeHarmCV(cv HarmCV) string {
	var b strings.Builder
	fmt.Fprintf(&b, "out of fold (each labelled set and each fifth of the ordinary texts held out in turn): %d harms, %d non-harm texts; the phrase lists alone find %.3f of the harms (they were written on these sets)\n", cv.Harms, cv.Ordinary, cv.ListRecall)
	fmt.Fprintf(&b, "threshold  recall (lists or model)  model alone  false criticals added\n")
	for _, r := range cv.Rows {
		mark := ""
		if r.Threshold == cv.Pick.Threshold {
			mark = "  <- picked"
		}
		fmt.Fprintf(&b, "%9.2f  %23.3f  %11.3f  %d (%.3f%%)%s\n", r.Threshold, r.Recall, r.ModelRecall, r.Added, 100*r.AddedShare, mark)
	}
	return b.String()
}
