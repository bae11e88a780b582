// Command mentionwatch collects brand mentions, scores them, stores them and
// alerts on waves of negative word-of-mouth.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/internal/editdist"
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
	// An unknown or malformed flag says where the command's flags are, and
	// the flag meant when one is near.
	rootCmd.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		if near := nearFlag(cmd, err); near != "" {
			return fmt.Errorf("%w (did you mean --%s? see `%s --help`)", err, near, cmd.CommandPath())
		}
		return fmt.Errorf("%w (see `%s --help`)", err, cmd.CommandPath())
	})
	rootCmd.AddCommand(evalCmd, benchCmd, &cobra.Command{
		Use:   "version",
		Short: "Print the version, VCS revision and commit time",
		Args:  cobra.NoArgs,
		Run:   func(cmd *cobra.Command, _ []string) { fmt.Fprintln(cmd.OutOrStdout(), "mentionwatch", rootCmd.Version) },
	})
}

func main() {
	requireSubcommand(rootCmd)
	explainArgs(rootCmd)
	ctx, stop := signalContext()
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

// unknownFlag and unknownShorthand read pflag's errors for a flag the
// command does not have: "unknown flag: --onse", and "unknown shorthand
// flag: 'o' in -once" (a long flag written with one dash).
var (
	unknownFlag      = regexp.MustCompile(`^unknown flag: --([^=\s]+)`)
	unknownShorthand = regexp.MustCompile(`^unknown shorthand flag: '.' in -([^=\s]+)`)
)

// nearFlag is the name of cmd's flag nearest to the unknown one err
// names, within two edits; "" when err is another error or none is near.
func nearFlag(cmd *cobra.Command, err error) string {
	m := unknownFlag.FindStringSubmatch(err.Error())
	if m == nil {
		m = unknownShorthand.FindStringSubmatch(err.Error())
	}
	if m == nil {
		return ""
	}
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	return editdist.Closest(m[1], names)
}

// requireSubcommand makes each command that only groups others (eval,
// user, user token, ...) refuse a subcommand it does not have, naming the
// nearest: cobra printed the group's help and exited 0, so a mistyped
// `user disabel alice` looked done. Without arguments it prints its help.
func requireSubcommand(c *cobra.Command) {
	for _, sub := range c.Commands() {
		requireSubcommand(sub)
	}
	if !c.HasParent() || c.Runnable() || !c.HasSubCommands() {
		return // the root already refuses an unknown command
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		var names []string
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() {
				names = append(names, sub.Name())
			}
		}
		if near := editdist.Closest(args[0], names); near != "" {
			return fmt.Errorf("unknown command %q for %q (did you mean %q? see `%s --help`)", args[0], cmd.CommandPath(), near, cmd.CommandPath())
		}
		return fmt.Errorf("unknown command %q for %q (it has %s: see `%s --help`)", args[0], cmd.CommandPath(), strings.Join(names, ", "), cmd.CommandPath())
	}
}

// explainArgs adds to each command's argument check the usage line, which
// says what to give: cobra's "accepts 1 arg(s), received 0" alone did not
// (`source reset` wants a source NAME, `notify test` a notifier).
func explainArgs(c *cobra.Command) {
	for _, sub := range c.Commands() {
		explainArgs(sub)
	}
	if check := c.Args; check != nil && c.HasParent() {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return fmt.Errorf("%w: usage: %s (see `%s --help`)", err, cmd.UseLine(), cmd.CommandPath())
			}
			return nil
		}
	}
}

// signalContext is the commands' context: SIGINT or SIGTERM ends it, and
// each command stops gracefully (stores what it collected, names what did
// not finish). The first signal also gives the signals back their default
// action, before the context ends, so that a second one ends the process
// at once whatever it is doing: Ctrl-C twice never leaves a hung command.
// signal.NotifyContext would catch and drop every later signal.
func signalContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			cancel(signalReceived(s.String() + " signal received"))
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(context.Canceled)
	}
}

