// Package alerts watches the stored mentions for waves of negative mentions
// and for single critical mentions, keeps each alert's lifecycle (firing,
// repeated, resolved) in the store, and notifies Slack and webhooks once
// per change, with the evidence a responder needs.
//
// The store is the source of truth: the loop judges what it holds,
// bucketed by publish time, so `collect --once` then `run`, a restart, or
// a mention collected twice give the same decisions. Its parts, each in
// its own file:
//
//   - counts.go: the counts per bucket of every series, re-read from the
//     store for the buckets after the horizon (max_lateness);
//   - judge.go: the detector run over those counts, rebuilt when a late
//     mention changes a closed bucket;
//   - episodes.go: the per-brand spike episode (open, peak, resolve);
//   - drops.go: the drop watch (alerts.drops), each brand's whole volume
//     judged downwards on closed buckets;
//   - criticals.go: single critical mentions, judged once when first
//     collected (a persisted watermark over collected time);
//   - outbox.go: pending notifications, deliveries, silences;
//   - loop.go: the Loop that wires them, and its goroutines.
package alerts

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/routing"
	"github.com/mentionwatch/mentionwatch/store"
)

// keepHistory is how much history the detector is built from.
const keepHistory = 14 * 24 * time.Hour

// Loop is the alerting loop.
//
// Goroutines and state: one goroutine calls Warm and then Tick (Run does
// both; the demo and tests call Tick themselves). It owns the history,
// judge, episodes, criticals and outbox; tickMu serialises Ticks should two
// goroutines call it anyway. Observe and Nudge may be called from any
// goroutine (the collectors' sink): they touch only the observed queue,
// under obsMu, and the wake channel.
type Loop struct {
	cfg      mw.AlertsConfig
	st       store.Store
	log      *slog.Logger
	bucket   time.Duration
	lateness time.Duration

	// Brands, when set, limits spike and critical alerts to these brands
	// (competitors are tracked for share of voice, not alerted on). Set it
	// before the first Tick.
	Brands map[string]bool
	// Competitors are the competitors' names, for the critical check: a
	// name that reads as a harm is blanked before it (criticals.go). Set
	// it before the first Tick.
	Competitors []string
	// OnDeliver, if set, is called after each notification attempt (its
	// retries done), with the error if it failed (for metrics). Set it
	// before the first Tick.
	OnDeliver func(notifier string, a mw.Alert, err error)
	// DeliveryTimeout bounds one notification's retries to one receiver
	// within a round; what is not delivered stays queued for that receiver
	// and is tried again after a backoff (30 s doubling to 30 min, or the
	// service's Retry-After).
	DeliveryTimeout time.Duration
	// Router routes alerts to receivers and holds each receiver's quiet
	// hours and rate limit; nil sends every alert to every notifier. Set
	// it before the first Tick.
	Router *routing.Router
	// NewDetector builds a detector; the loop rebuilds it from the store's
	// counts when a late mention changes a closed bucket. Default: the one
	// cfg names.
	NewDetector func() Detector
	// Location is the time zone of the detector's daily and weekly rhythm
	// (timezone:): people post by their local clock, and in a zone with
	// daylight saving time their habits move against UTC twice a year.
	// nil is UTC. Set it before Warm.
	Location *time.Location
	// WaitForClose turns the fast response off: spikes are judged on
	// closed buckets only (the behaviour before Peek, kept to measure the
	// fast response against).
	WaitForClose bool
	// Now and Ticks drive Run: the clock (default time.Now) and the tick
	// source (default a ticker every min(bucket/5, 30s)). Tests set both.
	Now   func() time.Time
	Ticks <-chan time.Time

	obsMu    sync.Mutex
	observed []mw.Mention // handed over by Observe, judged by the next Tick
	rescan   time.Time    // Rescan: the next Tick's critical scan reads from here (zero: from its watermark)
	wake     chan struct{}

	tickMu sync.Mutex // held by Warm and Tick; guards everything below
	warmed bool
	async  bool // Run: Tick does not wait for the receivers' workers
	hist   *history
	judge  *judge
	eps    *episodes
	crit   *criticals
	drops  *drops // nil unless alerts.drops.enabled
	out    *outbox

	stats loopStats // written after each tick, read by /metrics (stats.go)
}

