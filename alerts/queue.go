package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/routing"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/internal/retryafter"
	"github.com/mentionwatch/mentionwatch/store"
)

// rqueue is one notifier's delivery queue. The outbox (the Tick
// goroutine) adds jobs; one worker goroutine at a time (busy) sends them,
// so a receiver that is down or slow holds up nobody else. mu guards jobs,
// busy and known; the worker owns policy while busy.
type rqueue struct {
	nt     Notifier
	policy *routing.Policy

	mu    sync.Mutex
	jobs  []*job                     // pending, in the order they were routed
	busy  bool                       // a worker is sending
	known map[string]map[string]bool // alert id -> delivery keys routed here (any status)
	// retired holds the alerts the outbox retired while a job of theirs
	// was still queued: known forgets them when their last job is done.
	retired map[string]bool
}

// job is one notification on its way to one receiver.
type job struct {
	key      string
	n        Notification // the alert as it is told, with its evidence
	attempts int          // sends tried so far, over every round
	rounds   int          // rounds that ended in failure
	nextAt   time.Time    // not before
	since    time.Time    // when it was queued (stats)
	held     string       // the hold last recorded ("" = none), so a hold is logged once
}

func newRQueue(nt Notifier, p *routing.Policy) *rqueue {
	return &rqueue{nt: nt, policy: p, known: map[string]map[string]bool{}, retired: map[string]bool{}}
}

// has reports whether key was routed to r already.
func (r *rqueue) has(alertID, key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.known[alertID][key]
}

func (r *rqueue) remember(alertID, key string) {
	if r.known[alertID] == nil {
		r.known[alertID] = map[string]bool{}
	}
	r.known[alertID][key] = true
}

// add queues j (and remembers its key) unless the key is known.
func (r *rqueue) add(alertID string, j *job) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.known[alertID][j.key] {
		return false
	}
	r.remember(alertID, j.key)
	r.jobs = append(r.jobs, j)
	return true
}

// forget drops what r remembers of alert id, once the outbox retired it:
// now when no job of it is left, else when its last job is done.
func (r *rqueue) forget(alertID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.queued(alertID) {
		r.retired[alertID] = true
		return
	}
	delete(r.known, alertID)
}

// queued reports whether a job of alert id is left; r.mu is held.
func (r *rqueue) queued(alertID string) bool {
	for _, j := range r.jobs {
		if j.n.Alert.ID == alertID {
			return true
		}
	}
	return false
}

// done removes delivered job j, and forgets its alert when the outbox
// retired it and this was its last job.
func (r *rqueue) done(j *job) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, x := range r.jobs {
		if x == j {
			r.jobs = append(r.jobs[:i], r.jobs[i+1:]...)
			break
		}
	}
	if id := j.n.Alert.ID; r.retired[id] && !r.queued(id) {
		delete(r.retired, id)
		delete(r.known, id)
	}
}

// roundBackoff is the wait after a round of attempts failed: 30 s, doubling,
// at most 30 min; a longer Retry-After wins, up to retryafter.Max (a day:
// the delivery log would carry a longer wait across restarts).
func roundBackoff(rounds int, retryAfter time.Duration) time.Duration {
	d := 30 * time.Second
	for i := 1; i < rounds && d < 30*time.Minute; i++ {
		d *= 2
	}
	return max(min(d, 30*time.Minute), min(retryAfter, retryafter.Max))
}

// queues are the receivers of an outbox and their workers.
type queues struct {
	st        store.Store
	log       *slog.Logger
	timeout   time.Duration // one job's retries within a round
	byName    map[string]*rqueue
	order     []string
	wg        sync.WaitGroup
	mu        sync.Mutex // guards errs and running, serialises onDeliver
	idle      *sync.Cond // on mu: broadcast when a worker ends
	running   int        // workers started and not ended
	errs      []error
	onDeliver func(notifier string, a mw.Alert, err error)
}

func newQueues(st store.Store, ns []Notifier, router *routing.Router, log *slog.Logger) *queues {
	q := &queues{st: st, log: log, timeout: 2 * time.Minute, byName: map[string]*rqueue{}}
	q.idle = sync.NewCond(&q.mu)
	for _, nt := range ns {
		var p *routing.Policy
		if router != nil {
			p = router.Policy(nt.Name())
		}
		q.byName[nt.Name()] = newRQueue(nt, p)
		q.order = append(q.order, nt.Name())
	}
	return q
}

