package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

func init() {
	var (
		once   bool
		source string
		print  bool
	)
	cmd := &cobra.Command{
		Use:   "collect --once [--source NAME]",
		Short: "Run every source (or one) once: collect, score, store",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !once {
				return errors.New("collect needs --once (use `mentionwatch run` for the daemon)")
			}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			log := newLogger(cfg.Log)
			a, err := newApp(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			defer a.close()
			srcs := a.sources
			if source != "" {
				srcs = nil
				for _, s := range a.sources {
					if s.Config.Name == source {
						srcs = append(srcs, s)
					}
				}
				if len(srcs) == 0 {
					return fmt.Errorf("no enabled source named %q in %s (see `mentionwatch check-config`)", source, cfg.File)
				}
			}
			out := cmd.OutOrStdout()
			sched := a.scheduler()
			if print {
				inner := a.sink
				sched.Sink = func(ctx context.Context, src *collectors.Source, items []mw.Mention) error {
					for _, m := range a.pipeline.Process(items, src.Config.Brands) {
						b, _ := json.Marshal(m)
						fmt.Fprintln(out, string(b))
					}
					return inner(ctx, src, items)
				}
			}
			var failed []string
			for _, s := range srcs {
				res := sched.RunOnce(cmd.Context(), s)
				status := "ok"
				if res.Err != nil {
					status = "error: " + res.Err.Error()
					failed = append(failed, s.Config.Name)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: items=%d %s\n", s.Config.Name, res.Items, status)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "collect: sources=%d failed=%d collected=%d stored=%d\n", len(srcs), len(failed), a.collected.Load(), a.stored.Load())
			if len(failed) > 0 {
				// What the other sources collected is stored (a.close
				// flushes the writer); the exit status still says a run
				// was incomplete, for cron and CI.
				return fmt.Errorf("%d of %d sources failed: %s (see the errors above; the others' mentions are stored)",
					len(failed), len(srcs), strings.Join(failed, ", "))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "run each source once and exit")
	cmd.Flags().StringVar(&source, "source", "", "only this source")
	cmd.Flags().BoolVar(&print, "print", true, "print each scored mention as JSON on stdout")
	rootCmd.AddCommand(cmd)
}
