package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
)

// TestSeriesDaysFromLocalMidnight: a Jakarta dashboard's day buckets
// (range 90d) run from Jakarta's midnight (17:00 UTC), in the volume chart
// and in share of voice alike, and a mention at 23:30 local counts on its
// local day, not the next one. A New York dashboard's days across the
// spring change start at local midnight too, one of them 23 hours long.
func TestSeriesDaysFromLocalMidnight(t *testing.T) {
	checkSeriesDaysFromLocalMidnight(t, openStore(t))
}

// TestSeriesDaysFromLocalMidnightOnClickHouse is the same over ClickHouse
// (skips locally without $MENTIONWATCH_TEST_CLICKHOUSE_DSN, fails in CI).
func TestSeriesDaysFromLocalMidnightOnClickHouse(t *testing.T) {
	dsn := chtest.Fresh(t)
	ctx := context.Background()
	st, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(dsn)}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	checkSeriesDaysFromLocalMidnight(t, st)
}

func checkSeriesDaysFromLocalMidnight(t *testing.T, st store.Store) {
	t.Helper()
	at := func(native, brand string, published time.Time, label mw.Label) mw.Mention {
		m := mention(brand, native, "author", 0, label, mw.SMOT, 1, 0)
		m.Published = published
		return m
	}
	// testNow is 10 March 2026 19:00 in Jakarta (UTC+7).
	if err := st.InsertMentions(context.Background(), []mw.Mention{
		at("late", "Acme", time.Date(2026, 3, 9, 16, 30, 0, 0, time.UTC), mw.Negative),      // 9 March 23:30 WIB
		at("early", "Acme", time.Date(2026, 3, 9, 17, 30, 0, 0, time.UTC), mw.Positive),     // 10 March 00:30 WIB
		at("rival", "Roboclean", time.Date(2026, 3, 9, 16, 45, 0, 0, time.UTC), mw.Neutral), // 9 March 23:45 WIB
	}); err != nil {
		t.Fatal(err)
	}
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Store: st, Brands: testBrands, Location: jakarta, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	localMidnights := func(what string, ts []int64, loc *time.Location) {
		t.Helper()
		for i, u := range ts {
			if l := time.Unix(u, 0).In(loc); l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 {
				t.Errorf("%s: bucket %d starts at %s, not at local midnight", what, i, l.Format(time.RFC3339))
				return
			}
			if i > 0 && time.Unix(ts[i-1], 0).In(loc).AddDate(0, 0, 1).Unix() != u {
				t.Errorf("%s: bucket %d (%s) does not follow the day before", what, i, time.Unix(u, 0).In(loc).Format(time.RFC3339))
				return
			}
		}
	}
	mar9, mar10 := time.Date(2026, 3, 9, 0, 0, 0, 0, jakarta).Unix(), time.Date(2026, 3, 10, 0, 0, 0, 0, jakarta).Unix()

	var s Series
	getJSON(t, h, "/api/series?brand=Acme&range=90d", &s)
	if len(s.T) != 90 || s.T[89] != mar10 || s.StepSeconds != 86400 {
		t.Fatalf("series: %d buckets, the last at %s, step %d s; want 90 days, the last 10 March 00:00 WIB, 86400",
			len(s.T), time.Unix(s.T[len(s.T)-1], 0).In(jakarta).Format(time.RFC3339), s.StepSeconds)
	}
	localMidnights("series", s.T, jakarta)
	if !s.From.Equal(time.Unix(s.T[0], 0)) {
		t.Errorf("series from %s; want the first bucket %s", s.From, time.Unix(s.T[0], 0).In(jakarta))
	}
	if s.T[88] != mar9 || s.Negative[88] != 1 || s.Positive[88] != 0 || s.Positive[89] != 1 || s.Negative[89] != 0 {
		t.Errorf("9 March: %d negative, %d positive; 10 March: %d negative, %d positive; want 1, 0, 0, 1",
			s.Negative[88], s.Positive[88], s.Negative[89], s.Positive[89])
	}

	var sov ShareOfVoice
	getJSON(t, h, "/api/share-of-voice?brand=Acme&range=90d", &sov)
	if fmt.Sprint(sov.T) != fmt.Sprint(s.T) {
		t.Errorf("share of voice buckets differ from the volume chart's:\n%v\n%v", sov.T, s.T)
	}
	if len(sov.Brands) != 2 || len(sov.Brands[1].Counts) != 90 || sov.Brands[1].Counts[88] != 1 {
		t.Errorf("share of voice: %+v; want Roboclean's mention on 9 March (bucket 88)", sov.Brands)
	}

	// An explicit window longer than 90 days has day buckets too.
	from := time.Date(2025, 12, 1, 9, 0, 0, 0, jakarta)
	getJSON(t, h, "/api/series?"+url.Values{"brand": {"Acme"}, "from": {from.Format(time.RFC3339)}, "to": {fmt.Sprint(testNow.Unix())}}.Encode(), &s)
	if len(s.T) == 0 || s.T[0] != time.Date(2025, 12, 1, 0, 0, 0, 0, jakarta).Unix() {
		t.Errorf("explicit window: first bucket %v; want 1 December 00:00 WIB", s.T)
	}
	localMidnights("explicit window", s.T, jakarta)

	// New York: the 90 days hold the spring change (8 March, 23 hours).
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	h, err = New(Options{Store: st, Brands: testBrands, Location: newYork, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	getJSON(t, h, "/api/series?brand=Acme&range=90d", &s)
	localMidnights("New York", s.T, newYork)
	if len(s.T) != 90 || s.T[88]-s.T[87] != 23*3600 {
		t.Errorf("New York: %d buckets; want 90, 8 March 23 hours long", len(s.T))
	}
}

// TestBrowserDayBucketsReadLocalMidnight: on a Jakarta dashboard's 90-day
// chart (day buckets), seen from a browser in New York, the first bucket
// reads as midnight on Jakarta's clock, not 07:00.
func TestBrowserDayBucketsReadLocalMidnight(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	now := time.Now().UTC()
	got := jakartaChartFirstLabel(t, now, "/?brand=Acme&range=90d")
	first := store.BucketStart(now, 24*time.Hour, jakarta(t)).In(jakarta(t)).AddDate(0, 0, -89)
	if want := first.Format("2006-01-02 3:04pm"); got != want {
		t.Errorf("the chart's first day reads %q; want %q, Jakarta's midnight", got, want)
	}
}
