package alerts

import (
	"sync"
	"time"
)

// LoopStats is what the loop reports after each tick, for /metrics: when
// it last ticked and what the outbox owes.
type LoopStats struct {
	LastTick  time.Time // the now of the last tick that got past warming
	Pending   int       // notifications due and not delivered yet (a failing notifier, an unreachable store)
	OldestDue time.Time // when the longest-waiting of them first became due; zero when none
}

// loopStats is the last LoopStats, written by the tick goroutine and read
// by the metrics scrape; a scrape never waits for a tick.
type loopStats struct {
	mu    sync.Mutex
	s     LoopStats
	ticks bool
}

// Stats returns what the loop reported after its last tick; ok is false
// before the first tick.
func (l *Loop) Stats() (s LoopStats, ok bool) {
	l.stats.mu.Lock()
	defer l.stats.mu.Unlock()
	return l.stats.s, l.stats.ticks
}

func (l *Loop) recordStats(now time.Time) {
	pending, oldest := l.out.owed(now)
	l.stats.mu.Lock()
	l.stats.s = LoopStats{LastTick: now, Pending: pending, OldestDue: oldest}
	l.stats.ticks = true
	l.stats.mu.Unlock()
}

// owed counts the notifications due and not delivered after a flush (not
// yet queued, or queued for a receiver and not sent), and
// when the longest-waiting one first became due. It remembers, per
// delivery key, the first tick that found it due (a state change, or a
// repeat that came round), and forgets the keys delivered since. Owned by
// the tick goroutine.
func (o *outbox) owed(now time.Time) (int, time.Time) {
	if o.dueSince == nil {
		o.dueSince = map[string]time.Time{}
	}
	live := map[string]bool{}
	var oldest time.Time
	for _, a := range o.pending {
		if !o.due(a, now) {
			continue
		}
		key := DeliveryKey(*a)
		live[key] = true
		since, ok := o.dueSince[key]
		if !ok {
			since = now
			o.dueSince[key] = since
		}
		if oldest.IsZero() || since.Before(oldest) {
			oldest = since
		}
	}
	for key := range o.dueSince {
		if !live[key] {
			delete(o.dueSince, key)
		}
	}
	// What the receivers' queues hold: each (notification, receiver) not
	// sent yet counts, since it was queued.
	n := len(live)
	for _, r := range o.q.byName {
		r.mu.Lock()
		for _, j := range r.jobs {
			n++
			if oldest.IsZero() || j.since.Before(oldest) {
				oldest = j.since
			}
		}
		r.mu.Unlock()
	}
	return n, oldest
}
