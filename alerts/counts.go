package alerts

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// Scopes of a brand's series.
const (
	ScopeBrand   = "brand"
	ScopeMention = "mention"
)

func seriesKey(brand, scope string) string { return brand + "\x1f" + scope }

func splitSeries(key string) (brand, scope string) {
	brand, scope, _ = strings.Cut(key, "\x1f")
	return brand, scope
}

// bucketOf is the start of the bucket of width d that holds t. Buckets
// are aligned to the Unix epoch, as the stores count them (SQLite divides
// milliseconds, ClickHouse seconds since 1970). time.Time.Truncate aligns
// to year 1 instead: the same for a bucket that divides a day, but a 7m,
// 11m or 25h bucket would start minutes or hours away from the store's,
// and every bucket the loop asks for would read as empty.
func bucketOf(t time.Time, d time.Duration) time.Time {
	step := d.Milliseconds()
	if step <= 0 {
		return t.Truncate(d)
	}
	ms := t.UnixMilli()
	r := ms % step
	if r < 0 {
		r += step
	}
	return time.UnixMilli(ms - r).UTC()
}

// counts is one bucket of one series: negative and all mentions.
type counts struct{ neg, total float64 }

// history is the counts per bucket of every series (a brand, and each of
// its stages and aspects), as the store holds them: mentions bucketed by
// publish time, each mention counted once however often it was collected
// (the stores count distinct ids). The loop re-reads the recent buckets
// every tick, so a late mention counts in its own bucket.
//
// A history is owned by the goroutine that calls Loop.Tick; it has no lock.
type history struct {
	st     store.Store
	bucket time.Duration
	brands []string // nil: every brand in the store

	vals   map[string]map[int64]counts // series -> bucket start (Unix s) -> counts
	first  map[string]time.Time        // brand -> first bucket with a mention
	forgot time.Time                   // the buckets before this were dropped (forget)
	// dirty is, after each read, the series whose counts it changed and
	// the earliest bucket that changed in each, so that the judges rebuild
	// those series only.
	dirty map[string]time.Time
}

// negatives is brand's negative mentions (its brand series) in the
// buckets from from up to to (exclusive): an episode's total. The
// buckets are held (an episode lasts two days at most).
func (h *history) negatives(brand string, from, to time.Time) float64 {
	var n float64
	k := seriesKey(brand, ScopeBrand)
	for b := from; b.Before(to); b = b.Add(h.bucket) {
		n += h.at(k, b).neg
	}
	return n
}

func newHistory(st store.Store, bucket time.Duration, brands []string) *history {
	return &history{st: st, bucket: bucket, brands: brands, vals: map[string]map[int64]counts{}, first: map[string]time.Time{}}
}

// read replaces the counts of the buckets in [from, to) with the store's.
// It reports the earliest bucket whose counts changed (the zero time if
// none did) and whether a series appeared that the history did not hold.
func (h *history) read(ctx context.Context, from, to time.Time) (changed time.Time, newSeries bool, err error) {
	fresh := map[string]map[int64]counts{}
	for _, g := range []string{store.GroupNone, store.GroupStage, store.GroupAspect} {
		pts, err := h.st.Series(ctx, store.SeriesQuery{Brands: h.brands, From: from, To: to, Step: h.bucket, GroupBy: g})
		if err != nil {
			return time.Time{}, false, fmt.Errorf("counting mentions per bucket: %w", err)
		}
		for _, p := range pts {
			sc := ScopeBrand
			switch g {
			case store.GroupStage:
				if p.Key == string(mw.StageUnknown) || p.Key == "" {
					continue
				}
				sc = "stage:" + p.Key
			case store.GroupAspect:
				sc = "aspect:" + p.Key
			}
			k := seriesKey(p.Brand, sc)
			if fresh[k] == nil {
				fresh[k] = map[int64]counts{}
			}
			fresh[k][p.Bucket.Unix()] = counts{neg: float64(p.Negative), total: float64(p.Count)}
		}
	}
	lo, hi := from.Unix(), to.Unix()
	h.dirty = map[string]time.Time{}
	note := func(k string, b int64) {
		t := time.Unix(b, 0).UTC()
		if changed.IsZero() || t.Before(changed) {
			changed = t
		}
		if d, ok := h.dirty[k]; !ok || t.Before(d) {
			h.dirty[k] = t
		}
	}
	for k, old := range h.vals { // a bucket that changed or emptied
		for b, c := range old {
			if b < lo || b >= hi {
				continue
			}
			if n, ok := fresh[k][b]; !ok || n != c {
				note(k, b)
			}
		}
	}
	for k, bs := range fresh { // a bucket that appeared
		for b := range bs {
			if _, ok := h.vals[k][b]; !ok {
				note(k, b)
			}
		}
	}
	for _, old := range h.vals {
		for b := range old {
			if b >= lo && b < hi {
				delete(old, b)
			}
		}
	}
	moved := map[string]bool{} // brands whose first bucket moved earlier
	for k, bs := range fresh {
		if h.vals[k] == nil {
			h.vals[k] = map[int64]counts{}
			newSeries = true
		}
		brand, _ := splitSeries(k)
		for b, c := range bs {
			h.vals[k][b] = c
			if t := time.Unix(b, 0).UTC(); h.first[brand].IsZero() || t.Before(h.first[brand]) {
				moved[brand] = moved[brand] || !h.first[brand].IsZero()
				h.first[brand] = t
			}
		}
	}
	// Every series of a brand is judged from the brand's first bucket
	// (start): when a late mention moves it earlier, each of them changes.
	for k := range h.vals {
		if brand, _ := splitSeries(k); moved[brand] {
			note(k, h.first[brand].Unix())
		}
	}
	return changed, newSeries, nil
}

// at returns the counts of series k in the bucket starting at b.
func (h *history) at(k string, b time.Time) counts { return h.vals[k][b.Unix()] }

// series lists every series held, sorted.
func (h *history) series() []string {
	out := make([]string, 0, len(h.vals))
	for k := range h.vals {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// start is the first bucket series k is judged from: its brand's first
// mention, so that a new stage or aspect of a known brand is judged
// against the brand's history rather than waiting out a warm-up.
func (h *history) start(k string) time.Time {
	brand, _ := splitSeries(k)
	return h.first[brand]
}

// forget drops the buckets before t.
func (h *history) forget(t time.Time) {
	h.forgot = t
	cut := t.Unix()
	for k, bs := range h.vals {
		for b := range bs {
			if b < cut {
				delete(bs, b)
			}
		}
		brand, _ := splitSeries(k)
		if h.first[brand].Before(t) {
			h.first[brand] = t
		}
	}
}
