package alerts

import (
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
