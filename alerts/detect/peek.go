package detect

import (
	"math"
	"time"
)

// Peek judges the open bucket of a series from its count so far, without
// changing any state: it answers "if the bucket closed now with this count,
// would an episode start?". The alert loop calls it between closed buckets
// so that a burst fires as soon as its partial count is already
// surprising, instead of waiting for the bucket to close. A partial count
// can only understate the bucket, so a Peek that fires is never premature
// under the detector's own model.
func (d *Detector) Peek(name string, bucket time.Time, value, total float64) Decision {
	if d.members != nil {
		return d.decide(name, bucket, value, total, true)
	}
	s := d.series[name]
	if s == nil {
		return Decision{}
	}
	if s.n > 0 && !bucket.After(s.last) {
		return s.current()
	}
	cp := *s // series is a value of fixed-size arrays: the copy is the state
	if math.IsNaN(value) || math.IsInf(value, 0) {
		value = 0
	}
	if !(total > 0) {
		total = 0
	}
	if s.n > 0 {
		d.fillGap(&cp, bucket)
	}
	return d.step(&cp, bucket, value, total)
}
