package detect

import (
	"math"
	"math/bits"
	"time"
)

// series is the bounded state of one series: a few hundred bytes whatever
// its history.
type series struct {
	n    int       // buckets seen, filled gaps included
	last time.Time // last bucket

	level float64     // deseasonalised mean count per bucket
	phi   float64     // variance / mean (>= 1)
	hod   [24]float64 // hour-of-day factors, mean 1
	hodN  [24]int     // updates per hour slot
	dow   [7]float64  // day-of-week factors, mean 1
	dowN  [7]int      // updates per weekday slot

	share  float64 // baseline negative share
	shareN int     // buckets with a known total

	tailQ  float64 // streaming TailQuantile of log1p(score)
	hot    uint32  // bit i: the bucket i steps ago was hot
	firing bool
	quiet  int // consecutive quiet buckets inside an episode
	dec    Decision

	// Cooldown: when the last episode resolved, and its peak score.
	resolvedAt time.Time
	peak       float64

	// Slow detector: ring of the last buckets' clipped counts and
	// expectations, their sums, dispersion and tail quantile of the sum.
	slowX, slowE   [maxSlow]float64
	slowPos        int
	slowSumX       float64
	slowSumE       float64
	slowPhi        float64
	slowTailFilled int // buckets in the ring so far
}

// maxSlow bounds the slow detector's window, in buckets.
const maxSlow = 48

// slowMinFactor: the slow sum must reach this multiple of its expectation.
const slowMinFactor = 1.5

func newSeries() *series {
	s := &series{phi: 1, slowPhi: 1}
	for i := range s.hod {
		s.hod[i] = 1
	}
	for i := range s.dow {
		s.dow[i] = 1
	}
	return s
}

// current is the state after the last bucket, as a decision without events.
func (s *series) current() Decision {
	dec := s.dec
	dec.Onset, dec.Resolved = false, false
	return dec
}

// clipFactor: updates take a count up to this many times the expectation in
// full, so that a strong daily rhythm is learned in days, not weeks.
const clipFactor = 3

// tailEta is the step of the tail quantile, in log1p(score) units.
const tailEta = 0.1

// Upper bound of phi: beyond it a series is noise and only huge factors fire.
const maxPhi = 1e4

// step judges one bucket against the baseline, moves the episode state, then
// updates the baseline with the (winsorised, damped) count.
func (d *Detector) step(s *series, t time.Time, value, total float64) Decision {
	cfg := &d.cfg
	lt := t.In(cfg.Location)
	h, wd := lt.Hour(), int(lt.Weekday())

	season := 1.0
	if !cfg.DisableSeasonal {
		season = s.hod[h] * s.dow[wd]
	}
	expected := s.level * season
	if s.n == 0 {
		expected = value // no history: the first bucket is its own baseline
	}
	mean := math.Max(expected, minMean)
	score := tailScore(value, mean, s.phi)
	factor := value / math.Max(expected, 1)

	dec := Decision{Expected: expected, Factor: factor, Score: score}
	if total > 0 {
		dec.Share = value / total
	}
	dec.BaseShare = s.share

	shareOK := cfg.MinShareFactor <= 0 || total == 0 || s.shareN == 0 ||
		dec.Share >= cfg.MinShareFactor*s.share
	dec.Threshold = cfg.FireScore
	if cfg.TailMargin > 0 {
		dec.Threshold = math.Max(dec.Threshold, cfg.TailMargin*math.Expm1(s.tailQ))
	}
	warm := s.n >= cfg.WarmupBuckets && value >= cfg.MinCount && shareOK
	hot := warm && score >= dec.Threshold && factor >= cfg.MinFactor

	// The bucket as the baseline update will see it: clipped at expected +
	// Winsor standard deviations (and at least clipFactor × expected).
	x := value
	if s.n > 0 {
		if hi := math.Max(expected+cfg.Winsor*math.Sqrt(s.phi*mean), clipFactor*expected); x > hi {
			x = hi
		}
	}
	slowHot := d.slow(s, &dec, x, expected) && warm
	dec.Slow = slowHot
	hot = hot || slowHot

	// Cooldown: a day after an episode, only a clearly larger one starts.
	if cfg.Cooldown > 0 && !s.resolvedAt.IsZero() && t.Sub(s.resolvedAt) < cfg.Cooldown &&
		score < cfg.CooldownOverride*s.peak {
		hot = false
	}
	// Move the tail quantile: up by eta×q when exceeded, down by eta×(1-q)
	// otherwise, so it settles where a fraction 1-q of buckets exceed it.
	eta := tailEta
	if ls := math.Log1p(score); ls > s.tailQ {
		s.tailQ += eta * cfg.TailQuantile
	} else {
		s.tailQ -= eta * (1 - cfg.TailQuantile)
	}
	s.hot <<= 1
	if hot {
		s.hot |= 1
	}
	confirmed := hot && bits.OnesCount32(s.hot&(1<<cfg.ConfirmOf-1)) >= cfg.Confirm
	// A sustained rise keeps its episode while the rate stays up, even if
	// single buckets look ordinary.
	quiet := (value < cfg.MinCount || score < cfg.ResolveScore || factor < cfg.ResolveFactor) &&
		!(slowHot && factor >= cfg.ResolveFactor)

	switch {
	case !s.firing && confirmed:
		s.firing, s.quiet = true, 0
		dec.Onset = true
		s.peak = 0
	case s.firing && quiet:
		s.quiet++
		if s.quiet >= cfg.ResolveBuckets {
			s.firing, s.quiet = false, 0
			dec.Resolved = true
			s.resolvedAt = t
		}
	case s.firing:
		s.quiet = 0
	}
	dec.Firing = s.firing
	if s.firing {
		s.peak = math.Max(s.peak, score)
	}

	// Update the baseline. Inside an episode (or on a hot bucket that did not
	// start one) the update is damped; every update sees the count clipped at
	// expected + Winsor standard deviations.
	w := 1.0
	if s.firing || hot || dec.Resolved {
		w = cfg.EpisodeDamp
	}
	d.update(s, h, wd, x, expected, mean, w, total)
	s.n++
	s.last = t
	s.dec = dec
	return dec
}

