package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Failed logins are throttled per client IP (an IPv6 client: per /64) with
// a token bucket: a client may fail loginBurst times in a row, then once
// per loginRefill. While its bucket is empty every request of that client
// that carries credentials gets 429 with Retry-After, before the
// credentials are checked, so a guesser learns nothing. Requests without
// credentials (a browser's first request, before it asks for a password)
// cost nothing.
//
// Failed passwords are also throttled per user name (the login form's, or
// basic auth's), whatever the address: guessers spread over many addresses
// get userBurst, then one guess per userRefill at one user between them.
// The user's budget is larger and refills faster than a client's, so one
// address, held to a client's pace, cannot lock a user out.
const (
	loginBurst   = 10
	loginRefill  = 20 * time.Second // 3 guesses a minute, 4,320 a day at most
	userBurst    = 30
	userRefill   = 5 * time.Second // 12 guesses a minute at one user, from all addresses
	loginClients = 10000           // clients (or users) tracked; full buckets are dropped first
)

// loginThrottle is shared by every request goroutine; mu guards clients.
// It keys its buckets by client address (throttleKey), or by user name
// (userKey).
type loginThrottle struct {
	burst   float64
	refill  time.Duration
	mu      sync.Mutex
	clients map[string]*loginBucket
}

type loginBucket struct {
	tokens   float64
	at       time.Time // when tokens was computed
	failures int       // since the last success, for the log
}

func newLoginThrottle(burst int, refill time.Duration) *loginThrottle {
	return &loginThrottle{burst: float64(burst), refill: refill, clients: map[string]*loginBucket{}}
}

// refill brings b up to now.
func (lt *loginThrottle) refillBucket(b *loginBucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(lt.burst, b.tokens+d.Seconds()/lt.refill.Seconds())
		b.at = now
	}
}

// userKey is the bucket of the failed passwords given for user name: never
// an address (throttleKey leaves it as is).
func userKey(name string) string { return "user:" + clipBytes(name, 256) }

