package training

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// The English sentiment model's trainer: AdaGrad multinomial logistic
// regression over scoring.ENFeatures, its epoch and class offsets chosen
// by 5-fold cross-validation on the SemEval 2016 tweets (2016test.tsv is
// never read here), then trained on everything.

const numDense = scoring.NumDense

// ENData is what the English model learns from.
type ENData struct {
	// Base is always trained on: SemEval 2013-2015.
	Base []scoring.Labeled
	// Folded is split into CVFolds folds by text hash (cvFold): SemEval
	// 2016 train, dev and devtest. Selection maximises the macro-recall of
	// the held-out folds.
	Folded []scoring.Labeled
	// Reviews is split into the same folds and scored (each held-out
	// fold's macro-F1 is reported, never selected on), and trained on only
	// with ENTrainOptions.ReviewWeight: the VADER movie review sentences,
	// classed by their mean rating (±0.5).
	Reviews []scoring.Labeled
	// Mentions are the project's own labelled brand mentions (English
	// rows of MentionRows), split into the same folds and scored (each
	// held-out fold's macro-F1 after the offsets), and trained on with
	// ENTrainOptions.MentionWeight.
	Mentions []scoring.Labeled
}

// Len is the number of texts of d.
func (d ENData) Len() int { return len(d.Base) + len(d.Folded) + len(d.Reviews) + len(d.Mentions) }

// SemEval files the English model learns from (under
// sentiment-en/semeval/): the base files, then the 2016 files that are
// cross-validated. 2016test.tsv is the evaluation set: never read here.
var (
	SemEvalBaseFiles = []string{"2013train.tsv", "2013dev.tsv", "2013test.tsv", "2014test.tsv",
		"2014sarcasm.tsv", "2015train.tsv", "2015test.tsv"}
	SemEvalFoldedFiles = []string{"2016train.tsv", "2016dev.tsv", "2016devtest.tsv"}
	// ENReviewFile (under sentiment-en/) is the review set scored in
	// cross-validation.
	ENReviewFile = "movie_reviews.tsv"
)

// LoadENData reads the English training data under dataDir.
func LoadENData(dataDir string) (ENData, error) {
	var d ENData
	dir := filepath.Join(dataDir, "sentiment-en", "semeval")
	for _, f := range append(append([]string(nil), SemEvalBaseFiles...), SemEvalFoldedFiles...) {
		rows, err := scoring.ReadSemEval(filepath.Join(dir, f))
		if err != nil {
			return d, fmt.Errorf("%w (is --data the shared data directory?)", err)
		}
		if strings.HasPrefix(f, "2016") {
			d.Folded = append(d.Folded, rows...)
		} else {
			d.Base = append(d.Base, rows...)
		}
	}
	rev, err := readRatings(filepath.Join(dataDir, "sentiment-en", ENReviewFile), ENReviewFile)
	if err != nil {
		return d, err
	}
	for _, it := range rev.Items {
		d.Reviews = append(d.Reviews, scoring.Labeled{Text: it.Text, Class: goldClass(it.Rating)})
	}
	return d, nil
}

// ENTrainOptions controls TrainSentimentEN.
type ENTrainOptions struct {
	Epochs   int                // epochs compared in cross-validation (default 4)
	Members  []scoring.ENConfig // the ensemble's members; nil: DefaultENMembers
	Seed     uint64             // shuffling seed (the result is deterministic for a seed)
	Rate     float64            // AdaGrad learning rate, default 0.2
	L2       float64            // L2 penalty per update, default 1e-6
	Progress func(n int64)      // called with examples processed, may be nil
	Log      io.Writer          // one line per epoch, may be nil
	// ClassPow is the power of the inverse class frequency each class's
	// examples weigh (1: balanced; 0: unweighted). Default 1.
	ClassPow float64
	// ReviewWeight, when above 0, trains on d.Reviews too, their classes
	// weighing that much against the tweets'. At 0 (the default: reviews
	// in training cost the held-out tweets macro-recall and did not help
	// the unseen product reviews, docs/BENCHMARKS.md) they are only
	// scored.
	ReviewWeight float64
	// MentionWeight, when above 0, trains on d.Mentions too, their
	// classes weighing that much each against a tweet of the same class
	// (class weights are balanced within each source).
	MentionWeight float64
	// Embed adds pretrained word vectors (train_en_embed.go) when
	// Embed.Vectors is set.
	Embed ENEmbedOptions
}

