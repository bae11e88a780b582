package alerts

import (
	"fmt"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/detect"
)

// drops is the drop watch (alerts.drops): each brand's volume of all
// mentions, judged for falls by its own detector (Direction Down, the same
// model and calibration as the spike detector), on closed buckets only: a
// partial bucket always looks low. An episode is an alert of kind drop,
// scope "volume". A drop is judged only while the brand's expected volume
// is at least MinPerHour, so a quiet brand's silence never alerts.
//
// Owned by the goroutine that calls Loop.Tick, like the judge.
type drops struct {
	judge      *judge
	bucket     time.Duration
	minPerHour float64
	open       map[string]*mw.Alert // brand -> firing drop
	floor      map[string]time.Time // brand -> no onset before this
}

// ScopeVolume is the scope of a drop alert: the brand's whole volume.
const ScopeVolume = "volume"

func newDrops(cfg mw.AlertsConfig, bucket time.Duration, loc *time.Location) *drops {
	minPerHour := cfg.Drops.MinPerHour
	if minPerHour <= 0 {
		minPerHour = 12
	}
	dc := detectConfig(cfg, bucket, loc)
	dc.Direction = detect.Down
	j := newJudge(func() Detector { return detect.New(dc) }, bucket)
	j.value = func(c counts) float64 { return c.total }
	j.only = func(k string) bool { _, scope := splitSeries(k); return scope == ScopeBrand }
	return &drops{judge: j, bucket: bucket, minPerHour: minPerHour, open: map[string]*mw.Alert{}, floor: map[string]time.Time{}}
}

// adopt takes a drop alert from the store (a restart).
func (d *drops) adopt(a *mw.Alert) {
	if a.Kind != mw.AlertDrop {
		return
	}
	if a.State == mw.Firing {
		d.open[a.Brand] = a
		return
	}
	if end := maxTime(a.ResolvedAt, a.StartedAt.Add(d.bucket)); end.After(d.floor[a.Brand]) {
		d.floor[a.Brand] = end
	}
}

// walk moves brand's drop episode through the closed buckets [from,
// closedEnd) and returns the alerts it created or changed.
func (d *drops) walk(h *history, brand string, horizon, closedEnd time.Time) []*mw.Alert {
	k := seriesKey(brand, ScopeBrand)
	perHour := float64(time.Hour) / float64(d.bucket)
	var changed []*mw.Alert
	if d.floor[brand].After(closedEnd) { // a clock stepped back (episodes.walk)
		d.floor[brand] = closedEnd
	}
	from := maxTime(horizon, d.floor[brand])
	if a := d.open[brand]; a != nil {
		from = maxTime(horizon, a.StartedAt)
	}
	for b := from; b.Before(closedEnd); b = b.Add(d.bucket) {
		dec := d.judge.decision(k, b)
		c := h.at(k, b)
		a := d.open[brand]
		switch {
		case a == nil:
			if dec.Onset && dec.Expected*perHour >= d.minPerHour && !b.Before(d.floor[brand]) {
				a = &mw.Alert{
					ID: ID(brand, mw.AlertDrop, b.UTC().Format(time.RFC3339)), Brand: brand, Kind: mw.AlertDrop, Scope: ScopeVolume,
					State: mw.Firing, StartedAt: b.UTC(), UpdatedAt: b.Add(d.bucket).UTC(),
				}
				d.setLow(a, c, dec)
				d.open[brand] = a
				changed = append(changed, a)
			}
		case !dec.Firing && b.After(a.StartedAt):
			end := b.Add(d.bucket)
			a.State, a.ResolvedAt, a.UpdatedAt = mw.Resolved, end.UTC(), end.UTC()
			delete(d.open, brand)
			d.floor[brand] = end
			changed = append(changed, a)
		case c.total/max(dec.Expected, 1) < a.Factor:
			d.setLow(a, c, dec)
			a.UpdatedAt = b.Add(d.bucket).UTC()
			changed = append(changed, a)
		}
	}
	return changed
}

// setLow records the drop's lowest bucket.
func (d *drops) setLow(a *mw.Alert, c counts, dec Decision) {
	a.Count, a.Baseline = c.total, dec.Expected
	a.Factor = c.total / max(dec.Expected, 1)
	a.Summary = DropWords(a.Count, a.Baseline, d.bucket)
	if dec.Slow && !dec.Onset {
		a.Summary += fmt.Sprintf("; the last hours at %.0f%% of usual", 100*dec.SlowFactor)
	}
}

// DropWords is a drop in words: "3 mentions in 5 min; usually 40–52".
func DropWords(count, expected float64, bucket time.Duration) string {
	noun := "mentions"
	if count == 1 {
		noun = "mention"
	}
	return fmt.Sprintf("%s %s in %s; %s", countWords(count), noun, durWords(bucket), usualWords(expected))
}

// DropAdvice is what a responder does about a drop.
const DropAdvice = "A source may have gone silent: check the sources panel or `mentionwatch source list` for errors and the last item collected."
