package main

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/web"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "run",
		Short: "Run the daemon: collect every source on its interval, score, store, alert",
		Long: "Run collects every enabled source on its own interval, scores and stores what it finds and\n" +
			"alerts on waves of negative mentions. SIGINT or SIGTERM stops it gracefully: runs in progress\n" +
			"finish, pending mentions are flushed (or spooled) and alert state is saved.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			log := newLogger(cfg.Log)
			ctx := cmd.Context()
			a, err := newAppWith(ctx, cfg, log, openStoreOrRetry)
			if err != nil {
				return err
			}
			if err := a.startCoordination(); err != nil {
				a.close()
				return err
			}
			if a.coord == nil {
				if err := a.alerts.Warm(ctx, time.Now()); err != nil {
					log.Warn("warming the alert detector from the store failed; it starts cold", "err", err)
				}
			}
			if cfg.Web.Listen != "" {
				a.countRuns()
				us, _ := a.store.(store.UserStore)
				switch err := web.CheckAdmins(ctx, cfg.Web, us); {
				case errors.Is(err, web.ErrNoAdmin):
					a.close()
					return err
				case err != nil:
					log.Warn("could not check that an admin exists (the store is not reachable yet)", "err", err)
				}
			}
			var serveWeb func(context.Context) error
			if cfg.Web.Listen != "" {
				if serveWeb, err = a.startWeb(); err != nil {
					a.close()
					return err
				}
			}
			log.Info("mentionwatch running", startAttrs(cfg, len(a.sources))...)
			if msg := noEnabledSource(cfg); msg != "" {
				// A daemon for alerts, digests and the dashboard alone is
				// allowed; a first config whose one source is disabled
				// must not look like a collection that found nothing.
				log.Warn(msg + "; run collects nothing, and alerts, digests and the dashboard see only what is already stored")
			}
			var wg sync.WaitGroup
			run := func(name string, f func(context.Context) error) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := f(ctx); err != nil && ctx.Err() == nil {
						log.Error(name+" stopped", "err", err)
					}
				}()
			}
			run("scheduler", a.scheduler().Run)
			run("writer stats", a.reportWriter)
			run("retention", a.runRetention)
			if a.coord == nil {
				run("alerts", a.alerts.Run)
				run("digests", a.runDigests)
			} else {
				// Coordinated: the scheduler asks the coordinator before
				// each run; only the leader runs the alert loop and the
				// digests.
				run("coordination", a.coord.Run)
				run("alerts", a.leadAlerts)
			}
			if serveWeb != nil {
				run("web", serveWeb)
			}
			<-ctx.Done()
			log.Info("shutting down: finishing runs and flushing mentions")
			wg.Wait()
			if a.coord != nil {
				a.coord.Close() // after the runs ended: the locks go with the session
			}
			if err := a.close(); err != nil {
				return err
			}
			log.Info("stopped", "collected", a.collected.Load(), "stored", a.stored.Load())
			return nil
		},
	})
}

// startAttrs are the fields of the line run logs once it is up: what an
// operator checks first. Where the data goes (the SQLite file as an
// absolute path, or the ClickHouse servers and database), the spool,
// the dashboard's address ("off" without web.listen) and the time zone
// notifications and the dashboard show times in.
func startAttrs(cfg *mw.Config, sources int) []any {
	spool := cfg.Store.SpoolDir
	if spool == "" {
		spool = "spool"
	}
	listen := cfg.Web.Listen
	if listen == "" {
		listen = "off"
	}
	return []any{"version", version, "sources", sources, "store", storeType(cfg),
		"data", storeLocation(cfg), "spool_dir", absPath(spool), "listen", listen, "time_zone", cfg.Location().String()}
}

// storeLocation is where the store keeps the data, without credentials:
// the embedded store's file, or the ClickHouse servers and database.
func storeLocation(cfg *mw.Config) string {
	if storeType(cfg) == "embedded" {
		return absPath(embeddedPath(cfg))
	}
	u, err := url.Parse(cfg.Store.DSN.Value())
	if err != nil || u.Host == "" {
		return "store.dsn"
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" {
		db = "default"
	}
	return u.Host + "/" + db
}

// absPath is p made absolute against the working directory, as the
// daemon resolves it; p itself when the working directory is unknown.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// reportWriter logs the writer's spool every minute while it holds
// batches (the store is failing), and its counters every 15 minutes.
func (a *app) reportWriter(ctx context.Context) error {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for i := 1; ; i++ {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		s := a.writer.Stats()
		switch {
		case s.SpoolBatches > 0:
			a.log.Warn("store failing: mentions wait in the spool", "spool_batches", s.SpoolBatches, "spool_bytes", s.SpoolBytes,
				"spooled", s.Spooled, "replayed", s.Replayed, "last_error", s.LastInsertErr)
		case i%15 == 0:
			a.log.Info("writer", "stored", s.Stored, "spooled", s.Spooled, "replayed", s.Replayed, "insert_errors", s.InsertErrors, "spool_batches", 0)
		}
	}
}
