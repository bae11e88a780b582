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
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/internal/retryafter"
	"github.com/mentionwatch/mentionwatch/store"
)

// DefaultInterval is how often a source runs when its config says nothing.
const DefaultInterval = 15 * time.Minute

// IndexLag is how far before its mark a search source reads again on each
// run. Search APIs (Reddit, Hacker News' Algolia, Bluesky) list an item
// some time after it is written, and not in order, so a run that stopped
// at the mark skipped items indexed late or in the mark's own second. The
// ids read in the overlap are remembered (cursor Seen) and not returned
// twice.
const IndexLag = 10 * time.Minute

// MaxBackoff caps the wait after repeated errors.
const MaxBackoff = 6 * time.Hour

// MaxRetryAfter caps how long a service's Retry-After (or rate-limit
// reset) can hold a source back: a bogus or hostile value of years must
// not stop it for good. A daily quota resets within it.
const MaxRetryAfter = retryafter.Max

// Sink receives the raw items of one run. It must make them durable (stored
// or spooled) before it returns nil: the cursor is saved only after that,
// so a crash never skips items.
type Sink func(ctx context.Context, src *Source, items []mw.Mention) error

// Scheduler runs every source on its own interval, with jitter, and with
// exponential backoff after errors. One source's failure, slowness or panic
// never stops the others. Each source's state (cursor, health and dedup
// Window) is kept in memory, saved to StateDir after every run and to the
// store when it answers: collection goes on while the store is down (the
// writer spools), and a restart resumes from the newer of the file and
// the store.
type Scheduler struct {
	Sources []*Source
	Store   StateStore // each source's saved state; a store.Store is one
	// StateDir, when set, keeps every source's state on local disk (the
	// daemon uses the spool's directory). Without it a source whose store
	// state cannot be read starts from an empty cursor.
	StateDir *StateDir
	Sink     Sink
	Log      *slog.Logger
	Now      func() time.Time // default time.Now

	mu     sync.Mutex             // guards states (each entry is owned by its source's goroutine)
	states map[string]*savedState // sources that ran in this process

	// OnRun, if set, is called after each run, failed ones included (for
	// metrics).
	OnRun func(src *Source, items int, err error, took time.Duration)

	// Gate, when set, decides which sources this process runs (several
	// processes sharing the sources: package coord). Nil runs them all.
	Gate Gate

	// StateSaveDelay is how long the saves of concurrent runs are gathered
	// into one write when Store is a StatesSaver; default
	// DefaultStateSaveDelay. Set it before Run.
	StateSaveDelay time.Duration

	batchOnce sync.Once
	batcher   *stateBatcher // nil unless Store is a StatesSaver
}

// Gate is asked before each run of a source whether this process runs it.
// Begin reports run, and fresh when the source was just taken over
// (another process may have run it since: its state is re-read); when not
// run, retry > 0 asks to ask again after that long, 0 to wait for Changed
// or the source's interval. Every Begin that returned run is followed by
// End after the run. Changed returns a channel closed when the answer may
// have changed; Holds reports whether the source is this process's now.
type Gate interface {
	Begin(source string) (run, fresh bool, retry time.Duration)
	End(source string)
	Changed() <-chan struct{}
	Holds(source string) bool
}

// RunResult is the outcome of one source run.
type RunResult struct {
	Source string
	Items  int
	Err    error
	Stop   bool          // the source's credentials were rejected: not rescheduled
	Wait   time.Duration // the service asked us to wait this long
}

// Run runs every source until ctx ends, then returns after the current runs
// finish.
func (s *Scheduler) Run(ctx context.Context) error {
	if s.StateDir != nil {
		s.StateDir.removeTemps(s.log())
	}
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
		if !s.sleep(ctx, src, wait) {
			return
		}
		if s.Gate != nil {
			run, fresh, retry := s.Gate.Begin(src.Config.Name)
			if !run {
				wait = retry
				if retry <= 0 {
					wait = interval
				}
				continue
			}
			if fresh {
				s.forget(src.Config.Name)
			}
		}
		var (
			res  RunResult
			lost bool
		)
		if s.Gate != nil {
			held, stop := s.whileHeld(ctx, src.Config.Name)
			res = s.runOnce(ctx, held, src)
			lost = stop()
			s.Gate.End(src.Config.Name)
		} else {
			res = s.RunOnce(ctx, src)
		}
		if res.Stop {
			s.log().Error("source stopped; fix its config and restart", "source", src.Config.Name, "err", res.Err)
			return
		}
		if ctx.Err() != nil {
			return
		}
		if lost {
			wait = time.Second // Begin decides, with the new session, whether it is still ours
			continue
		}
		if res.Err != nil {
			errs++
		} else {
			errs = 0
		}
		wait = NextDelay(interval, errs, res.Wait)
	}
}

