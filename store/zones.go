package store

import (
	"fmt"
	"sort"
	"time"
)

// Buckets in a time zone (SeriesQuery.Zone).
//
// Without a zone, Series buckets are Step wide and aligned to the Unix
// epoch: what the alert loop's detector needs. With one, they follow the
// zone's wall clock, which is what a reader of the dashboard expects:
//
//   - A step that divides a day (5m, 1h, 6h) starts a bucket whenever the
//     local clock reads a multiple of the step after midnight, or jumps
//     forward past one. In India (+5:30) hours start at :30 UTC; when New
//     York springs forward, the 6-hour bucket from midnight to 06:00 is 5
//     hours long; when it falls back, 01:00 EDT and 01:00 EST start two
//     hourly buckets and the first 6-hour bucket is 7 hours long.
//   - A step of whole days starts at local midnight (the first instant of
//     a local date, whenever the clock skips or repeats midnight): a day is
//     a calendar day, 23 or 25 hours long across a change of daylight
//     saving time. N-day buckets count whole local days from Monday
//     1970-01-05, so a step of 7 days is the ISO week, Monday to Sunday.
//   - Other steps (7h, 36h) are an error with a zone.
//
// The zone rules are Go's (the time zone database the program loads), in
// both stores: neither the zone nor its rules reach SQL. The stores count
// in UTC-aligned buckets fine enough that each lies inside one local bucket
// (FoldGrid) and add them up (FoldSeries).

const day = 24 * time.Hour

// mondayDays is 1970-01-05, the first Monday after the Unix epoch, in days
// since the epoch.
const mondayDays = 4

// CheckZoneStep reports whether step can be used with a zone.
func CheckZoneStep(step time.Duration) error {
	if step > 0 && step%time.Second == 0 && (step%day == 0 || day%step == 0) {
		return nil
	}
	return fmt.Errorf("step %s in a time zone: want whole seconds that divide a day (5m, 1h, 6h) or whole days (24h, 168h)", step)
}

// BucketStart returns the start of the bucket of step holding t in loc
// (CheckZoneStep(step) must hold), in UTC.
func BucketStart(t time.Time, step time.Duration, loc *time.Location) time.Time {
	if step < day {
		return wallStart(t.Unix(), int64(step/time.Second), loc)
	}
	s := dayStart(t.Unix(), loc)
	n := int64(step / day)
	if n == 1 {
		return s
	}
	k := dayKey(s, n, loc)
	for i := int64(0); i < n+2; i++ { // back to the key's first day (dates may be skipped)
		p := dayStart(s.Unix()-1, loc)
		if dayKey(p, n, loc) != k {
			break
		}
		s = p
	}
	return s
}

// NextBucket returns the start of the bucket after the one starting at b
// (a bucket start of step in loc), in UTC.
func NextBucket(b time.Time, step time.Duration, loc *time.Location) time.Time {
	wall := int64(min(step, day) / time.Second)
	u := b.Unix()
	for range 1000 {
		u = wallNext(u, wall, loc)
		if s := BucketStart(time.Unix(u, 0), step, loc); s.Unix() == u {
			return s
		}
	}
	return b.Add(step) // not reached with real zones
}

// Buckets lists the starts of the buckets of step in loc that overlap
// [from, to), the first at or before from.
func Buckets(from, to time.Time, step time.Duration, loc *time.Location) []time.Time {
	var out []time.Time
	for b := BucketStart(from, step, loc); b.Before(to); b = NextBucket(b, step, loc) {
		out = append(out, b)
	}
	return out
}

// dayKey numbers the n-day bucket holding the local date of t.
func dayKey(t time.Time, n int64, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	return floorDiv(days-mondayDays, n)
}

// dayStart is the first instant of the local date holding Unix second u:
// midnight, or the instant the clock jumped past it, and the first
// midnight when the clock repeats it.
func dayStart(u int64, loc *time.Location) time.Time {
	s := wallStart(u, 86400, loc)
	for range 4 {
		p := time.Unix(s.Unix()-1, 0).In(loc)
		py, pm, pd := p.Date()
		if sy, sm, sd := s.In(loc).Date(); py != sy || pm != sm || pd != sd {
			break
		}
		s = wallStart(p.Unix(), 86400, loc)
	}
	return s
}

