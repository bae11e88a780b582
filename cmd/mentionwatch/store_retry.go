package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// retryStore is the daemon's store when the configured one could not be
// opened at start-up: every call fails with the last opening error until a
// background goroutine manages to open and migrate it (retrying with
// backoff up to 30 s), then every call goes to it. Meanwhile collection
// goes on: cursors live in the state files and mentions in the spool.
type retryStore struct {
	mu      sync.Mutex
	st      store.Store // nil until opened
	lastErr error
	stop    chan struct{}
	done    chan struct{}
}

var _ store.Store = (*retryStore)(nil)

// openStoreOrRetry opens the configured store. An embedded store that
// cannot be opened is an error (a local file: fix the path); a ClickHouse
// server that does not answer is retried in the background.
func openStoreOrRetry(ctx context.Context, cfg *mw.Config, log *slog.Logger) (store.Store, error) {
	st, err := openStore(ctx, cfg, log)
	if err == nil || cfg.Store.Type != "clickhouse" || errors.Is(err, store.ErrSchemaNewer) {
		return st, err
	}
	log.Warn("store "+storeTrouble(err)+" at start-up; collecting anyway (cursors in the state files, mentions in the spool) and retrying the store in the background", "err", err)
	r := &retryStore{lastErr: err, stop: make(chan struct{}), done: make(chan struct{})}
	go r.retry(func(ctx context.Context) (store.Store, error) { return openStore(ctx, cfg, log) }, log)
	return r, nil
}

func (r *retryStore) retry(open func(context.Context) (store.Store, error), log *slog.Logger) {
	defer close(r.done)
	wait := time.Second
	for {
		select {
		case <-r.stop:
			return
		case <-time.After(wait):
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		st, err := open(ctx)
		cancel()
		r.mu.Lock()
		if err == nil {
			r.st, r.lastErr = st, nil
			r.mu.Unlock()
			log.Info("store reachable: opened and migrated; the spool is replayed")
			return
		}
		r.lastErr = err
		r.mu.Unlock()
		if errors.Is(err, store.ErrSchemaNewer) {
			// Retrying cannot help: collected mentions stay in the spool
			// for the version that can store them.
			log.Error("store reachable but refused: stop this process and run the newer mentionwatch (mentions collected meanwhile are in the spool)", "err", err)
			return
		}
		log.Warn("store still "+storeTrouble(err), "err", err, "retry_in", wait)
		wait = min(wait*2, 30*time.Second)
	}
}

func (r *retryStore) get() (store.Store, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return nil, fmt.Errorf("store not opened yet: %w", r.lastErr)
	}
	return r.st, nil
}

// Migrate is done by the background opener.
func (r *retryStore) Migrate(context.Context) error { _, err := r.get(); return err }

func (r *retryStore) Close() error {
	select {
	case <-r.stop:
	default:
		close(r.stop)
	}
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return nil
	}
	return r.st.Close()
}

func (r *retryStore) InsertMentions(ctx context.Context, ms []mw.Mention) error {
	st, err := r.get()
	if err != nil {
		return err
	}
	return st.InsertMentions(ctx, ms)
}

func (r *retryStore) Mentions(ctx context.Context, q store.MentionQuery) ([]mw.Mention, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.Mentions(ctx, q)
}

func (r *retryStore) Series(ctx context.Context, q store.SeriesQuery) ([]store.SeriesPoint, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.Series(ctx, q)
}

func (r *retryStore) Totals(ctx context.Context, q store.TotalsQuery) ([]store.BrandTotals, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.Totals(ctx, q)
}

func (r *retryStore) SourceState(ctx context.Context, source string) (store.SourceState, error) {
	st, err := r.get()
	if err != nil {
		return store.SourceState{}, err
	}
	return st.SourceState(ctx, source)
}

func (r *retryStore) SaveSourceState(ctx context.Context, s store.SourceState) error {
	st, err := r.get()
	if err != nil {
		return err
	}
	return st.SaveSourceState(ctx, s)
}

func (r *retryStore) SaveSourceStates(ctx context.Context, s []store.SourceState) error {
	st, err := r.get()
	if err != nil {
		return err
	}
	return st.SaveSourceStates(ctx, s)
}

func (r *retryStore) SourceStates(ctx context.Context) ([]store.SourceState, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.SourceStates(ctx)
}

func (r *retryStore) SaveAlert(ctx context.Context, a mw.Alert) error {
	st, err := r.get()
	if err != nil {
		return err
	}
	return st.SaveAlert(ctx, a)
}

func (r *retryStore) Alert(ctx context.Context, id string) (mw.Alert, error) {
	st, err := r.get()
	if err != nil {
		return mw.Alert{}, err
	}
	return st.Alert(ctx, id)
}

func (r *retryStore) Alerts(ctx context.Context, q store.AlertQuery) ([]mw.Alert, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.Alerts(ctx, q)
}

func (r *retryStore) SaveSilence(ctx context.Context, s mw.Silence) error {
	st, err := r.get()
	if err != nil {
		return err
	}
	return st.SaveSilence(ctx, s)
}

func (r *retryStore) Silences(ctx context.Context, activeAt time.Time) ([]mw.Silence, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.Silences(ctx, activeAt)
}

// ready is the daemon's /readyz: nil while writes reach the store. It
// fails while the store has not been opened yet, while inserts fail (the
// writer spools) and while the spool cannot take batches (a full disk).
func (a *app) ready() error {
	if r, ok := a.store.(*retryStore); ok {
		if _, err := r.get(); err != nil {
			return err
		}
	}
	return a.writer.Healthy()
}

func (r *retryStore) Watermark(ctx context.Context, name string) (time.Time, error) {
	st, err := r.get()
	if err != nil {
		return time.Time{}, err
	}
	return st.Watermark(ctx, name)
}

func (r *retryStore) SaveWatermark(ctx context.Context, name string, t time.Time) error {
	st, err := r.get()
	if err != nil {
		return err
	}
	return st.SaveWatermark(ctx, name, t)
}

func (r *retryStore) EachMention(ctx context.Context, q store.MentionQuery, fn func(mw.Mention) error) error {
	st, err := r.get()
	if err != nil {
		return err
	}
	return st.EachMention(ctx, q, fn)
}

func (r *retryStore) AuthorHistory(ctx context.Context, authors []string, perAuthor int) (map[string]store.AuthorHistory, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.AuthorHistory(ctx, authors, perAuthor)
}

func (r *retryStore) Triage(ctx context.Context, ids []string) (map[string]store.Triage, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.Triage(ctx, ids)
}

func (r *retryStore) SaveTriage(ctx context.Context, ts []store.Triage, audit []store.AuditEntry) error {
	st, err := r.get()
	if err != nil {
		return err
	}
	return st.SaveTriage(ctx, ts, audit)
}

func (r *retryStore) CountMentions(ctx context.Context, q store.MentionQuery) (uint64, error) {
	st, err := r.get()
	if err != nil {
		return 0, err
	}
	return st.CountMentions(ctx, q)
}

func (r *retryStore) Audit(ctx context.Context, ids []string) ([]store.AuditEntry, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.Audit(ctx, ids)
}

func (r *retryStore) Assignees(ctx context.Context) ([]string, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.Assignees(ctx)
}

func (r *retryStore) SaveDelivery(ctx context.Context, d mw.Delivery) error {
	st, err := r.get()
	if err != nil {
		return err
	}
	return st.SaveDelivery(ctx, d)
}

func (r *retryStore) Deliveries(ctx context.Context, q store.DeliveryQuery) ([]mw.Delivery, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	return st.Deliveries(ctx, q)
}
