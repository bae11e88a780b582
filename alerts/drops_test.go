package alerts

import (
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// A brand that usually gets ten mentions every five minutes goes silent for
// an hour (a feed moved): with alerts.drops on, one drop alert fires and
// resolves when the mentions come back, and no spike alert is invented.
// Without the setting, the same silence says nothing.
func TestDropWatchFiresWhenASourceGoesSilent(t *testing.T) {
	volume := make([]int, 0, 500)
	for i := 0; i < 36*12; i++ { // a day and a half at 10 per bucket
		volume = append(volume, 10)
	}
	for i := 0; i < 12; i++ { // an hour of silence
		volume = append(volume, 0)
	}
	for i := 0; i < 24; i++ { // back
		volume = append(volume, 10)
	}
	for _, enabled := range []bool{true, false} {
		st := openStore(t)
		r := &receiver{}
		l := newLoop(st, slackTo(t, r), mw.AlertsConfig{Drops: mw.DropsConfig{Enabled: enabled}})
		feedHistoryThen(t, l, st, t0, volume, 36*12, mw.Neutral, "Acme coffee this morning")
		msgs := r.messages()
		if !enabled {
			if len(msgs) != 0 {
				t.Errorf("drops off: Slack got %d messages:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
			}
			continue
		}
		if len(msgs) != 2 {
			t.Fatalf("Slack got %d messages, want 2 (drop, resolved):\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
		}
		if !strings.Contains(msgs[0], "Mentions of acme dropped far below usual") || !strings.Contains(msgs[0], "0 mentions in 5 min; usually") ||
			!strings.Contains(msgs[0], "source may have gone silent") {
			t.Errorf("drop message: %s", msgs[0])
		}
		if !strings.Contains(msgs[1], "Resolved: mentions of acme back to their usual level") {
			t.Errorf("resolved message: %s", msgs[1])
		}
		as, err := st.Alerts(ctx, store.AlertQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 1 || as[0].Kind != mw.AlertDrop || as[0].Scope != ScopeVolume || as[0].State != mw.Resolved {
			t.Fatalf("stored alerts: %+v", as)
		}
		silent := t0.Add(36 * time.Hour)
		if a := as[0]; a.StartedAt.Before(silent) || a.StartedAt.After(silent.Add(15*time.Minute)) || a.Count != 0 || a.Baseline < 8 {
			t.Errorf("drop started %s (silence from %s), count %g, baseline %g", a.StartedAt, silent, a.Count, a.Baseline)
		}

		// A restarted loop reading the same store sends nothing again.
		l2 := newLoop(st, slackTo(t, r), mw.AlertsConfig{Drops: mw.DropsConfig{Enabled: true}})
		end := t0.Add(time.Duration(len(volume)) * 5 * time.Minute)
		if err := l2.Tick(ctx, end.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n := len(r.messages()); n != 2 {
			t.Errorf("after a restart Slack has %d messages", n)
		}
	}
}

// A quiet brand (usually a mention an hour) is not watched: its silence is
// normal.
func TestDropWatchIgnoresQuietBrands(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{Drops: mw.DropsConfig{Enabled: true}})
	volume := make([]int, 36*12+24)
	for i := 0; i < 36*12; i += 12 {
		volume[i] = 1
	}
	feedHistoryThen(t, l, st, t0, volume, 36*12, mw.Neutral, "Acme")
	if msgs := r.messages(); len(msgs) != 0 {
		t.Errorf("a quiet brand's silence alerted:\n%s", strings.Join(msgs, "\n---\n"))
	}
}

// feedHistoryThen stores the first history buckets in one batch and ticks
// once at their end (the loop rebuilds the detector from the store, as at
// start-up), then feeds the rest bucket by bucket like feed: the same
// decisions at a fraction of the ticks.
func feedHistoryThen(t *testing.T, l *Loop, st store.Store, start time.Time, buckets []int, history int, label mw.Label, text string) {
	t.Helper()
	var ms []mw.Mention
	id := 0
	for i, n := range buckets[:history] {
		b := start.Add(time.Duration(i) * 5 * time.Minute)
		for j := 0; j < n; j++ {
			id++
			ms = append(ms, mention(int(b.Unix())*1000+id, b.Add(time.Duration(j)*time.Second), label, text))
		}
	}
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	rest := start.Add(time.Duration(history) * 5 * time.Minute)
	if err := l.Tick(ctx, rest); err != nil {
		t.Fatal(err)
	}
	feed(t, l, st, rest, buckets[history:], label, text)
}

// TestDropRepeatSaysStillFiring: the repeat of a drop that goes on is
// headed as one, as a spike's is (before: every repeat_interval the same
// "Mentions of acme dropped far below usual" came again, read as a new
// drop); the dashboard keeps the first headline.
func TestDropRepeatSaysStillFiring(t *testing.T) {
	a := mw.Alert{ID: "d1", Brand: "acme", Kind: mw.AlertDrop, Scope: ScopeVolume, State: mw.Firing, StartedAt: t0, Count: 0, Baseline: 40}
	if h := Headline(a); h != "Mentions of acme dropped far below usual" {
		t.Errorf("first message: %q", h)
	}
	a.NotifyCount = 1
	if h := Headline(a); h != "Still firing: mentions of acme far below usual" {
		t.Errorf("repeat: %q", h)
	}
	msg, _ := SlackMessage(Notification{Alert: a})
	if !strings.HasPrefix(msg, "Still firing: mentions of acme far below usual") {
		t.Errorf("the Slack repeat: %q", msg)
	}
}
