package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/internal/retryafter"
)

// Entry is one configured digest (config digests:).
type Entry struct {
	Brand   mw.Brand
	Period  Period
	Hour    int          // local time of day it is sent at
	Minute  int          //
	Weekday time.Weekday // weekly digests: the day they are sent
	To      []string     // receiver names or mail addresses
}

// LatestDue is the most recent time at or before now the entry was due:
// today at Hour:Minute in loc (or the previous day), and for a weekly
// entry the latest such time on its Weekday. A local time a daylight
// saving change skips is due when the clock jumps past it (wallTime).
func (e Entry) LatestDue(now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	n := now.In(loc)
	for back := 0; back <= 8; back++ {
		d := wallTime(n.Year(), n.Month(), n.Day()-back, e.Hour, e.Minute, loc)
		if d.After(now) {
			continue
		}
		if e.Period == Weekly && d.Weekday() != e.Weekday {
			continue
		}
		return d
	}
	return time.Time{} // unreachable: a week back always has the weekday
}

// wallTime is the date y-m-d at h:mi in loc. A time a clock change skips
// (02:30 when Berlin or New York springs forward, midnight in Santiago) is
// the instant the clock jumps past it: time.Date takes it an hour early in
// zones west of UTC (01:30 EST), even on the day before (23:00 in
// Santiago). A repeated time is the one time.Date picks.
func wallTime(y int, mo time.Month, d, h, mi int, loc *time.Location) time.Time {
	t := time.Date(y, mo, d, h, mi, 0, 0, loc)
	want := time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	start, end := t.ZoneBounds()
	switch {
	case got.Before(want) && !end.IsZero():
		return end
	case got.After(want) && !start.IsZero():
		return start
	}
	return t
}

// covers says whether the digest recorded as sent at due time sent
// covers the period of the one due at due: its period ends as late. A
// due time moved later in the day (at: changed from 08:00 to 09:00, or
// timezone:) is the same period, not a new one to send.
func (e Entry) covers(sent, due time.Time, loc *time.Location) bool {
	if sent.IsZero() {
		return false
	}
	return !WindowEnding(e.Period, sent, loc).To.Before(WindowEnding(e.Period, due, loc).To)
}

// key names what the store remembers for one entry and receiver: the due
// time of the last digest delivered.
func (e Entry) key(to string) string {
	return "digest:" + e.Brand.Name + ":" + string(e.Period) + ":" + to
}

// Store is what the scheduler reads and where it records sent digests.
type Store interface {
	Reader
	Watermark(ctx context.Context, name string) (time.Time, error)
	SaveWatermark(ctx context.Context, name string, t time.Time) error
}

// Deliver sends d to one receiver (a configured channel's name or a mail
// address). An error means it was not delivered; the scheduler retries.
type Deliver func(ctx context.Context, to string, d *Rendered) error

// Scheduler sends each entry's digest to each of its receivers once per
// due time. What was sent is recorded in the store (Watermark under
// "digest:<brand>:<period>:<receiver>"), so a restart neither repeats a
// digest nor forgets one: after downtime the latest due digest is sent
// once, the ones missed before it are skipped. With no record yet (a new
// entry), the latest due digest is sent at the first tick.
//
// Tick and Run are called from one goroutine, which owns the scheduler's
// state.
type Scheduler struct {
	Entries     []Entry
	Store       Store
	Deliver     Deliver
	Location    *time.Location
	Dashboard   string
	AlertBucket time.Duration
	Log         *slog.Logger

	sent  map[string]time.Time // key -> due delivered, in case recording it failed
	retry map[string]backoff   // key -> when a failed delivery is tried again
	// kept holds, by index in Entries, the digest a receiver failed to
	// take, for its retries: they send what the others got, and a chat
	// that took some of its parts resumes (telegram.PostHTML) instead of
	// getting them twice. It goes once no receiver is left to retry.
	kept map[int]keptDigest
}

type keptDigest struct {
	due time.Time
	r   *Rendered
}

type backoff struct {
	due     time.Time
	at      time.Time
	wait    time.Duration
	refused bool // the receiver refused it for good: not tried again
}

// Backoff bounds between retries of a failed delivery.
const (
	firstRetry = time.Minute
	maxRetry   = time.Hour
)