// ShippedENMentionWeight is the weight of the brand-mention rows that
// SelectENMentionWeight chose for the shipped model
// (TestENModelReproducible trains at it).
const ShippedENMentionWeight = 4

// DefaultENMembers is the shipped English model: one logistic
// regression over words (2^18 buckets), cross-validated on the 2016
// tweets at 0.5987, and 0.6036 with the word vectors of DefaultENEmbed
// (docs/BENCHMARKS.md).
var DefaultENMembers = EnsembleENMembers[:1]

// EnsembleENMembers are an ensemble of three (`train sentiment-en
// --ensemble`), each a logistic regression over its own features: words
// (2^18 buckets); words and bigrams (2^17); character 4-grams of each
// word (2^16, enCharGrams). Cross-validated at 0.6029, and better on
// every unseen set, but it scores an English text in about 1.45x the time
// of the words alone: 3.2-3.6x faster than govader where the words alone
// were 4.9-5.2x (in one process, interleaved, a loaded machine), under
// issue 17's 5x. Larger tables for the second and third (2^20, 2^18)
// gave 0.6070 at twice the time.
var EnsembleENMembers = []scoring.ENConfig{
	{Bits: 18, Negate: true, RuleBin: true},
	{Bits: 17, Bigrams: true, Negate: true, RuleBin: true},
	{Bits: 16, Negate: true, RuleBin: true, CharMin: 4, CharMax: 4},
}

func (o ENTrainOptions) members() []scoring.ENConfig {
	if o.Members == nil {
		return DefaultENMembers
	}
	return o.Members
}

func (o ENTrainOptions) epochs() int {
	if o.Epochs <= 0 {
		return 4 // the best epoch was 2 or 3 in every cross-validation of 5
	}
	return o.Epochs
}

// TotalWork is the number of examples TrainSentimentEN processes (an
// upper bound: the final training stops at the chosen epoch).
func (o ENTrainOptions) TotalWork(d ENData) int64 {
	return int64(len(o.members()) * (CVFolds + 1) * o.epochs() * d.Len())
}

// ENTrainResult is the selected English model and its cross-validated
// figures.
type ENTrainResult struct {
	Model       *scoring.ENModel
	Epoch       int
	MacroRecall float64          // held-out 2016 folds, pooled, after the class offsets
	FoldRecall  [CVFolds]float64 // each fold's, after the offsets
	RawRecall   float64          // the same, plain arg-max (mean over folds)
	ReviewsF1   float64          // held-out review folds, pooled, after the offsets
	MentionsF1  float64          // held-out brand-mention folds, pooled, after the offsets
	Texts       int              // texts the final model was trained on
	Vectors     string           // the word vectors folded in, "" for none
}

// enExample is a featurized text.
type enExample struct {
	feats  []uint32
	dense  [numDense]float32
	emb    []float32 // embedding features (enEmbed.features), nil without vectors
	class  int
	source int // srcTweet, srcReview or srcMention
}

// The sources of the English training texts.
const (
	srcTweet = iota
	srcReview
	srcMention
	numSources
)

func src(ex *enExample) int { return ex.source }

// featurizeEN tokenizes each text and computes its hashed and rule
// features, and its embedding features when e is not nil.
func featurizeEN(set []scoring.Labeled, cfg scoring.ENConfig, e *enEmbed) []enExample {
	out := make([]enExample, len(set))
	for i, ex := range set {
		feats, dense := scoring.ENFeatures(ex.Text, cfg, nil)
		out[i] = enExample{feats: feats, dense: dense, class: ex.Class}
		if e != nil {
			out[i].emb = e.features(feats)
		}
	}
	return out
}

func featurizeReviews(set []scoring.Labeled, cfg scoring.ENConfig, e *enEmbed) []enExample {
	return featurizeSource(set, cfg, e, srcReview)
}

