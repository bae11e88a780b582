package scoring

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
)

// The review register's model: a member of the English model's kind
// (hashed words and negation scopes plus the rules' reading), trained on
// the project's own review sentences (scoring/training/reviews, written
// for this and labelled by their writers) by `mentionwatch train
// sentiment-review`, starting from the tweet model's weights. In the
// review register its p(pos) − p(neg) takes Blend of the score and the
// register's blend of tweet model and rules the rest (docs/SCORING.md).
// Only mentions scored as reviews read it. An empty file leaves the
// register as it was.
//
//go:embed model/sentiment_review.bin.gz
var reviewModelData []byte

// reviewModel is the decoded review model. Read-only after load.
type reviewModel struct {
	m     *enModel
	blend float32 // the model's share of a review's score
}

var sentimentReview *reviewModel

const reviewModelMagic = "MWSRV1"

// loadReviewModel decodes the embedded review model, if any.
func loadReviewModel() error {
	if len(reviewModelData) == 0 {
		return nil
	}
	r, err := decodeReviewModel(reviewModelData)
	if err != nil {
		return fmt.Errorf("scoring: embedded model/sentiment_review.bin.gz: %w", err) // build defect
	}
	sentimentReview = r
	return nil
}

// encode writes gzip of the magic, the blend, then the member as the
// English model writes its members.
func (r *reviewModel) encode(w io.Writer) error {
	var raw bytes.Buffer
	raw.WriteString(reviewModelMagic)
	binary.Write(&raw, binary.LittleEndian, r.blend)
	r.m.encodeMember(&raw)
	return writeModel(w, raw.Bytes())
}

func decodeReviewModel(data []byte) (*reviewModel, error) {
	rd, err := openModel(data, reviewModelMagic, "sentiment-review")
	if err != nil {
		return nil, err
	}
	var blend float32
	if err := binary.Read(rd, binary.LittleEndian, &blend); err != nil {
		return nil, fmt.Errorf("reading sentiment-review model: %w", err)
	}
	if !(blend >= 0 && blend <= 1) {
		return nil, fmt.Errorf("sentiment-review model: blend %v outside [0, 1]", blend)
	}
	m, err := decodeENMember(rd)
	if err != nil {
		return nil, err
	}
	return &reviewModel{m: m, blend: blend}, nil
}

// score is the review score of s: the model's p(pos) − p(neg) weighted
// by blend, plus v (the register's score without the model) weighted by
// the rest.
func (r *reviewModel) score(s *scratch, rule, v float64) float64 {
	d := s.enDense(rule)
	z := r.m.memberScores(s, rule, &d)
	softmax(z[:])
	b := float64(r.blend)
	return b*float64(z[clsPos]-z[clsNeg]) + (1-b)*v
}

// ReviewModel is the review register's model as training holds it.
type ReviewModel struct {
	Weights *ENWeights
	Blend   float64 // the model's share of a review's score, in [0, 1]
}

func (r *ReviewModel) model() *reviewModel {
	return &reviewModel{m: r.Weights.model(), blend: float32(r.Blend)}
}

// Encode writes the model in the embedded format (weights as int16).
func (r *ReviewModel) Encode(out io.Writer) error { return r.model().encode(out) }

// NewReviewScorer returns a scorer (no brands) whose review register
// uses r, or no review model when r is nil: what training compares.
func NewReviewScorer(r *ReviewModel) *Scorer {
	sc := NewScorer(nil)
	sc.review = nil
	if r != nil {
		sc.review = r.model()
	}
	return sc
}

// ShippedENWeights returns the embedded English model's weights as
// training holds them (int16 weights times their scale), or an error
// when none is embedded or it is an ensemble.
func ShippedENWeights() (*ENWeights, error) {
	loadModels()
	m := sentimentEN
	if m == nil {
		return nil, fmt.Errorf("no English model is embedded: run mentionwatch train sentiment-en first")
	}
	if len(m.more) > 0 {
		return nil, fmt.Errorf("the embedded English model is an ensemble of %d members; the review model starts from one", 1+len(m.more))
	}
	w := &ENWeights{Config: m.cfg, W: make([]float32, len(m.q)), Dense: m.dense, Bias: m.bias}
	for i, q := range m.q {
		w.W[i] = float32(q) * m.scale
	}
	return w, nil
}