// NewLoop builds the loop for cfg.
func NewLoop(cfg mw.AlertsConfig, st store.Store, ns []Notifier, log *slog.Logger) *Loop {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "alerts")
	l := &Loop{
		cfg: cfg, st: st, log: log,
		bucket:          cfg.Bucket.Or(5 * time.Minute),
		lateness:        cfg.MaxLateness.Or(2 * time.Hour),
		DeliveryTimeout: 2 * time.Minute,
		wake:            make(chan struct{}, 1),
	}
	l.NewDetector = func() Detector { return NewDetector(cfg, l.Location) }
	l.out = newOutbox(st, ns, cfg, l.bucket, log)
	l.eps = newEpisodes(l.bucket)
	return l
}

// ID returns a stable alert id from its parts.
func ID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

// Observe hands over mentions the daemon has just stored, so that their
// critical ones alert on the next tick even if the store cannot be read
// then, and wakes the loop for a fast response. Counting is not done here:
// the loop counts what the store holds.
func (l *Loop) Observe(ms []mw.Mention) {
	if len(ms) == 0 {
		return
	}
	l.obsMu.Lock()
	l.observed = append(l.observed, ms...)
	if n := len(l.observed); n > maxObserved {
		// Nobody ticks (collect --once) or ticks fall far behind: the scan
		// of the store judges the dropped ones from their collected time.
		l.observed = append([]mw.Mention(nil), l.observed[n-maxObserved:]...)
	}
	l.obsMu.Unlock()
	l.Nudge()
}

// Rescan asks the next tick's critical scan to read the mentions
// collected since from, when that is before what it would read anyway:
// mentions stored late with an older collected time (replayed from a
// writer's spool, by this process after a restart or by another member)
// would otherwise fall behind its watermark and never be judged. Each
// mention still alerts once (the store is asked first). It never blocks.
func (l *Loop) Rescan(from time.Time) {
	if from.IsZero() {
		return
	}
	l.keepRescan(from)
	l.Nudge()
}

// keepRescan records from for the next tick's scan without waking the
// loop (a failed scan keeps it for the next tick, not at once).
func (l *Loop) keepRescan(from time.Time) {
	l.obsMu.Lock()
	if l.rescan.IsZero() || from.Before(l.rescan) {
		l.rescan = from
	}
	l.obsMu.Unlock()
}

// maxObserved bounds the mentions Observe queues between ticks.
const maxObserved = 50000

// Nudge asks Run to tick now (a collection stored mentions). It never
// blocks.
func (l *Loop) Nudge() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *Loop) brandList() []string {
	if l.Brands == nil {
		return nil
	}
	out := make([]string, 0, len(l.Brands))
	for b := range l.Brands {
		out = append(out, b)
	}
	sort.Strings(out)
	return out
}

// Warm reads the last 14 days of counts and the alerts the store holds
// (firing episodes, resolved ones, notifications not yet delivered), so
// that a restart neither re-sends nor forgets. The first Tick warms if Warm
// was not called.
func (l *Loop) Warm(ctx context.Context, now time.Time) error {
	l.tickMu.Lock()
	defer l.tickMu.Unlock()
	return l.warm(ctx, now)
}

