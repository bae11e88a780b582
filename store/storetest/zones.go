package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// runZones checks Series in a time zone (SeriesQuery.Zone): buckets
// follow the zone's wall clock, the same in every store, and a query
// without a zone keeps its buckets aligned to the Unix epoch (the alert
// loop's).
func runZones(t *testing.T, open Opener) {
	t.Run("SeriesJakartaDays", func(t *testing.T) { testSeriesJakartaDays(t, open) })
	t.Run("SeriesKolkataHours", func(t *testing.T) { testSeriesKolkataHours(t, open) })
	t.Run("SeriesAcrossDST", func(t *testing.T) { testSeriesAcrossDST(t, open) })
	t.Run("SeriesZonesAsGo", func(t *testing.T) { testSeriesZonesAsGo(t, open) })
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(y int, m time.Month, d, h, min, sec int) time.Time {
	return time.Date(y, m, d, h, min, sec, 0, time.UTC)
}

// seriesOK runs q, failing the test on an error.
func seriesOK(t *testing.T, s store.Store, q store.SeriesQuery) []store.SeriesPoint {
	t.Helper()
	got, err := s.Series(ctx, q)
	if err != nil {
		t.Fatalf("Series(%+v): %v", q, err)
	}
	return got
}

func pt(at time.Time, brand, key string, n, neg uint64) store.SeriesPoint {
	return store.SeriesPoint{Bucket: at, Brand: brand, Key: key, Count: n, Negative: neg}
}

// testSeriesJakartaDays: a Jakarta (UTC+7) day runs from 17:00 UTC the day
// before, whichever way a store counts (ClickHouse's kept hours for whole
// hours, its raw table otherwise); without a zone days stay UTC days.
func testSeriesJakartaDays(t *testing.T, open Opener) {
	s := open(t)
	jkt := zone(t, "Asia/Jakarta")
	j2 := Mention("acme", "j2", utc(2026, 3, 1, 17, 0, 0), mw.Negative) // Monday 2 March 00:00 WIB
	insert(t, s,
		Mention("acme", "j1", utc(2026, 3, 1, 16, 59, 59), mw.Neutral), // Sunday 1 March 23:59:59 WIB
		j2,
		Mention("acme", "j3", utc(2026, 3, 2, 10, 0, 0), mw.Positive),   // 2 March 17:00 WIB
		Mention("acme", "j4", utc(2026, 3, 2, 16, 30, 0), mw.Negative),  // 2 March 23:30 WIB
		Mention("acme", "j5", utc(2026, 3, 2, 17, 0, 0), mw.Neutral),    // 3 March 00:00 WIB
		Mention("globex", "g1", utc(2026, 3, 2, 12, 0, 0), mw.Negative), // 2 March 19:00 WIB
	)
	insert(t, s, j2) // written twice, counted once

	mar1, mar2, mar3 := utc(2026, 2, 28, 17, 0, 0), utc(2026, 3, 1, 17, 0, 0), utc(2026, 3, 2, 17, 0, 0) // local midnights
	q := store.SeriesQuery{Brands: []string{"acme", "globex"}, From: mar1, To: utc(2026, 3, 3, 17, 0, 0), Step: 24 * time.Hour, Zone: jkt}
	want := []store.SeriesPoint{pt(mar1, "acme", "", 1, 0), pt(mar2, "acme", "", 3, 2), pt(mar2, "globex", "", 1, 1), pt(mar3, "acme", "", 1, 0)}
	for _, pass := range []string{"first read", "second read", "from mid-hour"} {
		if pass == "from mid-hour" {
			q.From = mar1.Add(30 * time.Second)
		}
		if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
			t.Errorf("Jakarta days, %s (-want +got):\n%s", pass, diff)
		}
	}

	q = store.SeriesQuery{Brands: []string{"acme"}, From: mar1, To: mar3.Add(24 * time.Hour), Step: 24 * time.Hour, Zone: jkt, GroupBy: store.GroupLabel}
	want = []store.SeriesPoint{pt(mar1, "acme", "neutral", 1, 0), pt(mar2, "acme", "negative", 2, 2), pt(mar2, "acme", "positive", 1, 0),
		pt(mar3, "acme", "neutral", 1, 0)}
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("Jakarta days by label (-want +got):\n%s", diff)
	}

	// No bounds: the stores close the range themselves.
	q = store.SeriesQuery{Brands: []string{"acme"}, Step: 24 * time.Hour, Zone: jkt}
	want = []store.SeriesPoint{pt(mar1, "acme", "", 1, 0), pt(mar2, "acme", "", 3, 2), pt(mar3, "acme", "", 1, 0)}
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("Jakarta days, no From or To (-want +got):\n%s", diff)
	}

	// A week is Monday to Sunday, local: j1 (Sunday night) is last week's.
	q = store.SeriesQuery{Brands: []string{"acme"}, From: utc(2026, 2, 22, 17, 0, 0), To: utc(2026, 3, 8, 17, 0, 0), Step: 7 * 24 * time.Hour, Zone: jkt}
	want = []store.SeriesPoint{pt(utc(2026, 2, 22, 17, 0, 0), "acme", "", 1, 0), pt(mar2, "acme", "", 4, 2)}
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("Jakarta weeks (-want +got):\n%s", diff)
	}

	// Without a zone (the alert loop): UTC days, as before zones existed.
	q = store.SeriesQuery{Brands: []string{"acme"}, From: utc(2026, 3, 1, 0, 0, 0), To: utc(2026, 3, 3, 0, 0, 0), Step: 24 * time.Hour}
	want = []store.SeriesPoint{pt(utc(2026, 3, 1, 0, 0, 0), "acme", "", 2, 1), pt(utc(2026, 3, 2, 0, 0, 0), "acme", "", 3, 1)}
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("no zone: UTC days (-want +got):\n%s", diff)
	}
	q.Zone = time.UTC
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("zone UTC: the same days (-want +got):\n%s", diff)
	}
	// One bucket (Step 0) is the whole range, reported at From, zone or not.
	q = store.SeriesQuery{Brands: []string{"acme"}, From: mar2, To: mar3, Zone: jkt}
	if diff := cmp.Diff([]store.SeriesPoint{pt(mar2, "acme", "", 3, 2)}, seriesOK(t, s, q)); diff != "" {
		t.Errorf("one bucket in a zone (-want +got):\n%s", diff)
	}
	for _, step := range []time.Duration{7 * time.Hour, 36 * time.Hour, 1500 * time.Millisecond} {
		if _, err := s.Series(ctx, store.SeriesQuery{From: mar1, To: mar3, Step: step, Zone: jkt}); err == nil {
			t.Errorf("step %s in a zone: no error", step)
		}
	}
}

