package clickhouse

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestZonedSeriesReadKeptHours: days in a whole-hour zone (Jakarta) add up
// the kept hourly counts, as the dashboard's UTC buckets do; hours in
// India (+5:30) cannot, and count from mentions. A kept row that
// disagrees with mentions tells which was read.
func TestZonedSeriesReadKeptHours(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	mustInsert(t, s, mention("acme", "1", 5*time.Minute, mw.Negative, mw.AMOT),
		mention("acme", "2", 6*time.Minute, mw.Positive, mw.AMOT))
	inserted := queryUint(t, s, "SELECT sum(rows) FROM mentions_hourly_rows WHERE brand = 'acme'")
	if err := s.insertRows(ctx, tableHourDistinct, hourDistinctColumns, [][]any{
		{"acme", t0.Unix(), "", uint8(1), "", inserted, uint64(7), uint64(5)},
	}); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2024, 5, 5, 17, 0, 0, 0, time.UTC) // 6 May 00:00 WIB
	got, err := s.Series(ctx, store.SeriesQuery{Brands: []string{"acme"}, From: day, To: day.Add(24 * time.Hour), Step: 24 * time.Hour, Zone: jakarta})
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.SeriesPoint{{Bucket: day, Brand: "acme", Count: 7, Negative: 5}}; !cmp.Equal(want, got) {
		t.Errorf("Jakarta day: %+v, want the kept count %+v", got, want)
	}
	hour := t0.Add(-30 * time.Minute) // 15:00 IST
	got, err = s.Series(ctx, store.SeriesQuery{Brands: []string{"acme"}, From: hour, To: hour.Add(2 * time.Hour), Step: time.Hour, Zone: kolkata})
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.SeriesPoint{{Bucket: hour, Brand: "acme", Count: 2, Negative: 1}}; !cmp.Equal(want, got) {
		t.Errorf("Kolkata hour: %+v, want the count of mentions %+v", got, want)
	}
}

