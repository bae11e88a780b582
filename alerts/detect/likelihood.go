package detect

import "math"

// The run of surprise against its recent habit: the last stage of a fast
// onset, after Numenta's anomaly likelihood. A bucket's fast score must
// clear the thresholds, and the short run of scores it ends (an
// exponentially weighted mean of log(1+score) over about Design.RunSpan buckets)
// must also stand out from how that short run has been distributed over
// the last week (its EW mean and variance, half-life a week): its
// Gaussian tail probability under that distribution must be at most
// 10^-2 (1%). A series whose surprises come in a steady drizzle has
// a high, wide distribution of short runs, so an isolated bucket just over
// the threshold does not start an episode there; a calm series' burst
// stands out at once (a burst of 30 complaints after a quiet hour passes
// in its first bucket). The slow horizon is not filtered: it is already a
// run.
//
// Chosen by leave-one-category-out cross-validation over RunScore off, 1.5,
// 2 and 2.5 (with the 144 configurations of nab.Grid): every fold picked 2
// (docs/BENCHMARKS.md).

// Design.RunSpan is the span of the short run, in buckets (EW weight
// 2/(span+1)), Design.RunWindow the half-life of its distribution,
// Design.RunScore the least -log10 tail probability of the short run.

// runZOf is the standard normal z with tail 10^-score; a negative score
// disables the test: -Inf, every run stands out.
func runZOf(score float64) float64 {
	if score < 0 {
		return math.Inf(-1)
	}
	return zOfScore(score)
}

// standsOut moves the short run of scores by this bucket's score and says
// whether it stands out from its distribution over the recent week (which
// it then updates). Called once per bucket.
func (d *Detector) standsOut(s *series, score float64) bool {
	u := math.Log1p(score)
	if s.runN == 0 {
		s.runShort, s.runMean, s.runVar = u, u, 1
	}
	s.runShort += d.runWeight * (u - s.runShort)
	dev := s.runShort - s.runMean
	out := dev >= d.runZ*math.Sqrt(s.runVar+1e-6) // normScore(dev/sd) >= RunScore
	a := math.Max(d.runAlpha, 1/float64(s.runN+1))
	s.runMean += a * dev
	s.runVar += a * (dev*dev - s.runVar)
	if s.runN < math.MaxInt {
		s.runN++
	}
	return out
}