// Tick sends every digest due at now that was not sent yet. It returns
// how many deliveries succeeded; failures are logged and retried on a
// later tick, after a backoff.
func (s *Scheduler) Tick(ctx context.Context, now time.Time) int {
	if s.sent == nil {
		s.sent, s.retry, s.kept = map[string]time.Time{}, map[string]backoff{}, map[int]keptDigest{}
	}
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	delivered := 0
	for i, e := range s.Entries {
		due := e.LatestDue(now, s.Location)
		var rendered *Rendered
		if k, ok := s.kept[i]; ok && k.due.Equal(due) {
			rendered = k.r
		}
		for _, to := range e.To {
			key := e.key(to)
			if sent := s.sent[key]; e.covers(sent, due, s.Location) && !ahead(sent, now) {
				continue
			}
			if b, ok := s.retry[key]; ok && b.due.Equal(due) && (b.refused || now.Before(b.at)) {
				continue
			}
			last, err := s.Store.Watermark(ctx, key)
			if err != nil {
				log.Warn("digest: reading what was sent failed; trying again in a minute", "brand", e.Brand.Name, "period", string(e.Period), "err", err)
				continue
			}
			if ahead(last, now) {
				log.Warn("digest: the record of the last one sent is ahead of the clock (the clock was stepped back); sending the one due now", "brand", e.Brand.Name, "period", string(e.Period), "to", to, "recorded", last.Format(time.RFC3339), "due", due.Format(time.RFC3339))
			} else if e.covers(last, due, s.Location) {
				s.sent[key] = last
				continue
			}
			if rendered == nil {
				rendered, err = s.render(ctx, e, due)
				if err != nil {
					log.Error("digest: building failed; trying again in a minute (check the store)", "brand", e.Brand.Name, "period", string(e.Period), "err", err)
					break
				}
			}
			if err := s.Deliver(ctx, to, rendered); err != nil {
				b := s.retry[key]
				if !b.due.Equal(due) {
					b = backoff{due: due}
				}
				b.wait = min(max(b.wait*2, firstRetry), maxRetry)
				wait := b.wait
				// A rate limit's Retry-After (Slack, Telegram's
				// retry_after) says when a retry can succeed.
				var de *alerts.DeliveryError
				if errors.As(err, &de) {
					if de.Permanent {
						// A refusal a retry would meet again (a removed
						// webhook, a revoked token): this digest is not
						// tried again; the next one is, once.
						b.refused = true
						s.retry[key] = b
						log.Error("digest: the receiver refused it; not retrying this digest (fix the notifier's config and restart, or the next digest tries again)",
							"brand", e.Brand.Name, "period", string(e.Period), "to", to, "err", err)
						continue
					}
					wait = max(wait, min(de.RetryAfter, retryafter.Max))
				}
				b.at = now.Add(wait)
				s.retry[key] = b
				log.Warn("digest: delivery failed", "brand", e.Brand.Name, "period", string(e.Period), "to", to, "retry_in", wait.String(), "err", err)
				continue
			}
			delete(s.retry, key)
			s.sent[key] = due
			delivered++
			log.Info("digest sent", "brand", e.Brand.Name, "period", string(e.Period), "to", to, "due", due.Format(time.RFC3339))
			if err := s.Store.SaveWatermark(ctx, key, due); err != nil {
				log.Error("digest: recording the delivery failed; this process will not send it again, but a restart may (check the store)", "key", key, "err", err)
			}
		}
		delete(s.kept, i)
		for _, to := range e.To {
			if b, ok := s.retry[e.key(to)]; ok && b.due.Equal(due) && rendered != nil {
				s.kept[i] = keptDigest{due: due, r: rendered}
			}
		}
	}
	log.Debug("digests checked", "delivered", delivered)
	return delivered
}

// clockSlack is how far a record of a sent digest may be ahead of now
// (another member's clock, a little fast) and still count as sent.
const clockSlack = time.Hour

// ahead says whether a due recorded as sent is later than now allows: it
// was recorded while the clock ran ahead (a VM resumed with a wrong clock,
// a bad time server) and stepped back since. Taken as sent, it would hold
// every digest until the wall clock reaches it.
func ahead(recorded, now time.Time) bool { return recorded.After(now.Add(clockSlack)) }

func (s *Scheduler) render(ctx context.Context, e Entry, due time.Time) (*Rendered, error) {
	r, err := Build(ctx, s.Store, Options{Brand: e.Brand, Period: e.Period, End: due, Location: s.Location, Dashboard: s.Dashboard, AlertBucket: s.AlertBucket})
	if err != nil {
		return nil, err
	}
	return Render(r)
}

// Run ticks every interval (a minute when 0) until ctx ends, reading the
// time from now. It is the daemon's digest goroutine.
func (s *Scheduler) Run(ctx context.Context, now func() time.Time, interval time.Duration) error {
	if len(s.Entries) == 0 {
		return nil
	}
	if interval <= 0 {
		interval = time.Minute
	}
	if s.Deliver == nil || s.Store == nil {
		return fmt.Errorf("digest scheduler: Store and Deliver are required")
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.Tick(ctx, now())
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
