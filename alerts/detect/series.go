package detect

import (
	"math"
	"time"
)

// series is the bounded state of one series: a few hundred bytes whatever
// its history.
type series struct {
	n    int       // buckets judged, filled gaps included
	last time.Time // last bucket

	counts bool              // every value so far a non-negative integer
	level  float64           // deseasonalised mean
	vr     float64           // variance of the residual (EW, winsorised)
	absR   float64           // mean absolute residual (EW, not clipped): the scale floor
	hod    [maxSlots]float64 // time-of-day profile; its mean (hodSum/slots) is taken out
	hodN   [maxSlots]int32   // updates per slot
	hodSum float64
	dow    [7]float64 // day-of-week profile, mean 0
	dowN   [7]int     // updates per weekday slot

	// Hour-of-week correction (weekly.go): what the additive profiles
	// miss at each time-of-day slot of each weekday, and the recent
	// squared errors of the prediction without and with it.
	week       [7 * maxSlots]float64
	weekN      [7 * maxSlots]int32
	errA, errB float64

	// Daily habits (habit.go), per 10-minute slot of the day.
	habitDay   [habitSlots]int32   // the last day with a hot bucket in the slot
	habitRun   [habitSlots]uint8   // consecutive days with one, ending habitDay
	habitScore [habitSlots]float32 // the largest score of that day's hot buckets there
	habitPrev  [habitSlots]float32 // the day before's, near this time, when the run began today

	// The run of fast scores against its recent habit (likelihood.go).
	runShort, runMean, runVar float64
	runN                      int

	prevR float64 // the last bucket's residual against the baseline, clipped
	cov   float64 // EW lag-1 covariance of the residual
	vr1   float64 // variance of the residual after the lag-1 correction

	slow         float64 // EW mean of the clipped z (slow horizon)
	slowX, slowE float64 // EW means of the values and the expectations, same horizon

	fastQ, slowQ float64 // streaming TailQuantile of log1p(score), per horizon
	firing       bool
	quiet        int // consecutive quiet buckets inside an episode
	dec          Decision

	// Cooldown: when the last episode resolved, and its peak score.
	resolvedAt time.Time
	peak       float64

	episodeBuckets int // buckets since the episode's onset
}

func newSeries() *series { return &series{counts: true} }

// current is the state after the last bucket, as a decision without events.
func (s *series) current() Decision {
	dec := s.dec
	dec.Onset, dec.Resolved = false, false
	return dec
}

// tailEta is the step of the tail quantiles, in log1p(score) units.
const tailEta = 0.1

// Upper bound of the count dispersion: beyond it a series is noise.
const maxPhi = 1e4

// The scale floor: the standard deviation of a real-valued series'
// residual is at least Design.ScaleFloor × its mean absolute residual,
// unclipped. Winsorising
// protects the variance from a spike, but on a series that is flat between
// routine spikes (disk writes, a load balancer's request bursts) it makes
// the variance collapse to the flat stretches' tiny spread, and every
// routine spike scores astronomically (z of 1e9), faster than the series'
// own tail can learn. For Gaussian residuals the mean absolute value is
// 0.8 standard deviations, so the default floor (Design.ScaleFloor 0.5:
// 0.4 standard deviations) never binds there.

// maxBeta bounds the lag-1 correction: the prediction never simply repeats
// the last bucket.
const maxBeta = 0.9

// clipAfter: the first buckets update unclipped, so the variance can grow
// from nothing.
const clipAfter = 12

