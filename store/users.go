package store

import (
	"context"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// UserStore keeps the dashboard's named users, their API tokens and their
// login sessions. Both stores implement it. It is safe for concurrent use.
// Every record is replaced whole by name or id (the last save wins), so a
// ClickHouse ReplacingMergeTree can hold it.
//
// Secrets never reach the store in the clear: a user's password is an
// argon2id hash, a token's and a session's secret a SHA-256 digest
// (web/auth_secret.go makes them).
type UserStore interface {
	// SaveUser inserts or replaces the user named u.Name.
	SaveUser(ctx context.Context, u User) error
	// User returns one user, or ErrNotFound.
	User(ctx context.Context, name string) (User, error)
	// Users returns every user, disabled ones too, ordered by name.
	Users(ctx context.Context) ([]User, error)

	// SaveToken inserts or replaces the API token with t.ID.
	SaveToken(ctx context.Context, t APIToken) error
	// Token returns one token, or ErrNotFound.
	Token(ctx context.Context, id string) (APIToken, error)
	// Tokens returns the tokens of user ("" for every user's), revoked ones
	// too, ordered by user then creation time.
	Tokens(ctx context.Context, user string) ([]APIToken, error)

	// SaveSession inserts or replaces the session with s.ID. Logging out
	// saves it again with Expires set to the logout time.
	SaveSession(ctx context.Context, s Session) error
	// Session returns one session, or ErrNotFound. An expired session is
	// returned as stored: the caller compares Expires with its clock.
	Session(ctx context.Context, id string) (Session, error)
}

// User is a named dashboard user.
type User struct {
	Name string // unique; what acknowledgements and silences record
	Role mw.Role
	// PasswordHash is the PHC string of an argon2id hash; "" when the user
	// logs in only through the proxy or with API tokens.
	PasswordHash string
	Disabled     bool
	// PasswordSet is when the password was last set: sessions created
	// before it are no longer valid (a reset logs the user out everywhere).
	PasswordSet time.Time
	Created     time.Time
	Updated     time.Time
}

// APIToken is a user's bearer token for scripts. The token itself is
// shown once when created; the store keeps its digest.
type APIToken struct {
	ID      string // public part of the token, unique
	User    string
	Name    string // what it is for, e.g. "grafana"
	Hash    string // hex SHA-256 of the secret part
	Created time.Time
	Revoked time.Time // zero while valid
}

// Session is one login. ID is the hex SHA-256 of the cookie's value, so a
// reader of the store cannot take the session over.
type Session struct {
	ID      string
	User    string
	Created time.Time
	Expires time.Time
}