// testSeriesKolkataHours: India (UTC+5:30) hours start at :30 UTC; so do
// its days (18:30 UTC).
func testSeriesKolkataHours(t *testing.T, open Opener) {
	s := open(t)
	ist := zone(t, "Asia/Kolkata")
	insert(t, s,
		Mention("acme", "k1", utc(2026, 3, 2, 9, 29, 59), mw.Neutral), // 14:59:59 IST
		Mention("acme", "k2", utc(2026, 3, 2, 9, 30, 0), mw.Neutral),  // 15:00 IST
		Mention("acme", "k3", utc(2026, 3, 2, 9, 45, 0), mw.Negative),
		Mention("acme", "k4", utc(2026, 3, 2, 10, 29, 0), mw.Positive),
		Mention("acme", "k5", utc(2026, 3, 2, 10, 30, 0), mw.Negative), // 16:00 IST
		Mention("acme", "k6", utc(2026, 3, 2, 18, 30, 0), mw.Negative), // 3 March 00:00 IST
	)
	want := []store.SeriesPoint{pt(utc(2026, 3, 2, 8, 30, 0), "acme", "", 1, 0), pt(utc(2026, 3, 2, 9, 30, 0), "acme", "", 3, 1),
		pt(utc(2026, 3, 2, 10, 30, 0), "acme", "", 1, 1)}
	for _, from := range []time.Time{utc(2026, 3, 2, 8, 30, 0), utc(2026, 3, 2, 9, 0, 0).Add(-time.Hour)} {
		q := store.SeriesQuery{Brands: []string{"acme"}, From: from, To: utc(2026, 3, 2, 11, 0, 0), Step: time.Hour, Zone: ist}
		if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
			t.Errorf("Kolkata hours from %s (-want +got):\n%s", from.Format(time.RFC3339), diff)
		}
	}
	q := store.SeriesQuery{From: utc(2026, 3, 1, 18, 30, 0), To: utc(2026, 3, 3, 18, 30, 0), Step: 24 * time.Hour, Zone: ist, GroupBy: store.GroupBrand}
	want = []store.SeriesPoint{pt(utc(2026, 3, 1, 18, 30, 0), "acme", "acme", 5, 2), pt(utc(2026, 3, 2, 18, 30, 0), "acme", "acme", 1, 1)}
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("Kolkata days (-want +got):\n%s", diff)
	}
	// Without a zone, hours are UTC hours.
	q = store.SeriesQuery{Brands: []string{"acme"}, From: utc(2026, 3, 2, 9, 0, 0), To: utc(2026, 3, 2, 11, 0, 0), Step: time.Hour}
	want = []store.SeriesPoint{pt(utc(2026, 3, 2, 9, 0, 0), "acme", "", 3, 1), pt(utc(2026, 3, 2, 10, 0, 0), "acme", "", 2, 1)}
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("no zone: UTC hours (-want +got):\n%s", diff)
	}
}

