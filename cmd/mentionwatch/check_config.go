package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	"github.com/mentionwatch/mentionwatch/alerts/routing"
	"github.com/mentionwatch/mentionwatch/collectors"
)

func init() {
	var strict bool
	check := &cobra.Command{
		Use:   "check-config [--strict]",
		Short: "Check the config file strictly and print a summary; --strict fails on warnings too",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			for _, w := range cfg.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
			}
			srcs, ns, router, err := buildFromConfig(cfg, newLogger(cfg.Log))
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "%s: ok\n", cfg.File)
			fmt.Fprintf(out, "brands: %d\n", len(cfg.Brands))
			for _, b := range cfg.Brands {
				if b.Query != "" {
					fmt.Fprintf(out, "  %s: query %q, %d competitors\n", b.Name, b.Query, len(b.Competitors))
				} else {
					fmt.Fprintf(out, "  %s: %d keywords, %d competitors\n", b.Name, len(b.Keywords), len(b.Competitors))
				}
			}
			fmt.Fprintf(out, "sources: %d enabled of %d\n", len(srcs), len(cfg.Sources))
			for _, s := range srcs {
				fmt.Fprintf(out, "  %s (%s) every %s\n", s.Config.Name, s.Config.Type, mw.FormatDuration(s.Config.Interval.Or(collectors.DefaultInterval)))
			}
			fmt.Fprintf(out, "notifiers: %d\n", len(ns))
			for _, n := range ns {
				fmt.Fprintf(out, "  %s\n", n.Name())
			}
			router.Describe(out)
			fmt.Fprintf(out, "store: %s\n", storeType(cfg))
			fmt.Fprintf(out, "timezone: %s\n", cfg.Location())
			fmt.Fprintf(out, "dashboard access: %s\n", webAccess(cfg.Web))
			printDigests(out, cfg)
			if strict && len(cfg.Warnings) > 0 {
				return fmt.Errorf("%s: %d warning(s) and --strict: set the variables named above or remove the keys", cfg.File, len(cfg.Warnings))
			}
			return nil
		},
	}
	check.Flags().BoolVar(&strict, "strict", false, "fail on warnings (such as an unset ${VAR}) too")
	rootCmd.AddCommand(check)
	rootCmd.AddCommand(&cobra.Command{
		Use:   "collectors",
		Short: "List the registered source types, one per line",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			for _, t := range collectors.Types() {
				fmt.Fprintln(cmd.OutOrStdout(), t)
			}
		},
	})
}

// buildFromConfig builds what run would from a loaded config, the sources,
// notifiers and alert router, without touching the network: check-config's
// checks beyond the loader's.
func buildFromConfig(cfg *mw.Config, log *slog.Logger) ([]*collectors.Source, []alerts.Notifier, *routing.Router, error) {
	srcs, err := collectors.BuildAll(cfg, collectors.NewHTTPClient(cfg.HTTP), log)
	if err != nil {
		return nil, nil, nil, err
	}
	ns, err := notify.Build(cfg, log, notify.Options{Presentation: alerts.PresentationFor(cfg, nil)})
	if err != nil {
		var ce *mw.ConfigError
		if errors.As(err, &ce) {
			return nil, nil, nil, err
		}
		return nil, nil, nil, fmt.Errorf("%s: notifiers: %w", cfg.File, err)
	}
	router, err := routing.New(cfg, notifierNames(ns))
	if err != nil {
		return nil, nil, nil, err
	}
	return srcs, ns, router, nil
}

// webAccess says who may use the dashboard, for check-config.
func webAccess(w mw.WebConfig) string {
	var ways []string
	if w.Users.Enabled {
		ways = append(ways, "named users (mentionwatch user list)")
	}
	if w.Proxy.UserHeader != "" {
		ways = append(ways, fmt.Sprintf("users named by the proxy in %s from %d trusted address(es)", w.Proxy.UserHeader, len(w.Proxy.Trusted)))
	}
	if w.Token != "" {
		ways = append(ways, "web.token (admin)")
	}
	if w.Username != "" {
		ways = append(ways, "web.username (admin)")
	}
	if len(ways) == 0 {
		return "anyone who reaches the listen address (loopback only)"
	}
	return strings.Join(ways, ", ")
}
