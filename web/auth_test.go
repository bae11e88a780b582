package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

// Test users: one per role, with a password each.
var testUsers = []struct {
	name     string
	role     mw.Role
	password string
}{
	{"vic", mw.RoleViewer, "viewer-password-1"},
	{"ana", mw.RoleAgent, "agent-password-22"},
	{"ada", mw.RoleAdmin, "admin-password-333"},
}

// usersEnv is a dashboard with named users on: the handler, its store,
// each test user's API token, and the log.
type usersEnv struct {
	h      *Handler
	st     *sqlite.Store
	tokens map[string]string
	log    *bytes.Buffer
	mu     sync.Mutex
	now    time.Time
}

func (e *usersEnv) clock() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
func (e *usersEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

func newUsersEnv(t *testing.T, auth mw.WebConfig) *usersEnv {
	t.Helper()
	st := openStore(t)
	seed(t, st)
	e := &usersEnv{st: st, tokens: map[string]string{}, log: &bytes.Buffer{}, now: testNow}
	ctx := context.Background()
	for _, u := range testUsers {
		hash, err := HashPassword(u.password)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveUser(ctx, store.User{Name: u.name, Role: u.role, PasswordHash: hash,
			PasswordSet: testNow.Add(-time.Hour), Created: testNow.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		tok, id, dig := NewAPIToken()
		if err := st.SaveToken(ctx, store.APIToken{ID: id, User: u.name, Name: "test", Hash: dig, Created: testNow}); err != nil {
			t.Fatal(err)
		}
		e.tokens[u.name] = tok
	}
	if auth.Listen == "" {
		auth.Listen = "0.0.0.0:8080"
	}
	auth.Users.Enabled = true
	signer, err := actionlink.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	e.h, err = New(Options{Store: st, Brands: testBrands, Auth: auth, Now: e.clock, Links: signer,
		Log: slog.New(slog.NewJSONHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// req sends a request from client (an IP) with headers given as pairs.
func (e *usersEnv) req(method, target, client, body string, hdr ...string) *httptest.ResponseRecorder {
	var r *http.Request
	if body != "" {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	r.Host, r.RemoteAddr = "127.0.0.1:8080", net.JoinHostPort(client, "40000")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func (e *usersEnv) bearer(user string) []string {
	return []string{"Authorization", "Bearer " + e.tokens[user], "Content-Type", "application/json"}
}

// login posts the login form and returns the response.
func (e *usersEnv) login(user, password, client string, hdr ...string) *httptest.ResponseRecorder {
	form := url.Values{"username": {user}, "password": {password}, "next": {"/?brand=Acme"}}
	return e.req("POST", "/login", client, form.Encode(), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, hdr...)...)
}

func sessionOf(t *testing.T, w *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookieName || c.Name == secureSessionCookieName {
			return c
		}
	}
	t.Fatalf("no session cookie in %d response; headers %v; body %s", w.Code, w.Header(), w.Body)
	return nil
}

func (e *usersEnv) me(t *testing.T, hdr ...string) (int, Actor) {
	t.Helper()
	w := e.req("GET", "/api/me", "192.0.2.1", "", hdr...)
	var a struct {
		Name string  `json:"name"`
		Role mw.Role `json:"role"`
		Via  string  `json:"via"`
	}
	if w.Code == http.StatusOK {
		if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
	}
	return w.Code, Actor{a.Name, a.Role, a.Via}
}

// stateChangingRoutes returns every registered route that is not a read,
// with its path parameters filled in, except logging in and out.
func stateChangingRoutes(h *Handler) []struct{ method, path string } {
	var out []struct{ method, path string }
	for _, p := range h.patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !unsafeMethod(method) || path == "/login" || path == "/logout" {
			continue
		}
		path = strings.NewReplacer("{id}", "a1", "{action}", "ack", "{$}", "").Replace(path)
		out = append(out, struct{ method, path string }{method, path})
	}
	return out
}

// TestViewerRefusedEverywhere: a viewer changes nothing, through any route
// that is not a read, whether they come with an API token or a session
// (with the page's CSRF token); the alert stays unacknowledged and no
// silence is made.
func TestViewerRefusedEverywhere(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	routes := stateChangingRoutes(e.h)
	if len(routes) < 7 {
		t.Fatalf("only %d state-changing routes found: %v", len(routes), routes)
	}
	cookie := sessionOf(t, e.login("vic", "viewer-password-1", "192.0.2.1"))
	for _, rt := range routes {
		for _, cred := range [][]string{e.bearer("vic"),
			{"Cookie", cookie.Name + "=" + cookie.Value, csrfHeader, e.h.csrfToken, "Content-Type", "application/json"}} {
			w := e.req(rt.method, rt.path, "192.0.2.1", `{"brand":"Acme","for":"1h","reason":"viewer tries"}`, cred...)
			if w.Code != http.StatusForbidden {
				t.Errorf("viewer %s %s (%s): %d %s; want 403", rt.method, rt.path, cred[0], w.Code, w.Body)
			}
		}
	}
	ctx := context.Background()
	if a, err := e.st.Alert(ctx, "a1"); err != nil || !a.AckedAt.IsZero() {
		t.Errorf("alert a1 after the viewer's attempts: acked %v by %q, %v", a.AckedAt, a.AckedBy, err)
	}
	if ss, err := e.st.Silences(ctx, testNow); err != nil || len(ss) != 0 {
		t.Errorf("silences after the viewer's attempts: %v, %v", ss, err)
	}
	// A viewer still reads.
	if w := e.req("GET", "/api/alerts?brand=Acme", "192.0.2.1", "", e.bearer("vic")...); w.Code != http.StatusOK {
		t.Errorf("viewer reading alerts: %d %s", w.Code, w.Body)
	}
}

// TestAgentAcksAdminSilences: an agent acknowledges and is recorded by
// name whatever "by" says, but may not silence; an admin silences, again
// recorded by name.
func TestAgentAcksAdminSilences(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	ctx := context.Background()
	w := e.req("POST", "/api/alerts/a1/ack", "192.0.2.1", `{"by":"someone-else"}`, e.bearer("ana")...)
	if w.Code != http.StatusOK {
		t.Fatalf("agent ack: %d %s", w.Code, w.Body)
	}
	if a, err := e.st.Alert(ctx, "a1"); err != nil || a.AckedBy != "ana" {
		t.Errorf("acked_by = %q (%v); want ana, the authenticated agent", a.AckedBy, err)
	}
	body := `{"brand":"Acme","for":"2h","reason":"courier strike","by":"dashboard"}`
	if w := e.req("POST", "/api/silences", "192.0.2.1", body, e.bearer("ana")...); w.Code != http.StatusForbidden ||
		!strings.Contains(w.Body.String(), "needs the admin role") {
		t.Errorf("agent silence: %d %s; want 403 naming the admin role", w.Code, w.Body)
	}
	if w := e.req("POST", "/api/silences", "192.0.2.1", body, e.bearer("ada")...); w.Code != http.StatusCreated {
		t.Fatalf("admin silence: %d %s", w.Code, w.Body)
	}
	ss, err := e.st.Silences(ctx, testNow)
	if err != nil || len(ss) != 1 || ss[0].CreatedBy != "ada" {
		t.Errorf("silences = %+v, %v; want one created by ada", ss, err)
	}
	// The dashboard's own form, with a session.
	cookie := sessionOf(t, e.login("ana", "agent-password-22", "192.0.2.1"))
	w = e.req("POST", "/ui/alerts/a1/resolve?brand=Acme", "192.0.2.1", "",
		"Cookie", cookie.Name+"="+cookie.Value, csrfHeader, e.h.csrfToken)
	if w.Code != http.StatusOK {
		t.Fatalf("agent resolve with a session: %d %s", w.Code, w.Body)
	}
	// Without the page's token a session cannot change state.
	w = e.req("POST", "/ui/alerts/a1/ack?brand=Acme", "192.0.2.1", "", "Cookie", cookie.Name+"="+cookie.Value)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), csrfHeader) {
		t.Errorf("session without the CSRF token: %d %s; want 403", w.Code, w.Body)
	}
}

// TestActionLinkRoles: a notification's links need the role their action
// does: an agent acknowledges through one, only an admin silences.
func TestActionLinkRoles(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	form := func(action string) string {
		u, _ := url.Parse(e.h.opt.Links.URL("http://x", action, "a1", testNow.Add(time.Hour)))
		return u.RawQuery
	}
	ct := []string{"Content-Type", "application/x-www-form-urlencoded"}
	if w := e.req("POST", "/a/silence", "192.0.2.1", form(actionlink.Silence), append(e.bearer("ana")[:2], ct...)...); w.Code != http.StatusForbidden {
		t.Errorf("agent silencing through a link: %d; want 403", w.Code)
	}
	if w := e.req("POST", "/a/ack", "192.0.2.1", form(actionlink.Ack), append(e.bearer("ana")[:2], ct...)...); w.Code != http.StatusOK {
		t.Errorf("agent acknowledging through a link: %d %s", w.Code, w.Body)
	}
	if a, _ := e.st.Alert(context.Background(), "a1"); a.AckedBy != "ana" {
		t.Errorf("acked_by %q; want ana", a.AckedBy)
	}
	if w := e.req("POST", "/a/silence", "192.0.2.1", form(actionlink.Silence), append(e.bearer("ada")[:2], ct...)...); w.Code != http.StatusOK {
		t.Errorf("admin silencing through a link: %d %s", w.Code, w.Body)
	}
	// The confirmation page says at once that the role is missing, with
	// no button that would only lead to a 403 text ("You cannot silence this alert").
	w := e.req("GET", "/a/silence?"+form(actionlink.Silence), "192.0.2.1", "", e.bearer("ana")...)
	if body := w.Body.String(); w.Code != http.StatusForbidden || strings.Contains(body, `<form method="post"`) ||
		!strings.Contains(body, "You cannot silence this alert") || !strings.Contains(body, "needs the admin role") || !strings.Contains(body, "Open the alert in the dashboard") {
		t.Errorf("an agent's Silence link: %d\n%s\nwant 403, the reason, the dashboard link and no button", w.Code, body)
	}
	if w := e.req("GET", "/a/ack?"+form(actionlink.Ack), "192.0.2.1", "", e.bearer("vic")...); w.Code != http.StatusForbidden ||
		!strings.Contains(w.Body.String(), "needs the agent role") {
		t.Errorf("a viewer's Acknowledge link: %d %s", w.Code, w.Body)
	}
	if w := e.req("GET", "/a/ack?"+form(actionlink.Ack), "192.0.2.1", "", e.bearer("ana")...); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `<form method="post"`) {
		t.Errorf("an agent's Acknowledge link: %d %s", w.Code, w.Body)
	}
}

// TestSessionCookie: the login sets an HttpOnly, SameSite=Lax cookie on
// path /, Secure (and __Host-) only over HTTPS: TLS, or a trusted proxy
// saying https. Logging out ends the session on the server: the old
// cookie no longer works.
func TestSessionCookie(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{Proxy: mw.WebProxyConfig{Trusted: []string{"10.0.0.0/24"}}})
	w := e.login("ana", "agent-password-22", "192.0.2.1")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/?brand=Acme" {
		t.Fatalf("login: %d to %q; want 303 to the page asked for", w.Code, w.Header().Get("Location"))
	}
	c := sessionOf(t, w)
	if c.Name != sessionCookieName || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Errorf("plain HTTP cookie: %+v; want %s, HttpOnly, SameSite=Lax, Path=/, not Secure", c, sessionCookieName)
	}
	if c.MaxAge != int(mw.DefaultSessionTTL.Seconds()) {
		t.Errorf("MaxAge %d; want %d", c.MaxAge, int(mw.DefaultSessionTTL.Seconds()))
	}
	if len(c.Value) < 40 {
		t.Errorf("session cookie value %d characters; want a 256-bit secret", len(c.Value))
	}
	// The store keeps the digest, not the cookie.
	if _, err := e.st.Session(context.Background(), c.Value); err == nil {
		t.Error("the store keeps the cookie's value in the clear")
	}
	cookie := []string{"Cookie", c.Name + "=" + c.Value}
	if code, a := e.me(t, cookie...); code != http.StatusOK || a.Name != "ana" || a.Role != mw.RoleAgent || a.Via != ViaSession {
		t.Fatalf("/api/me with the session: %d %+v", code, a)
	}

	// Over HTTPS through the trusted proxy: Secure, __Host-.
	if c := sessionOf(t, e.login("ana", "agent-password-22", "10.0.0.7", "X-Forwarded-Proto", "https")); c.Name != secureSessionCookieName || !c.Secure || !c.HttpOnly {
		t.Errorf("behind the trusted proxy over https: %+v; want Secure %s", c, secureSessionCookieName)
	}
	// The same header from anyone else is not believed.
	if c := sessionOf(t, e.login("ana", "agent-password-22", "192.0.2.1", "X-Forwarded-Proto", "https")); c.Secure {
		t.Errorf("X-Forwarded-Proto from an untrusted client made the cookie Secure: %+v", c)
	}
	// Direct TLS.
	r := httptest.NewRequest("POST", "https://127.0.0.1:8080/login", strings.NewReader("username=ana&password=agent-password-22"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	if c := sessionOf(t, rec); !c.Secure || c.Name != secureSessionCookieName {
		t.Errorf("over TLS: %+v; want Secure %s", c, secureSessionCookieName)
	}

	// Log out: the cookie is cleared and the session ends on the server.
	w = e.req("POST", "/logout", "192.0.2.1", "", append(cookie, csrfHeader, e.h.csrfToken)...)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
		t.Fatalf("logout: %d to %q", w.Code, w.Header().Get("Location"))
	}
	if c := sessionOf(t, w); c.MaxAge >= 0 || c.Value != "" {
		t.Errorf("logout cookie %+v; want it deleted", c)
	}
	if code, _ := e.me(t, cookie...); code != http.StatusUnauthorized {
		t.Errorf("/api/me with the logged-out cookie: %d; want 401", code)
	}
	// A browser without a session is sent to the login page.
	w = e.req("GET", "/?brand=Acme", "192.0.2.1", "", cookie...)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
		t.Errorf("page without a session: %d to %q; want the login page", w.Code, w.Header().Get("Location"))
	}
}

