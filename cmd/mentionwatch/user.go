package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/web"
)

// `mentionwatch user ...` manages the dashboard's named users and their
// API tokens in the configured store. Passwords are read from the
// terminal (asked twice) or, when stdin is not a terminal, from its first
// line; never from the command line, where ps and shell history would
// show them.

func init() {
	user := &cobra.Command{Use: "user", Short: "Manage dashboard users and their API tokens (web.users)"}
	var (
		role   string
		update bool
		noPass bool
	)
	add := &cobra.Command{
		Use:   "add NAME --role viewer|agent|admin",
		Short: "Add a user (asks for the password), or change a user's role with --update",
		Long: "Add a user to the store. The password is asked on the terminal, or read from the first line of\n" +
			"stdin when it is not a terminal (echo \"$PW\" | mentionwatch user add ana --role agent).\n" +
			"--no-password adds a user who logs in only through the proxy (web.proxy) or with API tokens.\n" +
			"--update changes the role of an existing user and enables them; the password stays.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := mw.ParseRole(role)
			if err != nil {
				return fmt.Errorf("user add: --role: %w", err)
			}
			name := args[0]
			if err := checkUserName(name); err != nil {
				return fmt.Errorf("user add: %w", err)
			}
			return withUsers(cmd, func(ctx context.Context, us store.UserStore, cfg *mw.Config) error {
				now := time.Now().UTC()
				u, err := us.User(ctx, name)
				switch {
				case err == nil && !update:
					return fmt.Errorf("user add: %q exists (%s); change the role with --update, the password with `mentionwatch user reset-password %s`", name, u.Role, name)
				case err == nil:
					u.Role, u.Disabled, u.Updated = r, false, now
					if err := us.SaveUser(ctx, u); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "user %s is now %s\n", name, r)
					return nil
				case !errors.Is(err, store.ErrNotFound):
					return err
				case update:
					return fmt.Errorf("user add --update: there is no user %q; add it without --update", name)
				}
				u = store.User{Name: name, Role: r, Created: now, Updated: now}
				if !noPass {
					pw, err := readPassword(cmd, "Password for "+name)
					if err != nil {
						return fmt.Errorf("user add: %w", err)
					}
					if u.PasswordHash, err = web.HashPassword(pw); err != nil {
						return fmt.Errorf("user add: %w", err)
					}
					u.PasswordSet = now
				}
				if err := us.SaveUser(ctx, u); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added %s user %s\n", r, name)
				if !cfg.Web.Users.Enabled {
					fmt.Fprintf(cmd.ErrOrStderr(), "note: web.users.enabled is not set in %s, so the dashboard has no login page yet: "+
						"set web.users.enabled: true and restart it\n", cfg.File)
				}
				return nil
			})
		},
	}
	add.Flags().StringVar(&role, "role", "", "viewer (read only), agent (acknowledge, triage) or admin (silences, users, config)")
	add.Flags().BoolVar(&update, "update", false, "change the role of an existing user (and enable them)")
	add.Flags().BoolVar(&noPass, "no-password", false, "no password: the user logs in through the proxy or with API tokens only")
	add.MarkFlagRequired("role")

	list := &cobra.Command{
		Use:   "list",
		Short: "List users: name, role, status, when the password was set, active API tokens",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withUsers(cmd, func(ctx context.Context, us store.UserStore, cfg *mw.Config) error {
				users, err := us.Users(ctx)
				if err != nil {
					return err
				}
				tokens, err := us.Tokens(ctx, "")
				if err != nil {
					return err
				}
				active := map[string]int{}
				for _, t := range tokens {
					if t.Revoked.IsZero() {
						active[t.User]++
					}
				}
				if len(users) == 0 {
					fmt.Fprintln(cmd.ErrOrStderr(), "no users yet: add the first admin with `mentionwatch user add NAME --role admin`")
					return nil
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tROLE\tSTATUS\tPASSWORD SET\tTOKENS")
				for _, u := range users {
					status, set := "enabled", "-"
					if u.Disabled {
						status = "disabled"
					}
					if u.PasswordHash == "" {
						set = "no password"
					} else if !u.PasswordSet.IsZero() {
						set = shownAt(cfg, u.PasswordSet)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", u.Name, u.Role, status, set, active[u.Name])
				}
				return tw.Flush()
			})
		},
	}

	setDisabled := func(disabled bool) func(cmd *cobra.Command, args []string) error {
		return func(cmd *cobra.Command, args []string) error {
			return withUsers(cmd, func(ctx context.Context, us store.UserStore, cfg *mw.Config) error {
				u, err := existingUser(ctx, us, args[0])
				if err != nil {
					return err
				}
				u.Disabled, u.Updated = disabled, time.Now().UTC()
				if err := us.SaveUser(ctx, u); err != nil {
					return err
				}
				if disabled {
					fmt.Fprintf(cmd.OutOrStdout(), "disabled %s: their sessions and API tokens stop working now\n", u.Name)
					if err := web.CheckAdmins(ctx, cfg.Web, us); errors.Is(err, web.ErrNoAdmin) {
						fmt.Fprintf(cmd.ErrOrStderr(), "warning: %v\n", err)
					}
				} else {
					fmt.Fprintf(cmd.OutOrStdout(), "enabled %s\n", u.Name)
				}
				return nil
			})
		}
	}
	disable := &cobra.Command{Use: "disable NAME", Short: "Disable a user: their sessions and API tokens stop working",
		Args: cobra.ExactArgs(1), RunE: setDisabled(true)}
	enable := &cobra.Command{Use: "enable NAME", Short: "Enable a disabled user again", Args: cobra.ExactArgs(1), RunE: setDisabled(false)}

	reset := &cobra.Command{
		Use:   "reset-password NAME",
		Short: "Set a user's password (asked on the terminal, or stdin's first line); logs them out everywhere",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withUsers(cmd, func(ctx context.Context, us store.UserStore, _ *mw.Config) error {
				u, err := existingUser(ctx, us, args[0])
				if err != nil {
					return err
				}
				pw, err := readPassword(cmd, "New password for "+u.Name)
				if err != nil {
					return fmt.Errorf("user reset-password: %w", err)
				}
				if u.PasswordHash, err = web.HashPassword(pw); err != nil {
					return fmt.Errorf("user reset-password: %w", err)
				}
				// Sessions made before PasswordSet end; a second is the
				// stores' resolution, so count from the next one.
				now := time.Now().UTC()
				u.PasswordSet, u.Updated = now.Truncate(time.Second).Add(time.Second), now
				if err := us.SaveUser(ctx, u); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "password of %s changed; their existing sessions have ended\n", u.Name)
				return nil
			})
		},
	}

	user.AddCommand(add, list, disable, enable, reset, tokenCommand())
	rootCmd.AddCommand(user)
}

