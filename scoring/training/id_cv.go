package training

import (
	"fmt"
	"slices"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// The Indonesian model is selected by cross-validation on smsa_train:
// smsa_valid is read once, to report, and never chooses anything.

// CVFolds is the number of cross-validation folds.
const CVFolds = 5

// CVConfigs is the grid of feature sets compared in cross-validation.
var CVConfigs = []scoring.IDConfig{
	{Bits: 20, Bigrams: true, Negate: true},
	{Bits: 20, Bigrams: true, Negate: true, Stem: true},
	{Bits: 20, Bigrams: true, Negate: true, Stem: true, NegWin: 3},
}

// CVRow is one configuration's cross-validated macro-F1 after each epoch.
type CVRow struct {
	Config scoring.IDConfig
	MeanF1 []float64   // by epoch-1: mean over the folds
	FoldF1 [][]float64 // by epoch-1, then fold
}

// CVResult is the selection: the grid's figures and the chosen
// configuration and epoch.
type CVResult struct {
	Rows   []CVRow
	Config scoring.IDConfig
	Epoch  int
	MeanF1 float64
	Folds  []float64 // the chosen configuration's per-fold macro-F1 at Epoch
}

// cvFold assigns a text to a fold by a hash of its text (FNV-1a from a
// seeded basis), so that the repeated texts of SmSA land in the same fold
// and a fold never scores a text its model was trained on.
func cvFold(text string) int {
	h := uint32(0x7f4a7c15) ^ 2166136261
	for i := 0; i < len(text); i++ {
		h = (h ^ uint32(text[i])) * 16777619
	}
	return int(h % CVFolds)
}

// CrossValidateID trains every configuration of o.Configs (CVConfigs when
// nil) on four folds of train and scores the fifth after every epoch,
// for each fold, and picks the configuration and epoch with the best mean
// macro-F1 (the earlier epoch and the earlier configuration on ties).
// Deterministic.
func CrossValidateID(train []scoring.Labeled, o TrainOptions) (*CVResult, error) {
	if len(train) < CVFolds*10 {
		return nil, fmt.Errorf("cross-validating sentiment-id: %d rows, want at least %d", len(train), CVFolds*10)
	}
	cfgs := o.Configs
	if cfgs == nil {
		cfgs = CVConfigs
	}
	fold := make([]int, len(train))
	for i, ex := range train {
		fold[i] = cvFold(ex.Text)
	}
	res := &CVResult{MeanF1: -1}
	for _, cfg := range cfgs {
		tf := featurize(train, cfg)
		row := CVRow{Config: cfg, MeanF1: make([]float64, o.epochs()), FoldF1: make([][]float64, o.epochs())}
		for k := 0; k < CVFolds; k++ {
			var use, held []int
			for i, f := range fold {
				if f == k {
					held = append(held, i)
				} else {
					use = append(use, i)
				}
			}
			fo := o
			fo.use = use
			trainIDEpochs(tf, train, cfg, fo, func(ep int, m *scoring.IDWeights) {
				var cm Confusion
				for _, i := range held {
					cm.Add(train[i].Class, scoring.Argmax(m.Predict(tf[i])))
				}
				row.FoldF1[ep-1] = append(row.FoldF1[ep-1], cm.MacroF1())
				if o.Progress != nil {
					o.Progress(int64(len(train)))
				}
			})
		}
		for e, fs := range row.FoldF1 {
			var sum float64
			for _, f := range fs {
				sum += f
			}
			row.MeanF1[e] = sum / float64(len(fs))
			if o.Log != nil {
				fmt.Fprintf(o.Log, "%s epoch=%d cv_macro_f1=%.4f folds=%.4f\n", describeID(cfg), e+1, row.MeanF1[e], fs)
			}
			if row.MeanF1[e] > res.MeanF1 {
				res.Config, res.Epoch, res.MeanF1, res.Folds = cfg, e+1, row.MeanF1[e], slices.Clone(fs)
			}
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// TrainSelectedID trains the chosen configuration on all of train for
// the chosen number of epochs.
func TrainSelectedID(train []scoring.Labeled, cfg scoring.IDConfig, epochs int, o TrainOptions) *TrainResult {
	tf := featurize(train, cfg)
	o.Epochs = epochs
	var out *TrainResult
	trainIDEpochs(tf, train, cfg, o, func(ep int, m *scoring.IDWeights) {
		if o.Progress != nil {
			o.Progress(int64(len(train)))
		}
		if ep == epochs {
			out = &TrainResult{Model: m, Config: cfg, Epoch: ep}
		}
	})
	return out
}

// CVWork is the number of examples CrossValidateID and TrainSelectedID
// process, for a progress bar.
func (o TrainOptions) CVWork(train int) int64 {
	cfgs := o.Configs
	if cfgs == nil {
		cfgs = CVConfigs
	}
	return int64(len(cfgs)*CVFolds*o.epochs()*train + o.epochs()*train)
}

// MacroF1On is the model's macro-F1 (arg-max of its probabilities, no
// lexicon) on set.
func (r *TrainResult) MacroF1On(set []scoring.Labeled) float64 {
	return evalFeats(r.Model, featurize(set, r.Config), set)
}
