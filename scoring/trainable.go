package scoring

import (
	"fmt"
	"io"

	mw "github.com/mentionwatch/mentionwatch"
)

// What the model trainers (package scoring/training) need from scoring:
// a text's features, computed by the functions the scorers use, and the
// models built from trained weights, in the embedded format. Nothing here
// runs per mention; the trainers own every slice they pass in.

// Model dimensions.
const (
	NumClasses   = numClasses   // sentiment classes: ClassNeg, ClassNeu, ClassPos
	NumDense     = numDense     // the English model's rule features (ENFeatures)
	NumStages    = numStages    // stage classes, in StageClass order
	StageBuckets = stageBuckets // the stage model's word buckets
)

// IDFeatures appends the hashed feature buckets of text under c to dst,
// as the Indonesian model reads them.
func IDFeatures(text string, c IDConfig, dst []uint32) []uint32 {
	s := getScratch()
	defer putScratch(s)
	s.tokenize(text)
	return s.features(c, dst)
}

// ENFeatures appends the hashed feature buckets of text under c to dst
// and returns them with the rules' reading of text, as the English model
// reads them.
func ENFeatures(text string, c ENConfig, dst []uint32) ([]uint32, [NumDense]float32) {
	s := getScratch()
	defer putScratch(s)
	s.tokenize(text)
	rule := s.ruleCompoundEN()
	return s.enFeatures(c, rule, dst), s.enDense(rule)
}

// StageFeatures appends the word buckets of text to dst and returns them
// with the rules' evidence for each stage, as the stage model reads them
// (no star rating).
func StageFeatures(text string, dst []uint32) ([]uint32, [NumStages]float32) {
	s := getScratch()
	defer putScratch(s)
	s.tokenize(text)
	ev := s.stageEvidence(0)
	for i := range s.toks {
		dst = append(dst, uint32(stageBucket(s.toks[i].h)))
	}
	return dst, ev
}

// TokenWords calls f with each token of text as the scorers normalise it
// (lower case, slang folded); f must not keep the slice.
func TokenWords(text string, f func(w []byte)) {
	s := getScratch()
	defer putScratch(s)
	s.tokenize(text)
	for _, t := range s.toks {
		f(s.buf[t.a:t.b])
	}
}

// ForeignToIndonesian reports whether w is an English or other
// non-Indonesian lexicon word, or carries VADER valence: a word that must
// not mark Indonesian in language detection.
func ForeignToIndonesian(w string) bool {
	wi := vocab[w]
	return wi != nil && (wi.lang&(langEN|langOther) != 0 || wi.vader())
}

// FeatScale is the value of each hashed feature of a sentiment model in a
// text of n features.
func FeatScale(n int) float32 { return featScale(n) }

// StageWordScale is the value of each word feature of the stage model in
// a text of n words.
func StageWordScale(n int) float32 { return stageWordScale(n) }

// StageEvScale scales the rules' evidence as stage model input.
const StageEvScale = stageEvScale

// Softmax turns the scores z into probabilities, in place.
func Softmax[F float32 | float64](z []F) { softmax(z) }

// StageClass is the class number of stage st in the stage model.
func StageClass(st mw.Stage) (int, bool) {
	for i, s := range stageOf {
		if s == st {
			return i, true
		}
	}
	return 0, false
}

// IDWeights is an Indonesian sentiment model as training holds it:
// W[bucket*NumClasses+class].
type IDWeights struct {
	Config IDConfig
	W      []float32
	Bias   [NumClasses]float32
}

func (w *IDWeights) model() *idModel { return &idModel{cfg: w.Config, w: w.W, bias: w.Bias} }

// Predict returns the class probabilities of the feature buckets.
func (w *IDWeights) Predict(feats []uint32) [NumClasses]float32 { return w.model().predict(feats) }

// Encode writes the model in the embedded format (weights as int16).
func (w *IDWeights) Encode(out io.Writer) error { return w.model().encode(out) }

