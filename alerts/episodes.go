package alerts

import (
	"fmt"
	"sort"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// episodes is the lifecycle of spike alerts, one open episode per brand at
// most. An episode opens at a bucket where the detector starts an episode
// (Onset) in one of the brand's series with at least one negative mention,
// on a closed bucket or, for a fast response, on the open bucket's count so
// far; it takes a higher peak while any series fires; it resolves at the
// first closed bucket where none fires.
//
// Every tick re-walks the buckets after the horizon (and after the open
// episode's start, or the last episode's end), so a late mention that
// makes a bucket surprising opens an episode when it is read, and a
// decision already taken is never taken twice: an episode's id is its
// brand and first bucket, and no episode opens before the end of the
// brand's last one.
//
// episodes is owned by the goroutine that calls Loop.Tick; it has no lock.
type episodes struct {
	bucket time.Duration
	open   map[string]*mw.Alert // brand -> firing spike episode
	floor  map[string]time.Time // brand -> no onset before this (the last episode's end)
}

func newEpisodes(bucket time.Duration) *episodes {
	return &episodes{bucket: bucket, open: map[string]*mw.Alert{}, floor: map[string]time.Time{}}
}

// adopt takes an episode from the store (a restart): a firing one is
// resumed, a resolved one keeps new onsets after its end.
func (e *episodes) adopt(a *mw.Alert) {
	if a.Kind != mw.AlertSpike {
		return
	}
	if a.State == mw.Firing {
		if cur := e.open[a.Brand]; cur == nil || a.StartedAt.After(cur.StartedAt) {
			e.open[a.Brand] = a
		}
		return
	}
	end := maxTime(a.ResolvedAt, a.StartedAt.Add(e.bucket))
	if end.After(e.floor[a.Brand]) {
		e.floor[a.Brand] = end
	}
}

// seriesDecision is one series' verdict and counts in one bucket.
type seriesDecision struct {
	scope string
	d     Decision
	c     counts
}

// view is what the episodes see of one bucket of one brand.
type view func(brand string, b time.Time) []seriesDecision

// walk moves brand's episode through the closed buckets [from, closedEnd)
// and then the open bucket (judged by peek, nil to wait for buckets to
// close). It returns the alerts it created or changed.
func (e *episodes) walk(brand string, horizon, closedEnd time.Time, closed, peek view, summary func(*mw.Alert, *seriesDecision)) []*mw.Alert {
	var changed []*mw.Alert
	note := func(a *mw.Alert) {
		for _, c := range changed {
			if c == a {
				return
			}
		}
		changed = append(changed, a)
	}
	if e.floor[brand].After(closedEnd) {
		// The last episode ended after the open bucket: a tick whose
		// clock ran ahead resolved it, and the clock was stepped back
		// since. Kept, it would bar every onset until the wall clock
		// reaches it.
		e.floor[brand] = closedEnd
	}
	from := maxTime(horizon, e.floor[brand])
	if ep := e.open[brand]; ep != nil {
		from = maxTime(horizon, ep.StartedAt)
	}
	for b := from; b.Before(closedEnd); b = b.Add(e.bucket) {
		sds := closed(brand, b)
		end := b.Add(e.bucket)
		ep := e.open[brand]
		switch {
		case ep == nil:
			if on := onset(sds); on != nil && !b.Before(e.floor[brand]) {
				ep = e.start(brand, b, on, sds, summary)
				note(ep)
			}
		case !anyFiring(sds) && b.After(ep.StartedAt):
			ep.State, ep.ResolvedAt, ep.UpdatedAt = mw.Resolved, end.UTC(), end.UTC()
			if rebaselined(sds) {
				ep.Reason = NewNormalReason
			}
			delete(e.open, brand)
			e.floor[brand] = end
			note(ep)
		default:
			if best := peak(sds); best != nil && best.c.neg > ep.Count {
				e.setPeak(ep, best, sds, summary)
				ep.UpdatedAt = end.UTC()
				note(ep)
			}
		}
	}
	if peek == nil {
		return changed
	}
	sds := peek(brand, closedEnd)
	switch ep := e.open[brand]; {
	case ep == nil:
		if on := onset(sds); on != nil && !closedEnd.Before(e.floor[brand]) {
			note(e.start(brand, closedEnd, on, sds, summary))
		}
	default:
		if best := peak(sds); best != nil && best.c.neg > ep.Count {
			e.setPeak(ep, best, sds, summary)
			ep.UpdatedAt = closedEnd.UTC()
			note(ep)
		}
	}
	return changed
}

// start opens brand's episode at bucket b.
func (e *episodes) start(brand string, b time.Time, on *seriesDecision, sds []seriesDecision, summary func(*mw.Alert, *seriesDecision)) *mw.Alert {
	a := &mw.Alert{
		ID: ID(brand, mw.AlertSpike, b.UTC().Format(time.RFC3339)), Brand: brand, Kind: mw.AlertSpike,
		State: mw.Firing, StartedAt: b.UTC(), UpdatedAt: b.Add(e.bucket).UTC(),
	}
	e.setPeak(a, on, sds, summary)
	e.open[brand] = a
	return a
}

func (e *episodes) setPeak(a *mw.Alert, sd *seriesDecision, sds []seriesDecision, summary func(*mw.Alert, *seriesDecision)) {
	a.Scope = sd.scope
	a.Count, a.Baseline = sd.c.neg, sd.d.Expected
	a.Factor = sd.c.neg / max(sd.d.Expected, 1)
	a.NegShare = 0
	if sd.c.total > 0 {
		a.NegShare = sd.c.neg / sd.c.total
	}
	a.Breakdown = map[string]uint64{}
	for _, x := range sds {
		if x.scope != ScopeBrand && x.c.neg > 0 {
			a.Breakdown[x.scope] = uint64(x.c.neg)
		}
	}
	summary(a, sd)
}

// onset is the series that starts an episode in this bucket: the
// detector's onset with the highest score (the most specific scope on a
// tie), never one without a negative mention.
func onset(sds []seriesDecision) *seriesDecision {
	return best(sds, func(sd *seriesDecision) bool { return sd.d.Onset && sd.c.neg >= 1 })
}

// peak is the firing series with the highest score.
func peak(sds []seriesDecision) *seriesDecision {
	return best(sds, func(sd *seriesDecision) bool { return sd.d.Firing && sd.c.neg >= 1 })
}

func anyFiring(sds []seriesDecision) bool {
	for _, sd := range sds {
		if sd.d.Firing {
			return true
		}
	}
	return false
}

func best(sds []seriesDecision, ok func(*seriesDecision) bool) *seriesDecision {
	var b *seriesDecision
	for i := range sds {
		sd := &sds[i]
		if !ok(sd) {
			continue
		}
		if b == nil || sd.d.Score > b.d.Score || (sd.d.Score == b.d.Score && specificity(sd.scope) > specificity(b.scope)) {
			b = sd
		}
	}
	return b
}

// specificity prefers "aspect:delivery" over "stage:amot" over "brand"
// when the detector scores them alike.
func specificity(scope string) int {
	switch {
	case strings.HasPrefix(scope, "aspect:"):
		return 2
	case strings.HasPrefix(scope, "stage:"):
		return 1
	}
	return 0
}

// spikeSummary is the one-line summary of a spike at its peak.
func spikeSummary(bucket time.Duration) func(*mw.Alert, *seriesDecision) {
	return func(a *mw.Alert, sd *seriesDecision) {
		a.Summary = ScopeLabel(sd.scope) + ": " + BaselineWords(a.Count, a.Baseline, bucket)
		if sd.d.Slow && !sd.d.Onset {
			a.Summary += fmt.Sprintf("; a sustained rise over the last hours (×%.1f)", sd.d.SlowFactor)
		}
	}
}

// brandsOf lists the brands of the series keys, sorted.
func brandsOf(keys []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range keys {
		b, _ := splitSeries(k)
		if !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
	}
	sort.Strings(out)
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// closedReason is the Reason of a spike or drop episode an operator
// resolved in the dashboard while the loop still held it open: its
// message must not read as the wave's end. The dashboard's resolve
// acknowledges at the same instant when nobody had, so who closed it is
// known then.
func closedReason(a *mw.Alert) string {
	switch {
	case a.AckedBy != "" && a.AckedAt.Equal(a.ResolvedAt):
		return "closed by " + a.AckedBy + " in the dashboard while it still fired"
	case a.AckedBy != "":
		return "closed in the dashboard while it still fired (acknowledged by " + a.AckedBy + ")"
	}
	return "closed in the dashboard while it still fired"
}

// NewNormalReason is a spike episode's Reason when it resolved because it
// lasted the detector's MaxEpisode: the level it reached is the baseline
// from now on, so it does not alert again, but it has not gone away.
const NewNormalReason = "still above the usual level after 2 days: that level is now the baseline, and only a further rise alerts"

// rebaselined says whether any series of a bucket ended its episode as a
// new normal.
func rebaselined(sds []seriesDecision) bool {
	for _, sd := range sds {
		if sd.d.Rebaselined {
			return true
		}
	}
	return false
}
