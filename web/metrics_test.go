package web

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store/writer"
)

func TestMetrics(t *testing.T) {
	st := openStore(t)
	seed(t, st)
	runs := NewRunMetrics()
	runs.ObserveRun("news", "rss", 7, nil, 300*time.Millisecond)
	runs.ObserveRun("news", "rss", 2, errors.New("feed broke"), time.Second)
	runs.ObserveDelivery("slack", mw.AlertSpike, string(mw.Firing), nil)
	runs.ObserveDelivery("webhook", mw.AlertSpike, string(mw.Firing), errors.New("503"))
	h, err := New(Options{Store: st, Brands: testBrands, Now: func() time.Time { return testNow }, Runs: runs,
		Counters: func() Counters {
			return Counters{Collected: 120, Stored: 100, Writer: writer.Stats{Stored: 90, Spooled: 10, InsertErrors: 2, SpoolBatches: 1, SpoolBytes: 4096}}
		}})
	if err != nil {
		t.Fatal(err)
	}
	// One API request, so the duration histogram has a series.
	if w := do(t, h, "GET", "/api/journey?range=24h", nil); w.Code != http.StatusOK {
		t.Fatalf("journey: %d", w.Code)
	}
	w := do(t, h, "GET", "/metrics", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", w.Code, w.Body)
	}
	body := w.Body.String()
	for _, want := range []string{
		"mentionwatch_collected_total 120",
		"mentionwatch_stored_total 100",
		"mentionwatch_dropped_total 20",
		"mentionwatch_writer_stored_total 90",
		"mentionwatch_writer_spooled_total 10",
		"mentionwatch_writer_insert_errors_total 2",
		"mentionwatch_writer_spool_batches 1",
		"mentionwatch_writer_spool_bytes 4096",
		`mentionwatch_source_consecutive_errors{kind="x",source="x"} 3`,
		`mentionwatch_source_items_total{kind="rss",source="news"} 40`,
		"mentionwatch_source_last_success_timestamp_seconds",
		`mentionwatch_alerts{brand="Acme",kind="spike",state="firing"} 1`,
		`mentionwatch_alert_sends{brand="Acme",kind="critical"} 2`,
		"mentionwatch_alerts_firing_unacknowledged 1",
		"mentionwatch_store_up 1",
		`mentionwatch_http_request_duration_seconds_count{code="200",route="GET /api/journey"} 1`,
		"go_goroutines",
		`mentionwatch_source_runs_total{kind="rss",result="ok",source="news"} 1`,
		`mentionwatch_source_runs_total{kind="rss",result="error",source="news"} 1`,
		`mentionwatch_source_items_collected_total{kind="rss",source="news"} 9`,
		`mentionwatch_source_run_duration_seconds_count{kind="rss",source="news"} 2`,
		`mentionwatch_alert_notifications_total{kind="spike",notifier="slack",result="sent",state="firing"} 1`,
		`mentionwatch_alert_notifications_total{kind="spike",notifier="webhook",result="failed",state="firing"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Two handlers in one process do not collide (private registries).
	if _, err := New(Options{Store: st, Auth: mw.WebConfig{}}); err != nil {
		t.Errorf("second handler: %v", err)
	}
}
