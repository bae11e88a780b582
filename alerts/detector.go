package alerts

import (
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// Decision is a detector's verdict on one closed bucket of one series.
type Decision struct {
	Firing   bool    // an episode is active after this bucket
	Onset    bool    // this bucket started it
	Resolved bool    // this bucket ended it
	Expected float64 // the baseline for this bucket
	Factor   float64 // value / max(expected, 1)
	Score    float64 // how anomalous; comparable across series

	Slow       bool    // a sustained rise over hours (not a single-bucket burst) holds the episode
	SlowFactor float64 // that rise against the baseline
}

// Detector judges series of negative counts, bucket by bucket. It is pure:
// it takes the bucket time as an argument and does no I/O, so the loop can
// warm it from the store and the eval can replay files through it.
type Detector interface {
	// Step feeds the closed bucket of one series: value is the negative
	// count, total all mentions (0 if unknown). Buckets of a series arrive
	// in order; the caller feeds zeros for empty buckets.
	Step(series string, bucket time.Time, value, total float64) Decision
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
}

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
func (d *Threshold) Step(series string, _ time.Time, value, _ float64) Decision {
	s := d.state[series]
	if s == nil {
		s = &thState{}
		d.state[series] = s
	}
	dec := Decision{Expected: s.expected, Factor: value / max(s.expected, 1)}
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
