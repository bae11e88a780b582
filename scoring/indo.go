package scoring

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"unsafe"
)

// The Indonesian sentiment model: multinomial logistic regression over
// hashed features (word unigrams and bigrams of slang-normalised words,
// words under negation, character n-grams), trained on IndoNLU SmSA
// (Apache-2.0, see model/INDONLU_LICENSE.txt) by `mentionwatch train
// sentiment-id`, see scoring/training/train_id.go and docs/SCORING.md.
//
//go:embed model/sentiment_id.bin.gz
var idModelData []byte

// idWordList marks Indonesian for language detection: frequent SmSA
// training words that are not English (written by the same command).
//
//go:embed model/id_words.txt
var idWordList string

// Classes, in model order.
const (
	clsNeg = iota
	clsNeu
	clsPos
	numClasses
)

// ClassNeg, ClassNeu and ClassPos are the classes' numbers in labelled
// data (EvalItem.Class, Labeled.Class) and in Confusion.
const (
	ClassNeg = clsNeg
	ClassNeu = clsNeu
	ClassPos = clsPos
)

var classNames = [numClasses]string{"negative", "neutral", "positive"}

// IDConfig selects the Indonesian model's features; it is stored with the weights.
type IDConfig struct {
	Bits    uint8 // hash space: 1<<Bits buckets
	CharMin uint8 // character n-gram sizes, 0 for none
	CharMax uint8
	Bigrams bool
	Negate  bool  // mark the words after a negator
	NegWin  uint8 // how many words a negation reaches (0: 2)
	Stem    bool  // add each word's canonical form (id_morph.go)
}

// NegWindow is how many words a negation reaches.
func (c IDConfig) NegWindow() int {
	if c.NegWin == 0 {
		return 2
	}
	return int(c.NegWin)
}

// idModel is a trained model. Read-only after load.
type idModel struct {
	cfg  IDConfig
	w    []float32 // bucket*numClasses + class (training)
	bias [numClasses]float32
	// A decoded model keeps the stored int16 weights (weight = q*scale):
	// half the memory of float32, so more of it stays in cache.
	q     []int16
	scale float32
	// wrow holds, by word id, the sum of a vocabulary word's unigram row
	// and (with stems) its canonical form's row (linkWords): a known word
	// then costs one read of a dense array whose frequent entries stay in
	// cache, instead of two random rows of the hashed table.
	wrow [][numClasses]int32
}

// linkWords fills m.wrow for every word of the vocabulary. It runs once
// the vocabulary is complete.
func (m *idModel) linkWords() {
	if m.q == nil {
		return
	}
	mask := uint32(1)<<m.cfg.Bits - 1
	m.wrow = make([][numClasses]int32, len(words))
	for id := 1; id < len(words); id++ {
		w := &words[id]
		for _, f := range m.wordFeats(w) {
			b := int(f&mask) * numClasses
			for c := range numClasses {
				m.wrow[id][c] += int32(m.q[b+c])
			}
		}
	}
}

// negationPraises reports whether the model's weight for "not X", the
// negation feature of the word of token t, favours the positive class over
// the negative one: the reviews it learned from say "tidak bosan", "tidak
// kecewa" and "tidak sepi" in praise, and "tidak datang" and "tidak
// dibalas" in complaint. An unseen "not X" does not praise.
func (m *idModel) negationPraises(t *token) bool {
	if m.q == nil || !m.cfg.Negate {
		return false
	}
	b := int(mix(seedNeg, t.h)&(uint32(1)<<m.cfg.Bits-1)) * numClasses
	return m.q[b+clsPos] > m.q[b+clsNeg]
}

// wordFeats are the hashes of the features word w adds on its own.
func (m *idModel) wordFeats(w *wordInfo) []uint32 {
	if m.cfg.Stem {
		return []uint32{w.h, canonOf([]byte(w.text()), w.h)}
	}
	return []uint32{w.h}
}

var sentimentID *idModel