func featurizeSource(set []scoring.Labeled, cfg scoring.ENConfig, e *enEmbed, source int) []enExample {
	out := featurizeEN(set, cfg, e)
	for i := range out {
		out[i].source = source
	}
	return out
}

// enTrainer holds the learning settings of one run.
type enTrainer struct {
	rate, l2 float32
	pow      float64
	seed     uint64
	reviews  float32 // weight of the review texts
	mentions float32 // weight of the brand mentions
	// The embedding projection's rate and L2 penalty.
	embRate, embL2 float32
}

// run trains a model of cfg on set for epochs epochs, calling after(ep,
// m, p) after each (m is the live model, p the live embedding projection,
// nil without vectors: copy what must outlive the call). e is the
// member's placed vectors, nil for none.
func (t enTrainer) run(set []*enExample, cfg scoring.ENConfig, e *enEmbed, epochs int, after func(int, *scoring.ENWeights, []float32)) {
	// Class weights within each source (tweets, reviews, mentions), so
	// that each source's classes weigh alike; the reviews' weigh
	// t.reviews, the mentions' t.mentions.
	var count [numSources][numClasses]float64
	var n [numSources]float64
	for _, ex := range set {
		count[src(ex)][ex.class]++
		n[src(ex)]++
	}
	var cw [numSources][numClasses]float32
	for s := range cw {
		for c := range cw[s] {
			cw[s][c] = float32(math.Pow(n[s]/(numClasses*max(count[s][c], 1)), t.pow))
			switch s {
			case srcReview:
				cw[s][c] *= t.reviews
			case srcMention:
				cw[s][c] *= t.mentions
			}
		}
	}
	m := &scoring.ENWeights{Config: cfg, W: make([]float32, (1<<cfg.Bits)*numClasses)}
	g := make([]float32, len(m.W))
	var gb [numClasses]float32
	var gd [numDense][numClasses]float32
	var p, gp []float32
	if e != nil {
		p = make([]float32, e.projLen())
		gp = make([]float32, len(p))
	}
	order := make([]int, len(set))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(t.seed, 0x5eed))
	for ep := 1; ep <= epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			d := stepEN(m, p, set[i], cw[src(set[i])][set[i].class], g, &gb, &gd, t.rate, t.l2)
			if p != nil {
				stepEmb(p, gp, set[i].emb, &d, t.embRate, t.embL2)
			}
		}
		after(ep, m, p)
	}
}

