package alerts

import (
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/detect"
)

// Decision is a detector's verdict on one bucket of one series. There is
// one type: the adaptive detector's (alerts/detect), which the fixed
// threshold also returns.
type Decision = detect.Decision

// Detector judges series of negative counts, bucket by bucket. It is pure:
// it takes the bucket time as an argument and does no I/O, so the loop can
// rebuild it from the store and the eval can replay files through it.
// *detect.Detector implements it. It is not safe for concurrent use: the
// loop's tick goroutine owns it.
type Detector interface {
	// Step feeds the closed bucket of one series: value is the negative
	// count, total all mentions (0 if unknown). Buckets of a series arrive
	// in order; a bucket missing between two calls counts as zero.
	Step(series string, bucket time.Time, value, total float64) Decision
	// Peek judges the open bucket from its count so far without changing
	// any state: what Step would say if the bucket closed now.
	Peek(series string, bucket time.Time, value, total float64) Decision
}

// forgetter is a Detector whose series are independent and can be dropped
// one by one: the judge then rebuilds only the series whose counts changed.
type forgetter interface{ Forget(series string) }

var (
	_ Detector  = (*detect.Detector)(nil)
	_ Detector  = (*Threshold)(nil)
	_ forgetter = (*detect.Detector)(nil)
	_ forgetter = (*Threshold)(nil)
)

// NewDetector returns the detector named by cfg.Detector: the adaptive
// spike detector (default) or the fixed threshold. loc is the time zone of
// the adaptive detector's daily and weekly rhythm (nil: UTC).
func NewDetector(cfg mw.AlertsConfig, loc *time.Location) Detector {
	if cfg.Detector == "threshold" {
		return NewThreshold(cfg)
	}
	dc := detectConfig(cfg, cfg.Bucket.Or(5*time.Minute), loc)
	dc.MinCount = float64(cfg.MinCount)
	return detect.New(dc)
}

// detectConfig is the adaptive detector's configuration from the alerts
// settings every series shares: bucket, sensitivity and warm-up, and the
// time zone of the daily and weekly rhythm.
func detectConfig(cfg mw.AlertsConfig, bucket time.Duration, loc *time.Location) detect.Config {
	dc := detect.Config{Bucket: bucket, Location: loc}
	if cfg.Sensitivity > 0 {
		dc.Sensitivity = cfg.Sensitivity // divides the detector's thresholds
	}
	if w := cfg.Warmup.D(); w > 0 {
		dc.WarmupBuckets = max(1, int(w/bucket))
	}
	return dc
}

// Threshold is the fixed detector (alerts.detector: threshold): a series
// fires when a bucket holds at least Threshold negatives (and MinCount),
// and resolves after two buckets below half of it.
type Threshold struct {
	Threshold float64
	MinCount  float64
	state     map[string]*thState
}

type thState struct {
	firing   bool
	quiet    int
	expected float64 // EWMA of quiet buckets, for the message
	n        int
	last     time.Time
}

// Forget drops a series' state, for the judge to rebuild that series alone.
func (d *Threshold) Forget(series string) { delete(d.state, series) }

// NewThreshold returns the fixed detector for cfg.
func NewThreshold(cfg mw.AlertsConfig) *Threshold {
	t := float64(cfg.Threshold)
	if t <= 0 {
		t = 10
	}
	mc := float64(cfg.MinCount)
	if mc <= 0 {
		mc = 5
	}
	return &Threshold{Threshold: t, MinCount: mc, state: map[string]*thState{}}
}

// Step implements Detector.
func (d *Threshold) Step(series string, bucket time.Time, value, _ float64) Decision {
	s := d.state[series]
	if s == nil {
		s = &thState{}
		d.state[series] = s
	}
	if !s.last.IsZero() && !bucket.After(s.last) {
		return Decision{Firing: s.firing, Expected: s.expected}
	}
	dec := d.judge(s, value)
	s.last = bucket
	return dec
}

// Peek implements Detector: Step on a copy of the series' state. A series
// never stepped (its first bucket is the open one: a new install, or a
// brand first mentioned now) is judged from a fresh state, as Step would
// judge it when the bucket closes: a fixed threshold needs no history, so
// a burst in it fires at once rather than up to a bucket later.
func (d *Threshold) Peek(series string, bucket time.Time, value, total float64) Decision {
	var cp thState
	if s := d.state[series]; s != nil {
		if !s.last.IsZero() && !bucket.After(s.last) {
			return Decision{Firing: s.firing, Expected: s.expected}
		}
		cp = *s
	}
	return d.judge(&cp, value)
}

// judge moves s through one bucket holding value negatives.
func (d *Threshold) judge(s *thState, value float64) Decision {
	dec := Decision{Expected: s.expected, Factor: value / max(s.expected, 1), Threshold: 1}
	high := value >= d.Threshold && value >= d.MinCount
	switch {
	case high && !s.firing:
		s.firing, s.quiet = true, 0
		dec.Onset = true
	case s.firing && value < d.Threshold/2:
		s.quiet++
		if s.quiet >= 2 {
			s.firing = false
			dec.Resolved = true
		}
	case s.firing:
		s.quiet = 0
	}
	if !high {
		s.n++
		a := 1 / float64(min(s.n, 50))
		s.expected += a * (value - s.expected)
	}
	dec.Firing = s.firing
	if high {
		dec.Score = value / d.Threshold
	}
	return dec
}