// TestSessionExpiresAndEndsOnReset: a session lasts web.users.session_ttl;
// a password reset, or disabling the user, ends the sessions made before.
func TestSessionExpiresAndEndsOnReset(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{Users: mw.WebUsersConfig{SessionTTL: mw.Duration(time.Hour)}})
	c := sessionOf(t, e.login("ana", "agent-password-22", "192.0.2.1"))
	cookie := []string{"Cookie", c.Name + "=" + c.Value}
	e.advance(59 * time.Minute)
	if code, _ := e.me(t, cookie...); code != http.StatusOK {
		t.Fatalf("after 59 min of a 1 h session: %d", code)
	}
	e.advance(time.Minute)
	if code, _ := e.me(t, cookie...); code != http.StatusUnauthorized {
		t.Errorf("after 1 h: %d; want 401", code)
	}

	ctx := context.Background()
	c = sessionOf(t, e.login("ana", "agent-password-22", "192.0.2.1"))
	cookie = []string{"Cookie", c.Name + "=" + c.Value}
	u, _ := e.st.User(ctx, "ana")
	u.PasswordSet = e.clock().Add(time.Second)
	if err := e.st.SaveUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.me(t, cookie...); code != http.StatusUnauthorized {
		t.Errorf("after a password reset: %d; want 401", code)
	}

	e.advance(2 * time.Second)
	c = sessionOf(t, e.login("ana", "agent-password-22", "192.0.2.1"))
	cookie = []string{"Cookie", c.Name + "=" + c.Value}
	u.Disabled = true
	if err := e.st.SaveUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.me(t, cookie...); code != http.StatusForbidden {
		t.Errorf("disabled user's session: %d; want 403", code)
	}
	if code, _ := e.me(t, e.bearer("ana")...); code != http.StatusForbidden {
		t.Errorf("disabled user's API token: %d; want 403", code)
	}
	if w := e.login("ana", "agent-password-22", "192.0.2.1"); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "disabled") {
		t.Errorf("disabled user logging in: %d", w.Code)
	}
}

