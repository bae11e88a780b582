package scoring

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// movieReviewsPath is the VADER movie review sentences (10,605, each with
// its raters' mean, -4..4): the set the review register was chosen on.
// product_reviews.tsv is never read here: it is the register's unseen set,
// measured by `mentionwatch eval sentiment` only.
const movieReviewsPath = "../../shared/data/sentiment-en/movie_reviews.tsv"

// reviewItem is what each candidate labelling of a review sentence reads.
type reviewItem struct {
	gold     int                 // class of the raters' mean (±0.5)
	rating   float64             // raters' mean
	z        [NumClasses]float32 // log class probabilities
	cls      int                 // the model's class (after its tweet offsets)
	blend    float64             // enBlend·(p(pos) − p(neg)) + (1 − enBlend)·rules
	rules    float64             // the rules' compound after the neutral band
	settleAt func(float64) float64
	fold     int
}

// TestReviewRegisterCV compares, by 5-fold cross-validation on the movie
// review sentences (folds by the SHA-256 of the text), the ways of
// labelling review text that issue 17's review register considered; each
// candidate's knobs are chosen on four folds by macro-F1 and scored on the
// fifth. It runs when the shared data is present, logs every figure
// (docs/BENCHMARKS.md) and fails if the shipped register (the blended
// score's label at ±0.05) no longer beats the tweet model's label there.
func TestReviewRegisterCV(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	loadModels()
	if sentimentEN == nil {
		t.Skip("no English model embedded")
	}
	data, err := os.ReadFile(movieReviewsPath)
	if err != nil {
		t.Skip("no shared data:", err)
	}
	var items []reviewItem
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			t.Fatalf("%s: bad line %q", movieReviewsPath, line)
		}
		r, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, reviewItemOf(f[2], r))
	}
	gold := func(it reviewItem) int { return it.gold }
	type candidate struct {
		name  string
		knobs [][2]float64
		score func(it *reviewItem, k [2]float64) float64
	}
	grid := func(lo0, hi0, lo1, hi1, step float64, ok func(a, b float64) bool) (g [][2]float64) {
		for a := lo0; a <= hi0+1e-9; a += step {
			for b := lo1; b <= hi1+1e-9; b += step {
				if ok(a, b) {
					g = append(g, [2]float64{math.Round(a*100) / 100, math.Round(b*100) / 100})
				}
			}
		}
		return g
	}
	ordered := func(a, b float64) bool { return a < b }
	any := func(a, b float64) bool { return true }
	cands := []candidate{
		{"the model's class (tweets' path)", [][2]float64{{}}, func(it *reviewItem, _ [2]float64) float64 {
			return it.settleAt(inClass(it.blend, it.cls))
		}},
		{"the blend, ±0.05 (shipped)", [][2]float64{{}}, func(it *reviewItem, _ [2]float64) float64 {
			return it.settleAt(max(-1, min(1, it.blend)))
		}},
		{"the blend, thresholds by CV", grid(-0.4, 0.2, -0.2, 0.4, 0.02, ordered), func(it *reviewItem, k [2]float64) float64 {
			return it.settleAt(remapThresholds(it.blend, k[0], k[1]))
		}},
		{"the model, class offsets by CV", grid(-1.5, 1, -1, 1.5, 0.05, any), func(it *reviewItem, k [2]float64) float64 {
			z := it.z
			z[clsNeg] += float32(k[0])
			z[clsPos] += float32(k[1])
			return it.settleAt(inClass(it.blend, Argmax(z)))
		}},
		{"the rules, thresholds by CV", grid(-0.4, 0.2, -0.2, 0.4, 0.02, ordered), func(it *reviewItem, k [2]float64) float64 {
			return it.settleAt(remapThresholds(it.rules, k[0], k[1]))
		}},
	}
	cv := map[string]float64{}
	for _, c := range cands {
		// labels[k][i]: candidate c's label of item i with knobs k.
		labels := make([][]int, len(c.knobs))
		for k, kn := range c.knobs {
			labels[k] = make([]int, len(items))
			for i := range items {
				labels[k][i] = scoreClass(c.score(&items[i], kn))
			}
		}
		var folds [5]float64
		var chosen [5][2]float64
		for f := range folds {
			best, bestF1 := 0, -1.0
			for k := range c.knobs {
				if v := reviewMacroF1(items, labels[k], func(i int) bool { return items[i].fold != f }, gold); v > bestF1 {
					best, bestF1 = k, v
				}
			}
			chosen[f] = c.knobs[best]
			folds[f] = reviewMacroF1(items, labels[best], func(i int) bool { return items[i].fold == f }, gold)
		}
		mean := (folds[0] + folds[1] + folds[2] + folds[3] + folds[4]) / 5
		cv[c.name] = mean
		t.Logf("%-34s CV macro-F1 %.4f (folds %.3f %.3f %.3f %.3f %.3f), knobs by fold %v",
			c.name, mean, folds[0], folds[1], folds[2], folds[3], folds[4], chosen)
	}
	if ship, model := cv["the blend, ±0.05 (shipped)"], cv["the model's class (tweets' path)"]; !(ship > model) {
		t.Errorf("movie reviews: the review register's macro-F1 %.4f does not beat the model's label %.4f", ship, model)
	}
}

