package store

import (
	"testing"
	"time"
)

// refBoundary is the plain definition of zones.go, one instant at a time:
// a bucket of a step dividing a day starts when the local clock reads a
// multiple of the step or jumps forward past one; an n-day bucket starts
// when the local date enters the next n-day run from Monday 1970-01-05.
func refBoundary(u int64, step time.Duration, loc *time.Location) bool {
	wall := func(u int64) int64 { _, off := time.Unix(u, 0).In(loc).Zone(); return u + int64(off) }
	if step < day {
		st := int64(step / time.Second)
		w, prev := wall(u), wall(u-1)
		return floorMod(w, st) == 0 || floorDiv(w, st) > floorDiv(prev, st)
	}
	n := int64(step / day)
	return dayKey(time.Unix(u, 0), n, loc) > dayKey(time.Unix(u-1, 0), n, loc)
}

// TestBucketStartMatchesDefinition checks BucketStart and NextBucket
// against refBoundary every 5 minutes (every bucket start of these zones
// falls on one) around changes of offset: daylight saving time in New York,
// Berlin, Adelaide (+9:30), Lord Howe (a 30-minute change), Havana (midnight
// repeated), Santiago (midnight skipped), Samoa's skipped day in 2011, and
// zones without changes (Jakarta, India, Nepal at +5:45).
func TestBucketStartMatchesDefinition(t *testing.T) {
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Adelaide", "Australia/Lord_Howe", "America/Havana",
		"America/Santiago", "Asia/Jakarta", "Asia/Kolkata", "Asia/Kathmandu", "UTC"}
	steps := []time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, day, 7 * day}
	type window struct {
		loc      *time.Location
		from, to int64
	}
	var windows []window
	for _, name := range zones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
		for range 2 {
			_, end := at.In(loc).ZoneBounds()
			if end.IsZero() {
				end = at.Add(100 * day)
			}
			windows = append(windows, window{loc, end.Add(-10 * day).Unix(), end.Add(10 * day).Unix()})
			at = end.Add(time.Hour)
		}
	}
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Fatal(err)
	}
	windows = append(windows, window{apia, time.Date(2011, 12, 20, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2012, 1, 10, 0, 0, 0, 0, time.UTC).Unix()})

	for _, w := range windows {
		for _, step := range steps {
			from, to := w.from, w.to
			if step < day {
				from, to = (w.from+w.to)/2-2*86400, (w.from+w.to)/2+2*86400
			}
			var last int64 = -1
			bad := 0
			for u := from - floorMod(from, 300); u < to && bad < 3; u += 300 {
				if refBoundary(u, step, w.loc) {
					if last >= 0 {
						if got := NextBucket(time.Unix(last, 0), step, w.loc).Unix(); got != u {
							t.Errorf("%s %s: NextBucket(%s) = %s; want %s", w.loc, step, fmtAt(last, w.loc), fmtAt(got, w.loc), fmtAt(u, w.loc))
							bad++
						}
					}
					last = u
				}
				if last < 0 {
					continue
				}
				for _, at := range []int64{u, u + 150} {
					if got := BucketStart(time.Unix(at, 0), step, w.loc).Unix(); got != last {
						t.Errorf("%s %s: BucketStart(%s) = %s; want %s", w.loc, step, fmtAt(at, w.loc), fmtAt(got, w.loc), fmtAt(last, w.loc))
						bad++
					}
				}
			}
			if g := FoldGrid(w.loc, time.Unix(from, 0), time.Unix(to, 0), step); g <= 0 || (step < day && step%g != 0) || day%g != 0 {
				t.Errorf("%s %s: FoldGrid = %s", w.loc, step, g)
			} else {
				gs := int64(g / time.Second)
				for u := from - floorMod(from, 300); u < to; u += 300 {
					if refBoundary(u, step, w.loc) && u%gs != 0 {
						t.Errorf("%s %s: bucket start %s is not on the fold grid of %s", w.loc, step, fmtAt(u, w.loc), g)
						break
					}
				}
			}
		}
	}
}

func fmtAt(u int64, loc *time.Location) string {
	return time.Unix(u, 0).In(loc).Format("2006-01-02 15:04:05 MST -07:00")
}

// TestFoldGrid: the widths the stores count in before folding.
func TestFoldGrid(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	for _, c := range []struct {
		zone string
		step time.Duration
		want time.Duration
	}{
		{"Asia/Jakarta", day, time.Hour},
		{"Asia/Jakarta", 7 * day, time.Hour},
		{"Asia/Kolkata", time.Hour, 30 * time.Minute},
		{"Asia/Kolkata", day, 30 * time.Minute},
		{"America/New_York", day, time.Hour},
		{"America/New_York", 6 * time.Hour, time.Hour},
		{"Asia/Kathmandu", 5 * time.Minute, 5 * time.Minute},
		{"Asia/Kathmandu", time.Hour, 15 * time.Minute},
		{"UTC", day, day},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := FoldGrid(loc, from, to, c.step); got != c.want {
			t.Errorf("FoldGrid(%s, %s) = %s; want %s", c.zone, c.step, got, c.want)
		}
	}
}

func TestCheckZoneStep(t *testing.T) {
	for _, s := range []time.Duration{time.Second, 5 * time.Minute, time.Hour, 6 * time.Hour, 8 * time.Hour, day, 2 * day, 7 * day} {
		if err := CheckZoneStep(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []time.Duration{0, -time.Hour, time.Millisecond, 7 * time.Hour, 36 * time.Hour} {
		if CheckZoneStep(s) == nil {
			t.Errorf("%s: no error", s)
		}
	}
}