// TestLoginRefusals: a wrong password and an unknown user get the same
// answer; failures are throttled per client like basic auth; the login
// page's next= never leaves the site.
func TestLoginRefusals(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	wrong := e.login("ana", "not-her-password", "192.0.2.1")
	unknown := e.login("nobody", "whatever-password", "192.0.2.1")
	if wrong.Code != http.StatusUnauthorized || unknown.Code != http.StatusUnauthorized {
		t.Fatalf("wrong password %d, unknown user %d; want 401", wrong.Code, unknown.Code)
	}
	if !strings.Contains(wrong.Body.String(), "wrong user name or password") || !strings.Contains(unknown.Body.String(), "wrong user name or password") {
		t.Errorf("the two refusals differ or say nothing:\n%s\n%s", wrong.Body, unknown.Body)
	}
	var codes []int
	for range 10 {
		codes = append(codes, e.login("ana", "guessing-again", "192.0.2.1").Code)
	}
	if codes[len(codes)-1] != http.StatusTooManyRequests {
		t.Errorf("12 failed logins: %v; want 429 at the end", codes)
	}
	if w := e.login("ana", "agent-password-22", "198.51.100.4"); w.Code != http.StatusSeeOther {
		t.Errorf("another client: %d; want 303", w.Code)
	}
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%q) = %q; want /", next, got)
		}
	}
	if got := safeNext("/?brand=Acme#alert=x"); got != "/?brand=Acme#alert=x" {
		t.Errorf("safeNext kept %q", got)
	}
}