// slow moves the slow detector's window on by one bucket (clipped count x,
// expectation expected), fills dec.SlowScore and dec.SlowFactor, updates the
// slow dispersion and reports whether the sum is hot. The sum of clipped
// counts grows only when many buckets run above expectation together: one
// huge bucket adds at most its clip.
func (d *Detector) slow(s *series, dec *Decision, x, expected float64) bool {
	nb := d.slowN
	if nb <= 0 {
		return false
	}
	p := s.slowPos
	s.slowSumX += x - s.slowX[p]
	s.slowSumE += expected - s.slowE[p]
	s.slowX[p], s.slowE[p] = x, expected
	s.slowPos = (p + 1) % nb
	if s.slowPos == 0 { // re-add from scratch once per lap: no drift
		s.slowSumX, s.slowSumE = 0, 0
		for k := 0; k < nb; k++ {
			s.slowSumX += s.slowX[k]
			s.slowSumE += s.slowE[k]
		}
	}
	if s.slowTailFilled < nb {
		s.slowTailFilled++
		return false
	}
	mean := math.Max(s.slowSumE, minMean)
	dec.SlowScore = tailScore(s.slowSumX, mean, s.slowPhi)
	dec.SlowFactor = s.slowSumX / math.Max(s.slowSumE, 1)
	hot := dec.SlowScore >= d.cfg.SlowScore && dec.SlowFactor >= slowMinFactor
	w := 1.0
	if s.firing || hot {
		w = d.cfg.EpisodeDamp
	}
	r := (s.slowSumX - s.slowSumE) * (s.slowSumX - s.slowSumE) / mean
	s.slowPhi += math.Max(d.levelAlpha/4, 1/float64(s.n+1)) * w * (r - s.slowPhi)
	s.slowPhi = math.Min(math.Max(s.slowPhi, 1), maxPhi)
	return hot
}

// update moves level, seasonal factors, dispersion and share towards the
// clipped count x with weight w (1 normally, EpisodeDamp in an episode).
func (d *Detector) update(s *series, h, wd int, x, expected, mean, w, total float64) {
	cfg := &d.cfg
	fast := func(alpha float64, n int) float64 { // quick start, then EWMA
		return math.Max(alpha, 1/float64(n+1))
	}

	// Dispersion first, against the expectation this bucket was judged by.
	if s.n > 0 {
		r := (x - expected) * (x - expected) / mean
		s.phi += fast(d.levelAlpha/4, s.n) * w * (r - s.phi)
		s.phi = math.Min(math.Max(s.phi, 1), maxPhi)
	}

	season := 1.0
	if !cfg.DisableSeasonal {
		season = s.hod[h] * s.dow[wd]
	}
	if season < 0.05 {
		season = 0.05
	}
	s.level += fast(d.levelAlpha, s.n) * w * (x/season - s.level)
	if s.level < 0 {
		s.level = 0
	}

	if !cfg.DisableSeasonal && s.level > minMean {
		// Hour of day: the ratio of x to the rest of the model.
		r := x / (s.level * s.dow[wd])
		s.hod[h] += fast(d.hodAlpha, s.hodN[h]+2) * w * (r - s.hod[h])
		s.hodN[h]++
		normalise(s.hod[:])
		// Day of week.
		r = x / (s.level * s.hod[h])
		s.dow[wd] += fast(d.dowAlpha, s.dowN[wd]+d.perDay()) * w * (r - s.dow[wd])
		s.dowN[wd]++
		normalise(s.dow[:])
	}

	if total > 0 {
		sh := x / total
		if sh > 1 {
			sh = 1
		}
		s.share += fast(d.shareAlpha, s.shareN) * w * (sh - s.share)
		s.shareN++
	}
}

func (d *Detector) perDay() int { return int(24 * d.bucketsHour) }

// normalise scales f so that its mean is 1 and clamps each factor to a sane
// range, so that one slot can neither vanish nor explode.
func normalise(f []float64) {
	sum := 0.0
	for i := range f {
		f[i] = math.Min(math.Max(f[i], 0.02), 50)
		sum += f[i]
	}
	if sum <= 0 {
		return
	}
	k := float64(len(f)) / sum
	for i := range f {
		f[i] *= k
	}
}
