package alerts

import (
	"context"
	"errors"

	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/retryafter"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestBucketsAlignedToTheUnixEpoch: the stores bucket by publish time
// aligned to the Unix epoch; a bucket that does not divide a day (7m)
// must be judged on the same buckets, or the loop reads zero everywhere
// and a burst never fires.
func TestBucketsAlignedToTheUnixEpoch(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	const b = 7 * time.Minute
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{Bucket: mw.Duration(b)})
	start := time.Unix(t0.Unix()/int64(b/time.Second)*int64(b/time.Second), 0).UTC()
	ms := make([]mw.Mention, 15)
	for i := range ms {
		ms[i] = mention(i, start.Add(time.Duration(i)*time.Second), mw.Negative, "lost parcel")
	}
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if err := l.Tick(ctx, start.Add(b)); err != nil {
		t.Fatal(err)
	}
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Count != 15 || !as[0].StartedAt.Equal(start) || len(r.messages()) != 1 {
		t.Fatalf("a burst of 15 in one 7-minute bucket: alerts %+v, %d messages; want one episode from %s with 15", as, len(r.messages()), start)
	}
}

// TestHostileTimesNeitherPanicNorFire: mentions published in year 9999,
// before 1970, at the zero time, at +14:00 and across a DST change in the
// detector's zone are stored; the loop keeps ticking, fires nothing (one
// mention per bucket at most, below the threshold) and never alerts with
// zero negatives.
func TestHostileTimesNeitherPanicNorFire(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	kiri := time.FixedZone("LINT", 14*3600)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tz data:", err)
	}
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip("no tz data:", err)
	}
	times := []time.Time{
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC),
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		{},
		t0.In(kiri).Add(time.Minute),
		t0.Add(3 * time.Hour), // published after collected
		time.Date(2026, 3, 29, 2, 30, 0, 0, berlin),  // does not exist
		time.Date(2018, 11, 4, 0, 30, 0, 0, sp),      // does not exist
		time.Date(2026, 10, 25, 2, 30, 0, 0, berlin), // twice
	}
	var ms []mw.Mention
	for i, at := range times {
		m := mention(100+i, at, mw.Negative, "lost my parcel")
		m.Collected = t0
		ms = append(ms, m)
	}
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	l.Observe(ms)
	for i := 1; i <= 60; i++ {
		if err := l.Tick(ctx, t0.Add(time.Duration(i)*5*time.Minute)); err != nil {
			t.Fatalf("tick %d: %v", i, err)
		}
	}
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 0 || len(r.messages()) != 0 {
		t.Fatalf("single mentions at hostile times made %d alerts and %d messages: %+v", len(as), len(r.messages()), as)
	}
}

// hang is a notifier whose Send blocks until its context ends.
type hang struct{ calls int }

func (h *hang) Name() string { return "hang" }
func (h *hang) Send(ctx context.Context, _ Notification) error {
	h.calls++
	<-ctx.Done()
	return ctx.Err()
}

// TestHangingNotifierIsCutByTheDeliveryTimeout: a notifier that never
// answers is cut after DeliveryTimeout; the tick returns its error and the
// notification stays queued with a next attempt.
func TestHangingNotifierIsCutByTheDeliveryTimeout(t *testing.T) {
	st := openStore(t)
	h := &hang{}
	l := newLoop(st, []Notifier{h}, mw.AlertsConfig{})
	l.DeliveryTimeout = 100 * time.Millisecond
	burst(t, st, l, t0)
	done := make(chan error, 1)
	go func() { done <- l.Tick(ctx, t0.Add(5*time.Minute)) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "to hang") {
			t.Fatalf("Tick: %v, want the hanging receiver's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Tick never returned: a hanging notifier stopped the loop")
	}
	d := latestOf(t, st, "hang")
	if len(d) != 1 || d[0].Status != mw.DeliveryRetrying || d[0].NextAt.IsZero() {
		t.Fatalf("the hanging receiver's delivery: %+v", d)
	}
}

// TestRetryAfterDoesNotOverflow: a Retry-After too large for a Duration
// saturates instead of wrapping round to a short (or negative) wait.
func TestRetryAfterDoesNotOverflow(t *testing.T) {
	for _, v := range []string{"18446744074", "9223372037", "99999999999999999", "9999999999999999999999"} {
		if got := RetryAfter(v); got < 24*time.Hour {
			t.Errorf("RetryAfter(%q) = %v, want a long wait", v, got)
		}
	}
}

