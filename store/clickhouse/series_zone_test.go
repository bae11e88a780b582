package clickhouse

import (
	"context"
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
