package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// Session cookies. Over HTTPS (web.tls_cert, or a trusted proxy's
// X-Forwarded-Proto: https) the cookie is Secure and named with the
// __Host- prefix, which browsers bind to this host and path /. It is
// always HttpOnly and SameSite=Lax: sent when a user follows a link from a
// notification, never on another site's POST. The cookie holds a random
// 256-bit secret; the store keeps its SHA-256 (store.Session).
const (
	sessionCookieName       = "mw_session"
	secureSessionCookieName = "__Host-mw_session"
)

// sessionCookie returns the session secret r carries, "" if none. Over
// HTTPS only the __Host- cookie counts: a plain one may have been planted
// by a sibling subdomain or a plain-HTTP response, to log the browser in
// as someone else.
func (h *Handler) sessionCookie(r *http.Request) string {
	names := []string{secureSessionCookieName, sessionCookieName}
	if h.secureRequest(r) {
		names = names[:1]
	}
	for _, name := range names {
		if c, err := r.Cookie(name); err == nil && c.Value != "" && len(c.Value) <= 128 {
			return c.Value
		}
	}
	return ""
}

func (h *Handler) setSessionCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	secure := h.secureRequest(r)
	name := sessionCookieName
	if secure {
		name = secureSessionCookieName
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		Secure: secure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// sessionActor resolves a session cookie. An unknown, expired or
// logged-out session, or one older than the user's last password change,
// is errNoCredentials: the user logs in again.
func (h *Handler) sessionActor(ctx context.Context, cookie string, now time.Time) (Actor, error) {
	if h.users == nil {
		return Actor{}, errNoCredentials
	}
	se, err := h.users.Session(ctx, digest(cookie))
	if errors.Is(err, store.ErrNotFound) {
		return Actor{}, errNoCredentials
	}
	if err != nil {
		return Actor{}, h.storeDown("reading a session", err)
	}
	if !now.Before(se.Expires) {
		return Actor{}, errNoCredentials
	}
	u, err := h.users.User(ctx, se.User)
	switch {
	case errors.Is(err, store.ErrNotFound) && h.bootstrapUser(se.User):
		return Actor{Name: se.User, Role: mw.RoleAdmin, Via: ViaSession}, nil
	case errors.Is(err, store.ErrNotFound):
		return Actor{}, errNoCredentials
	case err != nil:
		return Actor{}, h.storeDown("reading a user", err)
	}
	if se.Created.Truncate(time.Second).Before(u.PasswordSet.Truncate(time.Second)) {
		return Actor{}, errNoCredentials // the password was reset since
	}
	if err := usable(u); err != nil {
		return Actor{}, err
	}
	return Actor{Name: u.Name, Role: u.Role, Via: ViaSession}, nil
}

// bootstrapUser reports whether name is the shared web.username, which may
// log in on the login page as an admin while no stored user has its name.
func (h *Handler) bootstrapUser(name string) bool {
	a := h.opt.Auth
	return a.Username != "" && a.Password != "" && name == a.Username
}

// loginPage is what the login template shows.
type loginPage struct {
	Next  string
	User  string
	Error string
}

// serveLogin (GET /login) shows the login form.
func (h *Handler) serveLogin(w http.ResponseWriter, r *http.Request) {
	if !h.opt.Auth.Users.Enabled {
		http.Error(w, "named users are off: set web.users.enabled: true and create one with `mentionwatch user add NAME --role admin`", http.StatusNotFound)
		return
	}
	h.renderLogin(w, r, http.StatusOK, loginPage{Next: safeNext(r.URL.Query().Get("next"))})
}

func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, status int, p loginPage) {
	var buf strings.Builder
	if err := h.page.t.ExecuteTemplate(&buf, "login.html", p); err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write([]byte(buf.String()))
}

// safeNext keeps a post-login target only when it is a path on this site.
// Control characters are refused anywhere: browsers drop tabs and line
// breaks from a Location, so "/\t/evil.example" would become
// "//evil.example", another site. So are backslashes, which browsers read
// as slashes, before the query: http.Redirect cleans the dot segments of
// all that comes before a "?" (a fragment too), and "/x/../\\evil.example"
// would leave as "/\\evil.example", that is //evil.example.
func safeNext(next string) string {
	beforeQuery, _, _ := strings.Cut(next, "?")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(beforeQuery, "\\") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) || strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

// passwordSlots bounds the argon2id verifications running at once (each
// takes 19 MiB and a core for a moment): a flood of logins queues instead
// of exhausting memory.
const passwordSlots = 4

