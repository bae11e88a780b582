package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	_ "github.com/mentionwatch/mentionwatch/alerts/notify/all" // every alert channel
	"github.com/mentionwatch/mentionwatch/alerts/routing"
	"github.com/mentionwatch/mentionwatch/collectors"
	_ "github.com/mentionwatch/mentionwatch/collectors/all" // every source type
	"github.com/mentionwatch/mentionwatch/coord"
	"github.com/mentionwatch/mentionwatch/scoring"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
	"github.com/mentionwatch/mentionwatch/store/writer"
	"github.com/mentionwatch/mentionwatch/web"
)

// openStore opens the configured store and migrates it.
func openStore(ctx context.Context, cfg *mw.Config, log *slog.Logger) (store.Store, error) {
	st, err := dialStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := migrateStore(ctx, st, storeName(cfg, st)); err != nil {
		st.Close()
		return nil, refusedError{err}
	}
	return st, nil
}

// refusedError is a store that was opened but whose migration failed: it
// answers, so it is not unreachable.
type refusedError struct{ err error }

func (e refusedError) Error() string { return e.err.Error() }
func (e refusedError) Unwrap() error { return e.err }

// storeTrouble says what kept the store from opening: "unreachable", or
// "refused" when it answered and its migration failed.
func storeTrouble(err error) string {
	if errors.As(err, new(refusedError)) {
		return "refused"
	}
	return "unreachable"
}

// dialStore opens the configured store without migrating it.
func dialStore(ctx context.Context, cfg *mw.Config, log *slog.Logger) (store.Store, error) {
	var (
		st  store.Store
		err error
	)
	switch cfg.Store.Type {
	case "", "embedded":
		path := embeddedPath(cfg)
		sq, err := sqlite.Open(path)
		if err != nil {
			return nil, fmt.Errorf("opening embedded store %s: %w", path, err)
		}
		if log != nil {
			sq.SetLogger(log)
		}
		st = sq
	case "clickhouse":
		st, err = clickhouse.Open(ctx, cfg.Store, log)
		if err != nil {
			return nil, fmt.Errorf("opening clickhouse store: %w (check store.dsn and that the server is reachable)", err)
		}
	}
	return st, nil
}

// app wires config → collectors → scoring → writer → store → alerts.
type app struct {
	cfg      *mw.Config
	log      *slog.Logger
	store    store.Store
	writer   *writer.Writer
	pipeline *scoring.Pipeline
	sources  []*collectors.Source
	alerts   *alerts.Loop
	links    *actionlink.Signer // signs and checks notification action links; nil without dashboard_url and web.listen

	notifiers []alerts.Notifier
	coord     *coord.Coordinator          // nil without coordination: this process does everything
	term      atomic.Pointer[alerts.Loop] // with coordination: the alert loop of the current leadership term, nil when not leading

	// replay holds the oldest collected time of late mentions the writer
	// replayed before coordination started (replayed); ready is set
	// once a.coord may be read from the writer's goroutine.
	replay struct {
		sync.Mutex
		late  time.Time
		ready bool
	}

	runs      *web.RunMetrics // run and notification counters for /metrics; nil without web.listen
	collected atomic.Int64    // raw items collected
	stored    atomic.Int64    // scored mentions handed to the writer
}

func newApp(ctx context.Context, cfg *mw.Config, log *slog.Logger) (*app, error) {
	return newAppWith(ctx, cfg, log, openStore)
}

// newAppWith is newApp with the way the store is opened: the daemon's run
// passes openStoreOrRetry, so it starts while ClickHouse is away.
func newAppWith(ctx context.Context, cfg *mw.Config, log *slog.Logger,
	open func(context.Context, *mw.Config, *slog.Logger) (store.Store, error)) (*app, error) {
	for _, w := range cfg.Warnings {
		log.Warn("config warning (check-config --strict fails on it)", "warning", w)
	}
	srcs, err := collectors.BuildAll(cfg, collectors.NewHTTPClient(cfg.HTTP), log)
	if err != nil {
		return nil, err
	}
	links, err := linkSigner(cfg)
	if err != nil {
		return nil, err
	}
	notifiers, err := notify.Build(cfg, log, notify.Options{Presentation: alerts.PresentationFor(cfg, links), Context: ctx})
	if err != nil {
		return nil, fmt.Errorf("configuring notifiers: %w", err)
	}
	router, err := routing.New(cfg, notifierNames(notifiers))
	if err != nil {
		return nil, err
	}
	st, err := open(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a := &app{
		cfg:      cfg,
		log:      log,
		store:    st,
		pipeline: scoring.NewPipeline(cfg.Brands, scoring.NewScorer(cfg.Brands)),
		sources:  srcs,
		alerts:   alerts.NewLoop(cfg.Alerts, st, notifiers, log),
		links:    links,

		notifiers: notifiers,
	}
	a.alerts.Router = router
	a.alerts.Location = cfg.Location()
	a.alerts.Brands = map[string]bool{}
	for _, b := range cfg.Brands {
		a.alerts.Brands[b.Name] = true
		for _, c := range b.Competitors {
			a.alerts.Competitors = append(a.alerts.Competitors, c.Name)
		}
	}
	a.writer, err = writer.New(st, writer.Options{
		BatchSize:     cfg.Store.BatchSize,
		FlushInterval: cfg.Store.FlushInterval.D(),
		SpoolDir:      a.spoolDir(),
		SpoolMaxBytes: cfg.Store.SpoolMaxBytes,
		OnReplay:      a.replayed,
		Log:           log,
	})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("starting writer: %w", err)
	}
	return a, nil
}