func (l *Loop) warm(ctx context.Context, now time.Time) error {
	brands := l.brandList()
	l.hist = newHistory(l.st, l.bucket, brands)
	l.judge = newJudge(l.NewDetector, l.bucket)
	l.eps = newEpisodes(l.bucket)
	l.crit = newCriticals(l.st, l.cfg.Critical, brands, l.allowed)
	l.crit.maskNames(append(append([]string(nil), brands...), l.Competitors...))
	l.crit.pending = func(id string) *mw.Alert { return l.out.pending[id] }
	l.drops = nil
	if l.cfg.Drops.Enabled {
		l.drops = newDrops(l.cfg, l.bucket, l.Location)
	}
	l.out.router = l.Router
	l.out.q = newQueues(l.st, l.out.ns, l.Router, l.log)
	l.out.q.timeout, l.out.q.onDeliver = l.DeliveryTimeout, l.OnDeliver
	restored, err := l.restoreDeliveries(ctx, now)
	if err != nil {
		return err
	}
	open := bucketOf(now, l.bucket)
	if _, _, err := l.hist.read(ctx, open.Add(-keepHistory), open.Add(l.bucket)); err != nil {
		return fmt.Errorf("warming from the store: %w", err)
	}
	as, err := l.st.Alerts(ctx, store.AlertQuery{Since: now.Add(-7 * 24 * time.Hour), Limit: 1000})
	if err != nil {
		return fmt.Errorf("loading alerts: %w", err)
	}
	// The firing ones on their own: the newest 1000 of a week (a flood of
	// critical mentions, thousands of brands) can crowd out an episode
	// that started earlier and still fires, which would then never resolve.
	firing, err := l.st.Alerts(ctx, store.AlertQuery{State: mw.Firing, Limit: 100000})
	if err != nil {
		return fmt.Errorf("loading firing alerts: %w", err)
	}
	read := make(map[string]bool, len(as))
	for _, a := range as {
		read[a.ID] = true
	}
	for _, a := range firing {
		if !read[a.ID] {
			as = append(as, a)
		}
	}
	sort.Slice(as, func(i, j int) bool { return as[i].StartedAt.Before(as[j].StartedAt) })
	if err := l.crit.adoptCopies(ctx, now, as); err != nil {
		return fmt.Errorf("warming from the store: %w", err)
	}
	pending := 0
	for i := range as {
		a := &as[i]
		if !l.allowed(a.Brand) {
			continue
		}
		l.eps.adopt(a)
		if l.drops != nil {
			l.drops.adopt(a)
		}
		if a.State != a.NotifiedState || a.State == mw.Firing {
			l.out.pending[a.ID] = a
			pending++
		}
	}
	l.warmed = true
	l.log.Info("alert loop warmed from the store", "series", len(l.hist.vals), "from", open.Add(-keepHistory), "firing", len(l.eps.open), "pending", pending, "queued_deliveries", restored)
	return nil
}

func (l *Loop) allowed(brand string) bool { return l.Brands == nil || l.Brands[brand] }

// Tick judges what the store holds at now: it re-reads the buckets after
// the horizon (now - max_lateness), brings the detector up to the last
// closed bucket, peeks at the open one, moves each brand's episode, judges
// mentions collected since the last tick for criticality, and delivers
// what is due. Errors from the store leave the work for the next tick.
func (l *Loop) Tick(ctx context.Context, now time.Time) error {
	l.tickMu.Lock()
	defer l.tickMu.Unlock()
	if !l.warmed {
		if err := l.warm(ctx, now); err != nil {
			return err
		}
	}
	var errs []error
	var held []*mw.Alert
	for _, a := range l.out.pending {
		held = append(held, a)
	}
	for _, a := range l.eps.open {
		held = append(held, a)
	}
	if l.drops != nil {
		for _, a := range l.drops.open {
			held = append(held, a)
		}
	}
	if err := l.out.adoptOperatorChanges(ctx, held); err != nil {
		errs = append(errs, err)
	}
	for brand, ep := range l.eps.open {
		if ep.State == mw.Resolved { // by an operator: no new episode until the detector starts one
			ep.Reason = closedReason(ep)
			ep.EpisodeTotal = l.hist.negatives(brand, ep.StartedAt, bucketOf(ep.ResolvedAt, l.bucket)) // its closed buckets
			delete(l.eps.open, brand)
			l.eps.adopt(ep)
		}
	}
	if l.drops != nil {
		for brand, a := range l.drops.open {
			if a.State == mw.Resolved {
				a.Reason = closedReason(a)
				delete(l.drops.open, brand)
				l.drops.adopt(a)
			}
		}
	}

	changed, err := l.spikes(ctx, now)
	if err != nil {
		errs = append(errs, err)
	}
	l.obsMu.Lock()
	observed, rescan := l.observed, l.rescan
	l.observed, l.rescan = nil, time.Time{}
	l.obsMu.Unlock()
	crit, err := l.crit.scan(ctx, now, observed, rescan)
	if err != nil {
		errs = append(errs, err)
		if !rescan.IsZero() {
			l.keepRescan(rescan) // read again on the next tick
		}
	}
	for _, a := range crit {
		l.log.Info("critical mention alert", "brand", a.Brand, "why", a.Reason, "alert", a.ID)
	}
	for _, a := range append(changed, crit...) {
		if !l.out.put(a) {
			continue
		}
		if err := l.st.SaveAlert(ctx, *a); err != nil {
			errs = append(errs, fmt.Errorf("saving alert %s: %w", a.ID, err))
		}
	}
	errs = append(errs, l.out.flush(ctx, now)...)
	l.out.q.dispatch(ctx, now)
	if !l.async {
		if err := l.out.q.wait(); err != nil {
			errs = append(errs, err)
		}
	}
	l.recordStats(now)
	return errors.Join(errs...)
}

