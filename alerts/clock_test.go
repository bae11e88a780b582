package alerts

import (
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestClockSteppedBackKeepsAlerting: the host's clock ran 20 days ahead
// for one tick (a VM resumed with a wrong clock, a bad NTP server) and was
// then stepped back. The episode that tick resolved "in the future" must
// not keep the brand from alerting until the wall clock reaches that
// time: the next wave, after the clock is right again, alerts.
func TestClockSteppedBackKeepsAlerting(t *testing.T) {
	for _, restart := range []bool{false, true} {
		st := openStore(t)
		r := &receiver{}
		ns := slackTo(t, r)
		l := newLoop(st, ns, mw.AlertsConfig{})
		end := feed(t, l, st, t0, []int{1, 2, 0, 1, 14, 20, 12}, mw.Negative, "lost parcel")
		if n := len(r.messages()); n != 1 {
			t.Fatalf("the first wave sent %d messages, want 1", n)
		}
		if err := l.Tick(ctx, end.Add(20*24*time.Hour)); err != nil { // the clock runs ahead
			t.Fatal(err)
		}
		if restart { // the stored episode ended in the future
			l = newLoop(st, ns, mw.AlertsConfig{})
		}
		// Stepped back: the second wave comes an hour after the first.
		feed(t, l, st, end, []int{1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 15, 18}, mw.Negative, "lost parcel again")
		as, err := st.Alerts(ctx, store.AlertQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var firing []string
		for _, m := range r.messages() {
			if !strings.Contains(m, "Resolved") {
				firing = append(firing, m)
			}
		}
		if len(as) != 2 || len(firing) != 2 {
			t.Fatalf("restart %v: after the clock was stepped back, a second wave made %d alerts and %d firing messages; want 2 of each: %+v", restart, len(as), len(firing), as)
		}
	}
}

// TestClockSteppedBackKeepsTheBaseline: a tick whose clock ran 20 days
// ahead drops the history older than 14 days before it, which is all of
// it; when the clock is stepped back the adaptive detector must judge
// from the stored history again, not start a new warm-up that keeps it
// silent for a burst it would have caught.
func TestClockSteppedBackKeepsTheBaseline(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	cfg := mw.AlertsConfig{Bucket: mw.Duration(5 * time.Minute), Warmup: mw.Duration(3 * time.Hour)}
	l := NewLoop(cfg, st, slackTo(t, r), nil)
	l.Brands = map[string]bool{"acme": true}
	open := seedSixHours(t, st)
	for _, now := range []time.Time{open.Add(30 * time.Second), open.Add(20 * 24 * time.Hour), open.Add(40 * time.Second)} {
		if err := l.Tick(ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	burst := make([]mw.Mention, 25)
	for i := range burst {
		burst[i] = mention(5000+i, open.Add(time.Duration(i)*time.Second), mw.Negative, "acme parcel lost")
	}
	if err := st.InsertMentions(ctx, burst); err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{open.Add(time.Minute), open.Add(5 * time.Minute)} {
		if err := l.Tick(ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || !as[0].StartedAt.Equal(open) || len(r.messages()) != 1 {
		t.Fatalf("a burst of 25 after six quiet hours, the clock stepped back from 20 days ahead: alerts %+v, %d messages; want one episode from %s", as, len(r.messages()), open)
	}
}
