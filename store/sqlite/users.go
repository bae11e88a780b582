package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

var _ store.UserStore = (*Store)(nil)

// SaveUser inserts or replaces the user named u.Name.
func (s *Store) SaveUser(ctx context.Context, u store.User) error {
	if u.Name == "" {
		return errors.New("sqlite: saving a user: no name")
	}
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO users (name, role, password_hash, disabled, password_set, created, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, u.Name, string(u.Role), u.PasswordHash, u.Disabled, ms(u.PasswordSet), ms(u.Created), ms(u.Updated))
	if err != nil {
		return fmt.Errorf("sqlite %s: saving user %q: %w", s.path, u.Name, err)
	}
	return nil
}

const userSelect = `SELECT name, role, password_hash, disabled, password_set, created, updated FROM users`

// User returns one user, or store.ErrNotFound.
func (s *Store) User(ctx context.Context, name string) (store.User, error) {
	us, err := s.users(ctx, userSelect+` WHERE name = ?`, name)
	if err != nil {
		return store.User{}, err
	}
	if len(us) == 0 {
		return store.User{}, store.ErrNotFound
	}
	return us[0], nil
}

// Users returns every user, ordered by name.
func (s *Store) Users(ctx context.Context) ([]store.User, error) {
	return s.users(ctx, userSelect+` ORDER BY name`)
}

func (s *Store) users(ctx context.Context, query string, args ...any) ([]store.User, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: reading users: %w", s.path, err)
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		var (
			u                     store.User
			role                  string
			set, created, updated int64
		)
		if err := rows.Scan(&u.Name, &role, &u.PasswordHash, &u.Disabled, &set, &created, &updated); err != nil {
			return nil, fmt.Errorf("sqlite %s: reading users: %w", s.path, err)
		}
		u.Role, u.PasswordSet, u.Created, u.Updated = mw.Role(role), fromMS(set), fromMS(created), fromMS(updated)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite %s: reading users: %w", s.path, err)
	}
	return out, nil
}

// SaveToken inserts or replaces the token with t.ID.
func (s *Store) SaveToken(ctx context.Context, t store.APIToken) error {
	if t.ID == "" {
		return errors.New("sqlite: saving an API token: no id")
	}
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO api_tokens (id, user, name, hash, created, revoked) VALUES (?, ?, ?, ?, ?, ?)`,
		t.ID, t.User, t.Name, t.Hash, ms(t.Created), ms(t.Revoked))
	if err != nil {
		return fmt.Errorf("sqlite %s: saving API token %s: %w", s.path, t.ID, err)
	}
	return nil
}

const tokenSelect = `SELECT id, user, name, hash, created, revoked FROM api_tokens`

// Token returns one token, or store.ErrNotFound.
func (s *Store) Token(ctx context.Context, id string) (store.APIToken, error) {
	ts, err := s.tokens(ctx, tokenSelect+` WHERE id = ?`, id)
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
		return s.tokens(ctx, tokenSelect+` ORDER BY user, created, id`)
	}
	return s.tokens(ctx, tokenSelect+` WHERE user = ? ORDER BY user, created, id`, user)
}

func (s *Store) tokens(ctx context.Context, query string, args ...any) ([]store.APIToken, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: reading API tokens: %w", s.path, err)
	}
	defer rows.Close()
	var out []store.APIToken
	for rows.Next() {
		var (
			t                store.APIToken
			created, revoked int64
		)
		if err := rows.Scan(&t.ID, &t.User, &t.Name, &t.Hash, &created, &revoked); err != nil {
			return nil, fmt.Errorf("sqlite %s: reading API tokens: %w", s.path, err)
		}
		t.Created, t.Revoked = fromMS(created), fromMS(revoked)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite %s: reading API tokens: %w", s.path, err)
	}
	return out, nil
}

// SaveSession inserts or replaces the session with se.ID, and drops
// sessions that expired more than a day before this one was created.
func (s *Store) SaveSession(ctx context.Context, se store.Session) error {
	if se.ID == "" {
		return errors.New("sqlite: saving a session: no id")
	}
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO sessions (id, user, created, expires) VALUES (?, ?, ?, ?)`,
		se.ID, se.User, ms(se.Created), ms(se.Expires))
	if err != nil {
		return fmt.Errorf("sqlite %s: saving a session of %q: %w", s.path, se.User, err)
	}
	if !se.Created.IsZero() {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires < ?`, se.Created.Add(-24*time.Hour).UnixMilli()); err != nil {
			return fmt.Errorf("sqlite %s: dropping expired sessions: %w", s.path, err)
		}
	}
	return nil
}

// Session returns one session, or store.ErrNotFound.
func (s *Store) Session(ctx context.Context, id string) (store.Session, error) {
	var (
		se               store.Session
		created, expires int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT id, user, created, expires FROM sessions WHERE id = ?`, id).Scan(&se.ID, &se.User, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Session{}, store.ErrNotFound
	}
	if err != nil {
		return store.Session{}, fmt.Errorf("sqlite %s: reading a session: %w", s.path, err)
	}
	se.Created, se.Expires = fromMS(created), fromMS(expires)
	return se, nil
}
