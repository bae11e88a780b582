// Package web serves the dashboard: one page, a JSON API under /api/ for
// everything the page shows, Prometheus metrics on /metrics, and /healthz
// and /readyz. Assets (htmx, uPlot) are embedded; nothing loads from a CDN.
//
// Off loopback every request needs the configured bearer token or basic
// auth credentials (CheckAuth refuses to start without them), and POST
// actions must come from the dashboard's own origin. Only the listen
// host, localhost, IP addresses and web.hosts are served (a DNS-rebinding
// page gets 421), and without credentials a POST needs the page's CSRF
// token (hosts.go).
package web

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/writer"
	"github.com/prometheus/client_golang/prometheus"
)

//go:embed static templates
var assets embed.FS

// Counters are the daemon's running totals. Serving the dashboard alone
// (mentionwatch serve) has none.
type Counters struct {
	Collected int64        // raw items collected
	Stored    int64        // scored mentions handed to the writer
	Writer    writer.Stats // the writer's counters and spool depth
}

// Options configure the handler.
type Options struct {
	Store  store.Store // required
	Brands []mw.Brand  // tracked brands and their competitors
	// Sources are the configured sources: the inbox checks source= and
	// type= against them (without them, against the store's sources and
	// the registered types).
	Sources []mw.SourceConfig
	// CanTriage, when set, decides whether a request may change triage
	// state (tags, assignee, state, note): nil to allow, else the reason
	// for a 403. The role check (agents yes, viewers no) goes here.
	CanTriage func(r *http.Request) error
	Auth      mw.WebConfig
	// Counters, when set, feeds /metrics and the spool depth shown under
	// source health. Called once per scrape or page view; must be cheap.
	Counters func() Counters
	// Spool, when Counters is nil, reports the batches and bytes waiting in
	// the writer's spool (read from its directory). ok is false when unknown.
	Spool func() (batches int, bytes int64, ok bool)
	// Runs, when set, adds the daemon's run and notification counters to
	// /metrics.
	Runs *RunMetrics
	// Ready, when set, is what /readyz reports: nil for ready, else why not
	// (the daemon passes the writer's health: store inserts failing, the
	// spool's disk full). Without it /readyz asks the store.
	Ready func() error
	// ReadyDetail, when set, adds its line to what /readyz answers (the
	// daemon's coordination state); it does not change the status.
	ReadyDetail func() string
	// Collectors are more metrics for /metrics (the daemon's coordination
	// gauges).
	Collectors []prometheus.Collector
	Log        *slog.Logger
	Now        func() time.Time // default time.Now

	// Alert presentation (alerts_page.go): the zone times are shown in (the
	// API keeps RFC 3339 with its offset; default UTC), the alert bucket
	// (for "40 negative in 5 min"; default 5 min), and the signer of the
	// notifications' Acknowledge / Silence links (nil: /a/ links are off).
	Location *time.Location
	Bucket   time.Duration
	Links    *actionlink.Signer

	// ConfigSilences are the silences written in config (alerts.silences),
	// which mute notifications as stored ones do: the dashboard lists the
	// active ones and marks the alerts they mute; they are not lifted here.
	ConfigSilences []mw.SilenceConfig

	// Users holds named users, API tokens and sessions (web.users). Nil:
	// Store's, when it implements store.UserStore (both stores do).
	Users store.UserStore
}

// Handler is the dashboard. Build it with New.
type Handler struct {
	opt     Options
	mux     *http.ServeMux
	page    *pageTemplates
	metrics *metrics
	// snapshots is the store state /metrics serves.
	snapshots snapshotCache
	static    http.Handler
	assets    fs.FS // the files under static/
	csrf      *http.CrossOriginProtection
	// csrfToken is the token the page hands to htmx (hosts.go): a POST
	// authenticated by what a browser sends by itself must carry it.
	csrfToken  string
	hosts      hostSet        // names served (hosts.go)
	logins     *loginThrottle // failed logins per client (login.go)
	userLogins *loginThrottle // failed passwords per user name (login.go)
	users      store.UserStore
	proxies    []netip.Prefix // web.proxy.trusted
	hashSlots  chan struct{}  // password verifications running (auth_login.go)
	readiness  readinessLog   // what /readyz last logged (serveReady)
	// writes is held by the request that reads, changes and saves triage
	// or an alert (lockWrites), so that two agents' changes to the same
	// mention or alert at once both land instead of the later save
	// replacing the earlier with the state it read before it.
	writes   chan struct{}
	patterns []string // every route, for the tests that walk them
}

var _ http.Handler = (*Handler)(nil)