func tokenCommand() *cobra.Command {
	token := &cobra.Command{Use: "token", Short: "API tokens: per user, sent as Authorization: Bearer, revocable"}
	var label string
	add := &cobra.Command{
		Use:   "add USER [--name what-for]",
		Short: "Create an API token for USER; it is printed once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withUsers(cmd, func(ctx context.Context, us store.UserStore, _ *mw.Config) error {
				u, err := existingUser(ctx, us, args[0])
				if err != nil {
					return err
				}
				tok, id, hash := web.NewAPIToken()
				if err := us.SaveToken(ctx, store.APIToken{ID: id, User: u.Name, Name: label, Hash: hash, Created: time.Now().UTC()}); err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), tok)
				fmt.Fprintf(cmd.ErrOrStderr(), "token %s for %s (%s): shown once, store it now; send it as `Authorization: Bearer <token>`; "+
					"revoke it with `mentionwatch user token revoke %s`\n", id, u.Name, u.Role, id)
				return nil
			})
		},
	}
	add.Flags().StringVar(&label, "name", "", "what the token is for, e.g. grafana")

	list := &cobra.Command{
		Use:   "list [USER]",
		Short: "List API tokens (ids, never the tokens)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who := ""
			if len(args) == 1 {
				who = args[0]
			}
			return withUsers(cmd, func(ctx context.Context, us store.UserStore, cfg *mw.Config) error {
				ts, err := us.Tokens(ctx, who)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tUSER\tNAME\tCREATED\tSTATUS")
				for _, t := range ts {
					status := "active"
					if !t.Revoked.IsZero() {
						status = "revoked " + shownAt(cfg, t.Revoked)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.User, t.Name, shownAt(cfg, t.Created), status)
				}
				return tw.Flush()
			})
		},
	}

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token (its id from `user token list`, or the token itself)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if rest, ok := strings.CutPrefix(id, "mwt_"); ok { // the whole token was pasted
				id, _, _ = strings.Cut(rest, "_")
			}
			return withUsers(cmd, func(ctx context.Context, us store.UserStore, _ *mw.Config) error {
				t, err := us.Token(ctx, id)
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("user token revoke: no token %q; list them with `mentionwatch user token list`", id)
				}
				if err != nil {
					return err
				}
				if !t.Revoked.IsZero() {
					fmt.Fprintf(cmd.OutOrStdout(), "token %s of %s was already revoked\n", t.ID, t.User)
					return nil
				}
				t.Revoked = time.Now().UTC()
				if err := us.SaveToken(ctx, t); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "revoked token %s of %s\n", t.ID, t.User)
				return nil
			})
		},
	}
	token.AddCommand(add, list, revoke)
	return token
}

