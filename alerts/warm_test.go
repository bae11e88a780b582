package alerts

import (
	"fmt"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestRestartResumesAFiringEpisodeUnderManyAlerts: a wave that has been
// firing for three hours, and a flood of critical mentions during it (a
// food-safety story: each is its own alert), more than Warm reads of the
// week's alerts. After a restart the episode must still be resumed and
// resolve when the wave ends, not stay firing for ever.
func TestRestartResumesAFiringEpisodeUnderManyAlerts(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	ns := slackTo(t, r)
	l := newLoop(st, ns, mw.AlertsConfig{})
	wave := []int{1, 2, 14}
	for i := 0; i < 36; i++ {
		wave = append(wave, 12)
	}
	end := feed(t, l, st, t0, wave, mw.Negative, "lost parcel")
	for i := 0; i < 1200; i++ {
		at := t0.Add(15*time.Minute + time.Duration(i)*time.Second)
		a := mw.Alert{ID: ID("acme", mw.AlertCritical, fmt.Sprint(i)), Brand: "acme", Kind: mw.AlertCritical, Scope: ScopeMention,
			State: mw.Resolved, StartedAt: at, UpdatedAt: at, ResolvedAt: at, Count: 1, NotifiedState: mw.Resolved, NotifiedAt: at}
		if err := st.SaveAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	l = newLoop(st, ns, mw.AlertsConfig{}) // restart
	feed(t, l, st, end, []int{0, 0, 0, 0}, mw.Negative, "")
	as, err := st.Alerts(ctx, store.AlertQuery{Brand: "acme", State: mw.Firing})
	if err != nil {
		t.Fatal(err)
	}
	msgs := r.messages()
	if len(as) != 0 || len(msgs) != 2 || !strings.Contains(msgs[1], "Resolved") {
		t.Fatalf("after the restart and an hour of quiet: %d alerts still firing, %d messages; want the episode resolved and told so: %+v", len(as), len(msgs), as)
	}
}