// testSeriesAcrossDST: a day is a calendar day, 23 hours when New York
// springs forward and 25 when it falls back; the hour repeated in autumn
// is two hourly buckets; Berlin's 6-hour bucket holding the spring change
// runs from local midnight to 06:00, 5 hours.
func testSeriesAcrossDST(t *testing.T, open Opener) {
	s := open(t)
	nyc, ber := zone(t, "America/New_York"), zone(t, "Europe/Berlin")
	insert(t, s,
		Mention("acme", "n1", utc(2026, 3, 8, 4, 30, 0), mw.Neutral),    // 7 March 23:30 EST
		Mention("acme", "n2", utc(2026, 3, 8, 5, 30, 0), mw.Negative),   // 8 March 00:30 EST
		Mention("acme", "n3", utc(2026, 3, 9, 3, 30, 0), mw.Negative),   // 8 March 23:30 EDT
		Mention("acme", "n4", utc(2026, 3, 9, 4, 30, 0), mw.Neutral),    // 9 March 00:30 EDT
		Mention("acme", "f1", utc(2026, 11, 1, 4, 0, 0), mw.Neutral),    // 1 November 00:00 EDT
		Mention("acme", "f2", utc(2026, 11, 1, 5, 30, 0), mw.Neutral),   // 01:30 EDT
		Mention("acme", "f3", utc(2026, 11, 1, 6, 30, 0), mw.Neutral),   // 01:30 EST
		Mention("acme", "f4", utc(2026, 11, 2, 4, 30, 0), mw.Negative),  // 1 November 23:30 EST
		Mention("acme", "f5", utc(2026, 11, 2, 5, 0, 0), mw.Neutral),    // 2 November 00:00 EST
		Mention("globex", "b1", utc(2026, 3, 28, 23, 0, 0), mw.Neutral), // 29 March 00:00 CET
		Mention("globex", "b2", utc(2026, 3, 29, 3, 59, 0), mw.Neutral), // 05:59 CEST
		Mention("globex", "b3", utc(2026, 3, 29, 4, 0, 0), mw.Negative), // 06:00 CEST
	)
	q := store.SeriesQuery{Brands: []string{"acme"}, From: utc(2026, 3, 7, 5, 0, 0), To: utc(2026, 3, 10, 4, 0, 0), Step: 24 * time.Hour, Zone: nyc}
	want := []store.SeriesPoint{pt(utc(2026, 3, 7, 5, 0, 0), "acme", "", 1, 0), pt(utc(2026, 3, 8, 5, 0, 0), "acme", "", 2, 2),
		pt(utc(2026, 3, 9, 4, 0, 0), "acme", "", 1, 0)}
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("New York days, spring (-want +got):\n%s", diff)
	}
	q = store.SeriesQuery{Brands: []string{"acme"}, From: utc(2026, 11, 1, 4, 0, 0), To: utc(2026, 11, 3, 5, 0, 0), Step: 24 * time.Hour, Zone: nyc}
	want = []store.SeriesPoint{pt(utc(2026, 11, 1, 4, 0, 0), "acme", "", 4, 1), pt(utc(2026, 11, 2, 5, 0, 0), "acme", "", 1, 0)}
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("New York days, autumn (-want +got):\n%s", diff)
	}
	q.To, q.Step = utc(2026, 11, 1, 8, 0, 0), time.Hour
	want = []store.SeriesPoint{pt(utc(2026, 11, 1, 4, 0, 0), "acme", "", 1, 0), pt(utc(2026, 11, 1, 5, 0, 0), "acme", "", 1, 0),
		pt(utc(2026, 11, 1, 6, 0, 0), "acme", "", 1, 0)}
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("New York hours, 01:00 twice (-want +got):\n%s", diff)
	}
	q = store.SeriesQuery{Brands: []string{"globex"}, From: utc(2026, 3, 28, 23, 0, 0), To: utc(2026, 3, 29, 22, 0, 0), Step: 6 * time.Hour, Zone: ber}
	want = []store.SeriesPoint{pt(utc(2026, 3, 28, 23, 0, 0), "globex", "", 2, 0), pt(utc(2026, 3, 29, 4, 0, 0), "globex", "", 1, 1)}
	if diff := cmp.Diff(want, seriesOK(t, s, q)); diff != "" {
		t.Errorf("Berlin 6 hours, spring (-want +got):\n%s", diff)
	}
}

