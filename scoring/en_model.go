package scoring

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"unsafe"
)

// The English sentiment model: an ensemble of multinomial logistic
// regressions, each over its own hashed features of the text (word
// unigrams; unigrams and bigrams; character 4-grams of each word), all
// with the words in a negation's scope and the VADER-method rules' own
// reading of the text (compound, positive and negative valence sums,
// negation, '!' and '?', links, ALL CAPS); their class scores are
// averaged. Trained on SemEval 2013-2016 Task 4A tweets by `mentionwatch
// train sentiment-en` (scoring/training/train_en.go, docs/SCORING.md),
// with the projections of pretrained word vectors (GloVe 6B) added to
// the word weights (train_en_embed.go): scoring reads no vectors. The
// texts and the vectors are not shipped, only the weights.
//
//go:embed model/sentiment_en.bin.gz
var enModelData []byte

// ENConfig selects the English model's features; it is stored with the
// weights.
type ENConfig struct {
	Bits    uint8 // hash space: 1<<Bits buckets
	Bigrams bool
	Negate  bool  // mark the words in a negation's scope (to the clause end, at most 3)
	CharMin uint8 // character n-gram sizes of each word, 0 for none
	CharMax uint8
	RuleBin bool // the rules' compound, in eight bins, as a feature
}

// Dense features: the rules' reading of the text.
const (
	dCompound = iota // the rules' compound, before the neutral band
	dPos             // sum of positive valences / 4
	dNeg             // sum of negative valences / 4
	dNegation        // an English negation
	dExcl            // '!' count, up to 3, / 3
	dQuest           // '?' count, up to 3, / 3
	dLink            // shares a link
	dCaps            // ALL-CAPS words
	numDense
)

// enModel is a trained English model. Read-only after load.
type enModel struct {
	cfg   ENConfig
	w     []float32 // training: bucket*numClasses + class
	q     []int16   // decoded: weight = q*scale
	scale float32
	dense [numDense][numClasses]float32
	bias  [numClasses]float32
	// adj is added to the scores before the arg-max: class offsets chosen
	// for macro-recall on the held-out tweets (the first member's only).
	adj [numClasses]float32
	// more are the other members of the ensemble (the first member's
	// only): their scores are averaged with this model's, in order.
	more []*enModel
	// wrow holds each vocabulary word's row of q by word id (linkWords):
	// the words of a text then read their weights from a dense array
	// whose frequent entries stay in cache, instead of from random rows of
	// the hashed table.
	wrow [][numClasses]int16
}

var sentimentEN *enModel

const enModelMagic = "MWSEN2"

// loadENModel decodes the embedded model. An empty file (a build before
// the first training) leaves the rules alone in charge.
func loadENModel() error {
	if len(enModelData) == 0 {
		return nil
	}
	m, err := decodeENModel(enModelData)
	if err != nil {
		return fmt.Errorf("scoring: embedded model/sentiment_en.bin.gz: %w", err) // build defect
	}
	sentimentEN = m
	return nil
}

// encode writes the model: gzip of magic, the offsets, the number of
// members, then each member: its config, bias, dense weights, a scale,
// then one int16 per hashed weight.
func (m *enModel) encode(w io.Writer) error {
	var raw bytes.Buffer
	raw.WriteString(enModelMagic)
	binary.Write(&raw, binary.LittleEndian, m.adj)
	raw.WriteByte(byte(1 + len(m.more)))
	for _, mm := range append([]*enModel{m}, m.more...) {
		raw.Write([]byte{mm.cfg.Bits, b2u(mm.cfg.Bigrams), b2u(mm.cfg.Negate), mm.cfg.CharMin, mm.cfg.CharMax, b2u(mm.cfg.RuleBin), numDense})
		binary.Write(&raw, binary.LittleEndian, mm.bias)
		binary.Write(&raw, binary.LittleEndian, mm.dense)
		scale, q := quantize(mm.w)
		binary.Write(&raw, binary.LittleEndian, scale)
		binary.Write(&raw, binary.LittleEndian, q)
	}
	return writeModel(w, raw.Bytes())
}

func decodeENModel(data []byte) (*enModel, error) {
	r, err := openModel(data, enModelMagic, "sentiment-en")
	if err != nil {
		return nil, err
	}
	var adj [numClasses]float32
	if err := binary.Read(r, binary.LittleEndian, &adj); err != nil {
		return nil, fmt.Errorf("reading sentiment-en model: %w", err)
	}
	n, err := r.ReadByte()
	if err != nil || n == 0 || n > 8 {
		return nil, fmt.Errorf("sentiment-en model: bad member count %d (%v)", n, err)
	}
	var first *enModel
	for range int(n) {
		m, err := decodeENMember(r)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = m
		} else {
			first.more = append(first.more, m)
		}
	}
	first.adj = adj
	return first, nil
}