// throttleKey is the bucket a client's failures count against: its IPv4
// address, or its IPv6 /64. One host is usually given a whole /64, and
// counting each of its addresses alone would give it 2^64 budgets.
func throttleKey(client string) string {
	a, err := netip.ParseAddr(client)
	if err != nil {
		return client
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	p, err := a.WithZone("").Prefix(64)
	if err != nil {
		return client
	}
	return p.String()
}

// wait returns how long client must wait before its credentials are
// checked again, 0 if they may be checked now.
func (lt *loginThrottle) wait(client string, now time.Time) time.Duration {
	client = throttleKey(client)
	lt.mu.Lock()
	defer lt.mu.Unlock()
	b, ok := lt.clients[client]
	if !ok {
		return 0
	}
	lt.refillBucket(b, now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(lt.refill))
}

// fail takes a token from client and returns its failures so far.
func (lt *loginThrottle) fail(client string, now time.Time) int {
	client = throttleKey(client)
	lt.mu.Lock()
	defer lt.mu.Unlock()
	b, ok := lt.clients[client]
	if !ok {
		if len(lt.clients) >= loginClients {
			lt.prune(now)
		}
		b = &loginBucket{tokens: lt.burst, at: now}
		lt.clients[client] = b
	}
	lt.refillBucket(b, now)
	b.tokens = math.Max(0, b.tokens-1)
	b.failures++
	return b.failures
}

// succeed forgets client's failure count (its bucket refills with time).
func (lt *loginThrottle) succeed(client string) {
	client = throttleKey(client)
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if b, ok := lt.clients[client]; ok {
		b.failures = 0
	}
}

// prune drops full buckets, or every bucket when none is full (a flood
// of clients); called with mu held.
func (lt *loginThrottle) prune(now time.Time) {
	for c, b := range lt.clients {
		lt.refillBucket(b, now)
		if b.tokens >= lt.burst {
			delete(lt.clients, c)
		}
	}
	if len(lt.clients) >= loginClients {
		clear(lt.clients)
	}
}

// hasCredentials reports whether r tries to log in with a header.
func hasCredentials(r *http.Request) bool { return r.Header.Get("Authorization") != "" }

// checkLogin authenticates r (auth.go) with throttling. It returns r with
// its Actor, or writes the refusal and returns nil. Requests without
// credentials go on with no actor to the login page, the assets and
// /healthz only.
func (h *Handler) checkLogin(w http.ResponseWriter, r *http.Request) *http.Request {
	client, now := h.clientIP(r), h.opt.Now()
	basicUser, _, basic := r.BasicAuth()
	if hasCredentials(r) {
		if d := h.logins.wait(client, now); d > 0 {
			h.throttled(w, r, client, d)
			return nil
		}
		if d := h.userLogins.wait(userKey(basicUser), now); basic && d > 0 {
			h.userThrottled(w, r, client, basicUser, d)
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	a, err := h.authenticate(ctx, r, now)
	cancel()
	if err == nil {
		if hasCredentials(r) {
			h.logins.succeed(client)
			if basic {
				h.userLogins.succeed(userKey(basicUser))
			}
		}
		return withActor(r, a)
	}
	if errors.Is(err, errNoCredentials) {
		if publicPath(r) {
			return r
		}
		h.askLogin(w, r)
		return nil
	}
	var ae *authError
	if !errors.As(err, &ae) {
		ae = &authError{status: http.StatusInternalServerError, msg: err.Error()}
	}
	if ae.count {
		n := h.logins.fail(client, now)
		if basic {
			un := h.userLogins.fail(userKey(basicUser), now)
			h.opt.Log.Warn("login failed", "client", client, "user", clipLog(basicUser), "failures", n, "user_failures", un)
		} else {
			h.opt.Log.Warn("login failed", "client", client, "user", "(bearer token)", "failures", n)
		}
	}
	if ae.status == http.StatusUnauthorized {
		h.challenge(w)
	}
	httpError(w, r, ae.msg, ae.status)
	return nil
}

// throttled answers 429 to a client with no failed logins left.
func (h *Handler) throttled(w http.ResponseWriter, r *http.Request, client string, d time.Duration) {
	secs := int(math.Ceil(d.Seconds()))
	h.opt.Log.Warn("login throttled", "client", client, "retry_after_seconds", secs)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	httpError(w, r, "too many failed logins from this address: try again in "+strconv.Itoa(secs)+"s", http.StatusTooManyRequests)
}

// userThrottled answers 429 to a login as a user with no failed
// passwords left, whichever address it comes from.
func (h *Handler) userThrottled(w http.ResponseWriter, r *http.Request, client, user string, d time.Duration) {
	secs := int(math.Ceil(d.Seconds()))
	h.opt.Log.Warn("login throttled", "client", client, "user", clipLog(user), "retry_after_seconds", secs)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	httpError(w, r, "too many failed logins as this user: try again in "+strconv.Itoa(secs)+"s", http.StatusTooManyRequests)
}

// challenge names the schemes a client may authenticate with.
func (h *Handler) challenge(w http.ResponseWriter) {
	a := h.opt.Auth
	switch {
	case a.Username != "" && !a.Users.Enabled:
		w.Header().Set("WWW-Authenticate", `Basic realm="mentionwatch", charset="UTF-8"`)
	default:
		w.Header().Set("WWW-Authenticate", `Bearer realm="mentionwatch"`)
	}
}

// askLogin answers a request without credentials: a browser asking for a
// page is sent to the login page (with named users), anything else gets
// 401 saying what to send.
func (h *Handler) askLogin(w http.ResponseWriter, r *http.Request) {
	a := h.opt.Auth
	if a.Users.Enabled && !strings.HasPrefix(r.URL.Path, "/api/") && r.URL.Path != "/metrics" {
		if r.Header.Get("HX-Request") != "" {
			// The page's request after the session ended (a list's
			// refresh every minute, a button): log in, then come back to
			// the page it was made from.
			w.Header().Set("HX-Redirect", loginURL(pageOf(r.Header.Get("HX-Current-URL"))))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
	}
	h.challenge(w)
	var how []string
	if a.Users.Enabled {
		how = append(how, "log in at /login, or send a user's API token as a Bearer token (mentionwatch user token add NAME)")
	}
	if a.Token != "" {
		how = append(how, "send web.token as a Bearer token")
	}
	if a.Username != "" {
		how = append(how, "send web.username/web.password as basic auth")
	}
	if a.Proxy.UserHeader != "" {
		how = append(how, "come through the proxy in web.proxy.trusted")
	}
	httpError(w, r, "unauthorized: "+strings.Join(how, "; or "), http.StatusUnauthorized)
}

// pageOf is the path, query and fragment of the page URL htmx sends in
// HX-Current-URL ("" when it is no URL).
func pageOf(current string) string {
	u, err := url.Parse(current)
	if err != nil || current == "" {
		return ""
	}
	page := u.RequestURI()
	if u.Fragment != "" {
		page += "#" + u.EscapedFragment()
	}
	return page
}

// loginURL is the login page that returns to next when it is a path on
// this site (safeNext), else to the dashboard.
func loginURL(next string) string {
	if next = safeNext(next); next == "/" {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(next)
}

// publicPath: what a request without credentials may reach.
func publicPath(r *http.Request) bool {
	p := r.URL.Path
	return p == "/healthz" || p == "/login" || strings.HasPrefix(p, "/static/")
}
