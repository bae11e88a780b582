// Package writer batches scored mentions on their way to the store. It
// flushes by size or age, and while the store is unreachable or failing it
// keeps batches in a bounded, fsynced on-disk spool, replayed in order once
// the store answers again. Nothing handed to a successful Flush is lost:
// it is either in the store or in the spool.
package writer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"

	mw "github.com/mentionwatch/mentionwatch"
)

// Inserter is the part of store.Store the writer needs.
type Inserter interface {
	InsertMentions(ctx context.Context, ms []mw.Mention) error
}

// Options tune a Writer. Zero values take the defaults.
type Options struct {
	BatchSize     int           // flush when this many mentions are buffered; default 10000
	FlushInterval time.Duration // flush buffered mentions at least this often; default 2s
	SpoolDir      string        // required: where batches wait while the store is down
	SpoolMaxBytes int64         // default 1 GiB; a full spool makes Flush fail
	InsertTimeout time.Duration // one insert attempt; default 30s
	// CommitDelay is how long Commit gathers the mentions of concurrent
	// Commits before one flush makes them all durable; default 200ms (at
	// most FlushInterval).
	CommitDelay time.Duration
	// OnReplay, if set, is called with each batch replayed from the spool
	// once it is stored: mentions the store shows only now, long after
	// they were collected (the daemon asks its alert loop to read them).
	// It runs with the writer locked: it must not block or call the Writer.
	OnReplay func(ms []mw.Mention)
	Log      *slog.Logger
}

// Stats are the writer's counters since it started.
type Stats struct {
	Stored        uint64 // mentions inserted into the store (directly or replayed)
	Spooled       uint64 // mentions written to the spool
	Replayed      uint64 // mentions replayed from the spool
	InsertErrors  uint64 // failed insert attempts
	SpoolBatches  int    // batches waiting in the spool now
	SpoolBytes    int64  // their size on disk
	Buffered      int    // mentions waiting in memory
	LastInsertErr string
}

// Writer is safe for concurrent use.
type Writer struct {
	st    Inserter
	opt   Options
	log   *slog.Logger
	spool *spool

	mu       sync.Mutex // guards buf, since, failed, asyncErr, stats
	buf      []mw.Mention
	since    time.Time
	failed   []mw.Mention // batches the background flusher could not store or spool
	asyncErr error
	closed   bool
	stats    Stats
	queue    chan []mw.Mention // full batches for the flusher
	inflight sync.WaitGroup    // batches queued or being stored
	ioMu     sync.Mutex        // serialises store and spool I/O, so batches keep their order
	failing  error             // the last store insert or spool write failed with this; nil once one succeeds (under mu)
	spoolErr error             // the last spool write failed (a full disk); nil once one succeeds (under mu)
	retry    *backoff.ExponentialBackOff
	retryAt  time.Time // next replay attempt (under ioMu)

	// Group commit (under mu): Flush numbers the buffers it takes; durable
	// is the number of the last Flush that stored or spooled its batch,
	// failedAt/failErr the last one that could not; flushed is closed and
	// replaced after every Flush, to wake the Commits waiting on them.
	flushes   uint64
	durable   uint64
	failedAt  uint64
	failErr   error
	flushed   chan struct{}
	commits   int           // Commits in progress
	commitReq chan struct{} // asks the committer for a flush
	closeDone chan struct{} // closed when Close's flush has ended; closeErr is its result
	closeErr  error

	stop      chan struct{}
	done      chan struct{}
	once      sync.Once
	closeQ    sync.Once
	closeOnce sync.Once
}