// New builds the dashboard handler. It does not check auth against a
// listen address: Serve (or CheckAuth) does.
func New(opt Options) (*Handler, error) {
	if opt.Store == nil {
		return nil, errors.New("web: no store")
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Bucket <= 0 {
		opt.Bucket = 5 * time.Minute
	}
	pt, err := parseTemplates(opt.Location)
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, fmt.Errorf("web: embedded assets: %w", err)
	}
	proxies, err := opt.Auth.Proxy.TrustedPrefixes()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if opt.Users == nil {
		opt.Users, _ = opt.Store.(store.UserStore)
	}
	if opt.CanTriage == nil {
		opt.CanTriage = roleCheck(mw.RoleAgent) // triage is an agent's (auth.go)
	}
	if opt.Auth.Users.Enabled && opt.Users == nil {
		return nil, errors.New("web: web.users.enabled needs a store that keeps users")
	}
	h := &Handler{opt: opt, mux: http.NewServeMux(), page: pt, csrf: http.NewCrossOriginProtection(),
		csrfToken: newCSRFToken(opt.Links), hosts: newHostSet(opt.Auth), logins: newLoginThrottle(loginBurst, loginRefill),
		userLogins: newLoginThrottle(userBurst, userRefill),
		users:      opt.Users, proxies: proxies, hashSlots: make(chan struct{}, passwordSlots), writes: make(chan struct{}, 1)}
	h.metrics = newMetrics(h)
	h.snapshots.kick(h.opt) // the first /metrics scrape then finds a snapshot
	h.static = http.StripPrefix("/static/", http.FileServerFS(static))
	h.assets = static
	h.routes()
	return h, nil
}

func (h *Handler) routes() {
	handle := func(pattern string, f http.HandlerFunc) {
		h.patterns = append(h.patterns, pattern)
		h.mux.Handle(pattern, h.metrics.instrument(pattern, f))
	}
	handle("GET /{$}", h.servePage)
	handle("GET /static/", h.serveStatic)
	handle("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	handle("GET /readyz", h.serveReady)
	h.mux.Handle("GET /metrics", h.metrics.handler())

	handle("GET /api/brands", h.apiBrands)
	handle("GET /api/series", h.apiSeries)
	handle("GET /api/journey", h.apiJourney)
	handle("GET /api/aspects", h.apiAspects)
	handle("GET /api/share-of-voice", h.apiShareOfVoice)
	handle("GET /api/mentions", h.apiMentions)
	h.inboxRoutes(handle)
	handle("GET /api/alerts", h.apiAlerts)
	handle("POST /api/alerts/{id}/ack", requireRole(mw.RoleAgent, h.apiAck))
	handle("POST /api/alerts/{id}/resolve", requireRole(mw.RoleAgent, h.apiResolve))
	handle("GET /api/silences", h.apiSilences)
	handle("POST /api/silences", requireRole(mw.RoleAdmin, h.apiSilence))
	handle("POST /api/silences/{id}/lift", requireRole(mw.RoleAdmin, h.apiLiftSilence))
	handle("GET /api/me", h.apiMe)
	handle("GET /login", h.serveLogin)
	handle("POST /login", h.login)
	handle("POST /logout", h.logout)
	handle("GET /api/sources", h.apiSources)
	handle(apiPrefix, h.apiUnrouted) // any other /api/ request: a JSON 404 or 405

	// Fragments the page swaps in with htmx.
	handle("GET /ui/author", h.uiAuthor)
	handle("GET /ui/alerts", h.uiAlerts)
	handle("POST /ui/alerts/{id}/ack", requireRole(mw.RoleAgent, h.uiAck))
	handle("POST /ui/alerts/{id}/resolve", requireRole(mw.RoleAgent, h.uiResolve))
	handle("POST /ui/silences", requireRole(mw.RoleAdmin, h.uiSilence))
	handle("POST /ui/silences/{id}/lift", requireRole(mw.RoleAdmin, h.uiLiftSilence))
	handle("GET /ui/sources", h.uiSources)
	h.alertRoutes(handle)
}

// ServeHTTP applies security headers, auth and the same-origin check, then
// routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	if h.secureRequest(r) {
		// Browsers then come back only over HTTPS, for a year: a plain
		// http:// link or a downgrade cannot expose the login form.
		hd.Set("Strict-Transport-Security", "max-age=31536000")
	}
	if r.URL.Path != "/healthz" && !h.hosts.allows(r.Host) {
		// DNS rebinding: a page under another name reached this address.
		httpError(w, r, "misdirected request: this dashboard answers to its listen address, localhost, IP addresses and web.hosts; "+
			"add the name to web.hosts if it is yours", http.StatusMisdirectedRequest)
		return
	}
	if r.URL.Path != "/healthz" {
		if r = h.checkLogin(w, r); r == nil {
			return
		}
	}
	if err := h.csrf.Check(r); err != nil {
		httpError(w, r, "forbidden: cross-origin request", http.StatusForbidden)
		return
	}
	if msg := h.checkStateChange(r); msg != "" {
		httpError(w, r, msg, http.StatusForbidden)
		return
	}
	// Default deny: a viewer changes nothing, whichever route; the routes
	// themselves say which role they need (requireRole).
	if unsafeMethod(r.Method) && r.URL.Path != "/login" && r.URL.Path != "/logout" {
		if a := actorFrom(r); !a.Role.Allows(mw.RoleAgent) {
			httpError(w, r, forbiddenMessage(a, mw.RoleAgent), http.StatusForbidden)
			return
		}
	}
	h.mux.ServeHTTP(w, r)
}

