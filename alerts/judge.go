package alerts

import (
	"slices"
	"time"
)

// judge runs the detector over the history's closed buckets and keeps its
// decisions for the buckets the loop still evaluates (those after the
// horizon). The detector is sequential, so when a closed bucket's count
// changes (a late mention) or a new series appears, the judge rebuilds that
// series from the history (its series are independent): its decisions are
// then exactly those of a loop that had seen every mention on time, and of
// a restarted loop reading the same store. Otherwise it steps only the
// buckets that closed since the last tick.
//
// A judge is owned by the goroutine that calls Loop.Tick; it has no lock.
type judge struct {
	newDet func() Detector
	bucket time.Duration
	// value is what the detector judges in a bucket (default the negative
	// count); only, if set, limits the series judged.
	value func(counts) float64
	only  func(key string) bool

	det      Detector
	stepped  time.Time                     // end of the last closed bucket stepped, for every series
	forgot   time.Time                     // the history's forgot when the detector was last built
	keys     []string                      // the series the detector holds, sorted
	decs     map[int64]map[string]Decision // bucket start (Unix s) -> series -> decision
	Rebuilds int                           // rebuilds so far, of every series or of those that changed (for tests and logs)
	Steps    int                           // detector steps so far
}

func newJudge(newDet func() Detector, bucket time.Duration) *judge {
	return &judge{newDet: newDet, bucket: bucket, decs: map[int64]map[string]Decision{},
		value: func(c counts) float64 { return c.neg }}
}

// advance brings the detector to closedEnd (the end of the last closed
// bucket), keeping the decisions of buckets from keepFrom on. changed is
// the earliest bucket whose counts changed since the last call (zero if
// none); newSeries says the history holds a series the detector lacks.
//
// A change before the last bucket stepped rebuilds only the series it
// touched (the history's dirty set) and steps the new ones from their
// brand's first bucket: the detector's series are independent, so this is
// the full rebuild's result at the cost of the brands that changed, not of
// every brand. Everything is rebuilt when the history forgot its oldest
// buckets, the clock went back, or the detector cannot drop one series.
func (j *judge) advance(h *history, closedEnd, keepFrom, changed time.Time, newSeries bool) {
	stale := newSeries || (!changed.IsZero() && changed.Before(j.stepped))
	rebuild := j.det == nil || closedEnd.Before(j.stepped) || !h.forgot.Equal(j.forgot)
	if !rebuild && stale && !j.rebuildSeries(h, keepFrom) {
		rebuild = true
	}
	if rebuild {
		j.det = j.newDet()
		j.keys = h.series()
		if j.only != nil {
			j.keys = slices.DeleteFunc(j.keys, func(k string) bool { return !j.only(k) })
		}
		j.decs = map[int64]map[string]Decision{}
		j.stepped = time.Time{}
		j.forgot = h.forgot
		j.Rebuilds++
		for _, k := range j.keys {
			for b := h.start(k); b.Before(closedEnd); b = b.Add(j.bucket) {
				j.step(h, k, b, keepFrom)
			}
		}
	} else {
		for b := j.stepped; b.Before(closedEnd); b = b.Add(j.bucket) {
			for _, k := range j.keys {
				if !b.Before(h.start(k)) {
					j.step(h, k, b, keepFrom)
				}
			}
		}
	}
	j.stepped = closedEnd
	for b := range j.decs {
		if b < keepFrom.Unix() {
			delete(j.decs, b)
		}
	}
}

// rebuildSeries brings the series the last read changed before the last
// bucket stepped, and the series the detector lacks, to j.stepped, each
// from its brand's first bucket. It reports false, having changed
// nothing, when it cannot: the detector does not drop single series, or
// the history did not say which changed.
func (j *judge) rebuildSeries(h *history, keepFrom time.Time) bool {
	fg, ok := j.det.(forgetter)
	if !ok || h.dirty == nil {
		return false
	}
	held := make(map[string]bool, len(j.keys))
	for _, k := range j.keys {
		held[k] = true
	}
	var redo []string
	for _, k := range h.series() {
		if j.only != nil && !j.only(k) {
			continue
		}
		if d, ok := h.dirty[k]; !held[k] || ok && d.Before(j.stepped) {
			redo = append(redo, k)
		}
	}
	for _, k := range redo {
		fg.Forget(k)
		for _, m := range j.decs {
			delete(m, k)
		}
		for b := h.start(k); b.Before(j.stepped); b = b.Add(j.bucket) {
			j.step(h, k, b, keepFrom)
		}
		if !held[k] {
			j.keys = append(j.keys, k)
		}
	}
	slices.Sort(j.keys)
	j.Rebuilds++
	return true
}

func (j *judge) step(h *history, k string, b, keepFrom time.Time) {
	c := h.at(k, b)
	d := j.det.Step(k, b, j.value(c), c.total)
	j.Steps++
	if b.Before(keepFrom) {
		return
	}
	m := j.decs[b.Unix()]
	if m == nil {
		m = map[string]Decision{}
		j.decs[b.Unix()] = m
	}
	m[k] = d
}

// decision is the detector's verdict on series k at closed bucket b.
func (j *judge) decision(k string, b time.Time) Decision { return j.decs[b.Unix()][k] }

// peek judges series k's open bucket from its count so far.
func (j *judge) peek(h *history, k string, open time.Time) Decision {
	c := h.at(k, open)
	return j.det.Peek(k, open, j.value(c), c.total)
}