func decodeENMember(r *bytes.Reader) (*enModel, error) {
	var hdr [7]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("sentiment-en model: no header: %w", err)
	}
	m := &enModel{cfg: ENConfig{Bits: hdr[0], Bigrams: hdr[1] == 1, Negate: hdr[2] == 1, CharMin: hdr[3], CharMax: hdr[4], RuleBin: hdr[5] == 1}}
	if m.cfg.Bits < 8 || m.cfg.Bits > 24 || m.cfg.CharMax > 8 || m.cfg.CharMin > m.cfg.CharMax {
		return nil, fmt.Errorf("bad sentiment-en header %v", hdr)
	}
	if hdr[6] != numDense {
		return nil, fmt.Errorf("model has %d rule features, this build %d: retrain with mentionwatch train sentiment-en", hdr[6], numDense)
	}
	for _, v := range []any{&m.bias, &m.dense, &m.scale} {
		if err := binary.Read(r, binary.LittleEndian, v); err != nil {
			return nil, fmt.Errorf("reading sentiment-en model: %w", err)
		}
	}
	q := make([]int16, (1<<m.cfg.Bits)*numClasses)
	if err := binary.Read(r, binary.LittleEndian, q); err != nil {
		return nil, fmt.Errorf("reading weights: %w", err)
	}
	m.q = q
	return m, nil
}

// Hash seeds of the English features (the Indonesian model's word, bigram,
// negation and character seeds are reused; handles and links share one
// feature each).
const (
	seedHandle = 0x165667b1
	seedLink   = 0xd3a2646c
	seedRule   = 0x4cf5ad43
)

// enFeatures appends the hashed feature buckets of s.toks to dst
// (hashFeatures, English), then the bin of rule, the rules' compound.
func (s *scratch) enFeatures(c ENConfig, rule float64, dst []uint32) []uint32 {
	dst = s.hashFeatures(hashing{bits: c.Bits, bigrams: c.Bigrams, negate: c.Negate, charMin: c.CharMin, charMax: c.CharMax, en: true}, dst)
	if c.RuleBin {
		mask := uint32(1)<<c.Bits - 1
		bin := uint32(max(0, min(7, int((rule+1)*4))))
		dst = append(dst, mix(seedRule, bin)&mask)
	}
	return dst
}

// isLink reports a URL or www. address token.
func isLink(w []byte) bool {
	return bytes.Contains(w, []byte("://")) || bytes.HasPrefix(w, []byte("www."))
}

// squeeze writes w with runs of three or more of a letter cut to two
// into dst and returns its length, or 0 when w has no such run or does
// not fit.
func squeeze(w, dst []byte) int {
	run := false
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] {
			run = true
			break
		}
	}
	if !run || len(w) > 64 {
		return 0
	}
	n := 0
	for i, c := range w {
		if i >= 2 && c == w[i-1] && c == w[i-2] {
			continue
		}
		if n == len(dst) {
			return 0
		}
		dst[n] = c
		n++
	}
	return n
}

// enDense is the rules' reading of s (after s.vader filled s.sent), with
// rule, the rules' compound.
func (s *scratch) enDense(rule float64) (d [numDense]float32) {
	var pos, neg float32
	for _, v := range s.sent {
		if v > 0 {
			pos += v
		} else {
			neg += v
		}
	}
	d[dCompound] = float32(rule)
	d[dPos] = min(pos/4, 3)
	d[dNeg] = max(neg/4, -3)
	if len(s.negAt) > 0 {
		d[dNegation] = 1
	}
	d[dExcl] = float32(min(s.excl, 3)) / 3
	d[dQuest] = float32(min(s.quest, 3)) / 3
	if s.urls > 0 {
		d[dLink] = 1
	}
	if s.nUpper > 0 {
		d[dCaps] = 1
	}
	return d
}

// scores returns the class scores (before softmax and offsets) of the
// feature buckets and dense features.
func (m *enModel) scores(feats []uint32, d *[numDense]float32) [numClasses]float32 {
	var z [numClasses]float32
	x := featScale(len(feats))
	if m.q != nil {
		var zq [numClasses]int32
		for _, f := range feats {
			q := m.q[int(f)*numClasses : int(f)*numClasses+numClasses]
			zq[0] += int32(q[0])
			zq[1] += int32(q[1])
			zq[2] += int32(q[2])
		}
		xs := x * m.scale
		for c := range z {
			z[c] = float32(zq[c]) * xs
		}
	} else {
		for _, f := range feats {
			w := m.w[int(f)*numClasses : int(f)*numClasses+numClasses]
			z[0] += w[0]
			z[1] += w[1]
			z[2] += w[2]
		}
		for c := range z {
			z[c] *= x
		}
	}
	for c := range z {
		z[c] += m.bias[c]
		for k := range d {
			z[c] += d[k] * m.dense[k][c]
		}
	}
	return z
}

