package scoring

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// The stage model: multinomial logistic regression over the rules'
// evidence for each moment of truth (cue words and phrases, structural
// signals, a star rating) and the text's words, hashed. The rules carry
// what the cue lists know; the word weights learn how mentions the lists
// miss are written. It is trained on the project's hand-labelled mentions
// (moments/dev.tsv, testdata/stage_tune.tsv, testdata/stage_train.tsv) by
// `mentionwatch train stage`, see scoring/training/train_stage.go and
// docs/SCORING.md.
// On mentions the rules were never written from, the rules alone decide
// 0.82 of them right and the rules with the model 0.87 (5-fold
// cross-validation, TestStageCV); on three blind held-out sets, 0.81 and
// 0.87 (TestStageHeldout, docs/BENCHMARKS.md).
//
//go:embed model/stage.bin.gz
var stageModelData []byte

// StageModel is a trained stage model (NewStageModel, built by
// scoring/training.TrainStage). Read-only after load.
type StageModel struct {
	// q holds numStages int16 weights per word bucket (weight = q*scale).
	q     []int16
	scale float32
	// packed holds q for scoring: three weights in each of a bucket's two
	// words, biased by stageBias to 16 unsigned bits in a 21-bit lane, so
	// that a text's weights add up with two adds per word (see logits).
	packed *[stageBuckets][2]uint64
	ev     [numStages][numStages]float32 // weight of stage k's evidence for class c
	bias   [numStages]float32
}

// The word buckets: 2^11 (32 KiB of packed weights). Cross-validation
// scored 2^11 to 2^15 buckets the same (0.858-0.867) on the first 360 rows
// of testdata/stage_train.tsv; the smallest keeps the weights in cache.
const (
	stageBits    = 11
	stageBuckets = 1 << stageBits
)

// stageMdl is the embedded model, decoded at init.
var stageMdl = func() *StageModel {
	m, err := decodeStageModel(stageModelData)
	if err != nil {
		panic(fmt.Errorf("scoring: embedded model/stage.bin.gz: %w", err)) // build defect
	}
	return m
}()

// stageEvScale scales the rules' evidence as model input.
const stageEvScale = 1.0 / 3

// stageBucket is the word bucket of a token's hash: the model's word
// features, the same in training and in scoring.
func stageBucket(h uint32) int { return int(h & (stageBuckets - 1)) }

// logits returns the model's class scores for the tokens of s and the
// rules' evidence ev.
func (m *StageModel) logits(s *scratch, ev *[numStages]float32) (z [numStages]float32) {
	// The weights of up to stageLaneWords words add up in the 21-bit
	// lanes of lo and hi without carrying into the next lane; then the
	// lanes are moved to acc.
	var (
		acc    [numStages]int64
		lo, hi uint64
	)
	toks := s.toks
	n := len(toks)
	for len(toks) > 0 {
		chunk := toks[:min(len(toks), stageLaneWords)]
		toks = toks[len(chunk):]
		for i := range chunk {
			p := &m.packed[stageBucket(chunk[i].h)]
			lo += p[0]
			hi += p[1]
		}
		unpackLanes(&acc, lo, hi)
		lo, hi = 0, 0
	}
	x := m.scale * stageWordScale(n)
	z = m.bias
	for c := range z {
		z[c] += float32(acc[c]-int64(n)*stageBias) * x
	}
	m.addEvidence(&z, ev)
	return z
}

const (
	stageBias      = 1 << 15 // added to each int16 weight in packed
	stageLane      = 21      // bits per packed weight
	stageLaneMask  = 1<<stageLane - 1
	stageLaneWords = (1<<stageLane - 1) / (1<<16 - 1) // 32 biased weights fit a lane
)

// unpackLanes adds the three lanes of lo and of hi to acc.
func unpackLanes(acc *[numStages]int64, lo, hi uint64) {
	acc[0] += int64(lo & stageLaneMask)
	acc[1] += int64(lo >> stageLane & stageLaneMask)
	acc[2] += int64(lo >> (2 * stageLane))
	acc[3] += int64(hi & stageLaneMask)
	acc[4] += int64(hi >> stageLane & stageLaneMask)
	acc[5] += int64(hi >> (2 * stageLane))
}