// lockWrites waits for the other read-modify-write of triage or alerts in
// this process to finish (or ctx to end) and returns its unlock. The store
// replaces a mention's triage and an alert as a whole, so without it two
// requests reading the same state would each save their own change over
// the other's.
func (h *Handler) lockWrites(ctx context.Context) (unlock func(), err error) {
	select {
	case h.writes <- struct{}{}:
		return func() { <-h.writes }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for another change to be saved: %w", ctx.Err())
	}
}

// clipBytes cuts s to at most n bytes, at a character boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// user names who acted, for AckedBy and CreatedBy: the authenticated
// user. Only a shared credential (web.token, loopback without
// credentials), which names nobody, may say who it is in given (a
// request's "by" field); else it is "token" or "dashboard".
func (h *Handler) user(r *http.Request, given string) string {
	a := actorFrom(r)
	if a.Named() {
		return a.Name
	}
	if given = strings.TrimSpace(given); given != "" {
		return clipBytes(given, 64)
	}
	if a.Name != "" {
		return a.Name
	}
	return "dashboard"
}

// CheckAuth refuses a listen address off loopback without credentials
// (the same check config loading makes when web.listen is set).
func CheckAuth(cfg mw.WebConfig) error {
	if err := cfg.Check(); err != nil {
		return fmt.Errorf("web: %w", err)
	}
	return nil
}

// serveStatic serves the embedded assets: files only, 404 for a
// directory (no listing) or anything missing.
func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	if fi, err := fs.Stat(h.assets, name); name == "" || strings.HasSuffix(name, "/") || err != nil || fi.IsDir() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", staticCacheControl(r.URL.Query().Get("v")))
	h.static.ServeHTTP(w, r)
}

func (h *Handler) serveReady(w http.ResponseWriter, r *http.Request) {
	if h.opt.Ready != nil {
		if err := h.opt.Ready(); err != nil {
			err = redact.Error(err) // a store error may name a DSN
			h.readiness.notReady(h.opt.Log, "readiness: writes failing", err)
			http.Error(w, "not ready: "+err.Error()+"\n"+strings.TrimSpace(h.readyDetail()), http.StatusServiceUnavailable)
			return
		}
		h.readiness.ready(h.opt.Log)
		w.Write([]byte("ready\n" + h.readyDetail()))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if _, err := h.opt.Store.SourceStates(ctx); err != nil {
		err = redact.Error(err) // a DSN may carry a password
		h.readiness.notReady(h.opt.Log, "readiness: store unreachable", err)
		http.Error(w, "store unreachable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	h.readiness.ready(h.opt.Log)
	w.Write([]byte("ready\n" + h.readyDetail()))
}

// readinessLog logs /readyz's answer when it changes, not on every probe:
// a probe every 10 s while the store is down wrote a warning each time,
// burying the rest of the log.
type readinessLog struct {
	mu   sync.Mutex
	last string // the error last logged; "" while ready
}

func (l *readinessLog) notReady(log *slog.Logger, msg string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := msg + ": " + err.Error(); e != l.last {
		l.last = e
		log.Warn(msg+" (logged again when the cause changes or it recovers)", "err", err)
	}
}

func (l *readinessLog) ready(log *slog.Logger) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last != "" {
		l.last = ""
		log.Info("readiness: ready again")
	}
}

// readyDetail is ReadyDetail's line, or "".
func (h *Handler) readyDetail() string {
	if h.opt.ReadyDetail == nil {
		return ""
	}
	return h.opt.ReadyDetail() + "\n"
}

// Serve listens on cfg.Listen and serves h until ctx ends, then shuts
// down gracefully (in-flight requests get 10 s).
func Serve(ctx context.Context, cfg mw.WebConfig, h http.Handler, log *slog.Logger) error {
	if err := CheckAuth(cfg); err != nil {
		return err
	}
	ln, err := Listen(cfg)
	if err != nil {
		return err
	}
	return ServeListener(ctx, ln, h, log)
}

// Listen opens cfg.Listen, with TLS when web.tls_cert and web.tls_key
// are set.
func Listen(cfg mw.WebConfig) (net.Listener, error) {
	var tc *tls.Config
	if cfg.TLSCert != "" || cfg.TLSKey != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("web: loading web.tls_cert and web.tls_key: %w", err)
		}
		tc = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("web: listening on %s (web.listen): %w", cfg.Listen, err)
	}
	if tc != nil {
		return tlsListener{tls.NewListener(ln, tc)}, nil
	}
	return ln, nil
}

// tlsListener marks a listener that speaks TLS, for the log line.
type tlsListener struct{ net.Listener }

// ServeListener serves h on ln until ctx ends.
func ServeListener(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	scheme := "http"
	if _, ok := ln.(tlsListener); ok {
		scheme = "https"
	}
	log.Info("dashboard listening", "url", scheme+"://"+ln.Addr().String()+"/")
	select {
	case err := <-errc:
		return fmt.Errorf("web: serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("web: shutting down: %w", err)
	}
	return nil
}
