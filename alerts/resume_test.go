package alerts

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// resuming is a notifier that keeps the alerts it was told are firing, as
// Alertmanager's channel does, and records what a restart resumes.
type resuming struct {
	mu      sync.Mutex
	sent    []string // delivery keys sent
	resumed []string // alert ids resumed
}

func (r *resuming) Name() string { return "keeper" }

func (r *resuming) Send(_ context.Context, n Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, DeliveryKey(n.Alert))
	return nil
}

func (r *resuming) Resume(n Notification) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resumed = append(r.resumed, n.Alert.ID)
}

// TestRestartResumesFiringAlerts: a channel that keeps firing alerts alive
// by itself (Alertmanager re-posts them, or it resolves them when their
// endsAt passes) forgot them at a restart, and Alertmanager then told
// every receiver that alerts still firing had resolved. At start the loop
// now hands such a channel each alert that is still open and whose last
// notification it took was a firing one; not a resolved one, and not one
// it never took.
func TestRestartResumesFiringAlerts(t *testing.T) {
	st := openStore(t)
	k1 := &resuming{}
	l1 := newLoop(st, []Notifier{k1}, mw.AlertsConfig{})
	burst(t, st, l1, t0)
	if err := l1.Tick(ctx, t0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil || len(as) != 1 || as[0].State != mw.Firing || len(k1.sent) != 1 {
		t.Fatalf("before the restart: alerts %+v (%v), sent %v", as, err, k1.sent)
	}
	firing := as[0].ID
	// A second alert, already resolved, that the channel was told of.
	done := as[0]
	done.ID, done.State, done.ResolvedAt = "acme|spike|old", mw.Resolved, t0.Add(-time.Hour)
	done.StartedAt = t0.Add(-2 * time.Hour)
	if err := st.SaveAlert(ctx, done); err != nil {
		t.Fatal(err)
	}
	for _, d := range []mw.Delivery{
		{AlertID: done.ID, Key: done.ID + ":firing:1", Receiver: "keeper", Status: mw.DeliverySent, At: t0.Add(-2 * time.Hour), Attempt: 1},
		{AlertID: done.ID, Key: done.ID + ":resolved:2", Receiver: "keeper", Status: mw.DeliverySent, At: t0.Add(-time.Hour), Attempt: 1},
	} {
		if err := st.SaveDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}

	k2 := &resuming{}
	l2 := newLoop(st, []Notifier{k2}, mw.AlertsConfig{})
	if err := l2.Warm(ctx, t0.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(k2.resumed, []string{firing}) || len(k2.sent) != 0 {
		t.Errorf("after the restart: resumed %v, sent %v; want only %s resumed and nothing sent again", k2.resumed, k2.sent, firing)
	}
}