// spikes re-reads the counts after the horizon, advances the judge and
// walks every brand's episode.
func (l *Loop) spikes(ctx context.Context, now time.Time) ([]*mw.Alert, error) {
	open := bucketOf(now, l.bucket)
	horizon := bucketOf(now.Add(-l.lateness), l.bucket)
	from := horizon
	if keep := bucketOf(open.Add(-keepHistory), l.bucket); l.hist.forgot.After(keep) && keep.Before(from) {
		// A tick whose clock ran ahead forgot the history this one judges
		// from, and the clock was stepped back since: read it again, as
		// Warm does, or the detector starts over without a baseline.
		from = keep
	}
	changed, newSeries, err := l.hist.read(ctx, from, open.Add(l.bucket))
	if err != nil {
		return nil, err
	}
	if from != horizon {
		l.hist.forgot = from
		l.log.Warn("the clock went back past history this loop had dropped; read 14 days of counts again", "now", now, "from", from)
	}
	if old, ok := l.oldest(); ok && old.Before(open.Add(-keepHistory-24*time.Hour)) {
		keep := bucketOf(open.Add(-keepHistory), l.bucket)
		l.hist.forget(keep) // once a day: the rebuild below starts from the new first bucket
		newSeries = true
	}
	l.judge.advance(l.hist, open, horizon, changed, newSeries)

	keysOf := map[string][]string{}
	for _, k := range l.judge.keys {
		b, _ := splitSeries(k)
		keysOf[b] = append(keysOf[b], k)
	}
	viewOf := func(peek bool) view {
		return func(brand string, b time.Time) []seriesDecision {
			var sds []seriesDecision
			for _, k := range keysOf[brand] {
				_, scope := splitSeries(k)
				d := l.judge.decision(k, b)
				if peek {
					d = l.judge.peek(l.hist, k, b)
				}
				sds = append(sds, seriesDecision{scope: scope, d: d, c: l.hist.at(k, b)})
			}
			return sds
		}
	}
	var peek view
	if !l.WaitForClose {
		peek = viewOf(true)
	}
	var out []*mw.Alert
	if l.drops != nil {
		l.drops.judge.advance(l.hist, open, horizon, changed, newSeries)
		for _, brand := range brandsOf(l.drops.judge.keys) {
			if !l.allowed(brand) {
				continue
			}
			for _, a := range l.drops.walk(l.hist, brand, horizon, open) {
				l.log.Info("drop alert "+string(a.State), "brand", brand, "count", a.Count, "baseline", a.Baseline,
					"started_at", a.StartedAt, "alert", a.ID)
				out = append(out, a)
			}
		}
	}
	brands := brandsOf(l.judge.keys)
	for brand := range l.eps.open { // an episode whose brand went silent still resolves
		if len(keysOf[brand]) == 0 {
			brands = append(brands, brand)
		}
	}
	sort.Strings(brands)
	for _, brand := range brands {
		if !l.allowed(brand) {
			continue
		}
		for _, a := range l.eps.walk(brand, horizon, open, viewOf(false), peek, spikeSummary(l.bucket)) {
			if a.State == mw.Resolved {
				a.EpisodeTotal = l.hist.negatives(brand, a.StartedAt, a.ResolvedAt)
			}
			l.log.Info("spike alert "+string(a.State), "brand", brand, "scope", a.Scope, "count", a.Count, "baseline", a.Baseline,
				"started_at", a.StartedAt, "alert", a.ID)
			out = append(out, a)
		}
	}
	return out, nil
}

