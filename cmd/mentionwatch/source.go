package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
)

func init() {
	source := &cobra.Command{Use: "source", Short: "List the sources' state, or reset a source's"}
	source.AddCommand(&cobra.Command{
		Use:   "reset NAME",
		Short: "Forget a source's cursor, so its next run collects from the start of its feed or search again",
		Long: "Forget a source's cursor (newest time and id seen, recently seen ids, ETag) in the store,\n" +
			"so its next run collects from the start of what the service returns. Mentions already\n" +
			"stored are kept and are not duplicated (ids are stable). Stop `mentionwatch run` first (with\n" +
			"coordination, every member): a running daemon keeps the cursor it holds and would save it again.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			configured := false
			for _, s := range cfg.Sources {
				configured = configured || s.Name == name
			}
			st, err := openStore(cmd.Context(), cfg, newLogger(cfg.Log))
			if err != nil {
				return err
			}
			defer st.Close()
			state, err := st.SourceState(cmd.Context(), name)
			if err != nil {
				return fmt.Errorf("source reset %s: reading its state: %w", name, err)
			}
			if !configured && state.LastRun.IsZero() {
				return fmt.Errorf("source reset: %s, nor in the store", noSource(cfg, name))
			}
			out := cmd.OutOrStdout()
			var done []string
			if was := describeCursor(cfg, state.Cursor); was != "" {
				state.Source = name
				state.Cursor = mw.Cursor{}
				if err := st.SaveSourceState(cmd.Context(), state); err != nil {
					return fmt.Errorf("source reset %s: saving its state: %w", name, err)
				}
				done = append(done, fmt.Sprintf("cursor cleared in the %s store (it held %s)", storeType(cfg), was))
			}
			// The daemon also keeps each source's state (cursor and dedup
			// window) in a file under the spool directory, and prefers the
			// newer of file and store at start: remove it too.
			file := sourceStateFile(cfg, name)
			switch err := os.Remove(file); {
			case err == nil:
				done = append(done, "local state file "+file+" removed")
			case !errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("source reset %s: removing its local state %s: %w", name, file, err)
			}
			if len(done) == 0 {
				fmt.Fprintf(out, "source reset: %s had no cursor; nothing to reset\n", name)
				return nil
			}
			fmt.Fprintf(out, "source reset: %s: %s; its next run starts from the beginning\n", name, strings.Join(done, "; "))
			return nil
		},
	})
	source.AddCommand(sourceListCmd())
	rootCmd.AddCommand(source)
}

// sourceStateFile is where the daemon keeps a source's state besides the
// store (the StateDir that newApp gives the scheduler).
func sourceStateFile(cfg *mw.Config, name string) string {
	return sourceStateDir(cfg.Store.SpoolDir).File(name)
}

// describeCursor says what a cursor holds, "" for an empty one; its time
// in the configured timezone:.
func describeCursor(cfg *mw.Config, c mw.Cursor) string {
	var parts []string
	if !c.LastTime.IsZero() {
		parts = append(parts, "newest time "+shownAt(cfg, c.LastTime))
	}
	if c.LastID != "" {
		parts = append(parts, fmt.Sprintf("newest id %q", c.LastID))
	}
	if len(c.Seen) > 0 {
		parts = append(parts, fmt.Sprintf("%d seen ids", len(c.Seen)))
	}
	if c.ETag != "" || c.LastModified != "" {
		parts = append(parts, "a conditional-GET validator")
	}
	if len(c.Extra) > 0 {
		parts = append(parts, fmt.Sprintf("%d collector-specific entries", len(c.Extra)))
	}
	return strings.Join(parts, ", ")
}

// storeType is the configured store type, "embedded" when unset.
func storeType(cfg *mw.Config) string {
	if cfg.Store.Type == "" {
		return "embedded"
	}
	return cfg.Store.Type
}
