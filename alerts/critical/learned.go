package critical

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The learned harm model: a second opinion beside the phrase lists, for
// the harms they do not name. Other writers report a harm in words the
// lists were never given ("ended up on a drip", "my savings balance is
// zero"), and the lists found 0.69-0.93 of the harms in the project's
// kept-aside brand-mention sets against 0.96 of their own held-out set's.
//
// It is logistic regression over hashed features of the lower-cased text:
// words and word pairs, and the 3-5 letter pieces of each word (with a
// space either side, so "keracunan", "diracunin" and "racun" share
// pieces). Each block of features is scaled to unit length, so a long text
// does not score higher for being long (and a short one is scaled as if it
// had MinScaleWords words). Trained by `mentionwatch train
// harm` on the design sets only (the labelled harm sets whose errors were
// read, twelve harm and near-miss sets by writers who read no project
// file, and the design sentiment sets as ordinary texts); its threshold is
// the lowest at which it adds, out of fold, at most one false critical per
// 2,000 ordinary texts (docs/ALERTS.md). A text the phrase lists clear is
// flagged when the model's probability reaches that threshold.

// LearnedBits is the size of the hashed feature space: 2^LearnedBits
// weights.
const LearnedBits = 18

const learnedMask = 1<<LearnedBits - 1

// maxGramRunes bounds the letters of one word that give letter pieces, so
// the work per word is bounded (its word features use every letter).
const maxGramRunes = 32

// Feature blocks.
const (
	BlockWords = 0 // words and word pairs
	BlockGrams = 1 // 3-5 letter pieces of words
)

// FNV-1a (lexicon.go), then a seed per kind of feature.
const (
	seedWord = 0x9e3779b9
	seedPair = 0x85ebca6b
	seedGram = 0xc2b2ae35
)

func fnvRune(h uint32, r rune) uint32 {
	h ^= uint32(r)
	h *= fnvPrime
	return h
}

