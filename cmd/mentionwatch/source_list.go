package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// sourceListCmd is `source list`: each source's last run, items and last
// error from the store, what a drop alert tells the responder to check.
func sourceListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the sources with their last run, last success, items and last error, from the store",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(ctx context.Context, st store.Store, cfg *mw.Config) error {
				states, err := st.SourceStates(ctx)
				if err != nil {
					return fmt.Errorf("source list: reading the sources' state from the %s store: %w", storeType(cfg), err)
				}
				writeSourceList(cmd.OutOrStdout(), cfg, states)
				return nil
			})
		},
	}
}

// writeSourceList writes one line per configured source, in config order,
// then one per source the store knows that the config no longer has.
func writeSourceList(w io.Writer, cfg *mw.Config, states []store.SourceState) {
	byName := map[string]store.SourceState{}
	for _, s := range states {
		byName[s.Source] = s
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tTYPE\tSTATUS\tLAST RUN\tLAST SUCCESS\tITEMS (LAST RUN / TOTAL)\tLAST ERROR")
	row := func(name, typ, status string, s store.SourceState) {
		when := func(t time.Time) string {
			if t.IsZero() {
				return "-"
			}
			return shownAt(cfg, t)
		}
		lastErr := "-"
		if s.LastError != "" {
			lastErr = oneLine(s.LastError)
			if !s.LastErrorAt.IsZero() {
				lastErr = when(s.LastErrorAt) + ": " + lastErr
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d / %d\t%s\n", oneLine(name), typ, status, when(s.LastRun), when(s.LastSuccess), s.ItemsLastRun, s.TotalItems, lastErr)
	}
	for _, c := range cfg.Sources {
		s, ok := byName[c.Name]
		delete(byName, c.Name)
		status := sourceStatus(s)
		switch {
		case c.Disabled:
			status = "disabled"
		case !ok || s.LastRun.IsZero():
			status = "never run"
		}
		row(c.Name, c.Type, status, s)
	}
	for _, s := range states {
		if _, left := byName[s.Source]; left {
			row(s.Source, s.Type, "not in the config", s)
		}
	}
	tw.Flush()
}

// sourceStatus is "ok", or how many runs in a row failed.
func sourceStatus(s store.SourceState) string {
	if s.ConsecutiveErrors > 0 {
		return fmt.Sprintf("failing (%d runs in a row)", s.ConsecutiveErrors)
	}
	return "ok"
}

// oneLine keeps a stored text (an error may quote a remote server) to one
// line without control characters, so it cannot rewrite the terminal.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)), " ")
}