// TestZonedSeriesSplitHours: in a half-hour zone, steps of an hour or
// more add up the kept hours and count from mentions only the hours a
// local bucket starts inside (India's midnight at 18:30 UTC; Adelaide's
// across its change of daylight saving time, 7 April 2024). The answers
// equal a count of the whole range from mentions, folded the same way,
// and a kept hour that disagrees with mentions shows which was read.
func TestZonedSeriesSplitHours(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	var ms []mw.Mention
	start := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	labels := []mw.Label{mw.Negative, mw.Positive, mw.Neutral}
	aspects := []string{"delivery", "price", "service"}
	for i := 0; i < 20*24*60/7; i++ { // one every 7 minutes for 20 days
		m := mention("acme", fmt.Sprintf("z%d", i), 0, labels[i%3], mw.AMOT, aspects[i%3])
		m.Published = start.Add(time.Duration(i) * 7 * time.Minute)
		ms = append(ms, m)
	}
	mustInsert(t, s, ms...)
	for _, zone := range []string{"Asia/Kolkata", "Australia/Adelaide"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []time.Duration{time.Hour, 6 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour} {
			for i, group := range []string{store.GroupNone, store.GroupLabel, store.GroupAspect} {
				// Whole hours, and the dashboard's range: from a local
				// midnight (18:30 UTC in India) to a minute.
				from, to := start.Add(2*time.Hour), start.Add(18*24*time.Hour)
				if i > 0 {
					from, to = store.BucketStart(start.Add(26*time.Hour), step, loc), start.Add(17*24*time.Hour+18*time.Hour+37*time.Minute)
				}
				q := store.SeriesQuery{Brands: []string{"acme"}, From: from, To: to, Step: step, Zone: loc, GroupBy: group}
				fine := q
				fine.Zone, fine.Step = nil, store.FoldGrid(loc, q.From, q.To, step)
				raw, err := s.seriesRaw(ctx, fine)
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.Series(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(store.FoldSeries(q, raw), got); diff != "" {
					t.Errorf("%s, step %s, group %q (-mentions +split):\n%s", zone, step, group, diff)
				}
			}
		}
	}
	// Without a zone, a range that starts and ends inside hours (the
	// dashboard's breakdowns over India's days) reads the kept whole hours
	// and counts its ends from mentions.
	for _, step := range []time.Duration{0, time.Hour, 6 * time.Hour, 24 * time.Hour} {
		for _, group := range []string{store.GroupNone, store.GroupStage, store.GroupAspect} {
			for _, r := range [][2]time.Duration{{18*time.Hour + 30*time.Minute, 10*24*time.Hour + 18*time.Hour + 30*time.Minute}, {7 * time.Minute, 50 * time.Minute}, {7 * time.Minute, 2 * time.Hour}} {
				q := store.SeriesQuery{Brands: []string{"acme"}, From: start.Add(r[0]), To: start.Add(r[1]), Step: step, GroupBy: group}
				keptMatchesRaw(t, s, q, fmt.Sprintf("no zone, step %s, group %q, %s to %s", step, group, q.From, q.To))
			}
		}
	}

	// A kept hour that disagrees: 10:00-11:00 UTC on 3 April is inside
	// India's day, so the day reads it; 18:00-19:00 UTC holds India's
	// midnight and is counted from mentions. A brand of its own, whose
	// hours nothing has read (and kept) yet.
	var gs []mw.Mention
	for _, m := range ms {
		m.Brand = "globex"
		m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
		gs = append(gs, m)
	}
	mustInsert(t, s, gs...)
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	day := time.Date(2024, 4, 2, 18, 30, 0, 0, time.UTC) // 3 April 00:00 IST
	q := store.SeriesQuery{Brands: []string{"globex"}, From: day.Add(-30 * time.Minute), To: day.Add(24*time.Hour + 30*time.Minute), Step: 24 * time.Hour, Zone: kolkata}
	fine := q
	fine.Zone, fine.Step = nil, 30*time.Minute
	raw, err := s.seriesRaw(ctx, fine)
	if err != nil {
		t.Fatal(err)
	}
	want := store.FoldSeries(q, raw)
	for _, h := range []time.Time{time.Date(2024, 4, 3, 10, 0, 0, 0, time.UTC), time.Date(2024, 4, 3, 18, 0, 0, 0, time.UTC)} {
		inserted := queryUint(t, s, fmt.Sprintf("SELECT sum(rows) FROM mentions_hourly_rows WHERE brand = 'globex' AND hour = toDateTime(%d)", h.Unix()))
		if err := s.insertRows(ctx, tableHourDistinct, hourDistinctColumns, [][]any{
			{"globex", h.Unix(), "", uint8(1), "", inserted, uint64(1000), uint64(0)},
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range gs {
		if !m.Published.Before(time.Date(2024, 4, 3, 10, 0, 0, 0, time.UTC)) && m.Published.Before(time.Date(2024, 4, 3, 11, 0, 0, 0, time.UTC)) {
			want[1].Count--
			if m.Label == mw.Negative {
				want[1].Negative--
			}
		}
	}
	want[1].Count += 1000
	got, err := s.Series(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("India's days with two disagreeing kept hours: want the day of 3 April to read the kept 10:00 hour, and 18:00-19:00 counted from mentions (-want +got):\n%s", diff)
	}
	// The dashboard's own shapes: the day from India's midnight, in the
	// zone and as one total (its breakdowns).
	for _, step := range []time.Duration{24 * time.Hour, 0} {
		q := store.SeriesQuery{Brands: []string{"globex"}, From: day, To: day.Add(24 * time.Hour), Step: step}
		if step > 0 {
			q.Zone = kolkata
		}
		got, err := s.Series(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Bucket != day || got[0].Count != want[1].Count || got[0].Negative != want[1].Negative {
			t.Errorf("India's day of 3 April, step %s: %+v, want %+v (the kept 10:00 hour read)", step, got, want[1])
		}
	}
}