func mixHash(seed, h uint32) uint32 {
	h ^= seed
	h *= fnvPrime
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	return h
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// HarmFeatures calls emit with the block and hashed index (below
// 2^LearnedBits) of every feature of text, in order, and returns how many
// it emitted per block. A feature that occurs twice is emitted twice. It
// walks the text once and allocates nothing.
func HarmFeatures(text string, emit func(block int, h uint32)) (n [2]int) {
	var (
		word           [maxGramRunes + 2]rune
		wl             int    // runes in word (capped)
		wh             uint32 // hash of the whole word
		prev           uint32
		hasPrev, inTok bool
	)
	flush := func() {
		emit(BlockWords, mixHash(seedWord, wh)&learnedMask)
		n[BlockWords]++
		if hasPrev {
			emit(BlockWords, mixHash(seedPair, prev*31+wh)&learnedMask)
			n[BlockWords]++
		}
		prev, hasPrev = wh, true
		// Letter pieces of " word ".
		word[0] = ' '
		word[wl+1] = ' '
		l := wl + 2
		for i := 0; i < l; i++ {
			h := uint32(fnvOffset)
			for k := i; k < l && k < i+5; k++ {
				h = fnvRune(h, word[k])
				if k-i >= 2 {
					emit(BlockGrams, mixHash(seedGram, h)&learnedMask)
					n[BlockGrams]++
				}
			}
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if isWordRune(r) {
			r = unicode.ToLower(r)
			if !inTok {
				inTok, wl, wh = true, 0, fnvOffset
			}
			wh = fnvRune(wh, r)
			if wl < maxGramRunes {
				word[wl+1] = r
				wl++
			}
			continue
		}
		if inTok {
			flush()
			inTok = false
		}
	}
	if inTok {
		flush()
	}
	return n
}

// MinScaleWords: a block's features are scaled by 1/sqrt(their count), but
// a text shorter than MinScaleWords words is scaled as if it had that many
// (15 words and pairs, 96 letter pieces). A few words give the model too
// little to go on: unscaled, "acme opened a store" read as a harm.
const MinScaleWords = 8

// HarmScale is the value of each feature of a block that emitted n
// features.
func HarmScale(block, n int) float64 {
	floor := 2*MinScaleWords - 1 // words and pairs
	if block == BlockGrams {
		floor = 12 * MinScaleWords // about 12 pieces of a five-letter word
	}
	return 1 / math.Sqrt(float64(max(n, floor)))
}

// LearnedModel is the learned harm model's weights and threshold.
type LearnedModel struct {
	Bias      float32
	Threshold float32   // probability at which a text the lists clear is flagged
	W         []float32 // 2^LearnedBits weights
}

// Prob is the model's probability that text reports a harm.
func (m *LearnedModel) Prob(text string) float64 {
	var sum [2]float64
	n := HarmFeatures(text, func(block int, h uint32) { sum[block] += float64(m.W[h]) })
	z := float64(m.Bias)
	for b := range sum {
		z += sum[b] * HarmScale(b, n[b])
	}
	return 1 / (1 + math.Exp(-z))
}

const learnedMagic = "MWHARM1\n"

// Encode writes the model, gzipped: a header, then the weights quantised
// to 8 bits (the scale is the largest absolute weight / 127).
func (m *LearnedModel) Encode(w io.Writer) error {
	if len(m.W) != 1<<LearnedBits {
		return fmt.Errorf("learned harm model: %d weights, want %d", len(m.W), 1<<LearnedBits)
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	var maxAbs float64
	for _, v := range m.W {
		maxAbs = math.Max(maxAbs, math.Abs(float64(v)))
	}
	scale := float32(maxAbs / 127)
	if scale == 0 {
		scale = 1
	}
	if _, err := zw.Write([]byte(learnedMagic)); err != nil {
		return err
	}
	for _, v := range []any{uint32(LearnedBits), m.Bias, m.Threshold, scale} {
		if err := binary.Write(zw, binary.LittleEndian, v); err != nil {
			return err
		}
	}
	q := make([]byte, len(m.W))
	for i, v := range m.W {
		q[i] = byte(int8(math.Round(float64(v / scale))))
	}
	if _, err := zw.Write(q); err != nil {
		return err
	}
	return zw.Close()
}

// DecodeLearned reads a model written by Encode.
func DecodeLearned(r io.Reader) (*LearnedModel, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("learned harm model: %w", err)
	}
	magic := make([]byte, len(learnedMagic))
	if _, err := io.ReadFull(zr, magic); err != nil || string(magic) != learnedMagic {
		return nil, errors.New("learned harm model: not a model file (bad header); rebuild it with mentionwatch train harm")
	}
	var (
		bits                   uint32
		bias, threshold, scale float32
	)
	for _, v := range []any{&bits, &bias, &threshold, &scale} {
		if err := binary.Read(zr, binary.LittleEndian, v); err != nil {
			return nil, fmt.Errorf("learned harm model: header: %w", err)
		}
	}
	if bits != LearnedBits {
		return nil, fmt.Errorf("learned harm model: %d feature bits, this build reads %d; retrain with mentionwatch train harm", bits, LearnedBits)
	}
	q := make([]byte, 1<<LearnedBits)
	if _, err := io.ReadFull(zr, q); err != nil {
		return nil, fmt.Errorf("learned harm model: weights: %w", err)
	}
	m := &LearnedModel{Bias: bias, Threshold: threshold, W: make([]float32, len(q))}
	for i, b := range q {
		m.W[i] = float32(int8(b)) * scale
	}
	return m, nil
}

//go:embed learned_model.bin.gz
var learnedBin []byte

// Learned returns the embedded learned harm model (decoded once).
var Learned = sync.OnceValue(func() *LearnedModel {
	m, err := DecodeLearned(bytes.NewReader(learnedBin))
	if err != nil {
		panic("critical: the embedded learned harm model is unreadable (rebuild it with mentionwatch train harm): " + err.Error())
	}
	return m
})

// CatLearned is the category of a harm that only the learned model saw.
const CatLearned = "harm"

// Check is what an alert asks: Find, and for a text the phrase lists clear
// the learned model (Harm.Category CatLearned, Harm.Term empty). Texts the
// lists clear because of a negation or fiction word are asked too.
func (m *Matcher) Check(text string) (Harm, bool) {
	if h, ok := m.Find(text); ok {
		return h, true
	}
	if l := Learned(); l.Prob(text) >= float64(l.Threshold) {
		return Harm{Category: CatLearned, Label: labels[CatLearned]}, true
	}
	return Harm{}, false
}
