package clickhouse

import (
	"context"
	"errors"
	"fmt"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

var _ store.UserStore = (*Store)(nil)

// The user tables are ReplacingMergeTrees keyed by name or id: a save is an
// insert with a newer version, and reads take the newest version of each
// key (FINAL, then LIMIT 1 BY for rows of parts not merged across shards).

var userColumns = []string{"name", "role", "password_hash", "disabled", "password_set", "created", "updated", "version"}

// SaveUser inserts a new version of the user named u.Name.
func (s *Store) SaveUser(ctx context.Context, u store.User) error {
	if u.Name == "" {
		return errors.New("clickhouse: saving a user: no name")
	}
	var disabled uint8
	if u.Disabled {
		disabled = 1
	}
	err := s.insertRow(ctx, tableUsers, userColumns, u.Name, string(u.Role), u.PasswordHash, disabled,
		toSec(u.PasswordSet), toSec(u.Created), toSec(u.Updated), s.nextVersion(1))
	if err != nil {
		return fmt.Errorf("clickhouse: saving user %q: %w", u.Name, err)
	}
	return nil
}

// User returns one user, or store.ErrNotFound.
func (s *Store) User(ctx context.Context, name string) (store.User, error) {
	us, err := s.users(ctx, "\nWHERE name = ?", name)
	if err != nil {
		return store.User{}, err
	}
	if len(us) == 0 {
		return store.User{}, store.ErrNotFound
	}
	return us[0], nil
}

// Users returns every user, ordered by name.
func (s *Store) Users(ctx context.Context) ([]store.User, error) { return s.users(ctx, "") }

func (s *Store) users(ctx context.Context, where string, args ...any) ([]store.User, error) {
	query := fmt.Sprintf(`SELECT name, role, password_hash, disabled, password_set, created, updated FROM (
SELECT name, role, password_hash, disabled, password_set, created, updated, version
FROM %s FINAL%s
ORDER BY version DESC
LIMIT 1 BY name
)
ORDER BY name`, s.schema.Read(tableUsers), where)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: reading users: %w", err)
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		var (
			u                     store.User
			role                  string
			disabled              uint8
			set, created, updated int64
		)
		if err := rows.Scan(&u.Name, &role, &u.PasswordHash, &disabled, &set, &created, &updated); err != nil {
			return nil, fmt.Errorf("clickhouse: reading users: %w", err)
		}
		u.Role, u.Disabled = mw.Role(role), disabled != 0
		u.PasswordSet, u.Created, u.Updated = fromSec(set), fromSec(created), fromSec(updated)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading users: %w", err)
	}
	return out, nil
}

var tokenColumns = []string{"id", "user", "name", "hash", "created", "revoked", "version"}

// SaveToken inserts a new version of the token with t.ID.
func (s *Store) SaveToken(ctx context.Context, t store.APIToken) error {
	if t.ID == "" {
		return errors.New("clickhouse: saving an API token: no id")
	}
	err := s.insertRow(ctx, tableAPITokens, tokenColumns, t.ID, t.User, t.Name, t.Hash, toSec(t.Created), toSec(t.Revoked), s.nextVersion(1))
	if err != nil {
		return fmt.Errorf("clickhouse: saving API token %s: %w", t.ID, err)
	}
	return nil
}

// Token returns one token, or store.ErrNotFound.
func (s *Store) Token(ctx context.Context, id string) (store.APIToken, error) {
	ts, err := s.tokens(ctx, "\nWHERE id = ?", id)
	if err != nil {
		return store.APIToken{}, err
	}
	if len(ts) == 0 {
		return store.APIToken{}, store.ErrNotFound
	}
	return ts[0], nil
}

// Tokens returns the tokens of user ("" for all), by user then creation.
func (s *Store) Tokens(ctx context.Context, user string) ([]store.APIToken, error) {
	if user == "" {
		return s.tokens(ctx, "")
	}
	return s.tokens(ctx, "\nWHERE user = ?", user)
}

func (s *Store) tokens(ctx context.Context, where string, args ...any) ([]store.APIToken, error) {
	query := fmt.Sprintf(`SELECT id, user, name, hash, created, revoked FROM (
SELECT id, user, name, hash, created, revoked, version
FROM %s FINAL%s
ORDER BY version DESC
LIMIT 1 BY id
)
ORDER BY user, created, id`, s.schema.Read(tableAPITokens), where)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: reading API tokens: %w", err)
	}
	defer rows.Close()
	var out []store.APIToken
	for rows.Next() {
		var (
			t                store.APIToken
			created, revoked int64
		)
		if err := rows.Scan(&t.ID, &t.User, &t.Name, &t.Hash, &created, &revoked); err != nil {
			return nil, fmt.Errorf("clickhouse: reading API tokens: %w", err)
		}
		t.Created, t.Revoked = fromSec(created), fromSec(revoked)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading API tokens: %w", err)
	}
	return out, nil
}

var sessionColumns = []string{"id", "user", "created", "expires", "version"}

// SaveSession inserts a new version of the session with se.ID. Old
// sessions stay (one small row per login); partitions by month of
// creation let an operator drop old ones (docs/SCHEMA.md).
func (s *Store) SaveSession(ctx context.Context, se store.Session) error {
	if se.ID == "" {
		return errors.New("clickhouse: saving a session: no id")
	}
	err := s.insertRow(ctx, tableSessions, sessionColumns, se.ID, se.User, toSec(se.Created), toSec(se.Expires), s.nextVersion(1))
	if err != nil {
		return fmt.Errorf("clickhouse: saving a session of %q: %w", se.User, err)
	}
	return nil
}

// Session returns one session, or store.ErrNotFound.
func (s *Store) Session(ctx context.Context, id string) (store.Session, error) {
	query := fmt.Sprintf(`SELECT id, user, created, expires
FROM %s FINAL
WHERE id = ?
ORDER BY version DESC
LIMIT 1`, s.schema.Read(tableSessions))
	rows, err := s.query(ctx, query, id)
	if err != nil {
		return store.Session{}, fmt.Errorf("clickhouse: reading a session: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return store.Session{}, fmt.Errorf("clickhouse: reading a session: %w", err)
		}
		return store.Session{}, store.ErrNotFound
	}
	var (
		se               store.Session
		created, expires int64
	)
	if err := rows.Scan(&se.ID, &se.User, &created, &expires); err != nil {
		return store.Session{}, fmt.Errorf("clickhouse: reading a session: %w", err)
	}
	se.Created, se.Expires = fromSec(created), fromSec(expires)
	return se, rows.Err()
}