// withUsers opens the configured store and runs f on its users.
func withUsers(cmd *cobra.Command, f func(context.Context, store.UserStore, *mw.Config) error) error {
	return withStore(cmd, func(ctx context.Context, st store.Store, cfg *mw.Config) error {
		us, ok := st.(store.UserStore)
		if !ok {
			return fmt.Errorf("the %s store keeps no users", storeType(cfg))
		}
		return f(ctx, us, cfg)
	})
}

// withStore loads the config, opens its store and runs f on it.
func withStore(cmd *cobra.Command, f func(context.Context, store.Store, *mw.Config) error) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	st, err := openStore(cmd.Context(), cfg, newLogger(cfg.Log))
	if err != nil {
		return err
	}
	defer st.Close()
	return f(cmd.Context(), st, cfg)
}

func existingUser(ctx context.Context, us store.UserStore, name string) (store.User, error) {
	u, err := us.User(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return u, fmt.Errorf("there is no user %q; see `mentionwatch user list`, or add one with `mentionwatch user add %s --role viewer`", name, name)
	}
	return u, err
}

// checkUserName accepts names people and proxies use: letters, digits and
// . _ @ + - (an e-mail address from oauth2-proxy), up to 128 bytes.
func checkUserName(name string) error {
	if name == "" || len(name) > 128 {
		return fmt.Errorf("user name %q: want 1 to 128 characters", name)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._@+-", r) {
			return fmt.Errorf("user name %q: %q is not allowed (use letters, digits and . _ @ + -)", name, r)
		}
	}
	return nil
}

// readPassword asks for a password twice on a terminal, or reads the
// first line of stdin otherwise.
func readPassword(cmd *cobra.Command, prompt string) (string, error) {
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		errw := cmd.ErrOrStderr()
		fmt.Fprint(errw, prompt+": ")
		a, err := readTermPassword(cmd.Context(), int(f.Fd()))
		fmt.Fprintln(errw)
		if err != nil {
			return "", fmt.Errorf("reading the password from the terminal: %w", err)
		}
		fmt.Fprint(errw, "Again: ")
		b, err := readTermPassword(cmd.Context(), int(f.Fd()))
		fmt.Fprintln(errw)
		if err != nil {
			return "", fmt.Errorf("reading the password from the terminal: %w", err)
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ; run the command again")
		}
		return checkPassword(string(a))
	}
	line, err := bufio.NewReader(io.LimitReader(interruptible(cmd.Context(), in), 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on stdin: run it in a terminal to be asked, or pipe the password in (printf '%s\\n' \"$PW\" | mentionwatch user ...)")
	}
	return checkPassword(pw)
}

// readTermPassword is term.ReadPassword that SIGINT (ctx's end) stops:
// the terminal gets its echo back, and the command ends instead of
// waiting for Enter with Ctrl-C caught and ignored.
func readTermPassword(ctx context.Context, fd int) ([]byte, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}
	ch := make(chan readResult, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		ch <- readResult{b, err}
	}()
	select {
	case r := <-ch:
		return r.b, r.err
	case <-ctx.Done():
		term.Restore(fd, state) // ReadPassword turned the echo off
		return nil, interrupted(ctx)
	}
}

func checkPassword(pw string) (string, error) {
	redact.Register(pw) // whatever prints it later prints <secret>
	if len(pw) < web.MinPasswordLen {
		return "", fmt.Errorf("the password has %d characters; use at least %d", len(pw), web.MinPasswordLen)
	}
	if len(pw) > 1024 {
		return "", errors.New("the password is longer than 1024 bytes")
	}
	return pw, nil
}