// TrainSentimentEN cross-validates the ensemble of o.Members on d: for
// each of CVFolds folds it trains every member on d.Base and the other
// folds of d.Folded (and of d.Reviews with o.ReviewWeight) (AdaGrad
// multinomial logistic regression, inverse-frequency class weights, so
// that macro-recall is what is optimised) and scores the held-out fold
// after every epoch, the members' scores averaged. For each epoch the
// class offsets are picked on the held-out 2016 tweets (tuneOffsets: the
// one-standard-error rule over the folds); the epoch with the best mean
// macro-recall at its offsets wins (the earlier on ties). Every member is
// then trained on all of d (the reviews only with o.ReviewWeight) for
// that many epochs, and the ensemble gets those offsets. Deterministic
// for given data and options.
func TrainSentimentEN(d ENData, o ENTrainOptions) (*ENTrainResult, error) {
	if len(d.Folded) < CVFolds*10 {
		return nil, fmt.Errorf("training sentiment-en: %d texts to cross-validate on, want at least %d", len(d.Folded), CVFolds*10)
	}
	t := enTrainer{rate: float32(o.Rate), l2: float32(o.L2), pow: o.ClassPow, seed: o.Seed, reviews: float32(o.ReviewWeight), mentions: float32(o.MentionWeight)}
	if t.rate == 0 {
		t.rate = 0.2
	}
	if t.l2 == 0 {
		t.l2 = 1e-6
	}
	if t.pow == 0 {
		t.pow = 1
	} else if t.pow < 0 {
		t.pow = 0
	}
	t.embRate, t.embL2 = float32(o.Embed.Rate), float32(o.Embed.L2)
	if t.embRate == 0 {
		t.embRate = t.rate
	}
	if t.embL2 == 0 {
		t.embL2 = t.l2
	}
	members, ne := o.members(), o.epochs()
	embs := make([]*enEmbed, len(members))
	for mi, cfg := range members {
		var err error
		if embs[mi], err = placeEmbeddings(o.Embed, cfg); err != nil {
			return nil, fmt.Errorf("training sentiment-en: %w", err)
		}
	}
	foldF, foldR, foldM := textFolds(d.Folded), textFolds(d.Reviews), textFolds(d.Mentions)
	// Held-out scores by epoch, member and text.
	zf, zr, zm := make([][][][numClasses]float32, ne), make([][][][numClasses]float32, ne), make([][][][numClasses]float32, ne)
	for ep := range zf {
		zf[ep], zr[ep], zm[ep] = make([][][numClasses]float32, len(members)), make([][][numClasses]float32, len(members)), make([][][numClasses]float32, len(members))
		for mi := range members {
			zf[ep][mi], zr[ep][mi] = make([][numClasses]float32, len(d.Folded)), make([][numClasses]float32, len(d.Reviews))
			zm[ep][mi] = make([][numClasses]float32, len(d.Mentions))
		}
	}
	var folded []enExample // the first member's, for the classes
	for mi, cfg := range members {
		e := embs[mi]
		base, fx, rev := featurizeEN(d.Base, cfg, e), featurizeEN(d.Folded, cfg, e), featurizeReviews(d.Reviews, cfg, e)
		men := featurizeSource(d.Mentions, cfg, e, srcMention)
		if mi == 0 {
			folded = fx
		}
		tm := t
		tm.seed = t.seed + uint64(mi)
		for k := 0; k < CVFolds; k++ {
			set := refs(base)
			var heldF, heldR, heldM []int
			for i := range fx {
				if foldF[i] == k {
					heldF = append(heldF, i)
				} else {
					set = append(set, &fx[i])
				}
			}
			for i := range rev {
				if foldR[i] == k {
					heldR = append(heldR, i)
				} else if t.reviews > 0 {
					set = append(set, &rev[i])
				}
			}
			for i := range men {
				if foldM[i] == k {
					heldM = append(heldM, i)
				} else if t.mentions > 0 {
					set = append(set, &men[i])
				}
			}
			tm.run(set, cfg, e, ne, func(ep int, m *scoring.ENWeights, p []float32) {
				for _, i := range heldF {
					zf[ep-1][mi][i] = scoreEN(m, p, &fx[i])
				}
				for _, i := range heldR {
					zr[ep-1][mi][i] = scoreEN(m, p, &rev[i])
				}
				for _, i := range heldM {
					zm[ep-1][mi][i] = scoreEN(m, p, &men[i])
				}
				if o.Progress != nil {
					o.Progress(int64(len(set)))
				}
			})
		}
	}
	var (
		best    *ENTrainResult
		bestAdj [numClasses]float32
	)
	for ep := 1; ep <= ne; ep++ {
		avg := func(z [][][numClasses]float32, i int) [numClasses]float32 {
			per := make([][numClasses]float32, len(members))
			for mi := range members {
				per[mi] = z[mi][i]
			}
			return scoring.AverageScores(per)
		}
		za := make([][numClasses]float32, len(d.Folded))
		var cm [CVFolds]Confusion
		var solo [][CVFolds]Confusion = make([][CVFolds]Confusion, len(members))
		for i := range za {
			za[i] = avg(zf[ep-1], i)
			cm[foldF[i]].Add(folded[i].class, scoring.Argmax(za[i]))
			for mi := range members {
				solo[mi][foldF[i]].Add(folded[i].class, scoring.Argmax(zf[ep-1][mi][i]))
			}
		}
		raw := meanRecall(cm[:])
		adj, mr := tuneOffsets(za, folded, foldF)
		var cmAdj [CVFolds]Confusion
		for i := range za {
			cmAdj[foldF[i]].Add(folded[i].class, argmaxAdj(za[i], adj))
		}
		var perFold [CVFolds]float64
		for k := range cmAdj {
			perFold[k] = cmAdj[k].MacroRecall()
		}
		var cr Confusion
		for i := range d.Reviews {
			cr.Add(d.Reviews[i].Class, argmaxAdj(avg(zr[ep-1], i), adj))
		}
		rf := cr.MacroF1()
		var cmen Confusion
		for i := range d.Mentions {
			cmen.Add(d.Mentions[i].Class, argmaxAdj(avg(zm[ep-1], i), adj))
		}
		mf := cmen.MacroF1()
		if o.Log != nil {
			var sb strings.Builder
			for mi := range members {
				fmt.Fprintf(&sb, " %.4f", meanRecall(solo[mi][:]))
			}
			fmt.Fprintf(o.Log, "epoch=%d cv_macro_recall=%.4f (offsets neg %+.2f pos %+.2f; plain arg-max %.4f; members alone%s) review_folds_macro_f1=%.4f mention_folds_macro_f1=%.4f\n",
				ep, mr, adj[scoring.ClassNeg], adj[scoring.ClassPos], raw, sb.String(), rf, mf)
		}
		if best == nil || mr > best.MacroRecall+1e-12 {
			best = &ENTrainResult{Epoch: ep, MacroRecall: mr, FoldRecall: perFold, RawRecall: raw, ReviewsF1: rf, MentionsF1: mf}
			bestAdj = adj
		}
	}
	// The final model: every member on all of d for the chosen epochs.
	best.Model = &scoring.ENModel{Adj: bestAdj}
	if e := o.Embed; e.Vectors != nil {
		best.Vectors = fmt.Sprintf("word vectors of the %d most frequent words (sha256 %.12s), unit %v, x%g, negated %v",
			min(e.Words, len(e.Vectors.Words)), e.Vectors.SHA256, e.Unit, e.Scale, e.Neg)
	}
	for mi, cfg := range members {
		e := embs[mi]
		set := append(featurizeEN(d.Base, cfg, e), featurizeEN(d.Folded, cfg, e)...)
		if t.reviews > 0 {
			set = append(set, featurizeReviews(d.Reviews, cfg, e)...)
		}
		if t.mentions > 0 {
			set = append(set, featurizeSource(d.Mentions, cfg, e, srcMention)...)
		}
		tm := t
		tm.seed = t.seed + uint64(mi)
		tm.run(refs(set), cfg, e, best.Epoch, func(ep int, m *scoring.ENWeights, p []float32) {
			if o.Progress != nil {
				o.Progress(int64(len(set)))
			}
			if ep == best.Epoch {
				if e != nil {
					e.fold(m.W, p)
				}
				best.Model.Members = append(best.Model.Members, &scoring.ENWeights{Config: cfg, W: m.W, Dense: m.Dense, Bias: m.Bias})
			}
		})
		best.Texts = len(set)
	}
	return best, nil
}