// oldest is the first bucket the history holds for any brand.
func (l *Loop) oldest() (t time.Time, ok bool) {
	for _, f := range l.hist.first {
		if !ok || f.Before(t) {
			t, ok = f, true
		}
	}
	return t, ok
}

// Run ticks until ctx ends: on its tick source, and at once when Nudge is
// called (a collection stored mentions), so that a burst reaches the
// notifiers within a tick of the collection that brought it.
func (l *Loop) Run(ctx context.Context) error {
	now := l.Now
	if now == nil {
		now = time.Now
	}
	ticks := l.Ticks
	if ticks == nil {
		t := time.NewTicker(min(l.bucket/5, 30*time.Second))
		defer t.Stop()
		ticks = t.C
	}
	// Receivers deliver on their own workers: a tick hands them their due
	// jobs and does not wait, so a receiver that is down or slow delays
	// neither the loop nor the other receivers. Their errors are logged
	// where they happen.
	l.tickMu.Lock()
	l.async = true
	l.tickMu.Unlock()
	defer func() {
		l.tickMu.Lock()
		defer l.tickMu.Unlock()
		if l.out.q != nil {
			l.out.q.wait() // no worker outlives Run
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticks:
		case <-l.wake:
		}
		if err := l.Tick(ctx, now().UTC()); err != nil && ctx.Err() == nil {
			l.log.Error("alert tick failed; retrying next tick", "err", err)
		}
	}
}

// Idle blocks until no receiver's worker is running: the deliveries the
// ticks so far handed over are done (sent, or failed and waiting for their
// next attempt). Tests that drive Run with their own clock call it after a
// tick. It may be called from any goroutine, and returns at once before
// the first tick.
func (l *Loop) Idle() {
	l.tickMu.Lock()
	q := l.out.q
	l.tickMu.Unlock()
	q.settle()
}