// reviewItemOf scores one review sentence's parts, as sentimentEN does.
func reviewItemOf(text string, rating float64) reviewItem {
	s := getScratch()
	defer putScratch(s)
	s.tokenize(text)
	s.neverComplains()
	detectLang(s)
	rule := s.ruleCompoundEN()
	p, cls := sentimentEN.predictEN(s, rule)
	var z [NumClasses]float32 // log p: the class scores but for a constant
	for k := range z {
		z[k] = float32(math.Log(float64(p[k])))
	}
	it := reviewItem{rating: rating, z: z, cls: cls, rules: neutralBand(rule)}
	it.blend = enBlend*float64(p[clsPos]-p[clsNeg]) + (1-enBlend)*it.rules
	it.gold = clsNeu
	if rating >= 0.5 {
		it.gold = clsPos
	} else if rating <= -0.5 {
		it.gold = clsNeg
	}
	// settle reads only the cue sums, their last positions and the first
	// "but": keep those.
	cp := &scratch{domNeg: s.domNeg, domPos: s.domPos, lastNeg: s.lastNeg, lastPos: s.lastPos, harms: s.harms, butAt: s.butAt}
	it.settleAt = cp.settle
	h := sha256.Sum256([]byte(text))
	it.fold = int(binary.BigEndian.Uint32(h[:4]) % 5)
	return it
}

// remapThresholds maps v monotonically so that tn and tp land on the label
// thresholds (-0.05, +0.05): labels at tn and tp, order kept.
func remapThresholds(v, tn, tp float64) float64 {
	switch {
	case v <= tn:
		return max(-1, -0.05+(v-tn)*0.95/(1+tn))
	case v >= tp:
		return min(1, 0.05+(v-tp)*0.95/(1-tp))
	}
	return -0.049 + (v-tn)*0.098/(tp-tn)
}

// scoreClass is the class of the score v (±0.05).
func scoreClass(v float64) int {
	switch {
	case v >= 0.05:
		return clsPos
	case v <= -0.05:
		return clsNeg
	}
	return clsNeu
}

// reviewMacroF1 is the macro-F1 of labels against the items' gold classes
// over the items in.
func reviewMacroF1(items []reviewItem, labels []int, in func(int) bool, gold func(reviewItem) int) float64 {
	var tp, fp, fn [NumClasses]int
	for i := range items {
		if !in(i) {
			continue
		}
		g, p := gold(items[i]), labels[i]
		if g == p {
			tp[g]++
		} else {
			fp[p]++
			fn[g]++
		}
	}
	var sum float64
	for k := range tp {
		if d := 2*tp[k] + fp[k] + fn[k]; d > 0 {
			sum += float64(2*tp[k]) / float64(d)
		}
	}
	return sum / NumClasses
}
