package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/spf13/cobra"

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
			log.Info("mentionwatch running", "version", version, "sources", len(a.sources), "store", storeType(cfg))
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
