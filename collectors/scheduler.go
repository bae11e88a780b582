package collectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// DefaultInterval is how often a source runs when its config says nothing.
const DefaultInterval = 15 * time.Minute

// MaxBackoff caps the wait after repeated errors.
const MaxBackoff = 6 * time.Hour

// Sink receives the raw items of one run. It must make them durable (stored
// or spooled) before it returns nil: the cursor is saved only after that,
// so a crash never skips items.
type Sink func(ctx context.Context, src *Source, items []mw.Mention) error

// Scheduler runs every source on its own interval, with jitter, and with
// exponential backoff after errors. One source's failure, slowness or panic
// never stops the others. Cursors and health persist in the store.
type Scheduler struct {
	Sources []*Source
	Store   store.Store
	Sink    Sink
	Log     *slog.Logger
	Now     func() time.Time // default time.Now

	// OnRun, if set, is called after each run, failed ones included (for
	// metrics).
	OnRun func(src *Source, items int, err error, took time.Duration)
}

// RunResult is the outcome of one source run.
type RunResult struct {
	Source string
	Items  int
	Err    error
	Stop   bool          // the source cannot go on (credentials): not rescheduled
	Wait   time.Duration // the service asked us to wait this long
}

// Run runs every source until ctx ends, then returns after the current runs
// finish.
func (s *Scheduler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, src := range s.Sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.loop(ctx, src)
		}()
	}
	wg.Wait()
	return nil
}

func (s *Scheduler) loop(ctx context.Context, src *Source) {
	interval := src.Config.Interval.Or(DefaultInterval)
	if interval <= 0 { // config validation refuses these; never panic on one
		interval = DefaultInterval
	}
	// A little jitter so sources sharing a host don't start in lockstep.
	wait := time.Duration(rand.Int64N(int64(min(interval/10, time.Second)) + 1))
	errs := 0
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		res := s.RunOnce(ctx, src)
		if res.Stop {
			s.log().Error("source stopped; fix its config and restart", "source", src.Config.Name, "err", res.Err)
			return
		}
		if ctx.Err() != nil {
			return
		}
		if res.Err != nil {
			errs++
		} else {
			errs = 0
		}
		wait = NextDelay(interval, errs, res.Wait)
	}
}

// NextDelay is the wait before a source's next run: its interval with ±10%
// jitter, or after n consecutive errors min(interval × 2^(n-1), MaxBackoff),
// and never less than what the service asked for.
func NextDelay(interval time.Duration, consecutiveErrors int, asked time.Duration) time.Duration {
	d := interval
	if consecutiveErrors > 0 {
		d = interval << min(consecutiveErrors-1, 16)
		if d > MaxBackoff || d <= 0 {
			d = MaxBackoff
		}
	}
	d += time.Duration((rand.Float64()*0.2 - 0.1) * float64(d))
	return max(d, asked)
}

// RunOnce runs one source now: load its cursor, collect, hand the items to
// the sink, then save the new cursor and the source's health.
func (s *Scheduler) RunOnce(ctx context.Context, src *Source) (res RunResult) {
	name := src.Config.Name
	res.Source = name
	log := s.log().With("source", name, "type", src.Config.Type)
	start := s.now()
	if s.OnRun != nil {
		defer func() { s.OnRun(src, res.Items, res.Err, s.now().Sub(start)) }()
	}
	st, err := s.Store.SourceState(ctx, name)
	if err != nil {
		res.Err = fmt.Errorf("loading state of source %s: %w", name, err)
		log.Error("source run failed", "err", res.Err)
		return res
	}
	st.Source, st.Kind = name, src.Config.Type

	items, next, cerr := s.collect(ctx, src, st.Cursor)
	for i := range items {
		items[i].Source = name
		if items[i].Kind == "" {
			items[i].Kind = src.Config.Type
		}
		if items[i].Collected.IsZero() {
			items[i].Collected = start.UTC()
		}
	}
	// Items collected before an error are kept.
	if len(items) > 0 {
		if err := s.Sink(ctx, src, items); err != nil {
			res.Err = fmt.Errorf("storing %d items from source %s: %w", len(items), name, err)
			s.saveState(ctx, log, st, start, 0, res.Err)
			log.Error("source run failed", "err", res.Err)
			return res
		}
	}
	if !cursorEmpty(next) {
		st.Cursor = next
	}
	res.Items = len(items)
	res.Err = cerr
	if cerr != nil {
		res.Stop = IsAuth(cerr)
		res.Wait, _ = RetryAfter(cerr)
		if ctx.Err() != nil && errors.Is(cerr, context.Canceled) {
			res.Err = nil // shutting down
		}
	}
	s.saveState(ctx, log, st, start, len(items), res.Err)
	took := s.now().Sub(start)
	if res.Err != nil {
		log.Error("source run failed", "err", res.Err, "items", len(items), "took", took.Round(time.Millisecond))
	} else {
		log.Info("source run", "items", len(items), "took", took.Round(time.Millisecond))
	}
	return res
}

// collect calls the collector, turning a panic into an error.
func (s *Scheduler) collect(ctx context.Context, src *Source, cur mw.Cursor) (items []mw.Mention, next mw.Cursor, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("collector %s panicked: %v\n%s", src.Config.Name, r, debug.Stack())
		}
	}()
	return src.Collector.Collect(ctx, cur)
}

func (s *Scheduler) saveState(ctx context.Context, log *slog.Logger, st store.SourceState, start time.Time, n int, runErr error) {
	st.LastRun = start.UTC()
	st.ItemsLastRun = n
	st.TotalItems += uint64(n)
	if runErr != nil {
		st.LastError = runErr.Error()
		st.LastErrorAt = start.UTC()
		st.ConsecutiveErrors++
	} else {
		st.LastSuccess = start.UTC()
		st.ConsecutiveErrors = 0
	}
	// Saving state must survive shutdown: use a short context of its own.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.Store.SaveSourceState(sctx, st); err != nil {
		log.Error("saving source state", "err", err)
	}
}

func cursorEmpty(c mw.Cursor) bool {
	return c.LastID == "" && c.LastTime.IsZero() && c.ETag == "" && c.LastModified == "" && len(c.Seen) == 0 && len(c.Extra) == 0
}

func (s *Scheduler) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func (s *Scheduler) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}
