package main

import (
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/web"
)

func init() {
	var listen string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard, JSON API and /metrics over the configured store (no collecting)",
		Long: "Serve opens the configured store and serves the dashboard, the JSON API under /api/, /metrics,\n" +
			"/healthz and /readyz on web.listen (default 127.0.0.1:8080) until SIGINT or SIGTERM. It collects\n" +
			"nothing: run `mentionwatch run` for that (which also serves the dashboard when web.listen is set).\n" +
			"Off loopback it refuses to start without credentials: named users (web.users.enabled, with an admin\n" +
			"made by `mentionwatch user add`), web.proxy.user_header, web.token, or web.username and web.password.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			if listen != "" {
				cfg.Web.Listen = listen
			}
			if cfg.Web.Listen == "" {
				cfg.Web.Listen = "127.0.0.1:8080"
			}
			// Refuse a bad listen address before opening the store.
			if err := web.CheckAuth(cfg.Web); err != nil {
				return err
			}
			log := newLogger(cfg.Log)
			ctx := cmd.Context()
			st, err := openStore(ctx, cfg, log)
			if err != nil {
				return err
			}
			defer st.Close()
			us, _ := st.(store.UserStore)
			if err := web.CheckAdmins(ctx, cfg.Web, us); err != nil {
				return err
			}
			spoolDir := cfg.Store.SpoolDir
			if spoolDir == "" {
				spoolDir = "spool"
			}
			links, err := linkSigner(cfg)
			if err != nil {
				return err
			}
			h, err := web.New(web.Options{
				Store: st, Brands: cfg.Brands, Sources: cfg.Sources, Auth: cfg.Web, Log: log.With("component", "web"),
				Spool:    func() (int, int64, bool) { return spoolDepth(spoolDir) },
				Location: cfg.Location(), Bucket: cfg.Alerts.Bucket.Or(5 * time.Minute), Links: links,
				ConfigSilences: cfg.Alerts.Silences,
			})
			if err != nil {
				return err
			}
			return web.Serve(ctx, cfg.Web, h, log.With("component", "web"))
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "", "address to listen on (overrides web.listen)")
	rootCmd.AddCommand(cmd)
}

// spoolDepth counts the batches the daemon's writer left in its spool
// directory (files named <seq>.batch). ok is false when the directory
// cannot be read.
func spoolDepth(dir string) (batches int, bytes int64, ok bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, os.IsNotExist(err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".batch") {
			continue
		}
		if info, err := e.Info(); err == nil {
			batches++
			bytes += info.Size()
		}
	}
	return batches, bytes, true
}