// linkWords fills m.wrow from q, for every word of the vocabulary, and
// the other members'. It runs once the vocabulary is complete.
func (m *enModel) linkWords() {
	mask := uint32(1)<<m.cfg.Bits - 1
	m.wrow = make([][numClasses]int16, len(words))
	for id := 1; id < len(words); id++ {
		b := int(words[id].h&mask) * numClasses
		copy(m.wrow[id][:], m.q[b:b+numClasses])
	}
	for _, mm := range m.more {
		mm.linkWords()
	}
}

// predictEN returns the class probabilities and the chosen class (the
// arg-max after the offsets) for s, whose rules' compound is rule: the
// members' scores (memberScores), averaged.
func (m *enModel) predictEN(s *scratch, rule float64) ([numClasses]float32, int) {
	d := s.enDense(rule)
	z := m.memberScores(s, rule, &d)
	if len(m.more) > 0 {
		for _, mm := range m.more {
			zm := mm.memberScores(s, rule, &d)
			for k := range z {
				z[k] += zm[k]
			}
		}
		inv := 1 / float32(1+len(m.more))
		for k := range z {
			z[k] *= inv
		}
	}
	za := z
	for k := range za {
		za[k] += m.adj[k]
	}
	softmax(z[:])
	return z, Argmax(za)
}

// memberScores is one member's scores of s, summed as the tokens are
// walked, without the feature list (scoresInline, TestENInlineMatches),
// once the vocabulary is linked (linkWords); before that from the list.
// The sums are of int16 weights in int32, so the order of the terms does
// not matter.
func (m *enModel) memberScores(s *scratch, rule float64, d *[numDense]float32) [numClasses]float32 {
	if m.wrow == nil {
		s.feats = s.enFeatures(m.cfg, rule, s.feats[:0])
		return m.scores(s.feats, d)
	}
	return m.scoresInline(s, rule, d)
}

// scoresInline is scores(enFeatures(...)), summed as the tokens are
// walked: known words read their rows by word id (wrow), the other
// features from the hashed table.
func (m *enModel) scoresInline(s *scratch, rule float64, d *[numDense]float32) [numClasses]float32 {
	c := m.cfg
	mask := uint32(1)<<c.Bits - 1
	rows := unsafe.Slice((*[numClasses]int16)(unsafe.Pointer(unsafe.SliceData(m.q))), len(m.q)/numClasses)
	var z0, z1, z2 int32
	add := func(r *[numClasses]int16) {
		z0 += int32(r[0])
		z1 += int32(r[1])
		z2 += int32(r[2])
	}
	n := 0
	negLeft := 0
	var prev uint32 = seedBigram
	var gram [16]byte
	for i := range s.toks {
		t := &s.toks[i]
		u := t.h
		switch {
		case t.noLang:
			u = seedHandle
			if isLink(s.buf[t.a:t.b]) {
				u = seedLink
			}
			add(&rows[u&mask])
		case t.w != nil && t.w.h == u:
			add(&m.wrow[t.w.id])
		default:
			if t.w == nil {
				if k := squeeze(s.buf[t.a:t.b], gram[:]); k > 0 {
					u = hashBytes(gram[:k])
				}
			}
			add(&rows[u&mask])
		}
		n++
		if c.Bigrams {
			add(&rows[mix(prev, u)&mask])
			prev = u
			n++
		}
		if c.Negate {
			if negLeft > 0 {
				add(&rows[mix(seedNeg, u)&mask])
				negLeft--
				n++
			}
			if s.negated(i) {
				negLeft = 3
			}
			if t.brk {
				negLeft = 0
			}
		}
		if c.CharMax > 0 && !t.noLang && t.b-t.a <= 24 {
			// s.feats is free here: the grams' buckets, then summed.
			s.feats = enCharGrams(s.feats[:0], s.buf[t.a:t.b], int(c.CharMin), int(c.CharMax), mask)
			for _, f := range s.feats {
				add(&rows[f])
			}
			n += len(s.feats)
		}
	}
	if c.Bigrams {
		add(&rows[mix(prev, seedBigram)&mask])
		n++
	}
	if c.RuleBin {
		bin := uint32(max(0, min(7, int((rule+1)*4))))
		add(&rows[mix(seedRule, bin)&mask])
		n++
	}
	x := featScale(n) * m.scale
	var z [numClasses]float32
	for k, v := range [numClasses]int32{z0, z1, z2} {
		z[k] = float32(v)*x + m.bias[k]
		for j := range d {
			z[k] += d[j] * m.dense[j][k]
		}
	}
	return z
}