// meanRecall is the mean macro-recall of the folds' confusions.
func meanRecall(cm []Confusion) float64 {
	var s float64
	for k := range cm {
		s += cm[k].MacroRecall() / float64(len(cm))
	}
	return s
}

// textFolds is each text's cross-validation fold (cvFold).
func textFolds(set []scoring.Labeled) []int {
	f := make([]int, len(set))
	for i, ex := range set {
		f[i] = cvFold(ex.Text)
	}
	return f
}

func refs(set []enExample) []*enExample {
	out := make([]*enExample, len(set))
	for i := range set {
		out[i] = &set[i]
	}
	return out
}

// scoreEN is the class scores of ex under m and the embedding
// projection p (nil for none).
func scoreEN(m *scoring.ENWeights, p []float32, ex *enExample) [numClasses]float32 {
	z := m.Scores(ex.feats, &ex.dense)
	if p != nil {
		projectEmb(&z, p, ex.emb)
	}
	return z
}

// stepEN is one AdaGrad update of m on one example; it returns the
// output error (the class weight times probability minus target), for
// the embedding projection p's update.
func stepEN(m *scoring.ENWeights, p []float32, ex *enExample, cw float32, g []float32, gb *[numClasses]float32,
	gd *[numDense][numClasses]float32, rate, l2 float32) [numClasses]float32 {
	z := scoreEN(m, p, ex)
	scoring.Softmax(z[:])
	x := scoring.FeatScale(len(ex.feats))
	var d [numClasses]float32
	for c := range d {
		t := float32(0)
		if c == ex.class {
			t = 1
		}
		d[c] = cw * (z[c] - t)
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
	return d
}

func argmaxAdj(z, adj [numClasses]float32) int {
	for c := range z {
		z[c] += adj[c]
	}
	return scoring.Argmax(z)
}

// tuneOffsets returns the negative and positive class offsets (steps of
// 0.05 in [-1, 1], neutral fixed at 0) for the held-out scores zs of set
// (fold[i] is the fold of set[i]), and their mean macro-recall over the
// folds. The one-standard-error rule picks them: of the offsets whose
// mean is within one standard error (over the folds) of the best mean,
// the smallest (|neg| + |pos|, then the higher mean) win. The best
// offsets over the pooled folds move by more than the folds agree on: a
// large offset bought 0.004 of cross-validated macro-recall and cost
// F1 on every other set.
func tuneOffsets(zs [][numClasses]float32, set []enExample, fold []int) ([numClasses]float32, float64) {
	type cand struct {
		adj      [numClasses]float32
		mean, se float64
		size     float32
	}
	var cands []cand
	bestI := 0
	for a := 0; a <= 40; a++ {
		for b := 0; b <= 40; b++ {
			adj := [numClasses]float32{offsetStep(a), 0, offsetStep(b)}
			var cm [CVFolds]Confusion
			for i, z := range zs {
				cm[fold[i]].Add(set[i].class, argmaxAdj(z, adj))
			}
			var mr [CVFolds]float64
			var mean float64
			for k := range cm {
				mr[k] = cm[k].MacroRecall()
				mean += mr[k] / CVFolds
			}
			var v float64
			for k := range mr {
				v += (mr[k] - mean) * (mr[k] - mean)
			}
			se := math.Sqrt(v/(CVFolds-1)) / math.Sqrt(CVFolds)
			cands = append(cands, cand{adj, mean, se, abs32(adj[0]) + abs32(adj[2])})
			if mean > cands[bestI].mean+1e-12 {
				bestI = len(cands) - 1
			}
		}
	}
	bar := cands[bestI].mean - cands[bestI].se
	pick := cands[bestI]
	for _, c := range cands {
		if c.mean >= bar && (c.size < pick.size-1e-6 || math.Abs(float64(c.size-pick.size)) <= 1e-6 && c.mean > pick.mean) {
			pick = c
		}
	}
	return pick.adj, pick.mean
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

// offsetStep maps 0..40 to 0, 0.05, -0.05, 0.1, -0.1, ...: the smallest
// offsets come first.
func offsetStep(i int) float32 {
	v := float32((i+1)/2) * 0.05
	if i%2 == 0 && v != 0 {
		return -v
	}
	return v
}

// WriteModel writes the trained model in the embedded format.
func (r *ENTrainResult) WriteModel(path string) error {
	return scoring.WriteModelFile(path, r.Model.Encode)
}

// Describe names the members and the offsets.
func (r *ENTrainResult) Describe() string {
	var b strings.Builder
	for i, w := range r.Model.Members {
		if i > 0 {
			b.WriteString(" + ")
		}
		c := w.Config
		fmt.Fprintf(&b, "2^%d", c.Bits)
		switch {
		case c.Bigrams:
			b.WriteString(" words+bigrams")
		case c.CharMax > 0:
			fmt.Fprintf(&b, " char %d-%d-grams", c.CharMin, c.CharMax)
		default:
			b.WriteString(" words")
		}
	}
	if r.Vectors != "" {
		b.WriteString(", " + r.Vectors)
	}
	fmt.Fprintf(&b, ", offsets neg %+.2f pos %+.2f", r.Model.Adj[scoring.ClassNeg], r.Model.Adj[scoring.ClassPos])
	return b.String()
}