// loadIDModel decodes the embedded model.
func loadIDModel() error {
	m, err := decodeIDModel(idModelData)
	if err != nil {
		return fmt.Errorf("scoring: embedded model/sentiment_id.bin.gz: %w", err) // build defect
	}
	sentimentID = m
	return nil
}

// loadIDWords marks the embedded word list's words as Indonesian.
func loadIDWords() {
	for _, w := range strings.Fields(idWordList) {
		word(w).lang |= langID
	}
}

const idModelMagic = "MWSID2"

// encode writes the model: gzip of magic, config, bias, a scale, then one
// int16 per weight (weight = q*scale).
func (m *idModel) encode(w io.Writer) error {
	var raw bytes.Buffer
	raw.WriteString(idModelMagic)
	c := m.cfg
	raw.Write([]byte{c.Bits, c.CharMin, c.CharMax, b2u(c.Bigrams), b2u(c.Negate), c.NegWin, b2u(c.Stem)})
	scale, q := quantize(m.w)
	binary.Write(&raw, binary.LittleEndian, m.bias)
	binary.Write(&raw, binary.LittleEndian, scale)
	binary.Write(&raw, binary.LittleEndian, q)
	return writeModel(w, raw.Bytes())
}

func decodeIDModel(data []byte) (*idModel, error) {
	r, err := openModel(data, idModelMagic, "sentiment-id")
	hdrLen := 7
	if err != nil {
		// The first format: no negation window or stems.
		if r, err = openModel(data, "MWSID1", "sentiment-id"); err != nil {
			return nil, err
		}
		hdrLen = 5
	}
	var hdr [7]byte
	if _, err := io.ReadFull(r, hdr[:hdrLen]); err != nil {
		return nil, fmt.Errorf("sentiment-id model: no header: %w", err)
	}
	m := &idModel{cfg: IDConfig{Bits: hdr[0], CharMin: hdr[1], CharMax: hdr[2], Bigrams: hdr[3] == 1, Negate: hdr[4] == 1,
		NegWin: hdr[5], Stem: hdr[6] == 1}}
	if m.cfg.Bits < 8 || m.cfg.Bits > 24 {
		return nil, fmt.Errorf("bad hash size 2^%d", m.cfg.Bits)
	}
	var scale float32
	if err := binary.Read(r, binary.LittleEndian, &m.bias); err != nil {
		return nil, fmt.Errorf("reading bias: %w", err)
	}
	if err := binary.Read(r, binary.LittleEndian, &scale); err != nil {
		return nil, fmt.Errorf("reading scale: %w", err)
	}
	q := make([]int16, (1<<m.cfg.Bits)*numClasses)
	if err := binary.Read(r, binary.LittleEndian, q); err != nil {
		return nil, fmt.Errorf("reading weights: %w", err)
	}
	m.q, m.scale = q, scale
	return m, nil
}

// Feature kinds seed the hash so that a word and a bigram never share a
// bucket on purpose.
const (
	seedWord   = 0x9e3779b9
	seedBigram = 0x85ebca6b
	seedNeg    = 0xc2b2ae35
	seedChar   = 0x27d4eb2f
)

