// Command mentionwatch collects brand mentions, scores them, stores them and
// alerts on waves of negative word-of-mouth.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/redact"
)

// version is set by the linker: -ldflags "-X main.version=v1.2.3". Without
// it, version.go adds the VCS revision and time from the build info.
var version = "dev"

var (
	configPath string

	rootCmd = &cobra.Command{
		Use:           "mentionwatch",
		Short:         "Self-hosted brand-mention and review monitor",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// evalCmd groups `mentionwatch eval <what>`; each file adds its own.
	evalCmd = &cobra.Command{Use: "eval", Short: "Measure accuracy on labelled data sets"}
	// benchCmd groups `mentionwatch bench <what>`; each file adds its own.
	benchCmd = &cobra.Command{Use: "bench", Short: "Measure speed against a baseline in the same process"}
)

func init() {
	rootCmd.PersistentFlags().StringVarP(&configPath, "config", "c", "config.yaml",
		"config file; without -c, $"+configEnv+" when set (the flag wins over the variable)")
	rootCmd.Version = versionString()
	rootCmd.SetVersionTemplate("mentionwatch {{.Version}}\n")
	rootCmd.AddCommand(evalCmd, benchCmd, &cobra.Command{
		Use:   "version",
		Short: "Print the version, VCS revision and commit time",
		Run:   func(cmd *cobra.Command, _ []string) { fmt.Fprintln(cmd.OutOrStdout(), "mentionwatch", rootCmd.Version) },
	})
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := rootCmd.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "mentionwatch:", redact.String(err.Error()))
		var ce *mw.ConfigError
		if errors.As(err, &ce) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// configEnv names the environment variable that gives the config file when
// -c/--config is not on the command line (containers, systemd units).
const configEnv = "MENTIONWATCH_CONFIG"

// loadConfig reads the config file: --config when given, else
// $MENTIONWATCH_CONFIG when set and not empty, else ./config.yaml.
func loadConfig() (*mw.Config, error) {
	cfg, err := mw.LoadConfig(resolveConfigPath(rootCmd.PersistentFlags().Changed("config"), configPath, os.LookupEnv))
	if err != nil {
		return cfg, err
	}
	cfg.Warnings = append(cfg.Warnings, storeWarnings(cfg)...)
	return cfg, nil
}

// storeWarnings are store keys that have no effect with the configured
// store: check-config prints them (and fails on them with --strict), run
// logs them at start.
func storeWarnings(cfg *mw.Config) []string {
	var w []string
	if storeType(cfg) == "embedded" && cfg.Store.RetentionDays > 0 {
		w = append(w, fmt.Sprintf("%s: store.retention_days: %d deletes nothing on the embedded store, which keeps every mention "+
			"(retention is a ClickHouse TTL); remove the key, and delete old mentions with sqlite3 as docs/OPERATIONS.md, \"The embedded store\", shows",
			cfg.File, cfg.Store.RetentionDays))
	}
	return w
}

// resolveConfigPath is loadConfig's choice: the flag when it was set on the
// command line, else the variable, else the flag's default.
func resolveConfigPath(flagSet bool, flag string, getenv func(string) (string, bool)) string {
	if flagSet {
		return flag
	}
	if v, ok := getenv(configEnv); ok && v != "" {
		return v
	}
	return flag
}

// newLogger builds the slog logger the config asks for.
func newLogger(cfg mw.LogConfig) *slog.Logger {
	var lvl slog.Level
	switch strings.ToLower(cfg.Level) {
	case "debug":
		lvl = slog.LevelDebug
	case "warn":
		lvl = slog.LevelWarn
	case "error":
		lvl = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: lvl}
	// Every line passes through redact: URLs lose their secrets and the
	// config's secrets print as <secret>, whoever logs them.
	if cfg.Format == "json" {
		return slog.New(redact.NewHandler(slog.NewJSONHandler(os.Stderr, opts)))
	}
	return slog.New(redact.NewHandler(slog.NewTextHandler(os.Stderr, opts)))
}

// shownAt is t as the CLI prints it for people: in the configured
// timezone:, with the zone's name ("2026-12-03 14:05 WIB").
func shownAt(cfg *mw.Config, t time.Time) string {
	return t.In(cfg.Location()).Format("2006-01-02 15:04 MST")
}
