// Package nab scores anomaly detections the way the Numenta Anomaly
// Benchmark's "standard" profile does, and runs the spike detector over NAB
// data files (timestamp,value CSVs with labelled anomaly windows).
//
// The scoring follows the rules in ../shared/data/README.md:
//   - the first 15% of rows (at most 750) are probation: detections there
//     do not count;
//   - in each window only the first detection counts, as a true positive
//     weighted sigmoid(-(end - i + 1) / length), so earlier scores more;
//   - a window without detection costs -1;
//   - a detection outside every window costs 0.11 × sigmoid((i - prevEnd) /
//     prevLength), or -0.11 before the first window;
//   - normalized = 100 × (raw - null) / (perfect - null), with null = -1 and
//     perfect = sigmoid(-1) per window.
//
// Window length is the number of rows in the window (end - start + 1).
package nab

import (
	"math"
	"sort"
)

// Weights of the standard profile.
const (
	FPWeight     = 0.11
	MissWeight   = 1.0
	ProbationPct = 0.15
	MaxProbation = 750
)

// Sigmoid is NAB's scaled sigmoid, 2/(1+e^(5y)) - 1: +0.987 at y = -1,
// 0 at y = 0, -0.987 at y = 1.
func Sigmoid(y float64) float64 { return 2/(1+math.Exp(5*y)) - 1 }

// Window is a labelled anomaly window as inclusive row indices, with the
// index of its first labelled anomaly point (-1 if none).
type Window struct {
	Start, End int
	Anomaly    int
}

// Len is the number of rows in the window.
func (w Window) Len() int { return w.End - w.Start + 1 }

// Probation is the number of leading rows whose detections do not count.
func Probation(rows int) int {
	p := int(math.Floor(ProbationPct * float64(rows)))
	if p > MaxProbation {
		p = MaxProbation
	}
	return p
}

// Result is the standard-profile score of one file.
type Result struct {
	Windows int
	TP      int     // windows detected
	Missed  int     // windows without detection
	FP      int     // detections outside every window (after probation)
	Raw     float64 // the file's raw score
	Null    float64 // raw score of a detector that never fires (-1 per window)
	Perfect float64 // raw score of one detection at each window start
	// Delays holds, for each detected window with a labelled anomaly,
	// detection index - anomaly index in rows (negative: before the point).
	Delays []int
	// StartDelays holds detection index - window start for each detected window.
	StartDelays []int
}

// Score scores detections (row indices, any order; duplicates count once)
// in a file of rows rows with the given windows (sorted, not overlapping).
func Score(rows int, windows []Window, detections []int) Result {
	r := Result{Windows: len(windows)}
	r.Null = -MissWeight * float64(len(windows))
	r.Perfect = Sigmoid(-1) * float64(len(windows))

	det := append([]int(nil), detections...)
	sort.Ints(det)
	prob := Probation(rows)
	hit := make([]bool, len(windows))
	prev := -1 // the detection before, to drop duplicates
	for _, i := range det {
		if i < prob || i == prev || i < 0 || i >= rows {
			continue
		}
		prev = i
		in, before := -1, -1 // the window holding i; the last window ending before i
		for k, w := range windows {
			if i >= w.Start && i <= w.End {
				in = k
				break
			}
			if w.End < i {
				before = k
			}
		}
		switch {
		case in >= 0:
			if hit[in] {
				continue // only the first detection in a window counts
			}
			hit[in] = true
			w := windows[in]
			r.TP++
			r.Raw += Sigmoid(-float64(w.End-i+1) / float64(w.Len()))
			if w.Anomaly >= 0 {
				r.Delays = append(r.Delays, i-w.Anomaly)
			}
			r.StartDelays = append(r.StartDelays, i-w.Start)
		case before >= 0:
			w := windows[before]
			r.FP++
			r.Raw += FPWeight * Sigmoid(float64(i-w.End)/float64(w.Len()))
		default:
			r.FP++
			r.Raw -= FPWeight
		}
	}
	for _, h := range hit {
		if !h {
			r.Missed++
			r.Raw -= MissWeight
		}
	}
	return r
}

// Normalized is NAB's normalized score over files: 100 × (raw - null) /
// (perfect - null), with every term summed over the files first.
func Normalized(results []Result) float64 {
	var raw, null, perfect float64
	for _, r := range results {
		raw += r.Raw
		null += r.Null
		perfect += r.Perfect
	}
	if perfect == null {
		return 0
	}
	return 100 * (raw - null) / (perfect - null)
}