// errLockLost is the cause of a run's end when the member lost the
// source's lock while it ran: its ZooKeeper session expired or was
// replaced, and another member may be running the source now.
var errLockLost = errors.New("the source's lock went with the ZooKeeper session; another member may run it now")

// whileHeld returns the context one run of source collects under: it ends
// with ctx, or as soon as the Gate no longer holds the source's lock, so
// that a member whose session expired stops its run instead of collecting
// beside the member that took the lock over. stop ends the watch and
// reports whether the lock was lost.
func (s *Scheduler) whileHeld(ctx context.Context, source string) (context.Context, func() (lost bool)) {
	held, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		for {
			changed := s.Gate.Changed()
			if !s.Gate.Holds(source) {
				cancel(errLockLost)
				return
			}
			select {
			case <-changed:
			case <-done:
				return
			}
		}
	}()
	return held, func() bool {
		close(done)
		lost := errors.Is(context.Cause(held), errLockLost)
		cancel(nil)
		return lost
	}
}

// sleep waits d, or less when the Gate hands this source over (it then
// runs at once, after a little jitter); it reports false when ctx ended.
func (s *Scheduler) sleep(ctx context.Context, src *Source, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		var changed <-chan struct{}
		if s.Gate != nil {
			changed = s.Gate.Changed()
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-changed:
			if !s.Gate.Holds(src.Config.Name) {
				// Possibly ours now: ask (Begin takes the lock).
				j := time.NewTimer(time.Duration(rand.Int64N(int64(200*time.Millisecond)) + 1))
				select {
				case <-ctx.Done():
					j.Stop()
					return false
				case <-j.C:
				}
				return true
			}
		}
	}
}

// forget drops the in-memory state of a source, so that its next run
// reads it again from the state file and the store.
func (s *Scheduler) forget(name string) {
	s.mu.Lock()
	delete(s.states, name)
	s.mu.Unlock()
}

// NextDelay is the wait before a source's next run: its interval with ±10%
// jitter, or after n consecutive errors min(interval × 2^(n-1), MaxBackoff),
// and never less than what the service asked for (up to MaxRetryAfter).
func NextDelay(interval time.Duration, consecutiveErrors int, asked time.Duration) time.Duration {
	d := interval
	if consecutiveErrors > 0 {
		d = interval << min(consecutiveErrors-1, 16)
		if d > MaxBackoff || d <= 0 {
			d = MaxBackoff
		}
	}
	d += time.Duration((rand.Float64()*0.2 - 0.1) * float64(d))
	return max(d, min(asked, MaxRetryAfter))
}

// storeTimeout bounds reading a source's state from the store: a hung
// store must not hold collection up.
const storeTimeout = 5 * time.Second

// state returns the state of src: kept in memory after its first run in
// this process; before that, the newer (by LastRun) of the state file and
// the store's (the store's on a tie), or whichever answers.
func (s *Scheduler) state(ctx context.Context, log *slog.Logger, src *Source) *savedState {
	name := src.Config.Name
	s.mu.Lock()
	st := s.states[name]
	s.mu.Unlock()
	if st != nil {
		return st
	}
	st = &savedState{}
	var fromFile bool
	if s.StateDir != nil {
		var err error
		*st, fromFile, err = s.StateDir.load(name)
		if err != nil {
			log.Warn("state file unreadable; using the store's state", "err", err)
		}
	}
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	stored, err := s.Store.SourceState(sctx, name)
	cancel()
	switch {
	case err != nil && ctx.Err() != nil:
		log.Debug("reading the source's state from the store was cut off by shutdown", "err", err)
	case err != nil && fromFile:
		log.Warn("store unreachable; resuming the source from its state file", "err", err)
	case err != nil:
		log.Warn("store unreachable and no state file; the source starts from an empty cursor (ids deduplicate what is collected again)", "err", err)
	case !fromFile || !stored.LastRun.Before(st.State.LastRun):
		// The store's, unless the file is newer (saved while the store
		// was down): on a tie the store holds what `source reset` did,
		// run on any host, where this file may be another member's.
		st.State = stored
	}
	st.State.Source, st.State.Type = name, src.Config.Type
	s.mu.Lock()
	if s.states == nil {
		s.states = map[string]*savedState{}
	}
	s.states[name] = st
	s.mu.Unlock()
	return st
}

