package alerts

import (
	"net/http"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// The outbox stats behind MentionwatchAlertOutboxStuck: a notification
// that fails stays owed from the first tick that found it undelivered
// (later failed ticks do not move that time), and a delivery clears it.
func TestStatsTrackUndeliveredNotifications(t *testing.T) {
	st := openStore(t)
	r := &receiver{statuses: []int{http.StatusNotFound, http.StatusNotFound}}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	if _, ok := l.Stats(); ok {
		t.Fatal("Stats before the first tick: ok, want nothing to report")
	}
	ms := make([]mw.Mention, 12)
	for i := range ms {
		ms[i] = mention(i, t0, mw.Negative, "late")
	}
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	l.Observe(ms)

	first := t0.Add(5 * time.Minute)
	if err := l.Tick(ctx, first); err == nil {
		t.Fatal("Tick after a 404: no error, want the delivery error")
	}
	want := LoopStats{LastTick: first, Pending: 1, OldestDue: first}
	if s, ok := l.Stats(); !ok || s != want {
		t.Fatalf("after a failed delivery: %+v (ok %v), want %+v", s, ok, want)
	}
	second := t0.Add(6 * time.Minute)
	if err := l.Tick(ctx, second); err == nil {
		t.Fatal("second Tick after a 404: no error, want the delivery error")
	}
	want = LoopStats{LastTick: second, Pending: 1, OldestDue: first}
	if s, _ := l.Stats(); s != want {
		t.Fatalf("after a second failed delivery: %+v, want %+v (owed since the first)", s, want)
	}
	third := t0.Add(7 * time.Minute)
	if err := l.Tick(ctx, third); err != nil {
		t.Fatal(err)
	}
	want = LoopStats{LastTick: third}
	if s, _ := l.Stats(); s != want {
		t.Fatalf("after delivery: %+v, want %+v", s, want)
	}
	if n := len(r.messages()); n != 1 {
		t.Fatalf("%d messages delivered, want 1", n)
	}
}
