package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The metrics the Prometheus rules in contrib/prometheus read besides the
// store's: collection lag, source intervals, the alert loop's last tick and
// its outbox.
func TestRunMetricsForTheRules(t *testing.T) {
	st := openStore(t)
	runs := NewRunMetrics()
	runs.SetInterval("news", "rss", 15*time.Minute)
	pub := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	runs.ObserveLag("rss", pub, pub.Add(45*time.Second)) // le 60
	runs.ObserveLag("rss", pub, pub.Add(3*time.Hour))    // le 21600
	runs.ObserveLag("rss", pub.Add(time.Minute), pub)    // published after collection: 0
	runs.ObserveLag("rss", time.Time{}, pub)             // no publication time: skipped
	h, err := New(Options{Store: st, Brands: testBrands, Now: func() time.Time { return testNow }, Runs: runs})
	if err != nil {
		t.Fatal(err)
	}
	scrape := func() string {
		w := do(t, h, "GET", "/metrics", nil)
		if w.Code != http.StatusOK {
			t.Fatalf("/metrics: %d %s", w.Code, w.Body)
		}
		return w.Body.String()
	}
	body := scrape()
	for _, want := range []string{
		`mentionwatch_source_interval_seconds{kind="rss",source="news"} 900`,
		`mentionwatch_collection_lag_seconds_bucket{kind="rss",le="10"} 1`,
		`mentionwatch_collection_lag_seconds_bucket{kind="rss",le="60"} 2`,
		`mentionwatch_collection_lag_seconds_bucket{kind="rss",le="7200"} 2`,
		`mentionwatch_collection_lag_seconds_bucket{kind="rss",le="21600"} 3`,
		`mentionwatch_collection_lag_seconds_count{kind="rss"} 3`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, "mentionwatch_alert_loop_last_tick_timestamp_seconds") {
		t.Error("alert loop metrics exported before WatchAlertLoop")
	}

	// Before the loop's first tick (or on a member that does not run it)
	// nothing; then what the loop last reported.
	var stats AlertLoopStats
	ticked := false
	runs.WatchAlertLoop(func() (AlertLoopStats, bool) { return stats, ticked })
	if body := scrape(); strings.Contains(body, "mentionwatch_alert_outbox_pending") {
		t.Error("alert loop metrics exported before the first tick")
	}
	stats, ticked = AlertLoopStats{LastTick: pub.Add(10 * time.Minute), Pending: 2, OldestDue: pub.Add(5 * time.Minute)}, true
	body = scrape()
	for _, want := range []string{
		"mentionwatch_alert_loop_last_tick_timestamp_seconds 1.7778822e+09",
		"mentionwatch_alert_outbox_pending 2",
		"mentionwatch_alert_outbox_oldest_due_timestamp_seconds 1.7778819e+09",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	stats = AlertLoopStats{LastTick: pub.Add(11 * time.Minute)}
	if body := scrape(); !strings.Contains(body, "mentionwatch_alert_outbox_oldest_due_timestamp_seconds 0\n") {
		t.Error("an empty outbox must export oldest due 0")
	}
}