// step judges one bucket against the prediction, moves the episode state,
// then updates the model with the (clipped, damped) value.
func (d *Detector) step(s *series, t time.Time, value, total float64) Decision {
	cfg := &d.cfg
	lt := t.In(cfg.Location)
	h, wd := d.slot(lt), int(lt.Weekday())

	if s.counts && (value < 0 || value != math.Trunc(value)) {
		s.counts = false
	}
	expected := s.level
	ws := wd*d.slots + h // hour-of-week slot
	weekly := 0.0
	if !cfg.DisableSeasonal {
		expected += s.season(d, h, wd)
		weekly = d.weekly(s, ws)
	}
	expA := expected // the prediction without the hour-of-week correction
	expected += weekly
	if s.n == 0 {
		expected = value // no history: the first bucket is its own baseline
	}
	if s.counts && expected < 0 {
		expected = 0
	}
	r := value - expected
	// The next bucket's prediction adds the part of the last residual that
	// persists (lag-1 regression of the residual on itself): a metric that
	// drifts is judged against where it is, a series that does not keeps
	// beta near 0.
	beta := 0.0
	if s.n > clipAfter {
		beta = math.Min(math.Max(s.cov/(s.vr+varFloor(s.level)), 0), maxBeta)
	}
	pred := expected + beta*s.prevR
	if s.counts && pred < 0 {
		pred = 0
	}
	r1 := value - pred
	v1 := s.vr1
	if s.n <= clipAfter {
		v1 = s.vr
	}

	// The standard deviations of both residuals; the signed surprise z of
	// the bucket (fast horizon, against the prediction) and zb against the
	// baseline (slow horizon: a shift that persists keeps zb up while the
	// prediction follows it).
	var sd, z, zb float64
	// A count series is quasi-Poisson: variance = phi × the bucket's
	// mean, with the dispersion phi >= 1 estimated over all buckets
	// (variance / mean level), so a quiet night is judged by its own small
	// mean. An integer series far less noisy than Poisson (a speed, a
	// percentage) is a metric, not a count, and is judged as real-valued.
	counts := s.counts
	if counts && s.n > clipAfter && s.vr < 0.5*s.level {
		counts = false
	}
	if counts {
		lv := math.Max(s.level, minMean)
		u1, ub := math.Max(pred, minMean), math.Max(expected, minMean)
		phi1 := math.Min(math.Max(v1/lv, 1), maxPhi)
		phib := math.Min(math.Max(s.vr/lv, 1), maxPhi)
		z = r1 / math.Sqrt(phi1*u1)
		if z > 1 { // the count's own tail where it matters (and costs)
			z = zOfScore(tailScore(value, u1, phi1))
		}
		sd = math.Sqrt(phib * ub)
	} else {
		sd1 := math.Sqrt(v1 + varFloor(s.level))
		sd = math.Sqrt(s.vr + varFloor(s.level))
		if s.n > clipAfter { // see the scale floor above
			sd1 = math.Max(sd1, cfg.Design.ScaleFloor*s.absR)
			sd = math.Max(sd, cfg.Design.ScaleFloor*s.absR)
		}
		z = r1 / sd1
	}
	s.absR += math.Max(d.levelAlpha/4, 1/float64(s.n+1)) * (math.Abs(r) - s.absR)
	zb = r / sd
	if s.n == 0 {
		z, zb = 0, 0
	}

	dec := Decision{Expected: pred, Factor: value / math.Max(pred, 1), Z: z}
	dec.Score = normScore(d.directed(z))
	if total > 0 {
		dec.Share = value / total
	}

	// Slow horizon: the EW mean of z clipped at Winsor, scaled to unit
	// variance for independent z.
	a := d.slowAlpha
	zc := math.Min(math.Max(zb, -cfg.Winsor), cfg.Winsor)
	s.slow += a * (zc - s.slow)
	s.slowX += a * (value - s.slowX)
	s.slowE += a * (expected - s.slowE)
	if s.n == 0 {
		s.slowX, s.slowE = value, expected
	}
	dec.SlowZ = s.slow / d.slowNorm
	dec.SlowScore = normScore(d.directed(dec.SlowZ))
	if s.slowE != 0 {
		dec.SlowFactor = s.slowX / math.Abs(s.slowE)
	}

	// Thresholds: the configured score, raised by the series' own tail.
	dec.Threshold = cfg.FireScore / cfg.Sensitivity
	slowThr := cfg.SlowScore / cfg.Sensitivity
	if m := cfg.TailMargin / cfg.Sensitivity; m > 0 {
		dec.Threshold = math.Max(dec.Threshold, m*math.Expm1(s.fastQ))
		slowThr = math.Max(slowThr, m*math.Expm1(s.slowQ))
	}
	// The count floor is a product gate on rises.
	floorOK := cfg.MinCount <= 0 || value >= cfg.MinCount || cfg.Direction == Down || (cfg.Direction == Both && z < 0)
	warm := s.n >= cfg.WarmupBuckets && floorOK
	out := d.standsOut(s, dec.Score) // every bucket: it tracks the run
	fastHot := warm && dec.Score >= dec.Threshold && out
	slowHot := warm && dec.SlowScore >= slowThr
	dec.Slow = slowHot
	hot := fastHot || slowHot
	if hot && d.habitual(s, lt, math.Max(dec.Score, dec.SlowScore)) {
		hot = false
	}

	// Cooldown: a while after an episode, only a clearly larger one starts.
	if cfg.Cooldown > 0 && !s.resolvedAt.IsZero() && t.Sub(s.resolvedAt) < cfg.Cooldown &&
		math.Max(dec.Score, dec.SlowScore) < cfg.CooldownOverride*s.peak {
		hot = false
	}
	s.fastQ = moveQuantile(s.fastQ, dec.Score, cfg.TailQuantile)
	s.slowQ = moveQuantile(s.slowQ, dec.SlowScore, cfg.TailQuantile)

	quiet := dec.Score < cfg.ResolveScore && dec.SlowScore < slowThr
	switch {
	case !s.firing && hot:
		s.firing, s.quiet = true, 0
		dec.Onset = true
		s.peak = 0
		s.episodeBuckets = 0
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
	if s.firing && s.episodeBuckets >= d.maxEpisode {
		// A departure that has lasted MaxEpisode is the new normal: the
		// level moves to where the recent values are, the slow horizon
		// forgets, and the episode ends (the cooldown follows).
		s.level += s.slowX - s.slowE
		s.slow, s.slowE = 0, s.slowX
		s.firing, s.quiet = false, 0
		dec.Resolved, dec.Rebaselined = true, true
		s.resolvedAt = t
	}
	dec.Firing = s.firing
	if s.firing {
		s.peak = math.Max(s.peak, math.Max(dec.Score, dec.SlowScore))
		s.episodeBuckets++
	}

	// Update the model. Inside an episode (or on a hot bucket that did not
	// start one) the update is damped; after the first buckets every update
	// sees the residual clipped at Winsor standard deviations.
	w := 1.0
	if s.firing || hot || dec.Resolved {
		w = cfg.EpisodeDamp
	}
	if s.n >= clipAfter {
		lim := cfg.Winsor * sd
		r = math.Min(math.Max(r, -lim), lim)
		r1 = math.Min(math.Max(r1, -lim), lim)
	}
	if s.n > 0 {
		q := math.Max(d.levelAlpha/4, 1/float64(s.n+1)) * w
		s.cov += q * (r*s.prevR - s.cov)
		s.vr1 += q * (r1*r1 - s.vr1)
	}
	s.prevR = r
	if !cfg.DisableSeasonal && s.n > 0 {
		d.updateWeekly(s, ws, expected+r-expA, w)
	}
	d.update(s, h, wd, expected+r, r*r, w)
	s.n++
	s.last = t
	s.dec = dec
	return dec
}

// directed is z as the configured direction sees it: positive when the
// bucket departs the expectation in a watched direction.
func (d *Detector) directed(z float64) float64 {
	switch d.cfg.Direction {
	case Down:
		return -z
	case Both:
		return math.Abs(z)
	}
	return z
}

// moveQuantile moves a streaming quantile q (of log1p(score)) one step: up
// by eta×p when exceeded, down by eta×(1-p) otherwise, so it settles where a
// fraction 1-p of scores exceed it.
func moveQuantile(q, score, p float64) float64 {
	if math.Log1p(score) > q {
		return q + tailEta*p
	}
	return q - tailEta*(1-p)
}

// varFloor keeps a real-valued series that has been constant from making
// any change infinitely surprising: a relative resolution of 1e-4 of its
// level (and an absolute 1e-9).
func varFloor(level float64) float64 {
	f := 1e-4*math.Abs(level) + 1e-9
	return f * f
}

// update moves level, profiles and variance towards the clipped value x
// (squared residual r2 against the baseline, in the variance's units) with
// weight w.
func (d *Detector) update(s *series, h, wd int, x, r2, w float64) {
	cfg := &d.cfg
	quick := func(alpha float64, n int) float64 { // quick start, then EWMA
		return math.Max(alpha, 1/float64(n+1))
	}
	if s.n > 0 {
		s.vr += quick(d.levelAlpha/4, s.n) * w * (r2 - s.vr)
	}
	if cfg.DisableSeasonal {
		s.level += quick(d.levelAlpha, s.n) * w * (x - s.level)
		return
	}
	s.level += quick(d.levelAlpha, s.n) * w * (x - s.season(d, h, wd) - s.level)
	if s.n == 0 {
		return
	}
	hm := s.hodSum / float64(d.slots)
	delta := quick(d.hodAlpha, int(s.hodN[h])+2) * w * (x - s.level - s.dow[wd] - (s.hod[h] - hm))
	s.hod[h] += delta
	s.hodSum += delta
	if s.hodN[h] < math.MaxInt32 {
		s.hodN[h]++
	}
	hm = s.hodSum / float64(d.slots)
	s.dow[wd] += quick(d.dowAlpha, s.dowN[wd]+d.perDay) * w * (x - s.level - (s.hod[h] - hm) - s.dow[wd])
	s.dowN[wd]++
	centre(s.dow[:])
}

// season is the daily and weekly profile's part of the prediction.
func (s *series) season(d *Detector, h, wd int) float64 {
	return s.hod[h] - s.hodSum/float64(d.slots) + s.dow[wd]
}

// maxSlots is the resolution of the time-of-day profile: hours. Finer
// slots (15 and 5 minutes) scored lower in the leave-one-category-out
// check: each slot learns from one bucket a day, too slowly.
const maxSlots = 24

// slot is the time-of-day slot of a local time.
func (d *Detector) slot(lt time.Time) int {
	sec := lt.Hour()*3600 + lt.Minute()*60 + lt.Second()
	return min(sec*d.slots/86400, d.slots-1)
}

// centre shifts an additive profile to mean 0.
func centre(f []float64) {
	m := 0.0
	for _, v := range f {
		m += v
	}
	m /= float64(len(f))
	for i := range f {
		f[i] -= m
	}
}