// pack fills packed from q.
func (m *StageModel) pack() {
	m.packed = new([stageBuckets][2]uint64)
	for b := range stageBuckets {
		for c, v := range m.q[b*numStages : b*numStages+numStages] {
			m.packed[b][c/3] |= uint64(int64(v)+stageBias) << (stageLane * (c % 3))
		}
	}
}

// stageWordScale is the value of each word feature in a text of n: the
// words of a long mention together weigh about as much as a short one's.
func stageWordScale(n int) float32 { return float32(1 / math.Sqrt(float64(n+1))) }

// addEvidence adds the rules' evidence terms to z.
func (m *StageModel) addEvidence(z *[numStages]float32, ev *[numStages]float32) {
	for k := range ev {
		e := ev[k] * stageEvScale
		if e == 0 {
			continue
		}
		for c := range z {
			z[c] += e * m.ev[k][c]
		}
	}
}

// decide returns the stage of the text in s, given the rules' evidence,
// and its confidence (see decideStage).
func (m *StageModel) decide(s *scratch, ev [numStages]float32) (int, float32) {
	// The largest and second largest evidence, compared as bits: the
	// evidence is never negative, and float min and max cost more.
	var top, second uint32
	for _, e := range ev {
		b := math.Float32bits(e)
		second = max(second, min(top, b))
		top = max(top, b)
	}
	t := math.Float32frombits(top)
	switch {
	case t < minStageEvidence:
		// Not a customer moment: more sure when nothing at all fired.
		return stU, 0.6 - 0.3*t/minStageEvidence
	case t-math.Float32frombits(second) >= stageClearMargin:
		return rulesStage(ev)
	}
	return decideLogits(m.logits(s, &ev))
}

// stageClearMargin is the lead of the rules' winner over the runner-up
// from which the rules decide alone. Chosen by 5-fold cross-validation
// on testdata/stage_train.tsv (TestStageCV): the model settling every
// mention with evidence scored 0.864 on its first 360 rows and 0.871 on
// all 720, settling only those within 1.5 of a tie 0.858 and 0.869, for
// a third of the cost per text (docs/BENCHMARKS.md).
const stageClearMargin = 1.5

// decideLogits returns the class with the highest score (ties by the stages'
// intent priority) and its softmax probability.
func decideLogits(z [numStages]float32) (int, float32) {
	best := stagePriority[0]
	for _, st := range stagePriority[1:] {
		if z[st] > z[best] {
			best = st
		}
	}
	sum := 1.0 // e^0, the winner's own term
	for c, v := range z {
		if c != best {
			sum += math.Exp(float64(v - z[best]))
		}
	}
	return best, float32(1 / sum)
}

const stageModelMagic = "MWSTG1"

// Encode writes the model: gzip of magic, hash bits, bias, evidence
// weights, a scale, then numStages int16 per word bucket.
func (m *StageModel) Encode(w io.Writer) error {
	var raw bytes.Buffer
	raw.WriteString(stageModelMagic)
	raw.WriteByte(stageBits)
	binary.Write(&raw, binary.LittleEndian, m.bias)
	binary.Write(&raw, binary.LittleEndian, m.ev)
	binary.Write(&raw, binary.LittleEndian, m.scale)
	binary.Write(&raw, binary.LittleEndian, m.q)
	return writeModel(w, raw.Bytes())
}

func decodeStageModel(data []byte) (*StageModel, error) {
	r, err := openModel(data, stageModelMagic, "stage")
	if err != nil {
		return nil, err
	}
	bits, err := r.ReadByte()
	if err != nil {
		return nil, fmt.Errorf("stage model: no header: %w", err)
	}
	if bits != stageBits {
		return nil, fmt.Errorf("stage model: %d hash bits, want %d (retrain with `mentionwatch train stage`)", bits, stageBits)
	}
	m := newStageModel()
	for _, f := range []any{&m.bias, &m.ev, &m.scale, m.q} {
		if err := binary.Read(r, binary.LittleEndian, f); err != nil {
			return nil, fmt.Errorf("stage model: %w (truncated? retrain with `mentionwatch train stage`)", err)
		}
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("stage model: %d bytes after the weights", r.Len())
	}
	m.pack()
	return m, nil
}

func newStageModel() *StageModel {
	return &StageModel{q: make([]int16, stageBuckets*numStages), scale: 1}
}