func fnv(seed uint32, b []byte) uint32 {
	h := seed ^ 2166136261
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

func mix(a, b uint32) uint32 {
	h := a*0x9e3779b1 ^ b
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	return h
}

// features appends the hashed feature buckets of s.toks to dst
// (hashFeatures, Indonesian).
func (s *scratch) features(c IDConfig, dst []uint32) []uint32 {
	return s.hashFeatures(hashing{bits: c.Bits, bigrams: c.Bigrams, negate: c.Negate, stem: c.Stem,
		charMin: c.CharMin, charMax: c.CharMax, negWin: c.NegWindow()}, dst)
}

// charGrams appends the hashed "<word>" character n-grams of w, of sizes
// cmin to cmax (at most 16), to dst.
func charGrams(dst []uint32, w []byte, cmin, cmax int, mask uint32) []uint32 {
	var gram [16]byte
	for n := cmin; n <= min(cmax, len(gram)); n++ {
		for i := -1; i+n <= len(w)+1; i++ {
			k := 0
			for j := i; j < i+n; j++ {
				switch {
				case j < 0:
					gram[k] = '<'
				case j >= len(w):
					gram[k] = '>'
				default:
					gram[k] = w[j]
				}
				k++
			}
			dst = append(dst, fnv(seedChar+uint32(n), gram[:k])&mask)
		}
	}
	return dst
}

// predictText returns class probabilities for s.toks: the same as
// predict(features(cfg)), summed as the tokens are walked, without the
// feature list. Scoring uses it; training, which keeps the lists, uses
// features and predict. The sums are of int16 weights in int32, so the
// order of the terms does not change the result.
func (m *idModel) predictText(s *scratch) [numClasses]float32 {
	c := m.cfg
	if m.q == nil || c.CharMax > 0 {
		s.feats = s.features(c, s.feats[:0])
		return m.predict(s.feats)
	}
	mask := uint32(1)<<c.Bits - 1
	// The weights as rows of one bucket's three classes: one bounds check
	// per feature instead of three.
	rows := unsafe.Slice((*[numClasses]int16)(unsafe.Pointer(unsafe.SliceData(m.q))), len(m.q)/numClasses)
	var z0, z1, z2 int32
	add := func(f uint32) {
		r := &rows[f&mask]
		z0 += int32(r[0])
		z1 += int32(r[1])
		z2 += int32(r[2])
	}
	n := 0
	var prev uint32 = seedBigram
	negLeft := 0
	for i := range s.toks {
		t := &s.toks[i]
		u := t.h
		if t.w != nil && t.w.h == u && m.wrow != nil {
			r := &m.wrow[t.w.id]
			z0 += r[0]
			z1 += r[1]
			z2 += r[2]
		} else {
			add(u)
			if c.Stem {
				add(s.idCanon(t))
			}
		}
		n++
		if c.Stem {
			n++
		}
		if c.Bigrams {
			add(mix(prev, u))
			prev = u
			n++
		}
		if c.Negate {
			if negLeft > 0 {
				add(mix(seedNeg, u))
				negLeft--
				n++
			}
			if t.w != nil && t.w.idNeg() {
				negLeft = c.NegWindow()
			}
		}
	}
	if c.Bigrams {
		add(mix(prev, seedBigram))
		n++
	}
	x := featScale(n) * m.scale
	var z [numClasses]float32
	for k, v := range [numClasses]int32{z0, z1, z2} {
		z[k] = float32(v)*x + m.bias[k]
	}
	softmax(z[:])
	return z
}

// predict returns class probabilities for the feature buckets.
func (m *idModel) predict(feats []uint32) [numClasses]float32 {
	var z [numClasses]float32
	if m.q != nil {
		var zq [numClasses]int32
		for _, f := range feats {
			q := m.q[int(f)*numClasses : int(f)*numClasses+numClasses]
			zq[0] += int32(q[0])
			zq[1] += int32(q[1])
			zq[2] += int32(q[2])
		}
		x := featScale(len(feats)) * m.scale
		for c := range z {
			z[c] = float32(zq[c])*x + m.bias[c]
		}
		softmax(z[:])
		return z
	}
	for _, f := range feats {
		w := m.w[int(f)*numClasses : int(f)*numClasses+numClasses]
		z[0] += w[0]
		z[1] += w[1]
		z[2] += w[2]
	}
	x := featScale(len(feats))
	for c := range z {
		z[c] = z[c]*x + m.bias[c]
	}
	softmax(z[:])
	return z
}

// featScale is each feature's value: 1/sqrt(count), so long texts don't
// dominate by length.
func featScale(n int) float32 {
	if n == 0 {
		return 0
	}
	return float32(1 / math.Sqrt(float64(n)))
}

// Argmax is the class with the highest probability, the first on ties
// (scoring, and the trainers' selection).
func Argmax(p [NumClasses]float32) int {
	b := 0
	for c := 1; c < numClasses; c++ {
		if p[c] > p[b] {
			b = c
		}
	}
	return b
}
