package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// runUsers is the part of the suite for store.UserStore, which every
// store implements.
func runUsers(t *testing.T, open Opener) {
	users := func(t *testing.T) store.UserStore {
		t.Helper()
		s := open(t)
		us, ok := s.(store.UserStore)
		if !ok {
			t.Fatalf("%T does not implement store.UserStore", s)
		}
		return us
	}
	t.Run("Users", func(t *testing.T) { testUsers(t, users(t)) })
	t.Run("UserNamesAreExact", func(t *testing.T) { testUserNamesAreExact(t, users(t)) })
	t.Run("APITokens", func(t *testing.T) { testAPITokens(t, users(t)) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, users(t)) })
}

// testUsers: a saved user reads back whole; saving again replaces it (the
// last save wins, however quickly it follows); Users lists every user by
// name, disabled ones too.
func testUsers(t *testing.T, s store.UserStore) {
	ctx := context.Background()
	if _, err := s.User(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("User(nobody): err = %v, want ErrNotFound", err)
	}
	if got, err := s.Users(ctx); err != nil || len(got) != 0 {
		t.Fatalf("Users on an empty store = %v, %v; want none", got, err)
	}
	alice := store.User{Name: "alice", Role: mw.RoleAdmin, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		PasswordSet: T0, Created: T0, Updated: T0}
	bob := store.User{Name: "bob", Role: mw.RoleViewer, Created: T0.Add(time.Hour), Updated: T0.Add(time.Hour)}
	for _, u := range []store.User{bob, alice} {
		if err := s.SaveUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.User(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(alice, got); d != "" {
		t.Errorf("alice read back (-saved +read):\n%s", d)
	}
	// Disable and demote bob twice in a row: the second save wins.
	bob.Role, bob.Disabled, bob.Updated = mw.RoleAgent, true, T0.Add(2*time.Hour)
	if err := s.SaveUser(ctx, bob); err != nil {
		t.Fatal(err)
	}
	bob.Role = mw.RoleViewer
	if err := s.SaveUser(ctx, bob); err != nil {
		t.Fatal(err)
	}
	all, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]store.User{alice, bob}, all); d != "" {
		t.Errorf("Users (-want +got):\n%s", d)
	}
	if err := s.SaveUser(ctx, store.User{Role: mw.RoleAdmin}); err == nil {
		t.Error("saving a user without a name: no error")
	}
}

// testUserNamesAreExact: names are compared exactly (no case folding, no
// pattern), and quotes in a name are data.
func testUserNamesAreExact(t *testing.T, s store.UserStore) {
	ctx := context.Background()
	odd := store.User{Name: `o'brien "x" \ %`, Role: mw.RoleAgent, Created: T0, Updated: T0}
	if err := s.SaveUser(ctx, odd); err != nil {
		t.Fatal(err)
	}
	if got, err := s.User(ctx, odd.Name); err != nil || got.Name != odd.Name {
		t.Errorf("User(%q) = %+v, %v", odd.Name, got, err)
	}
	for _, name := range []string{`O'BRIEN "X" \ %`, `o'brien%`, "%"} {
		if _, err := s.User(ctx, name); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("User(%q): err = %v, want ErrNotFound", name, err)
		}
	}
}

// testAPITokens: tokens read back by id and per user; revoking is saving
// again with Revoked set.
func testAPITokens(t *testing.T, s store.UserStore) {
	ctx := context.Background()
	if _, err := s.Token(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Token(missing): err = %v, want ErrNotFound", err)
	}
	a1 := store.APIToken{ID: "a1", User: "alice", Name: "grafana", Hash: "0123abcd", Created: T0}
	a2 := store.APIToken{ID: "a2", User: "alice", Name: "cron", Hash: "4567ef01", Created: T0.Add(time.Minute)}
	b1 := store.APIToken{ID: "b1", User: "bob", Name: "", Hash: "89ab", Created: T0.Add(-time.Hour)}
	for _, tok := range []store.APIToken{a2, b1, a1} {
		if err := s.SaveToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	a1.Revoked = T0.Add(time.Hour)
	if err := s.SaveToken(ctx, a1); err != nil {
		t.Fatal(err)
	}
	got, err := s.Token(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(a1, got); d != "" {
		t.Errorf("revoked token (-want +got):\n%s", d)
	}
	mine, err := s.Tokens(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]store.APIToken{a1, a2}, mine); d != "" {
		t.Errorf("Tokens(alice) (-want +got):\n%s", d)
	}
	all, err := s.Tokens(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]store.APIToken{a1, a2, b1}, all); d != "" {
		t.Errorf("Tokens(\"\") (-want +got):\n%s", d)
	}
	if err := s.SaveToken(ctx, store.APIToken{User: "alice"}); err == nil {
		t.Error("saving a token without an id: no error")
	}
}

// testSessions: a session reads back by id; logging out (saving it with
// Expires moved to now) is what the next read sees.
func testSessions(t *testing.T, s store.UserStore) {
	ctx := context.Background()
	if _, err := s.Session(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Session(missing): err = %v, want ErrNotFound", err)
	}
	se := store.Session{ID: "f00d", User: "alice", Created: T0, Expires: T0.Add(12 * time.Hour)}
	other := store.Session{ID: "beef", User: "bob", Created: T0, Expires: T0.Add(12 * time.Hour)}
	for _, x := range []store.Session{se, other} {
		if err := s.SaveSession(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Session(ctx, "f00d")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(se, got); d != "" {
		t.Errorf("session (-want +got):\n%s", d)
	}
	se.Expires = T0.Add(time.Hour) // logged out
	if err := s.SaveSession(ctx, se); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Session(ctx, "f00d"); err != nil || !got.Expires.Equal(se.Expires) {
		t.Errorf("after logout: %+v, %v; want Expires %v", got, err, se.Expires)
	}
	if got, err := s.Session(ctx, "beef"); err != nil || got.User != "bob" {
		t.Errorf("the other session: %+v, %v", got, err)
	}
	if err := s.SaveSession(ctx, store.Session{User: "alice"}); err == nil {
		t.Error("saving a session without an id: no error")
	}
}