// TestAPITokens: a user's token authenticates as the user; a revoked or
// altered token is refused and counts as a failed login.
func TestAPITokens(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	if code, a := e.me(t, e.bearer("ada")...); code != http.StatusOK || a.Name != "ada" || a.Via != ViaToken || a.Role != mw.RoleAdmin {
		t.Fatalf("admin token: %d %+v", code, a)
	}
	tampered := e.tokens["ada"][:len(e.tokens["ada"])-2] + "xx"
	if code, _ := e.me(t, "Authorization", "Bearer "+tampered); code != http.StatusUnauthorized {
		t.Errorf("tampered token: %d; want 401", code)
	}
	id, _, _ := parseAPIToken(e.tokens["ada"])
	ctx := context.Background()
	tok, err := e.st.Token(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.tokens["ada"], tok.Hash) {
		t.Error("the stored hash is part of the token")
	}
	tok.Revoked = testNow
	if err := e.st.SaveToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	w := e.req("GET", "/api/me", "192.0.2.1", "", e.bearer("ada")...)
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "revoked") {
		t.Errorf("revoked token: %d %s; want 401 saying revoked", w.Code, w.Body)
	}
	if !strings.Contains(e.log.String(), `"msg":"login failed"`) {
		t.Errorf("failed token logins are not logged")
	}
}