// RunOnce runs one source now: collect from its cursor, drop the items its
// dedup window has seen, hand the rest to the sink, then save the new
// cursor and the source's health.
func (s *Scheduler) RunOnce(ctx context.Context, src *Source) (res RunResult) {
	return s.runOnce(ctx, ctx, src)
}

// runOnce is RunOnce collecting under held (ctx or whileHeld's): when held
// ends with the source's lock, what the run read is still stored and
// scored under ctx, but its state is not saved in the store, where the
// member that took the source over keeps it now.
func (s *Scheduler) runOnce(ctx, held context.Context, src *Source) (res RunResult) {
	name := src.Config.Name
	res.Source = name
	log := s.log().With("source", name, "type", src.Config.Type)
	start := s.now()
	if s.OnRun != nil {
		defer func() { s.OnRun(src, res.Items, res.Err, s.now().Sub(start)) }()
	}
	saved := s.state(ctx, log, src)
	st := saved.State

	items, next, cerr := s.collect(held, log, src, st.Cursor)
	undated := 0
	for i := range items {
		items[i].Source = name
		items[i].NativeID = mw.BoundID(items[i].NativeID) // a megabyte GUID is kept as its hash
		boundFields(&items[i])
		items[i].LangHint = mw.LangTag(items[i].LangHint) // the service's tag, as a mention keeps it
		items[i].LangBy = ""                              // scoring decides
		if items[i].Type == "" {
			items[i].Type = src.Config.Type
		}
		if items[i].Collected.IsZero() {
			items[i].Collected = start.UTC()
		}
		if items[i].Published.After(items[i].Collected.Add(FutureSkew)) {
			items[i].Published = items[i].Collected
		}
		if items[i].Published.Unix() <= 0 { // no date (or the epoch an API's missing number reads as)
			items[i].Published = items[i].Collected
			undated++
		}
	}
	if undated > 0 {
		log.Debug("items without a publish time dated at their collection", "items", undated)
	}
	items, dupes, stale := saved.Window.Filter(items)
	if dupes+stale > 0 {
		log.Debug("items seen before dropped", "repeated", dupes, "older_than_window", stale)
	}
	// Items collected before an error are kept.
	if len(items) > 0 {
		if err := s.sink(ctx, log, src, items); err != nil {
			res.Err = fmt.Errorf("storing %d items from source %s: %w", len(items), name, err)
			s.saveState(ctx, log, saved, st, start, 0, res.Err, !errors.Is(context.Cause(held), errLockLost))
			log.Error("source run failed", "err", res.Err)
			return res
		}
		saved.Window.Admit(items, start.UTC())
	}
	if !cursorEmpty(next) {
		st.Cursor = next
	}
	res.Items = len(items)
	res.Err = cerr
	if cerr != nil {
		// A 401 or 403 stops only a source whose credentials were sent
		// and rejected; without credentials it is retried with backoff.
		res.Stop = IsAuth(cerr) && HasCredentials(src.Collector)
		res.Wait, _ = RetryAfter(cerr)
		if held.Err() != nil && errors.Is(cerr, context.Canceled) {
			res.Err = nil // shutting down, or the lock is gone
		}
	}
	interrupted := held.Err() != nil
	lost := errors.Is(context.Cause(held), errLockLost)
	s.saveState(ctx, log, saved, st, start, len(items), res.Err, !lost)
	took := s.now().Sub(start)
	switch {
	case res.Err != nil:
		log.Error("source run failed", "err", res.Err, "items", len(items), "took", took.Round(time.Millisecond))
	case lost:
		log.Warn("source run stopped: its lock went with the ZooKeeper session, so another member may run the source now; what it had read is kept",
			"items", len(items), "took", took.Round(time.Millisecond))
	case interrupted:
		log.Info("source run interrupted by shutdown; what it had read is kept", "items", len(items), "took", took.Round(time.Millisecond))
	default:
		log.Info("source run", "items", len(items), "took", took.Round(time.Millisecond))
	}
	return res
}

// FutureSkew is how far after its collection an item may be dated and keep
// its date (clocks differ; a post is scheduled a little ahead). Nothing is
// published later than that after it is collected: such a date is a
// feed's wrong year or time zone, or a hostile source, and the scheduler
// makes it the collection time (kept, such an item sat on top of the inbox
// for years, in an alert bucket never evaluated).
const FutureSkew = time.Hour