// testSeriesZonesAsGo: in zones with odd offsets (Kathmandu +5:45, Chatham
// +12:45/+13:45, Adelaide +9:30/+10:30), a 30-minute DST change (Lord
// Howe), DST at midnight (Havana, Santiago) and an ordinary one (New York),
// over the days of a change, each store's counts per hour, 6 hours, day
// and week, by label, equal those of store.BucketStart applied to each
// mention in Go, for ranges on whole hours (ClickHouse's kept hourly
// counts) and off them, and a range with no end.
func testSeriesZonesAsGo(t *testing.T, open Opener) {
	s := open(t)
	type change struct {
		zone string
		at   time.Time // about when the offset changes
	}
	changes := []change{
		{"Asia/Kathmandu", utc(2026, 3, 2, 0, 0, 0)}, {"Pacific/Chatham", utc(2026, 4, 4, 14, 0, 0)},
		{"Australia/Adelaide", utc(2026, 10, 3, 16, 0, 0)}, {"Australia/Lord_Howe", utc(2026, 10, 3, 15, 0, 0)},
		{"America/Havana", utc(2026, 3, 8, 5, 0, 0)}, {"America/Santiago", utc(2026, 4, 5, 3, 0, 0)},
		{"America/New_York", utc(2026, 11, 1, 6, 0, 0)},
	}
	labels := []mw.Label{mw.Negative, mw.Neutral, mw.Positive}
	byZone := map[string][]mw.Mention{}
	var all []mw.Mention
	for _, c := range changes {
		// Every 23 minutes over four days around the change, and on the
		// quarter hours next to it.
		var ms []mw.Mention
		for at := c.at.Add(-48 * time.Hour); at.Before(c.at.Add(48 * time.Hour)); at = at.Add(23 * time.Minute) {
			ms = append(ms, Mention(c.zone, fmt.Sprintf("%s-%d", c.zone, len(ms)), at, labels[len(ms)%3]))
		}
		for off := -2 * time.Hour; off <= 2*time.Hour; off += 15 * time.Minute {
			ms = append(ms, Mention(c.zone, fmt.Sprintf("%s-%d", c.zone, len(ms)), c.at.Add(off), labels[len(ms)%3]))
		}
		byZone[c.zone] = ms
		all = append(all, ms...)
	}
	insert(t, s, all...)
	checked := 0
	for _, c := range changes {
		loc := zone(t, c.zone)
		for _, step := range []time.Duration{time.Hour, 6 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour} {
			for _, r := range [][2]time.Time{
				{c.at.Add(-36 * time.Hour), c.at.Add(36 * time.Hour)},                               // whole hours
				{c.at.Add(-36*time.Hour + 15*time.Minute), c.at.Add(36*time.Hour - 45*time.Minute)}, // off them
				{store.BucketStart(c.at.Add(-30*time.Hour), step, loc), time.Time{}},                // a local bucket on, no end
			} {
				q := store.SeriesQuery{Brands: []string{c.zone}, From: r[0], To: r[1], Step: step, GroupBy: store.GroupLabel, Zone: loc}
				counts := map[[2]string]uint64{}
				for _, m := range byZone[c.zone] {
					if m.Published.Before(q.From) || !q.To.IsZero() && !m.Published.Before(q.To) {
						continue
					}
					b := store.BucketStart(m.Published, step, loc)
					counts[[2]string{b.UTC().Format(time.RFC3339), string(m.Label)}]++
				}
				got := map[[2]string]uint64{}
				for _, p := range seriesOK(t, s, q) {
					got[[2]string{p.Bucket.UTC().Format(time.RFC3339), p.Key}] += p.Count
				}
				if diff := cmp.Diff(counts, got); diff != "" {
					t.Errorf("%s, step %s, %s .. %s (-Go +store):\n%s", c.zone, step, r[0].Format(time.RFC3339), r[1].Format(time.RFC3339), diff)
				}
				checked += len(counts)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no bucket checked")
	}
}