// New opens (or creates) the spool and starts the background flusher. Any
// batches left in the spool by an earlier run are replayed first.
func New(st Inserter, opt Options) (*Writer, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 10000
	}
	if opt.FlushInterval <= 0 {
		opt.FlushInterval = 2 * time.Second
	}
	if opt.SpoolMaxBytes <= 0 {
		opt.SpoolMaxBytes = 1 << 30
	}
	if opt.InsertTimeout <= 0 {
		opt.InsertTimeout = 30 * time.Second
	}
	if opt.CommitDelay <= 0 {
		opt.CommitDelay = min(200*time.Millisecond, opt.FlushInterval)
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.SpoolDir == "" {
		return nil, errors.New("writer: no spool directory (set store.spool_dir)")
	}
	sp, err := openSpool(opt.SpoolDir, opt.SpoolMaxBytes)
	if err != nil {
		return nil, err
	}
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 500 * time.Millisecond
	b.MaxInterval = 30 * time.Second
	w := &Writer{
		st: st, opt: opt, log: opt.Log.With("component", "writer"), spool: sp,
		retry: b, stop: make(chan struct{}), done: make(chan struct{}),
		queue:   make(chan []mw.Mention, 1),
		flushed: make(chan struct{}), commitReq: make(chan struct{}, 1), closeDone: make(chan struct{}),
	}
	if n, size := sp.depth(); n > 0 {
		w.log.Info("spool holds batches from an earlier run; replaying them", "batches", n, "bytes", size, "dir", opt.SpoolDir)
	}
	go w.loop()
	go w.flusher()
	go w.committer()
	return w, nil
}

// Write buffers ms. A full buffer goes to the background flusher while the
// caller goes on filling the next one; Write blocks while one batch is
// already queued, so memory stays bounded by about three batches. Write
// fails when an earlier background flush could not store or spool its
// batch (the spool is full): those mentions are kept and retried by Flush.
func (w *Writer) Write(ctx context.Context, ms []mw.Mention) error {
	for len(ms) > 0 {
		w.mu.Lock()
		if w.closed {
			w.mu.Unlock()
			return errors.New("writer: closed")
		}
		if err := w.asyncErr; err != nil {
			w.mu.Unlock()
			return err
		}
		if len(w.buf) == 0 {
			w.since = time.Now()
			if w.buf == nil {
				w.buf = make([]mw.Mention, 0, w.opt.BatchSize)
			}
		}
		// The buffer may hold more than a batch (a Write cancelled while
		// waiting for the queue put its batch back in front of others'
		// mentions): then it goes to the queue whole and ms waits a turn.
		n := max(0, min(len(ms), w.opt.BatchSize-len(w.buf)))
		w.buf = append(w.buf, ms[:n]...)
		var full []mw.Mention
		if len(w.buf) >= w.opt.BatchSize {
			full, w.buf = w.buf, nil
			w.inflight.Add(1)
		}
		w.mu.Unlock()
		ms = ms[n:]
		if full != nil {
			select {
			case w.queue <- full:
			case <-ctx.Done():
				w.mu.Lock()
				w.buf = append(full, w.buf...)
				w.mu.Unlock()
				w.inflight.Done()
				return ctx.Err()
			}
		}
	}
	return nil
}

// flusher stores the batches Write queues, in order.
func (w *Writer) flusher() {
	for batch := range w.queue {
		w.ioMu.Lock()
		err := w.storeLocked(context.Background(), batch)
		w.ioMu.Unlock()
		if err != nil {
			w.mu.Lock()
			w.failed = append(w.failed, batch...)
			w.asyncErr = err
			w.mu.Unlock()
			w.log.Error("batch could be neither stored nor spooled; kept in memory", "mentions", len(batch), "err", err)
		}
		w.inflight.Done()
	}
}

// Flush makes everything buffered durable: inserted into the store or,
// when the store fails, spooled. It fails only when the spool cannot take
// the batch (full or unwritable); the batch then stays buffered.
func (w *Writer) Flush(ctx context.Context) error {
	w.inflight.Wait()
	w.ioMu.Lock()
	defer w.ioMu.Unlock()
	w.mu.Lock()
	batch := append(w.failed, w.buf...)
	w.failed, w.buf, w.asyncErr = nil, nil, nil
	w.flushes++
	n := w.flushes
	w.mu.Unlock()
	err := w.storeLocked(ctx, batch)
	w.mu.Lock()
	if err != nil {
		w.buf = append(batch, w.buf...)
		w.failedAt, w.failErr = n, err
	} else {
		w.durable = n
	}
	close(w.flushed)
	w.flushed = make(chan struct{})
	w.mu.Unlock()
	return err
}

