package main

import (
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
)

func init() {
	silence := &cobra.Command{Use: "silence", Short: "Mute alerts of a brand (or one scope) for a while"}
	var (
		brand, scope, reason, by string
		dur                      configDuration
	)
	add := &cobra.Command{
		Use:   "add",
		Short: "Add a silence: mentionwatch silence add --brand acme --for 2h --reason \"courier strike\"",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dur <= 0 {
				return errors.New("silence add: --for must be a positive duration such as 90m, 2h or 1d")
			}
			if reason == "" {
				return errors.New("silence add: --reason is required, so that the team knows why alerts are muted")
			}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			if brand != "" && !cfg.HasBrand(brand) {
				return fmt.Errorf("silence add: no brand %q in %s", brand, cfg.File)
			}
			if err := alerts.CheckScope(scope, cfg.Brands); err != nil {
				return fmt.Errorf("silence add: --%w (it would mute nothing)", err)
			}
			log := newLogger(cfg.Log)
			st, err := openStore(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			defer st.Close()
			if by == "" {
				by = os.Getenv("USER")
			}
			now := time.Now().UTC()
			s := mw.Silence{
				ID: alerts.ID("silence", brand, scope, now.Format(time.RFC3339Nano)), Brand: brand, Scope: scope,
				Until: now.Add(time.Duration(dur)), Reason: reason, CreatedBy: by, CreatedAt: now,
			}
			if err := st.SaveSilence(cmd.Context(), s); err != nil {
				return err
			}
			what := "every brand"
			if brand != "" {
				what = brand
			}
			if scope != "" {
				what += " (" + scope + ")"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "silenced %s until %s: %s (id %s)\n", what, shownAt(cfg, s.Until), reason, s.ID)
			return nil
		},
	}
	add.Flags().StringVar(&brand, "brand", "", "brand to mute (default: every brand)")
	add.Flags().StringVar(&scope, "scope", "", `scope to mute, e.g. "aspect:delivery" or "stage:amot" (default: every scope)`)
	add.Flags().Var(&dur, "for", "how long, e.g. 90m, 2h or 1d")
	add.Flags().StringVar(&reason, "reason", "", "why (shown in logs and the dashboard)")
	add.Flags().StringVar(&by, "by", "", "who (default $USER)")

	list := &cobra.Command{
		Use:   "list",
		Short: "List active silences",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			st, err := openStore(cmd.Context(), cfg, newLogger(cfg.Log))
			if err != nil {
				return err
			}
			defer st.Close()
			ss, err := st.Silences(cmd.Context(), time.Now())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tBRAND\tSCOPE\tUNTIL\tBY\tREASON")
			for _, s := range ss {
				scope := orAll(s.Scope)
				if s.AlertID != "" { // made from an alert: it holds for it at any scope
					scope += " + alert " + s.AlertID
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, orAll(s.Brand), scope, shownAt(cfg, s.Until), s.CreatedBy, s.Reason)
			}
			return tw.Flush()
		},
	}
	silence.AddCommand(add, list)
	rootCmd.AddCommand(silence)
}

func orAll(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

// configDuration is a duration flag that reads what the config reads:
// 90s, 15m, 2h, and 1d or 1.5d too.
type configDuration time.Duration

func (d *configDuration) Set(s string) error {
	v, err := mw.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = configDuration(v)
	return nil
}

// String is "" when unset, so that --help shows no default.
func (d *configDuration) String() string {
	if *d == 0 {
		return ""
	}
	return time.Duration(*d).String()
}

// Type names the value in --help.
func (d *configDuration) Type() string { return "duration" }