// TestHugeRetryAfterDoesNotLoseTheNotification: a receiver that answers
// 429 with a Retry-After of ten years holds the notification for at most
// retryafter.Max, not for ten years (which the delivery log would carry
// across restarts).
func TestHugeRetryAfterDoesNotLoseTheNotification(t *testing.T) {
	st := openStore(t)
	var mu sync.Mutex
	limited := true
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if limited {
			w.Header().Set("Retry-After", fmt.Sprint(10*365*24*3600))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		b, _ := io.ReadAll(req.Body)
		got = append(got, string(b))
		w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	s, err := NewSlack(mw.SlackConfig{WebhookURL: mw.Secret(srv.URL + "/services/T/B/x")}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	l := newLoop(st, []Notifier{s}, mw.AlertsConfig{})
	l.DeliveryTimeout = time.Second
	burst(t, st, l, t0)
	now := t0.Add(5 * time.Minute)
	if err := l.Tick(ctx, now); err == nil {
		t.Fatal("Tick after a 429: no error")
	}
	d := latestOf(t, st, "slack")
	if len(d) != 1 || d[0].Status != mw.DeliveryRetrying || d[0].NextAt.After(now.Add(retryafter.Max)) || !strings.Contains(d[0].Error, "429") {
		t.Fatalf("after a ten-year Retry-After the delivery is %+v, want it retried within %s", d, retryafter.Max)
	}
	mu.Lock()
	limited = false
	mu.Unlock()
	if err := l.Tick(ctx, d[0].NextAt); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) == 0 || !strings.Contains(got[0], "Spike in negative mentions") {
		t.Fatalf("after the wait the receiver has %d messages, want the firing one first: %q", len(got), got)
	}
}

// TestCriticalScanSurvivesAFutureCollectedTime: a mention stored with a
// collected time ahead of the loop's clock (a member whose clock runs
// ahead) must not carry the scan's watermark past now, or every mention
// collected after it by the others is never read.
func TestCriticalScanSurvivesAFutureCollectedTime(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{Critical: mw.CriticalConfig{Keywords: []string{"keracunan"}}})
	skewed := mention(1, t0, mw.Neutral, "hello acme")
	skewed.Collected = t0.Add(2 * time.Hour)
	if err := st.InsertMentions(ctx, []mw.Mention{skewed}); err != nil {
		t.Fatal(err)
	}
	if err := l.Tick(ctx, t0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	crit := mention(2, t0.Add(5*time.Minute), mw.Negative, "anak saya keracunan setelah makan produk acme")
	crit.Collected = t0.Add(6 * time.Minute)
	if err := st.InsertMentions(ctx, []mw.Mention{crit}); err != nil { // stored by another member: not observed here
		t.Fatal(err)
	}
	for i := 2; i <= 4; i++ {
		if err := l.Tick(ctx, t0.Add(time.Duration(i)*5*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if msgs := r.messages(); len(msgs) != 1 || !strings.Contains(msgs[0], "keracunan") {
		t.Fatalf("%d messages after a critical mention stored behind a future collected time; want the critical alert", len(msgs))
	}
}

// TestCriticalScanReadsPastAFloodOfOneCollectedSecond: one source run
// stores more than a page of mentions, all with the run's collected time.
// A critical mention among them (stored by another member, so not
// observed here) must still alert: the scan cannot page by collected time
// alone.
func TestCriticalScanReadsPastAFloodOfOneCollectedSecond(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{Critical: mw.CriticalConfig{Keywords: []string{"keracunan"}}})
	var ms []mw.Mention
	maxID := ""
	for i := 0; i < scanPage+500; i++ {
		m := mention(i, t0.Add(-time.Duration(i)*time.Second), mw.Neutral, "acme promo")
		m.Collected = t0
		ms = append(ms, m)
		maxID = max(maxID, m.ID)
	}
	var crit mw.Mention
	for i := 1_000_000; ; i++ { // sorts after every other id: the last row of the run
		crit = mention(i, t0, mw.Negative, "anak saya keracunan setelah makan produk acme")
		crit.Collected = t0
		if crit.ID > maxID {
			break
		}
	}
	ms = append(ms, crit)
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if err := l.Tick(ctx, t0.Add(time.Duration(i)*5*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if msgs := r.messages(); len(msgs) != 1 || !strings.Contains(msgs[0], "keracunan") {
		t.Fatalf("%d messages after a critical mention in a flood of %d collected at once; want the critical alert", len(msgs), len(ms))
	}
}

// TestCriticalOfARemovedBrandIsNotSent: a critical mention of a brand no
// longer configured is not alerted, and the loop goes on.
func TestCriticalOfARemovedBrandIsNotSent(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{Critical: mw.CriticalConfig{Keywords: []string{"keracunan"}}})
	m := mention(1, t0, mw.Negative, "keracunan "+strings.Repeat("panjang sekali ", 100000))
	m.Brand = "gone"
	m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
	if err := st.InsertMentions(ctx, []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	l.Observe([]mw.Mention{m, m})
	if err := l.Tick(ctx, t0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n := len(r.messages()); n != 0 {
		t.Fatalf("%d messages for a brand that is not configured", n)
	}
}

// An alert the outbox retires while a job of it is still queued is
// forgotten once that job is delivered: the per-receiver memory of keys
// does not grow with every such alert.
func TestRetiredAlertForgottenWhenItsLastJobIsDone(t *testing.T) {
	r := newRQueue(nil, nil)
	j := &job{key: "k1", n: Notification{Alert: mw.Alert{ID: "a1"}}}
	other := &job{key: "k2", n: Notification{Alert: mw.Alert{ID: "a2"}}}
	if !r.add("a1", j) || !r.add("a2", other) {
		t.Fatal("jobs not added")
	}
	r.forget("a1") // retired with its job still queued
	if !r.has("a1", "k1") {
		t.Fatal("a queued job's key was forgotten: it could be queued twice")
	}
	r.done(j)
	if len(r.known) != 1 || r.has("a1", "k1") || len(r.retired) != 0 {
		t.Errorf("after the last job: known %v, retired %v; want only a2", r.known, r.retired)
	}
	r.done(other) // not retired: remembered until the outbox retires it
	if !r.has("a2", "k2") {
		t.Error("a delivered job of a live alert was forgotten")
	}
	r.forget("a2")
	if len(r.known) != 0 {
		t.Errorf("known %v after every alert was retired", r.known)
	}
}

// TestRescanJudgesMentionsStoredBehindTheWatermark: a critical mention
// stored late with an old collected time (replayed from a writer's spool
// after its store came back, by another member or after a restart) is
// behind the scan's watermark, which the others' mentions moved on: the
// scan never reads it. Rescan, which the daemon calls for such mentions,
// makes the next tick read it, and it alerts once.
func TestRescanJudgesMentionsStoredBehindTheWatermark(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{Critical: mw.CriticalConfig{Keywords: []string{"keracunan"}}})
	recent := mention(1, t0.Add(time.Hour), mw.Neutral, "hello acme")
	if err := st.InsertMentions(ctx, []mw.Mention{recent}); err != nil {
		t.Fatal(err)
	}
	if err := l.Tick(ctx, t0.Add(61*time.Minute)); err != nil {
		t.Fatal(err)
	}
	late := mention(2, t0, mw.Negative, "anak saya keracunan setelah makan produk acme") // collected at t0, stored only now
	if err := st.InsertMentions(ctx, []mw.Mention{late}); err != nil {
		t.Fatal(err)
	}
	if err := l.Tick(ctx, t0.Add(62*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n := len(r.messages()); n != 0 {
		t.Fatalf("%d messages before the rescan; the scan was expected to miss the late mention (the defect Rescan fixes)", n)
	}
	l.Rescan(late.Collected)
	for i := 63; i <= 65; i++ {
		if err := l.Tick(ctx, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if msgs := r.messages(); len(msgs) != 1 || !strings.Contains(msgs[0], "keracunan") {
		t.Fatalf("%d messages after the rescan; want the late mention's critical alert, once", len(msgs))
	}
}

// mentionsDown is a store whose mention reads fail while down is set.
type mentionsDown struct {
	store.Store
	down bool
}

func (s *mentionsDown) Mentions(ctx context.Context, q store.MentionQuery) ([]mw.Mention, error) {
	if s.down {
		return nil, errors.New("connection refused")
	}
	return s.Store.Mentions(ctx, q)
}

// TestRescanFailingKeepsItWithoutSpinning: a rescan whose read fails is
// kept for the next tick, without waking the loop again at once: a store
// that stays down must not make Run tick back to back.
func TestRescanFailingKeepsItWithoutSpinning(t *testing.T) {
	st := &mentionsDown{Store: openStore(t)}
	l := newLoop(st, nil, mw.AlertsConfig{})
	if err := l.Tick(ctx, t0); err != nil {
		t.Fatal(err)
	}
	st.down = true
	l.Rescan(t0.Add(-time.Hour))
	<-l.wake // Run takes the wake-up and ticks
	if err := l.Tick(ctx, t0.Add(time.Minute)); err == nil {
		t.Fatal("the tick read the mentions of a store that is down")
	}
	if n := len(l.wake); n != 0 {
		t.Fatal("the failed rescan woke the loop again at once: Run would tick back to back while the store is down")
	}
	if !l.rescan.Equal(t0.Add(-time.Hour)) {
		t.Fatalf("the failed rescan was not kept for the next tick (rescan %s)", l.rescan)
	}
}