// TestProxyIdentity: the proxy's user header is believed only from
// web.proxy.trusted; a user it names who is not stored gets
// web.proxy.default_role, or is refused without one.
func TestProxyIdentity(t *testing.T) {
	proxy := mw.WebProxyConfig{Trusted: []string{"10.0.0.5", "fd00::/8"}, UserHeader: "X-Auth-Request-User"}
	e := newUsersEnv(t, mw.WebConfig{Proxy: proxy})
	from := func(client, user string) (int, Actor, string) {
		w := e.req("GET", "/api/me", client, "", "X-Auth-Request-User", user)
		var a Actor
		if w.Code == http.StatusOK {
			var v struct{ Name, Role, Via string }
			json.Unmarshal(w.Body.Bytes(), &v)
			a = Actor{v.Name, mw.Role(v.Role), v.Via}
		}
		return w.Code, a, w.Body.String()
	}
	if code, a, _ := from("10.0.0.5", "ana"); code != http.StatusOK || a.Name != "ana" || a.Role != mw.RoleAgent || a.Via != ViaProxy {
		t.Errorf("trusted proxy naming ana: %d %+v", code, a)
	}
	if code, a, _ := from("fd00::1", "ada"); code != http.StatusOK || a.Name != "ada" {
		t.Errorf("trusted IPv6 proxy naming ada: %d %+v", code, a)
	}
	if code, a, _ := from("10.0.0.6", "ada"); code != http.StatusUnauthorized {
		t.Errorf("the header from 10.0.0.6 (not a proxy): %d %+v; want 401, the header ignored", code, a)
	}
	if !strings.Contains(e.log.String(), "ignoring the proxy user header") {
		t.Errorf("the ignored header is not logged")
	}
	// A spoofed header beside real credentials changes nothing.
	w := e.req("GET", "/api/me", "192.0.2.1", "", append(e.bearer("vic"), "X-Auth-Request-User", "ada")...)
	if !strings.Contains(w.Body.String(), `"name":"vic"`) {
		t.Errorf("viewer with a spoofed proxy header: %d %s; want vic", w.Code, w.Body)
	}
	if code, _, body := from("10.0.0.5", "stranger"); code != http.StatusForbidden || !strings.Contains(body, "mentionwatch user add stranger") {
		t.Errorf("unknown proxy user without default_role: %d %s; want 403 saying how to add them", code, body)
	}

	proxy.DefaultRole = "viewer"
	e2 := newUsersEnv(t, mw.WebConfig{Proxy: proxy})
	w = e2.req("GET", "/api/me", "10.0.0.5", "", "X-Auth-Request-User", "stranger")
	if !strings.Contains(w.Body.String(), `"role":"viewer"`) {
		t.Errorf("unknown proxy user with default_role viewer: %d %s", w.Code, w.Body)
	}
	// The proxy's identity rides on its cookie: changes need the page's token.
	w = e2.req("POST", "/api/alerts/a1/ack", "10.0.0.5", "{}", "X-Auth-Request-User", "ana", "Content-Type", "application/json")
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), csrfHeader) {
		t.Errorf("proxy user posting without the page token: %d %s", w.Code, w.Body)
	}
	w = e2.req("POST", "/api/alerts/a1/ack", "10.0.0.5", "{}", "X-Auth-Request-User", "ana", csrfHeader, e2.h.csrfToken, "Content-Type", "application/json")
	if w.Code != http.StatusOK {
		t.Errorf("proxy agent acknowledging: %d %s", w.Code, w.Body)
	}
}