// record saves d, logging a failure: the log is the dashboard's view, a
// lost record does not lose the delivery (the queue is in memory and the
// queued record came first).
func (q *queues) record(ctx context.Context, d mw.Delivery) {
	if err := q.st.SaveDelivery(ctx, d); err != nil {
		q.log.Warn("recording a delivery failed", "alert", d.AlertID, "receiver", d.Receiver, "status", d.Status, "err", err)
	}
}

// dispatch starts a worker for every receiver with a job due at now and
// no worker running. Workers run on their own goroutines; wait joins them.
func (q *queues) dispatch(ctx context.Context, now time.Time) {
	for _, name := range q.order {
		r := q.byName[name]
		r.mu.Lock()
		due := !r.busy && slicesAny(r.jobs, func(j *job) bool { return !j.nextAt.After(now) })
		if due {
			r.busy = true
		}
		r.mu.Unlock()
		if !due {
			continue
		}
		q.wg.Add(1)
		q.mu.Lock()
		q.running++
		q.mu.Unlock()
		go func() {
			defer q.wg.Done()
			defer func() {
				q.mu.Lock()
				q.running--
				q.idle.Broadcast()
				q.mu.Unlock()
			}()
			q.work(ctx, r, now)
		}()
	}
}

// wait joins the workers dispatch started and returns their errors.
func (q *queues) wait() error {
	q.wg.Wait()
	q.mu.Lock()
	defer q.mu.Unlock()
	err := errors.Join(q.errs...)
	q.errs = nil
	return err
}

// settle blocks until no worker is running. Unlike wait it may be called
// from any goroutine while ticks go on.
func (q *queues) settle() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.running > 0 {
		q.idle.Wait()
	}
}

func slicesAny(js []*job, f func(*job) bool) bool {
	for _, j := range js {
		if f(j) {
			return true
		}
	}
	return false
}

