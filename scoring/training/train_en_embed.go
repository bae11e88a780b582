package training

import (
	"fmt"
	"math"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// Pretrained word vectors in the English model, at no cost to scoring.
//
// Each of the N most frequent words of the vectors (ENEmbedOptions.Words)
// is placed on the bucket the model hashes it to (scoring.ENWordBuckets):
// its word bucket, and with Neg its bucket inside a negation's scope too.
// A bucket holds at most one vector, the most frequent word's. A text's
// embedding features are the vectors of its features' buckets, summed
// and scaled as the hashed features are (scoring.FeatScale), per kind
// (word, negated word); a projection P (dims x classes per kind) learned
// with the hashed weights turns them into class scores. As every bucket's
// vector is fixed, P's contribution is a per-bucket constant: after
// training it is folded into the bucket's weights (enEmbed.fold), so the
// shipped model has the same format and the same scoring cost as one
// without vectors, and a word never seen in training scores by its
// vector's projection.

// ENEmbedOptions adds pretrained word vectors to the English model.
type ENEmbedOptions struct {
	Vectors *Embeddings
	Words   int     // the most frequent words placed on buckets (at most len(Vectors.Words))
	Neg     bool    // the negated words' buckets get the vectors too, with a projection of their own
	Unit    bool    // L2-normalise each vector
	Scale   float64 // each vector times this (default 1)
	L2      float64 // L2 penalty on P per update (default the hashed weights')
	Rate    float64 // AdaGrad rate of P (default the hashed weights')
}

// DefaultENEmbed is the shipped setting, chosen by cross-validation on
// the 2016 folds (docs/BENCHMARKS.md): the 100,000 most frequent words,
// unit vectors times 0.3, P learned at the hashed weights' rate and L2.
// Vectors is set by the caller (LoadEmbeddings).
var DefaultENEmbed = ENEmbedOptions{Words: 100000, Unit: true, Scale: 0.3}

// ShippedENVectorsSHA256 is the SHA-256 of the word vectors file the
// shipped English model was trained with (the JSON file of
// EmbeddingsPackage); empty if it was trained without vectors.
const ShippedENVectorsSHA256 = "ee21d840774c8cdc31ac46695f51fd5052432c1605baa965c8077712b8d75068"

func (o ENEmbedOptions) kinds() int {
	if o.Neg {
		return 2
	}
	return 1
}

// enEmbed is ENEmbedOptions placed on one member's buckets.
type enEmbed struct {
	o    ENEmbedOptions
	dims int
	// slot[b] is the vector on bucket b (an index into vec), -1 if none;
	// kind[b] its kind (0 word, 1 negated word).
	slot []int32
	kind []uint8
	vec  []float32 // slot s's vector is vec[s*dims:], scaled
}

// projLen is the length of the projection P (dims x classes per kind).
func (e *enEmbed) projLen() int { return e.o.kinds() * e.dims * numClasses }

// placeEmbeddings places o's vectors on cfg's buckets.
func placeEmbeddings(o ENEmbedOptions, cfg scoring.ENConfig) (*enEmbed, error) {
	if o.Vectors == nil {
		return nil, nil
	}
	n := min(o.Words, len(o.Vectors.Words))
	if n <= 0 {
		return nil, fmt.Errorf("word vectors: %d words to place, want at least 1", o.Words)
	}
	if o.Scale == 0 {
		o.Scale = 1
	}
	e := &enEmbed{o: o, dims: o.Vectors.Dims, slot: make([]int32, 1<<cfg.Bits), kind: make([]uint8, 1<<cfg.Bits)}
	for i := range e.slot {
		e.slot[i] = -1
	}
	put := func(b uint32, k uint8, v []float32) {
		if e.slot[b] >= 0 {
			return // a more frequent word has it
		}
		e.slot[b] = int32(len(e.vec) / e.dims)
		e.kind[b] = k
		scale := float32(o.Scale)
		if o.Unit {
			var ss float64
			for _, x := range v {
				ss += float64(x) * float64(x)
			}
			if ss > 0 {
				scale /= float32(math.Sqrt(ss))
			}
		}
		for _, x := range v {
			e.vec = append(e.vec, x*scale)
		}
	}
	for i := range n {
		plain, neg, ok := scoring.ENWordBuckets(o.Vectors.Words[i], cfg)
		if !ok {
			continue
		}
		put(plain, 0, o.Vectors.Vec(i))
		if o.Neg {
			put(neg, 1, o.Vectors.Vec(i))
		}
	}
	return e, nil
}

// features is the text's embedding features: per kind, the vectors of
// its features' buckets, summed and scaled by scoring.FeatScale.
func (e *enEmbed) features(feats []uint32) []float32 {
	out := make([]float32, e.o.kinds()*e.dims)
	for _, f := range feats {
		s := e.slot[f]
		if s < 0 {
			continue
		}
		k := int(e.kind[f])
		dst := out[k*e.dims : (k+1)*e.dims]
		for j, v := range e.vec[int(s)*e.dims : (int(s)+1)*e.dims] {
			dst[j] += v
		}
	}
	x := scoring.FeatScale(len(feats))
	for j := range out {
		out[j] *= x
	}
	return out
}

// project adds the projection p of the embedding features v to z.
func projectEmb(z *[numClasses]float32, p, v []float32) {
	for j, x := range v {
		if x == 0 {
			continue
		}
		r := p[j*numClasses : j*numClasses+numClasses]
		z[0] += x * r[0]
		z[1] += x * r[1]
		z[2] += x * r[2]
	}
}

// stepEmb is one AdaGrad update of the projection p (gradient
// accumulators g) for the embedding features v and the output error d.
func stepEmb(p, g, v []float32, d *[numClasses]float32, rate, l2 float32) {
	for j, x := range v {
		if x == 0 {
			continue
		}
		for c := range d {
			k := j*numClasses + c
			gr := d[c]*x + l2*p[k]
			g[k] += gr * gr
			p[k] -= rate * gr / float32(math.Sqrt(float64(g[k])+1e-8))
		}
	}
}

// fold adds each bucket's vector's projection to the bucket's weights w,
// so that the model scores without the vectors what it scored with them.
func (e *enEmbed) fold(w, p []float32) {
	for b, s := range e.slot {
		if s < 0 {
			continue
		}
		k := int(e.kind[b])
		v := e.vec[int(s)*e.dims : (int(s)+1)*e.dims]
		for c := range numClasses {
			var sum float32
			for j, x := range v {
				sum += x * p[(k*e.dims+j)*numClasses+c]
			}
			w[b*numClasses+c] += sum
		}
	}
}