// TestBootstrapAdminKeepsWorking: with named users on, the old shared
// credentials still work, as an admin: basic auth, the bearer token, and
// web.username/web.password on the login page.
func TestBootstrapAdminKeepsWorking(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{Token: "legacy-token-0123456789", Username: "ops", Password: "legacy-password"})
	if code, a := e.me(t, "Authorization", "Bearer legacy-token-0123456789"); code != http.StatusOK || a.Role != mw.RoleAdmin || a.Via != ViaBearer {
		t.Errorf("web.token: %d %+v", code, a)
	}
	r := httptest.NewRequest("GET", "/api/me", nil)
	r.Host = "127.0.0.1:8080"
	r.SetBasicAuth("ops", "legacy-password")
	code, a := e.me(t, "Authorization", r.Header.Get("Authorization"))
	if code != http.StatusOK || a.Name != "ops" || a.Role != mw.RoleAdmin {
		t.Errorf("web.username: %d %+v", code, a)
	}
	c := sessionOf(t, e.login("ops", "legacy-password", "192.0.2.1"))
	if code, a := e.me(t, "Cookie", c.Name+"="+c.Value); code != http.StatusOK || a.Name != "ops" || a.Role != mw.RoleAdmin {
		t.Errorf("bootstrap admin's session: %d %+v", code, a)
	}
	body := `{"brand":"Acme","for":"1h","reason":"bootstrap","by":"jo"}`
	if w := e.req("POST", "/api/silences", "192.0.2.1", body, "Authorization", "Bearer legacy-token-0123456789", "Content-Type", "application/json"); w.Code != http.StatusCreated {
		t.Errorf("web.token silencing: %d %s", w.Code, w.Body)
	}
	if ss, _ := e.st.Silences(context.Background(), testNow); len(ss) != 1 || ss[0].CreatedBy != "jo" {
		t.Errorf("a shared token's silence records its given name: %+v", ss)
	}
}

// TestSecretsNotLogged: logging in, failing to, and using tokens logs
// neither passwords, tokens nor session cookies.
func TestSecretsNotLogged(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	c := sessionOf(t, e.login("ana", "agent-password-22", "192.0.2.1"))
	e.login("ana", "wrong-password-77", "192.0.2.1")
	e.me(t, e.bearer("ada")...)
	e.me(t, "Authorization", "Bearer "+e.tokens["vic"]+"x")
	e.req("POST", "/logout", "192.0.2.1", "", "Cookie", c.Name+"="+c.Value, csrfHeader, e.h.csrfToken)
	logs := e.log.String()
	if !strings.Contains(logs, `"msg":"logged in"`) || !strings.Contains(logs, `"msg":"logged out"`) {
		t.Fatalf("logins are not logged:\n%s", logs)
	}
	secrets := []string{"agent-password-22", "wrong-password-77", c.Value}
	for _, tok := range e.tokens {
		_, secret, _ := strings.Cut(strings.TrimPrefix(tok, tokenPrefix), "_")
		secrets = append(secrets, secret)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("a secret reached the log: %q\n%s", s, logs)
		}
	}
}

