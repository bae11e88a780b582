package alerts

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/routing"
	"github.com/mentionwatch/mentionwatch/store"
)

// named renames a notifier, so a test can have two Slack receivers.
type named struct {
	Notifier
	name string
}

func (n named) Name() string { return n.name }

func slackNamed(t *testing.T, name string, h http.Handler) Notifier {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	s, err := NewSlack(mw.SlackConfig{WebhookURL: mw.Secret(srv.URL + "/services/T/B/x")}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return named{s, name}
}

// flaky answers 503 while down, and records what it took once up.
type flaky struct {
	mu     sync.Mutex
	down   bool
	tries  int
	bodies []string
	// before, when set, is waited for before the first answer: the test
	// makes it "the other receiver has its message".
	before <-chan struct{}
	t      *testing.T
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.before != nil {
		select {
		case <-f.before:
		case <-time.After(20 * time.Second):
			f.t.Error("the healthy receiver never got its message while this one was being tried: receivers are not independent")
		}
	}
	b := make([]byte, 1<<16)
	n, _ := r.Body.Read(b)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tries++
	if f.down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	f.bodies = append(f.bodies, string(b[:n]))
	w.Write([]byte("ok"))
}

func (f *flaky) got() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.bodies)
}

func (f *flaky) set(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

// signal is a receiver that closes ch when it takes its first message.
type signal struct {
	flaky
	once sync.Once
	ch   chan struct{}
}

func (s *signal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.flaky.ServeHTTP(w, r)
	s.once.Do(func() { close(s.ch) })
}

func burst(t *testing.T, st store.Store, l *Loop, at time.Time) {
	t.Helper()
	ms := make([]mw.Mention, 12)
	for i := range ms {
		ms[i] = mention(int(at.Unix())+i, at.Add(time.Duration(i)*time.Second), mw.Negative, "parcel <b>lost</b> *again* <!channel>")
	}
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	l.Observe(ms)
}

func latestOf(t *testing.T, st store.Store, receiver string) []mw.Delivery {
	t.Helper()
	ds, err := st.Deliveries(ctx, store.DeliveryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var out []mw.Delivery
	for _, d := range Latest(ds) {
		if d.Receiver == receiver {
			out = append(out, d)
		}
	}
	return out
}

// TestOneReceiverDownOthersDeliver: "down" is first in order and answers
// only after "up" has its message, then 503s; up gets the alert at once,
// down gets it after it recovers, each exactly once.
func TestOneReceiverDownOthersDeliver(t *testing.T) {
	st := openStore(t)
	up := &signal{ch: make(chan struct{})}
	down := &flaky{down: true, before: up.ch, t: t}
	l := newLoop(st, []Notifier{slackNamed(t, "down", down), slackNamed(t, "up", up)}, mw.AlertsConfig{})
	// Long enough that down's first answer (a 503, sent once up has its
	// message) comes inside it on a loaded machine: with 300 ms the
	// attempt was once cut off first, and the error was the deadline's.
	l.DeliveryTimeout = 3 * time.Second
	burst(t, st, l, t0)
	err := l.Tick(ctx, t0.Add(5*time.Minute))
	if err == nil || !strings.Contains(err.Error(), "to down") {
		t.Fatalf("Tick: %v, want the down receiver's error", err)
	}
	if up.got() != 1 || down.got() != 0 {
		t.Fatalf("after the first tick: up %d, down %d messages; want 1 and 0", up.got(), down.got())
	}
	d := latestOf(t, st, "down")
	if len(d) != 1 || d[0].Status != mw.DeliveryRetrying || d[0].Attempt < 1 || !strings.Contains(d[0].Error, "503") {
		t.Fatalf("down's delivery record: %+v", d)
	}
	if u := latestOf(t, st, "up"); len(u) != 1 || u[0].Status != mw.DeliverySent || u[0].Attempt != 1 {
		t.Fatalf("up's delivery record: %+v", u)
	}
	// Before its backoff ends, down is not tried again.
	tries := down.tries
	if err := l.Tick(ctx, t0.Add(5*time.Minute+10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if down.tries != tries {
		t.Errorf("down retried before its backoff: %d tries, was %d", down.tries, tries)
	}
	down.set(false)
	for i := 1; i <= 3; i++ {
		if err := l.Tick(ctx, d[0].NextAt.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if up.got() != 1 || down.got() != 1 {
		t.Fatalf("after recovery: up %d, down %d messages; want exactly 1 each", up.got(), down.got())
	}
	if dd := latestOf(t, st, "down"); dd[0].Status != mw.DeliverySent {
		t.Errorf("down's delivery: %+v", dd)
	}
}

// TestRestartMidRetryNoDouble: a receiver fails, the process restarts,
// the new loop delivers the queued notification once, and the receiver
// that already had it gets nothing more, even when the alert's own
// "notified" save was lost in the crash.
func TestRestartMidRetryNoDouble(t *testing.T) {
	st := openStore(t)
	a, b := &flaky{t: t}, &flaky{down: true, t: t}
	ns := []Notifier{slackNamed(t, "a", a), slackNamed(t, "b", b)}
	l1 := newLoop(st, ns, mw.AlertsConfig{})
	l1.DeliveryTimeout = 300 * time.Millisecond
	burst(t, st, l1, t0)
	l1.Tick(ctx, t0.Add(5*time.Minute))
	if a.got() != 1 || b.got() != 0 {
		t.Fatalf("before the restart: a %d, b %d", a.got(), b.got())
	}
	// The crash lost the save that marks the alert notified.
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil || len(as) != 1 {
		t.Fatalf("alerts %v %v", as, err)
	}
	as[0].NotifiedState, as[0].NotifyCount = "", 0
	if err := st.SaveAlert(ctx, as[0]); err != nil {
		t.Fatal(err)
	}

	b.set(false)
	l2 := newLoop(st, ns, mw.AlertsConfig{})
	now := t0.Add(10 * time.Minute)
	if err := l2.Warm(ctx, now); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := l2.Tick(ctx, now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if a.got() != 1 || b.got() != 1 {
		t.Fatalf("after the restart: a %d, b %d messages; want exactly 1 each", a.got(), b.got())
	}
	if !strings.Contains(b.bodies[0], "Spike in negative mentions of acme") {
		t.Errorf("b's message after the restart lacks the alert: %s", b.bodies[0])
	}
}

func routerFor(t *testing.T, yaml string, names ...string) *routing.Router {
	t.Helper()
	cfg, err := mw.ParseConfig("c.yaml", []byte("timezone: Asia/Jakarta\nbrands: [{name: acme, keywords: [acme]}]\nalerts:\n  routing:\n"+yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r, err := routing.New(cfg, names)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRoutingQuietHoursAndRateLimit: critical mentions go to "care" and,
// through continue, on to the catch-all route's "ops"; spikes only to
// "ops"; ops' quiet hours delay a spike to their end, and its rate limit
// delays the second message: delayed, then delivered, never dropped.
func TestRoutingQuietHoursAndRateLimit(t *testing.T) {
	st := openStore(t)
	care, ops := &flaky{t: t}, &flaky{t: t}
	l := newLoop(st, []Notifier{slackNamed(t, "care", care), slackNamed(t, "ops", ops)}, mw.AlertsConfig{
		Critical: mw.CriticalConfig{Keywords: []string{"keracunan"}}})
	// t0 is 15:00 in Jakarta: quiet from 15:00 to 15:20 there.
	l.Router = routerFor(t, `    routes:
      - {name: care, severity: [critical], receivers: [care], continue: true}
      - {name: everything, receivers: [ops]}
    default: [care]
    receivers:
      ops: {time_zone: Asia/Jakarta, quiet_hours: "15:00-15:20", quiet_critical: false, rate_limit: {burst: 1, every: 1h}}
`, "care", "ops")
	burst(t, st, l, t0)
	crit := mention(999, t0.Add(time.Minute), mw.Neutral, "anak saya keracunan setelah makan")
	crit.Lang = "id"
	st.InsertMentions(ctx, []mw.Mention{crit})
	l.Observe([]mw.Mention{crit})
	if err := l.Tick(ctx, t0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if care.got() != 1 || ops.got() != 0 {
		t.Fatalf("during ops' quiet hours: care %d (want the critical), ops %d (want 0)", care.got(), ops.got())
	}
	held := latestOf(t, st, "ops")
	if len(held) != 2 || held[0].Status != mw.DeliveryDelayed || !strings.Contains(held[0].Error, "quiet hours") {
		t.Fatalf("ops' records: %+v", held)
	}
	// Quiet hours end at 15:20 Jakarta: one goes, the other waits for a
	// token (an hour), then goes too.
	if err := l.Tick(ctx, t0.Add(21*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ops.got() != 1 {
		t.Fatalf("after quiet hours: ops has %d messages, want 1 (rate limit 1 per hour)", ops.got())
	}
	var limited bool
	for _, d := range latestOf(t, st, "ops") {
		limited = limited || d.Status == mw.DeliveryDelayed && strings.Contains(d.Error, "rate limit")
	}
	if !limited {
		t.Fatalf("no rate-limit hold recorded: %+v", latestOf(t, st, "ops"))
	}
	if err := l.Tick(ctx, t0.Add(82*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ops.got() != 2 || care.got() != 1 {
		t.Fatalf("an hour later: ops %d (want 2), care %d (want 1)", ops.got(), care.got())
	}
}

// blocking answers only once released, then 200.
type blocking struct {
	flaky
	release chan struct{}
}

func (b *blocking) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	<-b.release
	b.flaky.ServeHTTP(w, r)
}

// TestRunDoesNotWaitForAStuckReceiver: under Run, a receiver whose
// request hangs holds up neither the loop nor the other receiver: the
// next alert reaches the healthy one while the stuck one still hangs.
func TestRunDoesNotWaitForAStuckReceiver(t *testing.T) {
	st := openStore(t)
	stuck := &blocking{flaky: flaky{t: t}, release: make(chan struct{})}
	ok := &flaky{t: t}
	l := newLoop(st, []Notifier{slackNamed(t, "stuck", stuck), slackNamed(t, "ok", ok)}, mw.AlertsConfig{
		Critical: mw.CriticalConfig{Keywords: []string{"keracunan"}}})
	ticks := make(chan time.Time)
	var mu sync.Mutex
	now := t0
	l.Ticks, l.Now = ticks, func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	runCtx, cancel := context.WithCancel(ctx)
	var releaseOnce sync.Once
	release := func() { releaseOnce.Do(func() { close(stuck.release) }) }
	// On a failure below, the stuck receiver's request and the loop must
	// still end: an httptest server's Close waits for its requests, and
	// the package would hang until go test's timeout.
	t.Cleanup(func() { release(); cancel() })
	done := make(chan error, 1)
	go func() { done <- l.Run(runCtx) }()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				ds, _ := st.Deliveries(ctx, store.DeliveryQuery{})
				t.Fatalf("gave up waiting for %s; delivery log: %+v", what, ds)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	burst(t, st, l, t0)
	mu.Lock()
	now = t0.Add(5 * time.Minute)
	mu.Unlock()
	ticks <- now
	waitFor("the spike at the healthy receiver", func() bool { return ok.got() == 1 })

	crit := mention(999, t0.Add(5*time.Minute), mw.Neutral, "keracunan")
	st.InsertMentions(ctx, []mw.Mention{crit})
	l.Observe([]mw.Mention{crit})
	mu.Lock()
	now = t0.Add(6 * time.Minute)
	mu.Unlock()
	ticks <- now
	waitFor("the critical alert at the healthy receiver while the other hangs", func() bool { return ok.got() >= 2 })
	if stuck.got() != 0 {
		t.Fatalf("the stuck receiver answered: %d", stuck.got())
	}
	release()
	waitFor("the stuck receiver's first message, once released", func() bool { return stuck.got() >= 1 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if ok.got() < 2 || stuck.got() < 1 {
		t.Errorf("at the end: healthy %d, stuck %d messages; want 2 (or 3 with a resolution) and at least 1", ok.got(), stuck.got())
	}
}

// TestFailedAttemptsKeepTheRateLimitsTokens: a receiver's rate limit
// counts the messages its people get. A token was taken before every
// attempt, so a receiver that was down spent its tokens on failures, and
// once back its first alert waited for a new token (an hour here).
func TestFailedAttemptsKeepTheRateLimitsTokens(t *testing.T) {
	st := openStore(t)
	ops := &flaky{down: true, t: t}
	l := newLoop(st, []Notifier{slackNamed(t, "ops", ops)}, mw.AlertsConfig{})
	l.DeliveryTimeout = 300 * time.Millisecond
	l.Router = routerFor(t, `    default: [ops]
    receivers:
      ops: {rate_limit: {burst: 1, every: 1h}}
`, "ops")
	burst(t, st, l, t0)
	l.Tick(ctx, t0.Add(5*time.Minute)) // fails: ops is down
	if ops.got() != 0 {
		t.Fatalf("ops took %d messages while down", ops.got())
	}
	ops.set(false)
	if err := l.Tick(ctx, t0.Add(6*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ops.got() != 1 {
		t.Fatalf("back up a minute later: ops has %d messages, want 1 (its one token was never used on a message)", ops.got())
	}
}

// retryingRecord is receiver's latest record with status retrying.
func retryingRecord(t *testing.T, st store.Store, receiver string) mw.Delivery {
	t.Helper()
	ds, err := st.Deliveries(ctx, store.DeliveryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var r mw.Delivery
	for _, d := range ds {
		if d.Receiver == receiver && d.Status == mw.DeliveryRetrying {
			r = d
		}
	}
	if r.Status == "" {
		t.Fatalf("no retrying record of %s", receiver)
	}
	return r
}

// refusing is an incoming webhook that was removed: 404 "no_service".
type refusing struct {
	mu    sync.Mutex
	tries int
}

func (f *refusing) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.tries++
	f.mu.Unlock()
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte("no_service"))
}

func (f *refusing) n() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tries
}

// TestPermanentRefusalGivenUpAfterADay: a receiver that refuses every
// attempt (a removed Slack webhook) is retried for mw.GiveUpAfter, then
// the delivery is recorded failed, saying what to do, and tried no more,
// in this process or after a restart; the alert stays in the store. While
// it is retried, its record does not say "not retrying".
func TestPermanentRefusalGivenUpAfterADay(t *testing.T) {
	st := openStore(t)
	gone := &refusing{}
	ns := []Notifier{slackNamed(t, "gone", gone)}
	l := newLoop(st, ns, mw.AlertsConfig{})
	l.DeliveryTimeout = 3 * time.Second
	burst(t, st, l, t0)
	start := t0.Add(5 * time.Minute)
	for now := start; now.Before(start.Add(mw.GiveUpAfter + time.Hour)); now = now.Add(31 * time.Minute) {
		l.Tick(ctx, now)
	}
	ds := latestOf(t, st, "gone") // the alert fired and resolved
	if len(ds) == 0 {
		t.Fatal("no delivery record")
	}
	for _, d := range ds {
		if d.Status != mw.DeliveryFailed || !strings.Contains(d.Error, "no_service") || !strings.Contains(d.Error, "create a new one") {
			t.Fatalf("delivery record after a day of refusals: %+v, want failed with Slack's reason and hint", d)
		}
	}
	if r := retryingRecord(t, st, "gone"); strings.Contains(r.Error, "not retrying") {
		t.Errorf("a %s record, next attempt %s, says %q", r.Status, r.NextAt, r.Error)
	}
	tries := gone.n()
	if tries < 2 {
		t.Fatalf("%d tries: the refusal was not retried during the day", tries)
	}
	later := start.Add(mw.GiveUpAfter + 2*time.Hour)
	for i := 0; i < 3; i++ {
		if err := l.Tick(ctx, later.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatalf("Tick after giving up: %v", err)
		}
	}
	l2 := newLoop(st, ns, mw.AlertsConfig{})
	if err := l2.Warm(ctx, later.Add(4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := l2.Tick(ctx, later.Add(5*time.Hour)); err != nil {
		t.Fatalf("Tick after a restart: %v", err)
	}
	if gone.n() != tries {
		t.Errorf("tried %d more times after giving up", gone.n()-tries)
	}
	if as, err := st.Alerts(ctx, store.AlertQuery{}); err != nil || len(as) != 1 {
		t.Errorf("alerts after giving up: %v %v", as, err)
	}
}
