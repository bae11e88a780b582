package web

import (
	"context"
	"errors"
	"fmt"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// ErrNoAdmin: named users are on and nobody could log in as an admin.
var ErrNoAdmin = errors.New("web.users.enabled is set but no enabled admin can log in: create one with " +
	"`mentionwatch user add NAME --role admin`, or keep web.username/web.password (or web.token) as a bootstrap admin")

// CheckAdmins makes sure that turning named users on does not lock
// everyone out: with web.users.enabled there must be a bootstrap admin
// (web.token, web.username), a proxy whose unknown users are admins, or
// an enabled stored admin with a password (or behind the proxy). serve
// and run call it before serving; `user disable` warns with it.
func CheckAdmins(ctx context.Context, cfg mw.WebConfig, us store.UserStore) error {
	if !cfg.Users.Enabled || cfg.Token != "" || cfg.Username != "" {
		return nil
	}
	if cfg.Proxy.UserHeader != "" && mw.Role(cfg.Proxy.DefaultRole) == mw.RoleAdmin {
		return nil
	}
	if us == nil {
		return errors.New("web.users.enabled needs a store that keeps users")
	}
	users, err := us.Users(ctx)
	if err != nil {
		return fmt.Errorf("web: reading users: %w", err)
	}
	for _, u := range users {
		if !u.Disabled && u.Role == mw.RoleAdmin && (u.PasswordHash != "" || cfg.Proxy.UserHeader != "") {
			return nil
		}
	}
	return ErrNoAdmin
}
