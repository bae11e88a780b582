package alerts

import (
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestOperatorCloseSaysSo: an operator closes a spike in the dashboard
// while it still fires. The channel was told "Resolved" exactly as if
// the wave had ended, so the people on call stood down while the
// complaints went on. The message now says it was closed in the
// dashboard, by whom, while it still fired, and how many negative
// mentions it had brought until then.
func TestOperatorCloseSaysSo(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	b := feed(t, l, st, t0, []int{1, 2, 0, 1, 14, 20}, mw.Negative, "parcel lost again")
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil || len(as) != 1 || as[0].State != mw.Firing {
		t.Fatalf("before the operator: alerts %+v, err %v", as, err)
	}
	// What the dashboard's resolve does: closed now, acknowledged by the
	// operator at the same time when nobody had.
	a := as[0]
	now := b.Add(time.Minute).UTC()
	a.State, a.ResolvedAt, a.UpdatedAt, a.AckedAt, a.AckedBy = mw.Resolved, now, now, now, "dana"
	if err := st.SaveAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	feed(t, l, st, b, []int{25}, mw.Negative, "parcel lost again")
	msgs := r.messages()
	if len(msgs) != 2 || !strings.Contains(msgs[1], "Resolved") {
		t.Fatalf("Slack got %d messages, want firing then resolved:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
	for _, want := range []string{"closed by dana in the dashboard while it still fired", "34 negative mentions"} {
		if !strings.Contains(msgs[1], want) {
			t.Errorf("the resolved message lacks %q:\n%s", want, msgs[1])
		}
	}
	got, err := st.Alert(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Reason, "closed by dana") || got.EpisodeTotal != 34 {
		t.Errorf("stored reason %q, episode total %v; want it closed by dana, 34 (14+20)", got.Reason, got.EpisodeTotal)
	}
	// The other channels (Telegram, email, Teams...) and the webhook's text.
	n := Notification{Alert: got}
	if c := ContentOf(Presentation{}, n); !strings.Contains(c.When, "closed by dana") {
		t.Errorf("the channels' content says %q", c.When)
	}
	if p := Payload(n, now); !strings.Contains(p.Text, "closed by dana") {
		t.Errorf("the webhook's text is %q", p.Text)
	}
}
