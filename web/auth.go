package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// Actor is who made a request: ServeHTTP authenticates every request
// before routing and puts its Actor in the request's context.
type Actor struct {
	Name string  // recorded as acked_by, created_by and in the audit trail
	Role mw.Role // "" for a request without credentials (login page, assets)
	Via  string  // one of the Via* constants
}

// How an actor was authenticated.
const (
	ViaSession = "session" // the login page's cookie
	ViaToken   = "token"   // a user's API token (Authorization: Bearer mwt_...)
	ViaProxy   = "proxy"   // the trusted proxy's user header
	ViaBearer  = "bearer"  // the shared web.token (bootstrap admin)
	ViaBasic   = "basic"   // the shared web.username/web.password (bootstrap admin)
	ViaLocal   = "local"   // loopback with no credentials configured
)

// Named reports whether the actor is a person rather than a shared
// credential (web.token, or loopback without credentials), whose
// requests may name who acts in a "by" field.
func (a Actor) Named() bool { return a.Via != ViaBearer && a.Via != ViaLocal && a.Via != "" }

// actorCtxKey is the context key of the request's Actor.
type actorCtxKey struct{}

// actorFrom returns the authenticated user of r (set by ServeHTTP); the
// zero Actor, whose role allows nothing, for a request that reached no
// credential check (the login page).
func actorFrom(r *http.Request) Actor {
	a, _ := r.Context().Value(actorCtxKey{}).(Actor)
	return a
}

func withActor(r *http.Request, a Actor) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), actorCtxKey{}, a))
}

// requireRole wraps a handler that changes state: it answers 403 unless
// the request's actor has at least role min. Every state-changing route is
// registered through it (routes in web.go, alert_routes in alerts_page.go).
func requireRole(min mw.Role, f http.HandlerFunc) http.HandlerFunc {
	check := roleCheck(min)
	return func(w http.ResponseWriter, r *http.Request) {
		if err := check(r); err != nil {
			httpError(w, r, err.Error(), http.StatusForbidden)
			return
		}
		f(w, r)
	}
}

// roleCheck returns the check requireRole makes, for handlers that answer
// a refusal themselves: nil when r's actor has at least role min, else
// the reason (to send with 403).
func roleCheck(min mw.Role) func(*http.Request) error {
	return func(r *http.Request) error {
		if a := actorFrom(r); !a.Role.Allows(min) {
			return errors.New(forbiddenMessage(a, min))
		}
		return nil
	}
}

func forbiddenMessage(a Actor, min mw.Role) string {
	if a.Role == "" {
		return "forbidden: log in first"
	}
	return fmt.Sprintf("forbidden: this needs the %s role and %s is %s; an admin can change it with "+
		"`mentionwatch user add %s --role %s --update`", min, a.Name, a.Role, a.Name, min)
}

// authError is why a request's credentials were not accepted.
type authError struct {
	status int    // 401 or 403 (a known user who may not log in), 503 (store down)
	msg    string // for the client
	count  bool   // counts as a failed login for the throttle
}

func (e *authError) Error() string { return e.msg }

var errNoCredentials = errors.New("no credentials")

// anyAuth reports whether the dashboard asks for credentials at all: not
// when nothing is configured, which Check allows on loopback only.
func (h *Handler) anyAuth() bool {
	a := h.opt.Auth
	return a.Token != "" || a.Username != "" || a.Users.Enabled || a.Proxy.UserHeader != ""
}

// authenticate finds r's actor: the trusted proxy's user header first,
// then an Authorization header, then the session cookie. It returns
// errNoCredentials when r carries none of them, an *authError when they
// are refused.
func (h *Handler) authenticate(ctx context.Context, r *http.Request, now time.Time) (Actor, error) {
	if !h.anyAuth() {
		return Actor{Name: "dashboard", Role: mw.RoleAdmin, Via: ViaLocal}, nil
	}
	if name, ok := h.proxyUser(r); ok {
		return h.proxyActor(ctx, name)
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		return h.headerActor(ctx, r, auth, now)
	}
	if c := h.sessionCookie(r); c != "" && h.opt.Auth.Users.Enabled {
		a, err := h.sessionActor(ctx, c, now)
		if errors.Is(err, errNoCredentials) {
			return Actor{}, errNoCredentials // expired or logged out: log in again
		}
		return a, err
	}
	return Actor{}, errNoCredentials
}

var errBadCredentials = &authError{status: http.StatusUnauthorized, count: true,
	msg: "unauthorized: wrong credentials (a user's API token, web.token as a Bearer token, or web.username/web.password as basic auth)"}

// headerActor checks an Authorization header: a user's API token, the
// shared web.token, or the shared basic-auth user.
func (h *Handler) headerActor(ctx context.Context, r *http.Request, auth string, now time.Time) (Actor, error) {
	cfg := h.opt.Auth
	if scheme, tok, _ := strings.Cut(auth, " "); strings.EqualFold(scheme, "Bearer") { // the scheme is case-insensitive (RFC 9110)
		tok = strings.TrimSpace(tok)
		if id, dig, ok := parseAPIToken(tok); ok && cfg.Users.Enabled && h.users != nil {
			return h.tokenActor(ctx, id, dig)
		}
		if cfg.Token != "" && equal(tok, cfg.Token.Value()) {
			return Actor{Name: "token", Role: mw.RoleAdmin, Via: ViaBearer}, nil
		}
		return Actor{}, errBadCredentials
	}
	if u, p, ok := r.BasicAuth(); ok && cfg.Username != "" && equal(u, cfg.Username) && equal(p, cfg.Password.Value()) {
		return Actor{Name: cfg.Username, Role: mw.RoleAdmin, Via: ViaBasic}, nil
	}
	return Actor{}, errBadCredentials
}

