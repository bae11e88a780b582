package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
	"github.com/mentionwatch/mentionwatch/web"
)

// userCLI runs `mentionwatch -c cfg args...` with stdin and returns
// stdout, stderr and the exit error.
func userCLI(t *testing.T, cfg, stdin string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), append([]string{"-c", cfg}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func writeUsersConfig(t *testing.T, dir string, users bool) (cfgPath, dbPath string) {
	t.Helper()
	dbPath = filepath.Join(dir, "mw.db")
	text := "brands:\n  - name: Acme\n    keywords: [acme]\nstore:\n  path: " + dbPath + "\nweb:\n  listen: 127.0.0.1:0\n"
	if users {
		text += "  users:\n    enabled: true\n"
	}
	cfgPath = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfgPath, dbPath
}

// TestUserCLI: add, list, tokens, disable, reset-password through the
// binary; the password comes on stdin and is stored only as an argon2id
// hash; nothing prints a password or a stored hash; mistakes say what to
// do next.
func TestUserCLI(t *testing.T) {
	dir := t.TempDir()
	cfg, db := writeUsersConfig(t, dir, true)
	const pw = "agent-password-22"

	// Turning users on with nobody to administer them: serve refuses,
	// saying how to create the first admin.
	_, stderr, err := userCLI(t, cfg, "", "serve")
	if err == nil || !strings.Contains(stderr, "mentionwatch user add NAME --role admin") {
		t.Fatalf("serve with users on and no admin: %v\n%s", err, stderr)
	}

	if out, _, err := userCLI(t, cfg, "", "check-config"); err != nil || !strings.Contains(out, "dashboard access: named users") {
		t.Errorf("check-config: %v\n%s", err, out)
	}

	out, stderr, err := userCLI(t, cfg, pw+"\n", "user", "add", "ana", "--role", "agent")
	if err != nil || !strings.Contains(out, "added agent user ana") {
		t.Fatalf("user add: %v\n%s%s", err, out, stderr)
	}
	if _, stderr, err := userCLI(t, cfg, "admin-password-333\n", "user", "add", "ada@example.com", "--role", "admin"); err != nil {
		t.Fatalf("user add admin: %v\n%s", err, stderr)
	}
	for _, c := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{pw + "\n", []string{"user", "add", "ana", "--role", "agent"}, "--update"},
		{pw + "\n", []string{"user", "add", "bob", "--role", "boss"}, "use viewer, agent or admin"},
		{"short\n", []string{"user", "add", "bob", "--role", "viewer"}, "use at least 10"},
		{"", []string{"user", "add", "bob", "--role", "viewer"}, "pipe the password in"},
		{pw + "\n", []string{"user", "add", "bob smith", "--role", "viewer"}, "is not allowed"},
		{"", []string{"user", "disable", "nobody"}, "mentionwatch user list"},
		{"", []string{"user", "token", "revoke", "000000000000"}, "mentionwatch user token list"},
	} {
		_, stderr, err := userCLI(t, cfg, c.stdin, c.args...)
		if err == nil || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: %v\n%s\nwant an error saying %q", c.args, err, stderr, c.want)
		}
	}

	out, stderr, err = userCLI(t, cfg, "", "user", "token", "add", "ana", "--name", "ci")
	tok := strings.TrimSpace(out)
	if err != nil || !strings.HasPrefix(tok, "mwt_") || !strings.Contains(stderr, "shown once") {
		t.Fatalf("token add: %v\n%s%s", err, out, stderr)
	}
	id := strings.SplitN(strings.TrimPrefix(tok, "mwt_"), "_", 2)[0]

	out, _, err = userCLI(t, cfg, "", "user", "list")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ana", "agent", "enabled", "ada@example.com", "admin"} {
		if !strings.Contains(out, want) {
			t.Errorf("user list lacks %q:\n%s", want, out)
		}
	}
	tokens, _, _ := userCLI(t, cfg, "", "user", "token", "list", "ana")
	if !strings.Contains(tokens, id) || !strings.Contains(tokens, "active") || strings.Contains(tokens, tok) {
		t.Errorf("token list: want the id %s active, never the token:\n%s", id, tokens)
	}

	// The store holds a hash that verifies, never the password.
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	u, err := st.User(ctx, "ana")
	if err != nil || u.Role != mw.RoleAgent || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Fatalf("stored ana: %+v, %v", u, err)
	}
	if ok, err := web.VerifyPassword(u.PasswordHash, pw); !ok || err != nil {
		t.Errorf("the stored hash does not verify the password: %v", err)
	}
	everything := out + tokens
	if strings.Contains(everything, pw) || strings.Contains(everything, "$argon2id$") {
		t.Errorf("a password or a hash was printed:\n%s", everything)
	}

	if out, _, err := userCLI(t, cfg, "", "user", "token", "revoke", tok); err != nil || !strings.Contains(out, "revoked token "+id) {
		t.Errorf("revoking by the pasted token: %v %s", err, out)
	}
	if tk, _ := st.Token(ctx, id); tk.Revoked.IsZero() {
		t.Error("the token is not revoked in the store")
	}

	if out, _, err := userCLI(t, cfg, "new-agent-password-4\n", "user", "reset-password", "ana"); err != nil || !strings.Contains(out, "sessions have ended") {
		t.Errorf("reset-password: %v %s", err, out)
	}
	u2, _ := st.User(ctx, "ana")
	if ok, _ := web.VerifyPassword(u2.PasswordHash, "new-agent-password-4"); !ok || !u2.PasswordSet.After(u.PasswordSet) {
		t.Errorf("after reset: the new password does not verify, or PasswordSet did not move (%v → %v)", u.PasswordSet, u2.PasswordSet)
	}

	if out, _, err := userCLI(t, cfg, "", "user", "add", "ana", "--role", "viewer", "--update"); err != nil || !strings.Contains(out, "now viewer") {
		t.Errorf("--update: %v %s", err, out)
	}
	// Disabling the last admin warns.
	_, stderr, err = userCLI(t, cfg, "", "user", "disable", "ada@example.com")
	if err != nil || !strings.Contains(stderr, "no enabled admin") {
		t.Errorf("disabling the only admin: %v; want a warning\n%s", err, stderr)
	}
	if u, _ := st.User(ctx, "ada@example.com"); !u.Disabled {
		t.Error("ada is not disabled in the store")
	}
}

// TestUserAddHintsAtConfig: adding a user while web.users is off says how
// to turn the login page on.
func TestUserAddHintsAtConfig(t *testing.T) {
	cfg, _ := writeUsersConfig(t, t.TempDir(), false)
	_, stderr, err := userCLI(t, cfg, "admin-password-333\n", "user", "add", "ada", "--role", "admin")
	var ee *exec.ExitError
	if errors.As(err, &ee) || err != nil || !strings.Contains(stderr, "web.users.enabled") {
		t.Errorf("user add with users off: %v\n%s", err, stderr)
	}
}