// work sends r's jobs that are due at now, in order, and records each
// step. A job held by quiet hours or the rate limit waits (delayed); a
// failure ends the round for this receiver (it is likely down) and the job
// is retried after roundBackoff. It runs on r's worker goroutine.
func (q *queues) work(ctx context.Context, r *rqueue, now time.Time) {
	start := time.Now()
	at := func() time.Time { return now.Add(time.Since(start)).UTC() } // the tick's time, advanced by the work done
	defer func() {
		r.mu.Lock()
		r.busy = false
		r.mu.Unlock()
	}()
	r.mu.Lock()
	jobs := append([]*job(nil), r.jobs...)
	r.mu.Unlock()
	name := r.nt.Name()
	for _, j := range jobs {
		if ctx.Err() != nil {
			return
		}
		if j.nextAt.After(now) {
			continue
		}
		a := j.n.Alert
		if until, why := r.policy.Hold(at(), a.Kind); !until.IsZero() {
			if j.held != why || !j.nextAt.Equal(until) {
				q.record(ctx, mw.Delivery{Key: j.key, AlertID: a.ID, Receiver: name, Attempt: j.attempts, Status: mw.DeliveryDelayed, Error: why, At: at(), NextAt: until})
				q.log.Info("alert delivery delayed", "notifier", name, "alert", a.ID, "reason", why, "until", until)
			}
			j.held, j.nextAt = why, until
			continue
		}
		j.held = ""
		var last error
		err := deliver(ctx, r.nt, j.n, q.timeout, q.log, func(err error) {
			j.attempts++
			last = err
			d := mw.Delivery{Key: j.key, AlertID: a.ID, Receiver: name, Attempt: j.attempts, Status: mw.DeliverySent, At: at()}
			if err != nil {
				d.Status, d.Error = mw.DeliveryRetrying, redact.Error(err).Error()
			}
			q.record(ctx, d)
		})
		q.mu.Lock()
		if q.onDeliver != nil {
			q.onDeliver(name, a, err)
		}
		q.mu.Unlock()
		if err == nil {
			r.done(j)
			q.log.Info("alert delivered", "notifier", name, "alert", a.ID, "kind", a.Kind, "state", a.State, "brand", a.Brand, "scope", a.Scope, "attempts", j.attempts)
			continue
		}
		r.policy.Refund() // the token Hold took bought no message
		if last == nil {
			last = err
		}
		// The send's own error: when a Retry-After outlasts the round, the
		// backoff returns only "retry after N", which names neither the
		// receiver nor the status.
		err = last
		j.rounds++
		var de *DeliveryError
		var retry time.Duration
		permanent := false
		if errors.As(last, &de) {
			retry, permanent = de.RetryAfter, de.Permanent
		}
		if permanent && !j.since.IsZero() && at().Sub(j.since) >= mw.GiveUpAfter {
			r.done(j)
			q.record(ctx, mw.Delivery{Key: j.key, AlertID: a.ID, Receiver: name, Attempt: j.attempts, Status: mw.DeliveryFailed,
				Error: redact.Error(err).Error(), At: at()})
			q.log.Error("alert not delivered: the receiver refused it for a day, so it is given up (the alert stays on the dashboard; fix what the error says, then `notify test` the receiver)",
				"notifier", name, "alert", a.ID, "attempts", j.attempts, "queued_at", j.since, "err", err)
			q.mu.Lock()
			q.errs = append(q.errs, fmt.Errorf("delivering alert %s to %s: gave up after %s: %w", a.ID, name, mw.GiveUpAfter, err))
			q.mu.Unlock()
			continue
		}
		j.nextAt = now.Add(roundBackoff(j.rounds, retry)) // from the tick: rounds are paced by ticks
		q.record(ctx, mw.Delivery{Key: j.key, AlertID: a.ID, Receiver: name, Attempt: j.attempts, Status: mw.DeliveryRetrying,
			Error: redact.Error(err).Error(), At: at(), NextAt: j.nextAt})
		q.log.Error("alert not delivered; it stays queued for this receiver", "notifier", name, "alert", a.ID, "attempts", j.attempts, "next_at", j.nextAt, "err", err)
		q.mu.Lock()
		q.errs = append(q.errs, fmt.Errorf("delivering alert %s to %s: %w", a.ID, name, err))
		q.mu.Unlock()
		if !permanent {
			return // the receiver is failing: its other jobs wait for the next round
		}
	}
}

// parseKey splits a DeliveryKey into alert id, state and notification
// number.
func parseKey(key string) (id string, state mw.AlertState, n int, ok bool) {
	i := strings.LastIndexByte(key, ':')
	if i < 0 {
		return "", "", 0, false
	}
	n, err := strconv.Atoi(key[i+1:])
	j := strings.LastIndexByte(key[:i], ':')
	if err != nil || j < 0 || n < 1 {
		return "", "", 0, false
	}
	return key[:j], mw.AlertState(key[j+1 : i]), n, true
}

// statusRank orders records of one attempt number: a queue step, then
// its outcome.
var statusRank = map[string]int{mw.DeliveryQueued: 0, mw.DeliveryDelayed: 1, mw.DeliveryRetrying: 2, mw.DeliverySent: 3, mw.DeliveryFailed: 3}

// Latest returns the current record of each (key, receiver) pair of
// records, ordered by alert, key and receiver.
func Latest(ds []mw.Delivery) []mw.Delivery {
	type pair struct{ key, rcv string }
	last := map[pair]mw.Delivery{}
	for _, d := range ds {
		p := pair{d.Key, d.Receiver}
		cur, ok := last[p]
		if !ok || later(d, cur) {
			last[p] = d
		}
	}
	out := make([]mw.Delivery, 0, len(last))
	for _, d := range last {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Receiver < out[j].Receiver
	})
	return out
}

// later reports whether a is a later step than b: sent and failed are final; then by
// time in whole seconds (ClickHouse keeps seconds), attempt and status.
func later(a, b mw.Delivery) bool {
	if a.Final() != b.Final() {
		return a.Final()
	}
	if as, bs := a.At.Unix(), b.At.Unix(); as != bs {
		return as > bs
	}
	if a.Attempt != b.Attempt {
		return a.Attempt > b.Attempt
	}
	if statusRank[a.Status] != statusRank[b.Status] {
		return statusRank[a.Status] > statusRank[b.Status]
	}
	return a.At.After(b.At)
}