func (h *Handler) tokenActor(ctx context.Context, id, dig string) (Actor, error) {
	t, err := h.users.Token(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Actor{}, errBadCredentials
	}
	if err != nil {
		return Actor{}, h.storeDown("reading an API token", err)
	}
	if !equal(t.Hash, dig) {
		return Actor{}, errBadCredentials
	}
	if !t.Revoked.IsZero() {
		return Actor{}, &authError{status: http.StatusUnauthorized, count: true,
			msg: "unauthorized: this API token was revoked; create another with `mentionwatch user token add " + t.User + "`"}
	}
	u, err := h.activeUser(ctx, t.User)
	if err != nil {
		return Actor{}, err
	}
	return Actor{Name: u.Name, Role: u.Role, Via: ViaToken}, nil
}

// activeUser loads a user who may act: known, enabled, with a valid role.
func (h *Handler) activeUser(ctx context.Context, name string) (store.User, error) {
	u, err := h.users.User(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return u, &authError{status: http.StatusForbidden,
			msg: fmt.Sprintf("forbidden: there is no user %q; an admin can add one with `mentionwatch user add %s --role viewer`", name, name)}
	}
	if err != nil {
		return u, h.storeDown("reading a user", err)
	}
	return u, usable(u)
}

// usable refuses a disabled user or one without a valid role.
func usable(u store.User) error {
	if u.Disabled {
		return &authError{status: http.StatusForbidden, msg: fmt.Sprintf("forbidden: user %q is disabled; ask an admin", u.Name)}
	}
	if !u.Role.Valid() {
		return &authError{status: http.StatusForbidden,
			msg: fmt.Sprintf("forbidden: user %q has no valid role; an admin can set one with `mentionwatch user add %s --role viewer --update`", u.Name, u.Name)}
	}
	return nil
}

// storeDown logs a store failure met while authenticating and returns the
// 503 to answer.
func (h *Handler) storeDown(doing string, err error) error {
	h.opt.Log.Error("authenticating: the user store failed", "doing", doing, "err", err)
	return &authError{status: http.StatusServiceUnavailable, msg: "the user store did not answer; try again in a minute"}
}

// proxyUser returns the user the trusted proxy names, if r came from one
// of web.proxy.trusted and carries web.proxy.user_header. The header from
// any other address is ignored.
func (h *Handler) proxyUser(r *http.Request) (string, bool) {
	hdr := h.opt.Auth.Proxy.UserHeader
	if hdr == "" {
		return "", false
	}
	name := strings.TrimSpace(r.Header.Get(hdr))
	if name == "" {
		return "", false
	}
	if !h.fromTrustedProxy(r) {
		h.opt.Log.Debug("ignoring the proxy user header from an address not in web.proxy.trusted", "client", remoteIP(r), "header", hdr)
		return "", false
	}
	return name, true
}

func (h *Handler) proxyActor(ctx context.Context, name string) (Actor, error) {
	if len(name) > 256 {
		return Actor{}, &authError{status: http.StatusForbidden, msg: "forbidden: the proxy's user name is longer than 256 bytes"}
	}
	if h.users != nil {
		u, err := h.users.User(ctx, name)
		switch {
		case err == nil:
			if err := usable(u); err != nil {
				return Actor{}, err
			}
			return Actor{Name: u.Name, Role: u.Role, Via: ViaProxy}, nil
		case !errors.Is(err, store.ErrNotFound):
			return Actor{}, h.storeDown("reading a user", err)
		}
	}
	if r := mw.Role(strings.ToLower(h.opt.Auth.Proxy.DefaultRole)); r.Valid() {
		return Actor{Name: name, Role: r, Via: ViaProxy}, nil
	}
	return Actor{}, &authError{status: http.StatusForbidden, msg: fmt.Sprintf("forbidden: the proxy says you are %q, who is not a user here; "+
		"an admin can add you with `mentionwatch user add %s --role viewer`, or set web.proxy.default_role", name, name)}
}

// fromTrustedProxy reports whether r's peer is one of web.proxy.trusted.
func (h *Handler) fromTrustedProxy(r *http.Request) bool {
	if len(h.proxies) == 0 {
		return false
	}
	a, err := netip.ParseAddr(remoteIP(r))
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range h.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// remoteIP is the address of r's peer (the proxy's, behind one).
func remoteIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// clientIP is the address the login throttle counts failures against:
// the peer's, or behind a trusted proxy the last address the proxy added
// to X-Forwarded-For.
func (h *Handler) clientIP(r *http.Request) string {
	if h.fromTrustedProxy(r) {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if a, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return a.Unmap().String()
			}
		}
	}
	return remoteIP(r)
}

// secureRequest reports whether the browser reached the dashboard over
// HTTPS: directly, or through a trusted proxy that says so.
func (h *Handler) secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return h.fromTrustedProxy(r) && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}

// apiMe (GET /api/me) says who the request is authenticated as.
func (h *Handler) apiMe(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	writeJSON(w, http.StatusOK, struct {
		Name string  `json:"name"`
		Role mw.Role `json:"role"`
		Via  string  `json:"via"`
	}{a.Name, a.Role, a.Via})
}
