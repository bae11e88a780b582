package training

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/scoring"
)

// ReviewRows are the project's own review sentences that the review
// register's model learns from: each file is one writer's, written for
// this and rated by the writer (rating -4..4, TAB, sentence), with no
// project file in sight (scoring/training/reviews/README.md). Paths are
// relative to the repository root.
var ReviewRows = []string{
	"scoring/training/reviews/reviews_en_a.tsv",
	"scoring/training/reviews/reviews_en_b.tsv",
	"scoring/training/reviews/reviews_en_c.tsv",
	"scoring/training/reviews/reviews_en_d.tsv",
}

// ReviewRowsUnder is ReviewRows under the repository root dir.
func ReviewRowsUnder(dir string) []string {
	out := make([]string, len(ReviewRows))
	for i, p := range ReviewRows {
		out[i] = filepath.Join(dir, p)
	}
	return out
}

// ReadReviewRows reads the review sentence files at paths (rating TAB
// sentence; the rating's class at ±0.5, as the VADER sets are classed)
// and returns the rows with each row's writer: the index of its file.
func ReadReviewRows(paths []string) ([]scoring.Labeled, []int, error) {
	var rows []scoring.Labeled
	var writer []int
	for k, p := range paths {
		err := scoring.ReadLines(p, func(_ int, line string) error {
			rating, text, ok := strings.Cut(line, "\t")
			if !ok || strings.TrimSpace(text) == "" {
				return fmt.Errorf("want rating TAB sentence")
			}
			r, err := strconv.ParseFloat(rating, 64)
			if err != nil || r < -4 || r > 4 {
				return fmt.Errorf("rating %q: want a number in [-4, 4]", rating)
			}
			rows = append(rows, scoring.Labeled{Text: text, Class: goldClass(r)})
			writer = append(writer, k)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("reading review rows: %w (run from the repository root, or pass --rows)", err)
		}
	}
	return rows, writer, nil
}

// ReviewOptions tunes TrainReviewModel; zero values mean the defaults.
type ReviewOptions struct {
	Epochs int       // epochs compared per start, default 8
	Blends []float64 // the model's shares compared, default 0, 0.1, ..., 1
	Seed   uint64
	// Log, when not nil, gets every start's pooled figure per epoch.
	Log io.Writer
	// Progress, when not nil, is called with units of work done
	// (TotalWork in all).
	Progress func(int64)
}

func (o ReviewOptions) epochs() int {
	if o.Epochs <= 0 {
		return 8
	}
	return o.Epochs
}

func (o ReviewOptions) blends() []float64 {
	if len(o.Blends) > 0 {
		return o.Blends
	}
	b := make([]float64, 11)
	for i := range b {
		b[i] = float64(i) / 10
	}
	return b
}

// reviewStart is a way to start training: from the tweet model's
// weights (fine-tuning) or from zero, and the learning rate.
type reviewStart struct {
	name      string
	fromTweet bool
	rate      float32
}

var reviewStarts = []reviewStart{
	{"from the tweet model, rate 0.05", true, 0.05},
	{"from the tweet model, rate 0.2", true, 0.2},
	{"from zero, rate 0.2", false, 0.2},
}

// TotalWork is the units of work of TrainReviewModel on n rows by w
// writers: one per row trained on per epoch.
func (o ReviewOptions) TotalWork(n, w int) int64 {
	if w < 2 {
		return 0
	}
	// Outer folds train on n(w-1)/w rows, the inner folds of each on
	// n(w-2)/w, the final model on n.
	per := int64(n*(w-1)) + int64(w)*int64(n*(w-1)*(w-2)/w)
	return per*int64(len(reviewStarts)*o.epochs()) + int64(n*o.epochs())
}

// ReviewChoice is one configuration of the review model: a start, an
// epoch and a blend.
type ReviewChoice struct {
	Start string
	Epoch int
	Blend float64
}

// ReviewResult is what TrainReviewModel chose and measured.
type ReviewResult struct {
	Model  *scoring.ReviewModel
	Choice ReviewChoice
	// CV is the choice's pooled macro-F1 on the held-out writers'
	// sentences (leave one writer out): tuned on.
	CV float64
	// Nested is the same with the choice itself made, for each held-out
	// writer, on the other writers alone: the honest figure.
	Nested []float64 // per held-out writer
	NestedF1 float64 // pooled
	// Picks are the nested choices, by held-out writer.
	Picks []ReviewChoice
	// Register is the register without the model on the same sentences.
	Register float64
	Texts    int
}

// TrainReviewModel chooses and trains the review register's model on
// rows (writer[i] is row i's writer): for each start (reviewStarts),
// epoch and blend, the review sentences of each writer are scored by a
// model trained on the other writers' (leave one writer out), through
// the whole scorer in the review register; the choice with the best
// pooled macro-F1 wins (the earlier start, epoch and smaller blend on
// ties). The same choice made within each training fold gives the
// nested figure. The chosen model is then trained on every row. base is
// the tweet model's weights (scoring.ShippedENWeights), which the
// fine-tuning starts from and whose features the model reads.
// Deterministic for given rows, base and options.
func TrainReviewModel(rows []scoring.Labeled, writer []int, base *scoring.ENWeights, o ReviewOptions) (*ReviewResult, error) {
	nw := 0
	for _, w := range writer {
		nw = max(nw, w+1)
	}
	if nw < 3 {
		return nil, fmt.Errorf("training sentiment-review: %d writers, want at least 3 for the nested choice", nw)
	}
	if len(rows) != len(writer) {
		return nil, fmt.Errorf("training sentiment-review: %d rows, %d writers", len(rows), len(writer))
	}
	ex := featurizeEN(rows, base.Config, nil)
	progress := o.Progress
	if progress == nil {
		progress = func(int64) {}
	}
	blends, ne := o.blends(), o.epochs()
	// pred[start][ep][blend][i]: row i's class when its writer was held
	// out (outer) or, per held-out writer k, when scored by the inner
	// fold that held out both k and its own writer.
	outer := newPredGrid(len(reviewStarts), ne, len(blends), len(rows))
	inner := make([][][][][]int8, nw)
	for k := range inner {
		inner[k] = newPredGrid(len(reviewStarts), ne, len(blends), len(rows))
	}
	for si, st := range reviewStarts {
		t := enTrainer{rate: st.rate, l2: 1e-6, pow: 1, seed: o.Seed}
		if st.fromTweet {
			t.init = base
		}
		for k := range nw {
			reviewFold(t, base.Config, rows, ex, writer, []int{k}, ne, blends, outer[si], progress)
			for j := range nw {
				if j != k {
					reviewFold(t, base.Config, rows, ex, writer, []int{k, j}, ne, blends, inner[k][si], progress)
				}
			}
		}
	}
	all := func(int) bool { return true }
	best, cv := bestReviewChoice(outer, rows, all, blends)
	res := &ReviewResult{CV: cv, Texts: len(rows)}
	res.Choice = ReviewChoice{reviewStarts[best[0]].name, best[1] + 1, blends[best[2]]}
	// Nested: writer k's rows labelled by the choice made on the others.
	var pooled Confusion
	for k := range nw {
		pick, _ := bestReviewChoice(inner[k], rows, func(i int) bool { return writer[i] != k }, blends)
		res.Picks = append(res.Picks, ReviewChoice{reviewStarts[pick[0]].name, pick[1] + 1, blends[pick[2]]})
		var cm Confusion
		for i := range rows {
			if writer[i] == k {
				p := int(outer[pick[0]][pick[1]][pick[2]][i])
				cm.Add(rows[i].Class, p)
				pooled.Add(rows[i].Class, p)
			}
		}
		res.Nested = append(res.Nested, cm.MacroF1())
	}
	res.NestedF1 = pooled.MacroF1()
	// The register alone: blend 0 of any model.
	var reg Confusion
	plain := scoring.NewReviewScorer(nil)
	for _, r := range rows {
		reg.Add(r.Class, labelClass(scoring.ScoreTextAs(plain, r.Text, mw.ReviewType).Label))
	}
	res.Register = reg.MacroF1()
	if o.Log != nil {
		for si, st := range reviewStarts {
			for ep := range ne {
				fmt.Fprintf(o.Log, "%-32s epoch %d:", st.name, ep+1)
				for bi, b := range blends {
					fmt.Fprintf(o.Log, " %.1f %.4f", b, pooledF1(outer[si][ep][bi], rows, all))
				}
				fmt.Fprintln(o.Log)
			}
		}
	}
	// The final model, on every row.
	st := reviewStarts[best[0]]
	t := enTrainer{rate: st.rate, l2: 1e-6, pow: 1, seed: o.Seed}
	if st.fromTweet {
		t.init = base
	}
	var final *scoring.ENWeights
	t.run(refs(ex), base.Config, nil, res.Choice.Epoch, func(ep int, m *scoring.ENWeights, _ []float32) {
		progress(int64(len(ex)))
		if ep == res.Choice.Epoch {
			final = &scoring.ENWeights{Config: m.Config, W: append([]float32(nil), m.W...), Dense: m.Dense, Bias: m.Bias}
		}
	})
	progress(int64(len(ex) * (ne - res.Choice.Epoch))) // TotalWork counts every epoch
	res.Model = &scoring.ReviewModel{Weights: final, Blend: res.Choice.Blend}
	return res, nil
}

func newPredGrid(starts, epochs, blends, n int) [][][][]int8 {
	g := make([][][][]int8, starts)
	for s := range g {
		g[s] = make([][][]int8, epochs)
		for e := range g[s] {
			g[s][e] = make([][]int8, blends)
			for b := range g[s][e] {
				g[s][e][b] = make([]int8, n)
			}
		}
	}
	return g
}

// reviewFold trains on the rows whose writer is not in out and, after
// each epoch, labels the rows of out[len(out)-1]'s writer through the
// whole scorer, once per blend, into pred[epoch][blend].
func reviewFold(t enTrainer, cfg scoring.ENConfig, rows []scoring.Labeled, ex []enExample, writer []int, out []int, epochs int,
	blends []float64, pred [][][]int8, progress func(int64)) {
	held := out[len(out)-1]
	var train []*enExample
	var test []int
	for i := range ex {
		switch w := writer[i]; {
		case w == held:
			test = append(test, i)
		case !contains(out, w):
			train = append(train, &ex[i])
		}
	}
	t.run(train, cfg, nil, epochs, func(ep int, m *scoring.ENWeights, _ []float32) {
		progress(int64(len(train)))
		for bi, b := range blends {
			sc := scoring.NewReviewScorer(&scoring.ReviewModel{Weights: m, Blend: b})
			for _, i := range test {
				pred[ep-1][bi][i] = int8(labelClass(scoring.ScoreTextAs(sc, rows[i].Text, mw.ReviewType).Label))
			}
		}
	})
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// bestReviewChoice returns the (start, epoch, blend) indices with the
// best pooled macro-F1 over the rows in, and that figure; ties go to the
// earlier start and epoch and the smaller blend.
func bestReviewChoice(pred [][][][]int8, rows []scoring.Labeled, in func(int) bool, blends []float64) ([3]int, float64) {
	var best [3]int
	bestF := -1.0
	for si := range pred {
		for ep := range pred[si] {
			for bi := range blends {
				if f := pooledF1(pred[si][ep][bi], rows, in); f > bestF+1e-12 {
					best, bestF = [3]int{si, ep, bi}, f
				}
			}
		}
	}
	return best, bestF
}

func pooledF1(pred []int8, rows []scoring.Labeled, in func(int) bool) float64 {
	var cm Confusion
	for i, r := range rows {
		if in(i) {
			cm.Add(r.Class, int(pred[i]))
		}
	}
	return cm.MacroF1()
}