// TestUsersModeNeedsLogin: with named users on, loopback no longer means
// anonymous admin; the login page and assets are reachable without a
// session, nothing else is.
func TestUsersModeNeedsLogin(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{Listen: "127.0.0.1:8080"})
	for _, p := range []string{"/login", "/static/app.css", "/healthz"} {
		if w := e.req("GET", p, "127.0.0.1", ""); w.Code != http.StatusOK {
			t.Errorf("GET %s without a session: %d", p, w.Code)
		}
	}
	if w := e.req("GET", "/api/brands", "127.0.0.1", ""); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "/login") {
		t.Errorf("API without a session: %d %s; want 401 saying how to log in", w.Code, w.Body)
	}
	if w := e.req("POST", "/api/alerts/a1/ack", "127.0.0.1", "{}", csrfHeader, e.h.csrfToken); w.Code != http.StatusUnauthorized {
		t.Errorf("ack without a session: %d", w.Code)
	}
}

// TestExpiredSessionReturnsToTheView: when a session ends while the page
// is open, the next htmx request (the alerts list's refresh every minute)
// sends the browser to the login page, which then returns to the view the
// page showed (brand, range, the focused alert) instead of the default
// page.
func TestExpiredSessionReturnsToTheView(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{Listen: "127.0.0.1:8080"})
	w := e.req("GET", "/ui/alerts?brand=Acme&range=24h", "127.0.0.1", "", "HX-Request", "true",
		"HX-Current-URL", "http://127.0.0.1:8080/?brand=Acme&range=24h#alert=a1")
	want := "/login?next=" + url.QueryEscape("/?brand=Acme&range=24h#alert=a1")
	if w.Code != http.StatusUnauthorized || w.Header().Get("HX-Redirect") != want {
		t.Errorf("htmx refresh without a session: %d, HX-Redirect %q; want 401 and %q", w.Code, w.Header().Get("HX-Redirect"), want)
	}
	// A button pressed after the session ended goes to the login page
	// too (htmx follows HX-Redirect), rather than an "unauthorized" text.
	w = e.req("POST", "/ui/alerts/a1/ack?brand=Acme&range=24h", "127.0.0.1", "", "HX-Request", "true",
		"HX-Current-URL", "http://127.0.0.1:8080/mentions?brand=Acme", csrfHeader, e.h.csrfToken)
	if want := "/login?next=" + url.QueryEscape("/mentions?brand=Acme"); w.Code != http.StatusUnauthorized || w.Header().Get("HX-Redirect") != want {
		t.Errorf("htmx POST without a session: %d, HX-Redirect %q; want 401 and %q", w.Code, w.Header().Get("HX-Redirect"), want)
	}
	// Only a path on this site is kept.
	for _, cur := range []string{"https://evil.example//evil.example/x", "http://127.0.0.1:8080/login?next=/x", "not a url\x7f"} {
		w = e.req("GET", "/ui/sources", "127.0.0.1", "", "HX-Request", "true", "HX-Current-URL", cur)
		if got := w.Header().Get("HX-Redirect"); got != "/login" && got != "/login?next=%2F" {
			t.Errorf("HX-Current-URL %q: HX-Redirect %q; want the login page without a foreign next", cur, got)
		}
	}
}