// NotAfter is t, or now when t is later. A collector whose high-water mark
// is a publish time caps the mark with it: one post dated 2100 put the
// mark there, and every later item was skipped as older than it, silently
// and for good.
func NotAfter(t, now time.Time) time.Time {
	if t.After(now) {
		return now
	}
	return t
}

// Bounds on what one mention keeps of what a source sent. They are far
// above any real author name, title, review or post (a long blog post in
// a feed's content:encoded is some tens of KiB), and keep a hostile or
// broken source from putting megabytes into the store, every inbox page
// (author history) and every alert quoting a mention.
const (
	MaxAuthorBytes = 256
	MaxTitleBytes  = 2 << 10
	MaxTextBytes   = 64 << 10
	MaxURLBytes    = 8 << 10
)

// boundFields cuts m's author, title and text to their bounds, on a
// character boundary and ending with "…", and drops a URL longer than
// MaxURLBytes (a cut URL would lead somewhere else).
func boundFields(m *mw.Mention) {
	m.Author = cut(m.Author, MaxAuthorBytes)
	m.Title = cut(m.Title, MaxTitleBytes)
	m.Text = cut(m.Text, MaxTextBytes)
	if len(m.URL) > MaxURLBytes {
		m.URL = ""
	}
}

// cut returns s if it fits in n bytes, else its longest prefix that ends
// on a character boundary and fits with "…" after it.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ell = "…"
	i := n - len(ell)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + ell
}

// collect calls the collector, turning a panic into an error. The stack
// goes to the log, as sink's does; the error, which the source's state
// keeps and the dashboard shows, says what happened in one line.
func (s *Scheduler) collect(ctx context.Context, log *slog.Logger, src *Source, cur mw.Cursor) (items []mw.Mention, next mw.Cursor, err error) {
	defer func() {
		if r := recover(); r != nil {
			log.Error("the collector panicked: a bug, please report it with this stack", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("collector %s panicked: %v (a bug: the log holds the stack; the source retries on its next run)", src.Config.Name, r)
		}
	}()
	return src.Collector.Collect(ctx, cur)
}

// sink hands items to the Sink, turning a panic (in scoring or the
// writer, on one hostile item) into the run's error: the source backs off
// and its items are collected again on its next run, while the other
// sources go on. The stack goes to the log.
func (s *Scheduler) sink(ctx context.Context, log *slog.Logger, src *Source, items []mw.Mention) (err error) {
	defer func() {
		if r := recover(); r != nil {
			log.Error("storing the source's items panicked: a bug, please report it with this stack", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("scoring or storing them panicked: %v (a bug: the log holds the stack; the items are collected again on the source's next run)", r)
		}
	}()
	return s.Sink(ctx, src, items)
}

// saveState records the run in memory, then in the state file, then
// (toStore) in the store; the file and the store failing are logged, not
// fatal.
func (s *Scheduler) saveState(ctx context.Context, log *slog.Logger, saved *savedState, st store.SourceState, start time.Time, n int, runErr error, toStore bool) {
	st.LastRun = start.UTC()
	st.ItemsLastRun = n
	st.TotalItems += uint64(n)
	if runErr != nil {
		// Kept in the store, where analysts read it, and the state file:
		// masked as a log line is (a server may echo a secret it was sent).
		st.LastError = redact.String(runErr.Error())
		st.LastErrorAt = start.UTC()
		st.ConsecutiveErrors++
	} else {
		st.LastSuccess = start.UTC()
		st.ConsecutiveErrors = 0
	}
	saved.State = st
	if s.StateDir != nil {
		if err := s.StateDir.save(*saved); err != nil {
			log.Error("saving source state file; a restart may collect this run's items again", "err", err)
		}
	}
	if !toStore {
		return
	}
	// Saving state must survive shutdown: use a short context of its own.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	defer cancel()
	if err := s.saveToStore(sctx, st); err != nil {
		log.Warn("saving source state in the store failed; kept in memory and in the state file", "err", err)
	}
}

// saveToStore saves st in the store: gathered with the saves of
// concurrent runs into one write when the store takes several at once.
func (s *Scheduler) saveToStore(ctx context.Context, st store.SourceState) error {
	s.batchOnce.Do(func() {
		if ss, ok := s.Store.(StatesSaver); ok {
			d := s.StateSaveDelay
			if d <= 0 {
				d = DefaultStateSaveDelay
			}
			s.batcher = &stateBatcher{save: ss.SaveSourceStates, delay: d}
		}
	})
	if s.batcher != nil {
		return s.batcher.Save(ctx, st)
	}
	return s.Store.SaveSourceState(ctx, st)
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