// Commit writes ms and returns once they are durable, as Write then Flush
// would, but concurrent Commits share the flush: the committer flushes
// CommitDelay after the first of them asks, so the mentions of many
// source runs go to the store in one insert instead of one each (the
// daemon's sink; each run saves its cursor only after Commit returns). A
// Commit with no other in progress (collect --once runs its sources one
// after another) flushes at once. It fails, as Flush does, when the
// flush that took ms could neither store nor spool them (they stay
// buffered for the next flush), and when ctx ends first (they are then
// flushed later, or by Close).
func (w *Writer) Commit(ctx context.Context, ms []mw.Mention) error {
	w.mu.Lock()
	w.commits++
	alone := w.commits == 1
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.commits--
		w.mu.Unlock()
	}()
	if err := w.Write(ctx, ms); err != nil {
		return err
	}
	if alone {
		return w.Flush(ctx)
	}
	// Batches Write queued are stored (or kept in failed, which the next
	// Flush takes); the rest of ms is in buf, which the next Flush to
	// start takes.
	w.inflight.Wait()
	w.mu.Lock()
	target := w.flushes + 1
	w.mu.Unlock()
	select {
	case w.commitReq <- struct{}{}:
	default: // a flush is already asked for
	}
	for {
		w.mu.Lock()
		durable, failedAt, failErr, flushed := w.durable, w.failedAt, w.failErr, w.flushed
		w.mu.Unlock()
		switch {
		case durable >= target:
			return nil
		case failedAt >= target:
			return failErr
		}
		select {
		case <-flushed:
		case <-w.closeDone:
			// Close's flush, which started after the last Write got in,
			// took ms if no earlier flush did.
			return w.closeErr
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// committer runs the flushes Commit asks for, CommitDelay after the first
// ask, so that the Commits of that interval share one insert. Flushes are
// serialised (ioMu): what arrives while one inserts goes with the next.
func (w *Writer) committer() {
	for {
		select {
		case <-w.stop:
			return
		case <-w.commitReq:
		}
		t := time.NewTimer(w.opt.CommitDelay)
		select {
		case <-w.stop: // Close flushes what is waiting
			t.Stop()
			return
		case <-t.C:
		}
		if err := w.Flush(context.Background()); err != nil {
			w.log.Error("flush failed; mentions kept in memory", "err", err)
		}
	}
}

// storeLocked replays the spool, then inserts batch, or spools it behind
// older spooled batches. Called with ioMu held.
func (w *Writer) storeLocked(ctx context.Context, batch []mw.Mention) error {
	w.replayLocked(ctx, true)
	if len(batch) == 0 {
		return nil
	}
	if w.spool.empty() {
		err := w.insert(ctx, batch)
		if err == nil {
			w.count(func(s *Stats) { s.Stored += uint64(len(batch)); w.spoolErr = nil })
			return nil
		}
		w.log.Warn("store insert failed; spooling the batch", "mentions", len(batch), "err", err)
	}
	// Batches queue behind older spooled ones, to keep their order.
	if err := w.spool.push(batch); err != nil {
		err = fmt.Errorf("writer: %w", err)
		w.count(func(*Stats) { w.spoolErr = err })
		return err
	}
	w.count(func(s *Stats) { s.Spooled += uint64(len(batch)); w.spoolErr = nil })
	return nil
}

func (w *Writer) insert(ctx context.Context, batch []mw.Mention) error {
	ctx, cancel := context.WithTimeout(ctx, w.opt.InsertTimeout)
	defer cancel()
	err := w.st.InsertMentions(ctx, batch)
	if err != nil {
		w.count(func(s *Stats) { s.InsertErrors++; s.LastInsertErr = err.Error(); w.failing = err })
	} else {
		w.count(func(*Stats) { w.failing = nil })
	}
	return err
}

// replayLocked inserts spooled batches, oldest first, until the spool is
// empty or an insert fails. Unless force is set it waits for the backoff.
func (w *Writer) replayLocked(ctx context.Context, force bool) {
	if w.spool.empty() || (!force && time.Now().Before(w.retryAt)) {
		return
	}
	for !w.spool.empty() {
		seg, batch, bad, err := w.spool.peek()
		if err != nil {
			w.log.Error("spooled batch unreadable; moved aside, fix or delete it by hand", "file", seg, "err", err)
			continue
		}
		if bad > 0 {
			w.log.Error("spooled batch has undecodable mentions; they are kept aside, the rest is replayed: fix or delete the .bad file by hand",
				"file", filepath.Join(w.spool.dir, seg+".bad"), "undecodable", bad, "replayed", len(batch))
		}
		if len(batch) == 0 {
			if err := w.spool.pop(seg); err != nil {
				w.log.Error("removing an undecodable spool file failed", "file", seg, "err", err)
			}
			continue
		}
		if err := w.insert(ctx, batch); err != nil {
			d := w.retry.NextBackOff()
			w.retryAt = time.Now().Add(d)
			n, size := w.spool.depth()
			w.log.Warn("store still failing; spool kept", "batches", n, "bytes", size, "retry_in", d.Round(time.Millisecond), "err", err)
			return
		}
		if err := w.spool.pop(seg); err != nil {
			// The batch is stored; replaying it again later is harmless
			// (inserts are idempotent by id), so only log.
			w.log.Error("removing a replayed spool file failed", "file", seg, "err", err)
		}
		w.count(func(s *Stats) {
			s.Stored += uint64(len(batch))
			s.Replayed += uint64(len(batch))
		})
		if w.opt.OnReplay != nil {
			w.opt.OnReplay(batch)
		}
		if w.spool.empty() {
			w.log.Info("spool drained: the store is back")
		}
	}
	w.retry.Reset()
	w.retryAt = time.Time{}
}

func (w *Writer) count(f func(*Stats)) {
	w.mu.Lock()
	f(&w.stats)
	w.mu.Unlock()
}

// loop flushes by age and retries the spool.
func (w *Writer) loop() {
	defer close(w.done)
	tick := time.NewTicker(min(w.opt.FlushInterval, time.Second))
	defer tick.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-tick.C:
		}
		w.mu.Lock()
		due := len(w.buf) > 0 && time.Since(w.since) >= w.opt.FlushInterval
		w.mu.Unlock()
		ctx := context.Background()
		if due {
			if err := w.Flush(ctx); err != nil {
				w.log.Error("flush failed; mentions kept in memory", "err", err)
			}
			continue
		}
		if !w.spool.empty() {
			w.ioMu.Lock()
			w.replayLocked(ctx, false)
			w.ioMu.Unlock()
		}
	}
}