// signalReceived is signalContext's cause: it reads as the signal, and is
// context.Canceled, as signal.NotifyContext's is.
type signalReceived string

func (s signalReceived) Error() string      { return string(s) }
func (signalReceived) Is(target error) bool { return target == context.Canceled }

// interruptible is r whose reads end when ctx does, with an error that
// says so: a command reading stdin (a password, `score`'s texts) stops at
// SIGINT instead of waiting for a line that never comes. A read already
// under way is left to finish in the background: the process is exiting.
func interruptible(ctx context.Context, r io.Reader) io.Reader {
	return &ctxReader{ctx: ctx, r: r}
}

type ctxReader struct {
	ctx     context.Context
	r       io.Reader
	pending chan readResult // the read under way, if any
	rest    []byte          // what a read returned beyond the caller's buffer
	err     error           // and its error, returned after rest
}

type readResult struct {
	b   []byte
	err error
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if len(c.rest) > 0 || c.err != nil {
		n := copy(p, c.rest)
		c.rest = c.rest[n:]
		if len(c.rest) > 0 {
			return n, nil
		}
		err := c.err
		c.err = nil
		return n, err
	}
	if c.pending == nil {
		if c.ctx.Err() != nil {
			return 0, interrupted(c.ctx)
		}
		buf, ch := make([]byte, len(p)), make(chan readResult, 1)
		go func() {
			n, err := c.r.Read(buf)
			ch <- readResult{buf[:n], err}
		}()
		c.pending = ch
	}
	select {
	case res := <-c.pending:
		c.pending = nil
		n := copy(p, res.b)
		if c.rest = res.b[n:]; len(c.rest) > 0 {
			c.err = res.err
			return n, nil
		}
		return n, res.err
	case <-c.ctx.Done():
		return 0, interrupted(c.ctx)
	}
}

// interrupted is the error of a command that ctx's end (a signal) stopped.
func interrupted(ctx context.Context) error {
	return fmt.Errorf("interrupted (%w)", context.Cause(ctx))
}

// configEnv names the environment variable that gives the config file when
// -c/--config is not on the command line (containers, systemd units).
const configEnv = "MENTIONWATCH_CONFIG"

// loadConfig reads the config file: --config when given, else
// $MENTIONWATCH_CONFIG when set and not empty, else ./config.yaml.
// A file it cannot read is named with where its path came from: a
// variable left set in the shell, or the default, is not what the user
// typed.
func loadConfig() (*mw.Config, error) {
	path, from := resolveConfigPath(rootCmd.PersistentFlags().Changed("config"), configPath, os.LookupEnv)
	cfg, err := mw.LoadConfig(path)
	if err != nil {
		var ce *mw.ConfigError
		if from != "" && !errors.As(err, &ce) {
			err = fmt.Errorf("%w; %s", err, from)
		}
		return cfg, err
	}
	return cfg, checkSilences(cfg)
}

// checkSilences refuses a configured silence whose scope matches nothing.
func checkSilences(cfg *mw.Config) error {
	for i, s := range cfg.Alerts.Silences {
		if err := alerts.CheckScope(s.Scope, cfg.Brands); err != nil {
			key := fmt.Sprintf("alerts.silences[%d].scope", i)
			return &mw.ConfigError{File: cfg.File, Line: cfg.KeyLine(key), Key: key, Msg: err.Error() + " (it would mute nothing)"}
		}
	}
	return nil
}

// resolveConfigPath is loadConfig's choice: the flag when it was set on the
// command line, else the variable, else the flag's default. from says
// where a path the user did not type came from ("" for the flag).
func resolveConfigPath(flagSet bool, flag string, getenv func(string) (string, bool)) (path, from string) {
	if flagSet {
		return flag, ""
	}
	if v, ok := getenv(configEnv); ok && v != "" {
		return v, "the path is $" + configEnv + "'s (-c PATH reads another file)"
	}
	return flag, "no -c PATH was given and $" + configEnv + " is not set, so it tried ./" + flag
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