// restoreDeliveries reads the delivery log of the last 7 days: every
// notification routed to a receiver is remembered (it is never queued
// twice), and those not yet sent are queued again, rebuilt from the
// stored alert, with their attempt count and next attempt time.
func (l *Loop) restoreDeliveries(ctx context.Context, now time.Time) (int, error) {
	ds, err := l.st.Deliveries(ctx, store.DeliveryQuery{Since: now.Add(-7 * 24 * time.Hour), Limit: 100000})
	if err != nil {
		return 0, fmt.Errorf("loading the delivery log: %w", err)
	}
	attempts := map[string]int{}
	queuedAt := map[string]time.Time{}
	for _, d := range ds {
		k := d.Key + "\x00" + d.Receiver
		attempts[k] = max(attempts[k], d.Attempt)
		if q, ok := queuedAt[k]; !ok || d.At.Before(q) {
			queuedAt[k] = d.At
		}
	}
	alerts := &storedAlerts{st: l.st, m: map[string]*mw.Alert{}}
	restored := 0
	told := map[[2]string]toldState{} // (alert, receiver) -> the last notification it took
	for _, d := range Latest(ds) {
		r := l.out.q.byName[d.Receiver]
		if r == nil {
			if !d.Final() {
				l.log.Warn("a queued delivery names a receiver that is no longer configured; it stays in the delivery log", "alert", d.AlertID, "receiver", d.Receiver, "key", d.Key)
			}
			continue
		}
		if d.Final() {
			r.mu.Lock()
			r.remember(d.AlertID, d.Key)
			r.mu.Unlock()
			if _, state, num, ok := parseKey(d.Key); ok && num > told[[2]string{d.AlertID, d.Receiver}].num {
				told[[2]string{d.AlertID, d.Receiver}] = toldState{state, num}
			}
			continue
		}
		id, state, num, ok := parseKey(d.Key)
		if !ok || id != d.AlertID {
			l.log.Warn("skipping a delivery record with a malformed key", "key", d.Key, "alert", d.AlertID)
			continue
		}
		a, err := alerts.get(ctx, id)
		if err != nil {
			return restored, fmt.Errorf("loading alert %s of a queued delivery: %w", id, err)
		}
		if a == nil {
			l.log.Warn("a queued delivery names an alert the store does not hold", "alert", id, "receiver", d.Receiver)
			continue
		}
		if !l.allowed(a.Brand) {
			// The brand was removed from the config (or renamed) while
			// this waited: nobody watches it any more, and the loop will
			// never tell how it ends.
			l.log.Warn("a queued delivery of an alert whose brand is no longer configured is dropped, not sent; the alert stays in the store",
				"brand", a.Brand, "alert", id, "kind", a.Kind, "state", state, "receiver", d.Receiver, "key", d.Key)
			continue
		}
		shown := *a
		shown.State, shown.NotifyCount = state, num-1
		if state == mw.Firing {
			shown.ResolvedAt = time.Time{}
		}
		n := l.told(ctx, shown)
		next := d.NextAt
		if next.IsZero() {
			next = now
		}
		if r.add(id, &job{key: d.Key, n: n, attempts: attempts[d.Key+"\x00"+d.Receiver], nextAt: next, since: queuedAt[d.Key+"\x00"+d.Receiver]}) {
			restored++
		}
	}
	return restored, l.resume(ctx, told, alerts)
}

// storedAlerts reads alerts from the store once each, at start; an alert
// the store does not hold is nil.
type storedAlerts struct {
	st store.Store
	m  map[string]*mw.Alert
}

func (c *storedAlerts) get(ctx context.Context, id string) (*mw.Alert, error) {
	if a, ok := c.m[id]; ok {
		return a, nil
	}
	got, err := c.st.Alert(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		c.m[id] = nil
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	c.m[id] = &got
	return &got, nil
}

// told rebuilds the notification of shown, as a receiver was (or is to
// be) told it, with its evidence; without it when that cannot be read.
func (l *Loop) told(ctx context.Context, shown mw.Alert) Notification {
	n, err := l.out.evidence(ctx, &shown)
	if err != nil {
		l.log.Warn("collecting the evidence of a restored notification failed; using it without", "alert", shown.ID, "err", err)
	}
	n.Alert = shown
	return n
}

// toldState is the state and number of a notification a receiver took.
type toldState struct {
	state mw.AlertState
	num   int
}

// resume hands each Resumer the alerts still open whose last notification
// it took was a firing one (told), so that a restart does not look to it
// like they resolved; not those of a brand no longer configured, which
// the loop will never resolve. alerts caches the stored alerts already
// read.
func (l *Loop) resume(ctx context.Context, told map[[2]string]toldState, alerts *storedAlerts) error {
	keys := make([][2]string, 0, len(told))
	for k, t := range told {
		if t.state == mw.Firing {
			if _, ok := l.out.q.byName[k[1]].nt.(Resumer); ok {
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	for _, k := range keys {
		a, err := alerts.get(ctx, k[0])
		if err != nil {
			return fmt.Errorf("loading alert %s to resume it: %w", k[0], err)
		}
		if a == nil || a.State == mw.Resolved || !l.allowed(a.Brand) {
			continue // a brand no longer configured: nothing will resolve it, so it expires there
		}
		shown := *a
		shown.NotifyCount = told[k].num
		n := l.told(ctx, shown)
		l.out.q.byName[k[1]].nt.(Resumer).Resume(n)
		l.log.Info("firing alert resumed on a receiver that keeps firing alerts alive", "alert", shown.ID, "receiver", k[1])
	}
	return nil
}
