package alerts

import (
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestResolvedSaysHowManyMentions: a spike's "Resolved" message gave the
// episode's duration and peak but not how many negative mentions it
// brought: a responder writes "47 negative mentions over 25 min". The
// episode's total (the brand's negative mentions from its first bucket
// to its end) is stored with the alert and said in every channel's
// resolved message, also when the episode resolves after a restart.
func TestResolvedSaysHowManyMentions(t *testing.T) {
	for _, restart := range []bool{false, true} {
		st := openStore(t)
		r := &receiver{}
		l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
		counts := []int{1, 2, 0, 1, 14, 20, 12, 1, 0, 0, 0}
		if restart { // the episode fires, the daemon restarts, and it resolves
			feed(t, l, st, t0, counts[:6], mw.Negative, "parcel lost again")
			l = newLoop(st, l.out.ns, l.cfg)
			counts = counts[6:]
		}
		feed(t, l, st, t0.Add(time.Duration(11-len(counts))*5*time.Minute), counts, mw.Negative, "parcel lost again")
		msgs := r.messages()
		if len(msgs) != 2 {
			t.Fatalf("restart %v: %d messages, want 2", restart, len(msgs))
		}
		as, err := st.Alerts(ctx, store.AlertQuery{})
		if err != nil || len(as) != 1 {
			t.Fatalf("alerts %+v %v", as, err)
		}
		a := as[0]
		if a.State != mw.Resolved || a.EpisodeTotal != 47 {
			t.Fatalf("restart %v: stored episode %s from %s to %s with %v negative mentions; want resolved, 47 (14+20+12+1+0)",
				restart, a.State, a.StartedAt, a.ResolvedAt, a.EpisodeTotal)
		}
		const want = "08:20 UTC → 08:45 UTC (25 min, 47 negative mentions)"
		if !strings.Contains(msgs[1], want) {
			t.Errorf("restart %v: Slack's resolved message lacks %q:\n%s", restart, want, msgs[1])
		}
		n := Notification{Alert: a}
		if c := ContentOf(Presentation{}, n); !strings.Contains(c.When, want) {
			t.Errorf("the channels' content says %q, want %q", c.When, want)
		}
		p := Payload(n, t0)
		if !strings.Contains(p.Text, want) || p.Alert.EpisodeTotal != 47 {
			t.Errorf("the webhook's text %q, episode_total %v; want %q, 47", p.Text, p.Alert.EpisodeTotal, want)
		}
	}
}