// ENWeights is one member of the English sentiment model as training
// holds it.
type ENWeights struct {
	Config ENConfig
	W      []float32 // bucket*NumClasses + class
	Dense  [NumDense][NumClasses]float32
	Bias   [NumClasses]float32
}

func (w *ENWeights) model() *enModel {
	return &enModel{cfg: w.Config, w: w.W, dense: w.Dense, bias: w.Bias}
}

// Scores returns the member's class scores (before softmax) of the feature
// buckets and rule features.
func (w *ENWeights) Scores(feats []uint32, d *[NumDense]float32) [NumClasses]float32 {
	return w.model().scores(feats, d)
}

// ENModel is the English sentiment model as training holds it: members
// whose scores are averaged, and class offsets.
type ENModel struct {
	Members []*ENWeights
	Adj     [NumClasses]float32 // added to the averaged scores before the arg-max
}

// AverageScores averages the members' scores z as the scorer does.
func AverageScores(z [][NumClasses]float32) [NumClasses]float32 {
	out := z[0]
	if len(z) > 1 {
		for _, zm := range z[1:] {
			for k := range out {
				out[k] += zm[k]
			}
		}
		inv := 1 / float32(len(z))
		for k := range out {
			out[k] *= inv
		}
	}
	return out
}

// Encode writes the model in the embedded format (weights as int16).
func (e *ENModel) Encode(out io.Writer) error {
	if len(e.Members) == 0 || len(e.Members) > 8 {
		return fmt.Errorf("sentiment-en model: %d members, want 1 to 8", len(e.Members))
	}
	m := e.Members[0].model()
	m.adj = e.Adj
	for _, w := range e.Members[1:] {
		m.more = append(m.more, w.model())
	}
	return m.encode(out)
}

// StageWeights is a trained stage model: Q[bucket*NumStages+class] int16
// word weights (weight = Q*Scale), Evidence[k][c] the weight of stage k's
// evidence for class c.
type StageWeights struct {
	Q        []int16
	Scale    float32
	Evidence [NumStages][NumStages]float32
	Bias     [NumStages]float32
}

// NewStageModel builds a stage model from trained weights.
func NewStageModel(w StageWeights) (*StageModel, error) {
	if len(w.Q) != stageBuckets*numStages {
		return nil, fmt.Errorf("stage model: %d word weights, want %d", len(w.Q), stageBuckets*numStages)
	}
	m := &StageModel{q: w.Q, scale: w.Scale, ev: w.Evidence, bias: w.Bias}
	m.pack()
	return m, nil
}

// Stages returns the stage m decides for text as the scorer does (no
// star rating), and the stage the rules alone decide.
func (m *StageModel) Stages(text string) (model, rules mw.Stage) {
	s := getScratch()
	defer putScratch(s)
	s.tokenize(text)
	ev := s.stageEvidence(0)
	r, _ := rulesStage(ev)
	c, _ := m.decide(s, ev)
	return stageOf[c], stageOf[r]
}

// ENWordBuckets returns the buckets, under c's hash space, that the
// English model gives word when it is a token of a text: its word
// feature, and its feature inside a negation's scope. ok is false when
// word is not one token of letters the model hashes as a word (empty,
// several tokens, punctuation only, an @handle or a link). The trainer
// places pretrained word vectors on these buckets (train_en_embed.go).
func ENWordBuckets(word string, c ENConfig) (plain, neg uint32, ok bool) {
	s := getScratch()
	defer putScratch(s)
	s.tokenize(word)
	if len(s.toks) != 1 || s.toks[0].noLang {
		return 0, 0, false
	}
	mask := uint32(1)<<c.Bits - 1
	t := &s.toks[0]
	u := t.h
	if t.w == nil {
		var gram [16]byte
		if n := squeeze(s.buf[t.a:t.b], gram[:]); n > 0 {
			u = hashBytes(gram[:n])
		}
	}
	return u & mask, mix(seedNeg, u) & mask, true
}