// spoolDir is the writer's spool; the sources' state files live in its
// sources/ subdirectory.
// sourceStateDir is where the sources' local state lives under a spool
// directory ("" means the default, ./spool).
func sourceStateDir(spool string) *collectors.StateDir {
	if spool == "" {
		spool = "spool"
	}
	return &collectors.StateDir{Dir: filepath.Join(spool, "sources")}
}

func (a *app) spoolDir() string {
	if a.cfg.Store.SpoolDir == "" {
		return "spool"
	}
	return a.cfg.Store.SpoolDir
}

// sink scores a source's raw items, makes them durable and feeds them to
// the alert loop. The scheduler saves the source's cursor only after it.
func (a *app) sink(ctx context.Context, src *collectors.Source, items []mw.Mention) error {
	ms, err := a.persist(ctx, src, items)
	if err != nil {
		return err
	}
	a.observe(ms)
	return nil
}

// persist scores raw items and writes them, durably (stored, or spooled
// while the store is down).
func (a *app) persist(ctx context.Context, src *collectors.Source, items []mw.Mention) ([]mw.Mention, error) {
	a.collected.Add(int64(len(items)))
	// Scoring stops between items when the daemon shuts down; the run's
	// cursor is then not saved, so the next run collects them again.
	ms, err := a.pipeline.ProcessContext(ctx, items, src.Config.Brands)
	if err != nil {
		return nil, err
	}
	// Mentions already scored are written even while shutting down.
	ctx = context.WithoutCancel(ctx)
	if len(ms) == 0 {
		return nil, nil
	}
	// Durable before the cursor moves; the writer's committer gathers the
	// mentions of concurrent runs into one insert.
	if err := a.writer.Commit(ctx, ms); err != nil {
		return nil, err
	}
	a.stored.Add(int64(len(ms)))
	if a.runs != nil {
		for i := range ms {
			a.runs.ObserveLag(src.Config.Type, ms[i].Published, ms[i].Collected)
		}
	}
	return ms, nil
}

func (a *app) scheduler() *collectors.Scheduler {
	s := &collectors.Scheduler{Sources: a.sources, Store: a.store, Sink: a.sink, Log: a.log,
		StateDir: sourceStateDir(a.spoolDir())}
	if a.coord != nil {
		s.Gate = a.coord
	}
	if a.runs != nil {
		s.OnRun = func(src *collectors.Source, items int, err error, took time.Duration) {
			a.runs.ObserveRun(src.Config.Name, src.Config.Type, items, err, took)
		}
	}
	return s
}

// countRuns feeds the run and notification counters, the collection lag,
// the sources' intervals and the alert loop's stats that /metrics exports.
func (a *app) countRuns() {
	a.runs = web.NewRunMetrics()
	for _, src := range a.sources {
		a.runs.SetInterval(src.Config.Name, src.Config.Type, src.Config.Interval.Or(collectors.DefaultInterval))
	}
	a.runs.WatchAlertLoop(a.alertLoopStats)
	a.alerts.OnDeliver = func(notifier string, al mw.Alert, err error) {
		a.runs.ObserveDelivery(notifier, al.Kind, string(al.State), err)
	}
}

// alertLoopStats is what /metrics reports of the alert loop this process
// runs: its last tick and its outbox; ok is false before the first tick.
// With coordination only the leader's loop runs, the current term's: a
// member that does not lead reports ok false, so that the rules leave its
// stale figures out.
func (a *app) alertLoopStats() (web.AlertLoopStats, bool) {
	l := a.alerts
	if a.coord != nil {
		if l = a.term.Load(); l == nil {
			return web.AlertLoopStats{}, false
		}
	}
	s, ok := l.Stats()
	return web.AlertLoopStats{LastTick: s.LastTick, Pending: s.Pending, OldestDue: s.OldestDue}, ok
}

// close flushes the writer (spooling what cannot be stored) and closes the
// store. It uses its own deadline: it runs after the main context ended.
func (a *app) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	werr := a.writer.Close(ctx)
	serr := a.store.Close()
	if werr != nil {
		return fmt.Errorf("flushing writer: %w", werr)
	}
	return serr
}

// notifierNames lists the names of ns: the receivers routes may name.
func notifierNames(ns []alerts.Notifier) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Name()
	}
	return out
}
