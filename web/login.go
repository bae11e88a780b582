package web

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Failed logins are throttled per client IP with a token bucket: a client
// may fail loginBurst times in a row, then once per loginRefill. While its
// bucket is empty every request of that client that carries credentials
// gets 429 with Retry-After, before the credentials are checked, so a
// guesser learns nothing. Requests without credentials (a browser's first
// request, before it asks for a password) cost nothing.
const (
	loginBurst   = 10
	loginRefill  = 20 * time.Second // 3 guesses a minute, 4,320 a day at most
	loginClients = 10000            // clients tracked; full buckets are dropped first
)

// loginThrottle is shared by every request goroutine; mu guards clients.
type loginThrottle struct {
	mu      sync.Mutex
	clients map[string]*loginBucket
}

type loginBucket struct {
	tokens   float64
	at       time.Time // when tokens was computed
	failures int       // since the last success, for the log
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{clients: map[string]*loginBucket{}}
}

// refill brings b up to now.
func (b *loginBucket) refill(now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(loginBurst, b.tokens+d.Seconds()/loginRefill.Seconds())
		b.at = now
	}
}

// wait returns how long client must wait before its credentials are
// checked again, 0 if they may be checked now.
func (lt *loginThrottle) wait(client string, now time.Time) time.Duration {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	b, ok := lt.clients[client]
	if !ok {
		return 0
	}
	b.refill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(loginRefill))
}

// fail takes a token from client and returns its failures so far.
func (lt *loginThrottle) fail(client string, now time.Time) int {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	b, ok := lt.clients[client]
	if !ok {
		if len(lt.clients) >= loginClients {
			lt.prune(now)
		}
		b = &loginBucket{tokens: loginBurst, at: now}
		lt.clients[client] = b
	}
	b.refill(now)
	b.tokens = math.Max(0, b.tokens-1)
	b.failures++
	return b.failures
}

// succeed forgets client's failure count (its bucket refills with time).
func (lt *loginThrottle) succeed(client string) {
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
		b.refill(now)
		if b.tokens >= loginBurst {
			delete(lt.clients, c)
		}
	}
	if len(lt.clients) >= loginClients {
		clear(lt.clients)
	}
}

// clientIP is the address the request came from. Behind a reverse proxy
// that is the proxy's: throttle logins there too (docs/OPERATIONS.md).
func clientIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// hasCredentials reports whether r tries to log in.
func hasCredentials(r *http.Request) bool { return r.Header.Get("Authorization") != "" }

// checkLogin applies auth with throttling. It writes the refusal and
// returns false when the request may not go on.
func (h *Handler) checkLogin(w http.ResponseWriter, r *http.Request) bool {
	a := h.opt.Auth
	if a.Token == "" && a.Username == "" {
		return true // loopback without credentials (CheckAuth)
	}
	client, now := clientIP(r), h.opt.Now()
	if hasCredentials(r) {
		if d := h.logins.wait(client, now); d > 0 {
			secs := int(math.Ceil(d.Seconds()))
			h.opt.Log.Warn("login throttled", "client", client, "retry_after_seconds", secs)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			http.Error(w, "too many failed logins from this address: try again in "+strconv.Itoa(secs)+"s", http.StatusTooManyRequests)
			return false
		}
	}
	if h.authorized(r) {
		h.logins.succeed(client)
		return true
	}
	if hasCredentials(r) {
		user, _, _ := r.BasicAuth()
		if user == "" {
			user = "(bearer token)"
		}
		n := h.logins.fail(client, now)
		h.opt.Log.Warn("login failed", "client", client, "user", user, "failures", n)
	}
	if a.Username != "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="mentionwatch", charset="UTF-8"`)
	} else {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mentionwatch"`)
	}
	http.Error(w, "unauthorized: send web.token as a Bearer token or web.username/web.password as basic auth", http.StatusUnauthorized)
	return false
}
