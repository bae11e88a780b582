package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	"github.com/mentionwatch/mentionwatch/internal/editdist"
	"github.com/mentionwatch/mentionwatch/internal/redact"
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
			if source == "" {
				if msg := noEnabledSource(cfg); msg != "" {
					return errors.New("collect: " + msg)
				}
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
					return fmt.Errorf("collect --source: %s", noSource(cfg, source))
				}
			}
			return a.collectOnce(cmd.Context(), srcs, cmd.OutOrStdout(), cmd.ErrOrStderr(), print)
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "run each source once and exit")
	cmd.Flags().StringVar(&source, "source", "", "only this source")
	cmd.Flags().BoolVar(&print, "print", true, "print each scored mention as JSON on stdout")
	rootCmd.AddCommand(cmd)
}

// noEnabledSource says why cfg has no source to collect from, or is ""
// when it has one: none is configured, or every one is disabled (named,
// with its line).
func noEnabledSource(cfg *mw.Config) string {
	var off []string
	for _, s := range cfg.Sources {
		if !s.Disabled {
			return ""
		}
		off = append(off, fmt.Sprintf("%s (line %d)", s.Name, s.Line))
	}
	if len(off) == 0 {
		return fmt.Sprintf("no source in %s: add one under sources: (docs/SOURCES.md lists the types; `mentionwatch collectors` too)", cfg.File)
	}
	verb := "is"
	if len(off) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("no enabled source in %s: %s %s disabled; remove disabled: true from one, or add a source under sources:",
		cfg.File, strings.Join(off, ", "), verb)
}

// noSource says why no enabled source is named name: it is disabled, or
// the nearest configured name was meant.
func noSource(cfg *mw.Config, name string) string {
	names := make([]string, 0, len(cfg.Sources))
	for _, s := range cfg.Sources {
		if s.Name == name && s.Disabled {
			return fmt.Sprintf("source %q is disabled in %s:%d (remove its disabled: true to run it)", name, cfg.File, s.Line)
		}
		names = append(names, s.Name)
	}
	if near := editdist.Closest(name, names); near != "" {
		return fmt.Sprintf("no source %q in %s (did you mean %q?)", name, cfg.File, near)
	}
	return fmt.Sprintf("no source %q in %s (`mentionwatch check-config` lists them)", name, cfg.File)
}

// collectOnce is `collect --once`: each of srcs once, in order, with a
// line per source and a summary on errOut (and each scored mention as a
// JSON line on out when print is set). It fails when a source failed, or
// when ctx ends (SIGINT, SIGTERM) before every source has finished: the
// mentions collected until then are stored (a.close flushes the writer),
// and the sources that did not finish are named, for cron and CI.
func (a *app) collectOnce(ctx context.Context, srcs []*collectors.Source, out, errOut io.Writer, print bool) error {
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
	var failed, unfinished []string
	for _, s := range srcs {
		if ctx.Err() != nil {
			unfinished = append(unfinished, s.Config.Name)
			fmt.Fprintf(errOut, "%s: not run: interrupted\n", s.Config.Name)
			continue
		}
		res := sched.RunOnce(ctx, s)
		status := "ok"
		switch {
		case ctx.Err() != nil:
			// A run cut short by the stop is no error to the scheduler
			// (the daemon's next run picks up), or fails with the stop
			// as its cause; either way it did not finish. What it handed
			// over before is stored.
			status = "interrupted"
			unfinished = append(unfinished, s.Config.Name)
		case res.Err != nil:
			// As the log line of it: a server may quote a secret back.
			status = "error: " + redact.String(res.Err.Error())
			failed = append(failed, s.Config.Name)
		}
		fmt.Fprintf(errOut, "%s: items=%d %s\n", s.Config.Name, res.Items, status)
	}
	fmt.Fprintf(errOut, "collect: sources=%d failed=%d interrupted=%d collected=%d stored=%d\n",
		len(srcs), len(failed), len(unfinished), a.collected.Load(), a.stored.Load())
	var errs []string
	if len(failed) > 0 {
		// What the other sources collected is stored (a.close flushes
		// the writer); the exit status still says a run was incomplete.
		errs = append(errs, fmt.Sprintf("%d of %d sources failed: %s (see the errors above; the others' mentions are stored)",
			len(failed), len(srcs), strings.Join(failed, ", ")))
	}
	if len(unfinished) > 0 {
		errs = append(errs, fmt.Sprintf("interrupted (%v): %d of %d sources did not finish: %s (the mentions collected before are stored; run it again to finish)",
			context.Cause(ctx), len(unfinished), len(srcs), strings.Join(unfinished, ", ")))
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}