// Stats returns the counters and the spool depth.
func (w *Writer) Stats() Stats {
	w.mu.Lock()
	s := w.stats
	s.Buffered = len(w.buf) + len(w.failed)
	w.mu.Unlock()
	s.SpoolBatches, s.SpoolBytes = w.spool.depth()
	return s
}

// Healthy returns nil while writes reach the store, and otherwise why
// not: the last insert failed (the store is down or hung; batches go to
// the spool) or the last spool write failed (a full or unwritable disk;
// mentions wait in memory). Either clears with the next success. The
// daemon's /readyz reports it.
func (w *Writer) Healthy() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.spoolErr != nil && w.failing != nil:
		return fmt.Errorf("store inserts failing (%v) and the spool cannot take batches: %w", w.failing, w.spoolErr)
	case w.spoolErr != nil:
		return w.spoolErr
	case w.failing != nil:
		n, size := w.spool.depth()
		return fmt.Errorf("store inserts failing, %d batches (%d bytes) spooled: %w", n, size, w.failing)
	}
	return nil
}

// SpoolDepth returns the batches and bytes waiting in the spool.
func (w *Writer) SpoolDepth() (int, int64) { return w.spool.depth() }

// Close stops the background loop and flushes. What the store cannot take
// stays in the spool for the next run.
func (w *Writer) Close(ctx context.Context) error {
	w.once.Do(func() { close(w.stop) })
	<-w.done
	// Refuse new writes first, so that this last flush takes every
	// mention a Commit is waiting for.
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	err := w.Flush(ctx)
	w.closeOnce.Do(func() {
		w.closeErr = err
		close(w.closeDone)
	})
	w.inflight.Wait() // a Write that got in before closed was set
	w.closeQ.Do(func() { close(w.queue) })
	if n, size := w.spool.depth(); n > 0 {
		w.log.Warn("stopping with batches in the spool; the next run replays them", "batches", n, "bytes", size, "dir", w.opt.SpoolDir)
	}
	return err
}