// wallStart is the last bucket start at or before Unix second u for a step
// of st seconds that divides a day: the last instant the clock read a
// multiple of st, or jumped forward past one.
func wallStart(u, st int64, loc *time.Location) time.Time {
	for range 64 {
		at := time.Unix(u, 0).In(loc)
		_, off := at.Zone()
		start, _ := at.ZoneBounds()
		c := u - floorMod(u+int64(off), st)
		if start.IsZero() || c >= start.Unix() {
			return time.Unix(c, 0).UTC()
		}
		// No multiple in this offset's stretch up to u: its start is a
		// bucket start when the clock jumped forward past a multiple.
		ps := start.Unix()
		_, prev := time.Unix(ps-1, 0).In(loc).Zone()
		before, after := ps+int64(prev), ps+int64(off)
		if after > before && after-floorMod(after, st) >= before {
			return start.UTC()
		}
		u = ps - 1
	}
	_, off := time.Unix(u, 0).In(loc).Zone()
	return time.Unix(u-floorMod(u+int64(off), st), 0).UTC()
}

// wallNext is the first wall-clock bucket start after Unix second u for a
// step of st seconds that divides a day.
func wallNext(u, st int64, loc *time.Location) int64 {
	for range 64 {
		at := time.Unix(u, 0).In(loc)
		_, off := at.Zone()
		_, end := at.ZoneBounds()
		c := u + st - floorMod(u+int64(off), st)
		if end.IsZero() || c < end.Unix() {
			return c
		}
		e := end.Unix()
		if wallStart(e, st, loc).Unix() == e {
			return e
		}
		u = e
	}
	return u + st
}

// FoldGrid returns the widest width w (dividing a day) such that every
// UTC-aligned bucket [k*w, (k+1)*w) between from and to lies inside one
// bucket of step in loc: the greatest common divisor of the step (a day
// for longer steps), the zone's UTC offsets and the instants its offset
// changes. An hour for whole-hour zones with days or hours, 30 minutes
// for India's hours.
func FoldGrid(loc *time.Location, from, to time.Time, step time.Duration) time.Duration {
	g := int64(min(step, day) / time.Second)
	u, end := from.Add(-2*day).Unix(), to.Add(day).Unix()
	for i := 0; i < 100000 && g > 1; i++ {
		at := time.Unix(u, 0).In(loc)
		_, off := at.Zone()
		g = gcd(g, int64(off))
		_, e := at.ZoneBounds()
		if e.IsZero() || e.Unix() >= end {
			break
		}
		u = e.Unix()
		g = gcd(g, u)
	}
	return time.Duration(g) * time.Second
}

// FoldSeries adds up points of UTC-aligned buckets (of a width FoldGrid
// gives for q) into q's buckets in q.Zone, ordered by bucket, brand and
// key as Series returns them.
func FoldSeries(q SeriesQuery, pts []SeriesPoint) []SeriesPoint {
	type key struct {
		bucket     int64
		brand, key string
	}
	starts := map[int64]int64{}
	sums := map[key]*SeriesPoint{}
	for _, p := range pts {
		fine := p.Bucket.Unix()
		b, ok := starts[fine]
		if !ok {
			b = BucketStart(p.Bucket, q.Step, q.Zone).Unix()
			starts[fine] = b
		}
		k := key{b, p.Brand, p.Key}
		if s := sums[k]; s != nil {
			s.Count += p.Count
			s.Negative += p.Negative
			continue
		}
		sums[k] = &SeriesPoint{Bucket: time.Unix(b, 0).UTC(), Brand: p.Brand, Key: p.Key, Count: p.Count, Negative: p.Negative}
	}
	out := make([]SeriesPoint, 0, len(sums))
	for _, s := range sums {
		out = append(out, *s)
	}
	SortPoints(out)
	return out
}

// SortPoints orders series points as both stores return them: by
// bucket, then brand, then key.
func SortPoints(out []SeriesPoint) {
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Bucket.Equal(out[j].Bucket) {
			return out[i].Bucket.Before(out[j].Bucket)
		}
		if out[i].Brand != out[j].Brand {
			return out[i].Brand < out[j].Brand
		}
		return out[i].Key < out[j].Key
	})
}

func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

func floorDiv(a, b int64) int64 { return (a - floorMod(a, b)) / b }

func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
