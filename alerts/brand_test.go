package alerts

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestRestartDoesNotResumeARemovedBrand: a brand is renamed (or removed)
// in the config while its spike fires. The loop no longer judges it, so
// nothing will ever resolve that alert: a channel that keeps firing
// alerts alive (Alertmanager re-posts them) must not be handed it at the
// restart, or it fires there for ever; left alone, it expires.
func TestRestartDoesNotResumeARemovedBrand(t *testing.T) {
	st := openStore(t)
	k1 := &resuming{}
	l1 := newLoop(st, []Notifier{k1}, mw.AlertsConfig{})
	burst(t, st, l1, t0)
	if err := l1.Tick(ctx, t0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	as, err := st.Alerts(ctx, store.AlertQuery{State: mw.Firing})
	if err != nil || len(as) != 1 || len(k1.sent) != 1 {
		t.Fatalf("before the restart: alerts %+v (%v), sent %v", as, err, k1.sent)
	}
	k2 := &resuming{}
	l2 := newLoop(st, []Notifier{k2}, mw.AlertsConfig{})
	l2.Brands = map[string]bool{"acme indonesia": true} // renamed
	if err := l2.Warm(ctx, t0.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if len(k2.resumed) != 0 || len(k2.sent) != 0 {
		t.Errorf("after the brand was renamed: resumed %v, sent %v; want nothing", k2.resumed, k2.sent)
	}
}

// TestRestartDropsAQueuedDeliveryOfARemovedBrand: a notification is
// queued for a receiver that is down, then the brand is removed from the
// config (or renamed) and the daemon restarts. The queued notification
// is about a brand nobody watches any more: it is dropped with a log line
// naming the brand and the alert, not sent once the receiver is back.
func TestRestartDropsAQueuedDeliveryOfARemovedBrand(t *testing.T) {
	st := openStore(t)
	down := &flaky{down: true, t: t}
	ns := []Notifier{slackNamed(t, "slack", down)}
	l1 := newLoop(st, ns, mw.AlertsConfig{})
	l1.DeliveryTimeout = 300 * time.Millisecond
	burst(t, st, l1, t0)
	l1.Tick(ctx, t0.Add(5*time.Minute)) // fails: the receiver is down
	if ds := latestOf(t, st, "slack"); len(ds) != 1 || ds[0].Final() {
		t.Fatalf("before the restart: deliveries %+v, want one pending", ds)
	}

	down.set(false)
	var logs bytes.Buffer
	l2 := NewLoop(l1.cfg, st, ns, slog.New(slog.NewJSONHandler(&logs, nil)))
	l2.NewDetector = l1.NewDetector
	l2.Brands = map[string]bool{"acme indonesia": true} // acme renamed
	now := t0.Add(10 * time.Minute)
	for i := 0; i < 3; i++ {
		if err := l2.Tick(ctx, now.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if n := down.got(); n != 0 {
		t.Fatalf("%d messages about a brand removed from the config, want none:\n%s", n, down.bodies[0])
	}
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil || len(as) != 1 {
		t.Fatalf("alerts %+v %v", as, err)
	}
	var found bool
	for _, line := range strings.Split(logs.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		if rec["brand"] == "acme" && rec["alert"] == as[0].ID && rec["receiver"] == "slack" && strings.Contains(rec["msg"].(string), "dropped") {
			found = true
		}
	}
	if !found {
		t.Errorf("no log line says the queued delivery was dropped, naming brand, alert and receiver:\n%s", logs.String())
	}
}