// login (POST /login) checks a user name and password, throttled per
// client like every other credential, and starts a session.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	if !h.opt.Auth.Users.Enabled {
		http.Error(w, "named users are off: set web.users.enabled: true", http.StatusNotFound)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request: reading the login form: "+err.Error(), http.StatusBadRequest)
		return
	}
	name, password := strings.TrimSpace(r.PostForm.Get("username")), r.PostForm.Get("password")
	p := loginPage{Next: safeNext(r.PostForm.Get("next")), User: name}
	client, now := h.clientIP(r), h.opt.Now()
	if d := h.logins.wait(client, now); d > 0 {
		h.throttled(w, r, client, d)
		return
	}
	if d := h.userLogins.wait(userKey(name), now); d > 0 {
		h.userThrottled(w, r, client, name, d)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	user, err := h.checkPassword(ctx, name, password)
	var ae *authError
	switch {
	case errors.As(err, &ae) && ae.status == http.StatusServiceUnavailable:
		p.Error = ae.msg
		h.renderLogin(w, r, ae.status, p)
		return
	case err != nil:
		n := h.logins.fail(client, now)
		un := h.userLogins.fail(userKey(name), now)
		h.opt.Log.Warn("login failed", "client", client, "user", clipLog(name), "failures", n, "user_failures", un)
		p.Error = err.Error()
		h.renderLogin(w, r, http.StatusUnauthorized, p)
		return
	}
	h.logins.succeed(client)
	h.userLogins.succeed(userKey(name))
	cookie, id := newSessionSecret()
	ttl := h.opt.Auth.Users.SessionTTL.Or(mw.DefaultSessionTTL)
	se := store.Session{ID: id, User: user, Created: now.UTC(), Expires: now.UTC().Add(ttl)}
	if err := h.users.SaveSession(ctx, se); err != nil {
		h.opt.Log.Error("saving a session failed", "user", user, "err", err)
		p.Error = "the user store did not answer; try again in a minute"
		h.renderLogin(w, r, http.StatusServiceUnavailable, p)
		return
	}
	h.setSessionCookie(w, r, cookie, int(ttl.Seconds()))
	h.opt.Log.Info("logged in", "user", user, "client", client)
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

var errWrongPassword = errors.New("wrong user name or password")

// checkPassword returns the name of the user whose password this is: a
// stored, enabled user, or the shared web.username when no stored user
// has its name. Unknown names cost a hash like known ones.
func (h *Handler) checkPassword(ctx context.Context, name, password string) (string, error) {
	if name == "" || password == "" || len(name) > 256 || len(password) > 1024 {
		return "", errWrongPassword
	}
	select {
	case h.hashSlots <- struct{}{}:
		defer func() { <-h.hashSlots }()
	case <-ctx.Done():
		return "", &authError{status: http.StatusServiceUnavailable, msg: "too many logins at once; try again in a minute"}
	}
	u, err := h.users.User(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if h.bootstrapUser(name) {
			if equal(password, h.opt.Auth.Password.Value()) {
				return name, nil
			}
			return "", errWrongPassword
		}
		VerifyPassword(dummyHash(), password)
		return "", errWrongPassword
	case err != nil:
		return "", h.storeDown("reading a user", err)
	}
	if u.PasswordHash == "" {
		VerifyPassword(dummyHash(), password)
		return "", errWrongPassword
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil {
		h.opt.Log.Error("a stored password hash is unreadable", "user", u.Name, "err", err)
		return "", errWrongPassword
	}
	if !ok {
		return "", errWrongPassword
	}
	if u.Disabled {
		return "", errors.New("this user is disabled; ask an admin")
	}
	if !u.Role.Valid() {
		return "", errors.New("this user has no valid role; ask an admin")
	}
	return u.Name, nil
}

// logout (POST /logout) ends the session and clears its cookie.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if c := h.sessionCookie(r); c != "" && h.users != nil {
		ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
		defer cancel()
		id := digest(c)
		se, err := h.users.Session(ctx, id)
		if err == nil {
			se.Expires = h.opt.Now().UTC()
			err = h.users.SaveSession(ctx, se)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			h.opt.Log.Error("ending a session failed", "user", actorFrom(r).Name, "err", err)
			http.Error(w, "logging out failed: the user store did not answer; try again", http.StatusServiceUnavailable)
			return
		}
		h.opt.Log.Info("logged out", "user", se.User)
	}
	h.setSessionCookie(w, r, "", -1)
	if r.Header.Get("HX-Request") != "" {
		w.Header().Set("HX-Redirect", "/login")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