// TestAdminLiftsSilence: a silence made by mistake (7 days instead of 1
// hour, the wrong scope) can be lifted from the dashboard or the API by
// an admin, not by an agent; the alert it muted is no longer silenced,
// and the silence keeps who lifted it.
func TestAdminLiftsSilence(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	ctx := context.Background()
	w := e.req("POST", "/api/silences", "192.0.2.1", `{"brand":"Acme","scope":"aspect:delivery","for":"7d"}`, e.bearer("ada")...)
	if w.Code != http.StatusCreated {
		t.Fatalf("admin silence: %d %s", w.Code, w.Body)
	}
	var s Silence
	if err := json.Unmarshal(w.Body.Bytes(), &s); err != nil || s.ID == "" {
		t.Fatalf("silence %s: %v", w.Body, err)
	}
	lift := "/api/silences/" + s.ID + "/lift"
	if w := e.req("POST", lift, "192.0.2.1", "{}", e.bearer("ana")...); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "needs the admin role") {
		t.Errorf("agent lift: %d %s; want 403 naming the admin role", w.Code, w.Body)
	}
	if ss, _ := e.st.Silences(ctx, testNow); len(ss) != 1 {
		t.Fatalf("the agent's refused lift changed the silences: %+v", ss)
	}
	w = e.req("POST", lift, "192.0.2.1", "{}", e.bearer("ada")...)
	if w.Code != http.StatusOK {
		t.Fatalf("admin lift: %d %s", w.Code, w.Body)
	}
	if ss, err := e.st.Silences(ctx, testNow); err != nil || len(ss) != 0 {
		t.Errorf("active silences after the lift: %+v, %v; want none", ss, err)
	}
	all, err := e.st.Silences(ctx, testNow.Add(-time.Hour))
	if err != nil || len(all) != 1 || !all[0].Until.Equal(testNow) || !strings.Contains(all[0].Reason, "lifted by ada") {
		t.Errorf("the lifted silence: %+v, %v; want it ended now, its reason naming ada", all, err)
	}
	if w := e.req("POST", lift, "192.0.2.1", "{}", e.bearer("ada")...); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "not active") {
		t.Errorf("lifting again: %d %s; want 404 saying it is not active", w.Code, w.Body)
	}

	// The dashboard lists the active silence with a Lift button.
	w = e.req("POST", "/api/silences", "192.0.2.1", `{"brand":"Acme","scope":"mention","for":"1d"}`, e.bearer("ada")...)
	json.Unmarshal(w.Body.Bytes(), &s)
	page := e.req("GET", "/?brand=Acme&range=24h", "192.0.2.1", "", e.bearer("ada")...).Body.String()
	button := `hx-post="/ui/silences/` + s.ID + `/lift?brand=Acme&amp;range=24h"`
	if !strings.Contains(page, button) {
		t.Fatalf("the page lacks the silence's Lift button %s", button)
	}
	cookie := sessionOf(t, e.login("ada", "admin-password-333", "192.0.2.1"))
	w = e.req("POST", "/ui/silences/"+s.ID+"/lift?brand=Acme&range=24h", "192.0.2.1", "", "Cookie", cookie.Name+"="+cookie.Value, csrfHeader, e.h.csrfToken)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Lifted the silence of Acme · critical mentions") || strings.Contains(w.Body.String(), "Active silences") {
		t.Errorf("the page's Lift: %d %s", w.Code, w.Body)
	}
}

// TestAssigneeMeAndUserCase: "me" as the assignee of a triage change, or
// of the assignee filter, is whoever acts, and a dashboard user's name in
// other letter case is that user as registered. Before, "me" was assigned
// to someone called "me", and "ANA" and "ana" were two assignees, so
// assignee=ana missed what a colleague had given to "Ana".
func TestAssigneeMeAndUserCase(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	st, ctx := e.st, context.Background()
	ms, err := st.Mentions(ctx, store.MentionQuery{Brands: []string{"Acme"}, Limit: 3})
	if err != nil || len(ms) < 2 {
		t.Fatalf("seeded mentions: %d, %v", len(ms), err)
	}
	for i, a := range []string{"me", "ANA"} {
		body, _ := json.Marshal(TriageRequest{IDs: []string{ms[i].ID}, TriageChange: TriageChange{Assignee: &a}})
		if w := e.req("POST", "/api/mentions/triage", "192.0.2.1", string(body), e.bearer("ana")...); w.Code != http.StatusOK {
			t.Fatalf("assign %q: %d %s", a, w.Code, w.Body)
		}
	}
	tr, err := st.Triage(ctx, []string{ms[0].ID, ms[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if got := tr[ms[i].ID].Assignee; got != "ana" {
			t.Errorf("mention %d assigned to %q; want ana", i, got)
		}
	}
	for _, f := range []string{"me", "Ana"} {
		w := e.req("GET", "/api/mentions?brand=Acme&assignee="+f, "192.0.2.1", "", e.bearer("ana")...)
		var p FeedPage
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != http.StatusOK {
			t.Fatalf("assignee=%s: %d %s", f, w.Code, w.Body)
		}
		if len(p.Rows) != 2 {
			t.Errorf("assignee=%s: %d rows; want ana's 2", f, len(p.Rows))
		}
	}
	// Another name stays as typed: not every assignee is a user.
	other := "Vendor Team"
	body, _ := json.Marshal(TriageRequest{IDs: []string{ms[0].ID}, TriageChange: TriageChange{Assignee: &other}})
	e.req("POST", "/api/mentions/triage", "192.0.2.1", string(body), e.bearer("ana")...)
	if tr, _ := st.Triage(ctx, []string{ms[0].ID}); tr[ms[0].ID].Assignee != "Vendor Team" {
		t.Errorf("assigned to %q; want Vendor Team as typed", tr[ms[0].ID].Assignee)
	}
}
