package web

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

// waitUntil polls a JavaScript condition in the page until it holds and
// no htmx swap is still settling (htmx wires a swapped-in button only when
// its swap settles, 20 ms later: a click in between would do nothing); it
// fails after a minute (a hang, not a timing assertion).
func (b *browser) waitUntil(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		if b.poll("document.readyState === 'complete' && !document.querySelector('.htmx-added, .htmx-settling') && !!(" + cond + ")") {
			return
		}
		if time.Now().After(deadline) {
			var dom string
			b.eval("location.href + '\\n' + document.documentElement.outerHTML", &dom)
			b.t.Fatalf("%s: still not true after a minute: %s\n%s", what, cond, tail(dom, 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// logIn opens url without a session, which sends the browser to the login
// page, and logs in there as user.
func (b *browser) logIn(url, user, password string) {
	b.t.Helper()
	b.call("Page.navigate", map[string]any{"url": url}, nil) // redirected
	b.waitUntil("the login page", `location.pathname === '/login' && document.querySelector('form.login-form')`)
	b.act(`(() => { const f = document.querySelector('form.login-form');
		f.username.value = '` + user + `'; f.password.value = '` + password + `'; f.submit(); return true })()`)
}

// agentBrowser opens path of agentDashboard in a browser, through the
// login page as ana; it skips in -short mode.
func agentBrowser(t *testing.T, path string) (*sqlite.Store, *browser, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	bin := chromium(t)
	st, srv := agentDashboard(t)
	br := openBrowser(t, bin, 1280, 1400)
	br.logIn(srv.URL+path, "ana", "agent-password-22")
	return st, br, srv.URL
}

// agentDashboard serves the demo's mentions behind the login page, with
// one agent, "ana", whose password is agent-password-22, and action links
// signed by testSigner.
func agentDashboard(t *testing.T) (*sqlite.Store, *httptest.Server) {
	t.Helper()
	st := openStore(t)
	now := time.Now().UTC()
	brands := seedDemo(t, st, now)
	hash, err := HashPassword("agent-password-22")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveUser(context.Background(), store.User{Name: "ana", Role: mw.RoleAgent, PasswordHash: hash, PasswordSet: now.Add(-time.Hour), Created: now}); err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Store: st, Brands: brands, Links: testSigner(t), Auth: mw.WebConfig{Listen: "127.0.0.1:0", Users: mw.WebUsersConfig{Enabled: true}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return st, srv
}

// TestBrowserAgentLogsInAcksAndLogsOut: in a real browser an agent is sent
// to the login page, logs in, sees their name, acknowledges an alert (the
// store records them) and logs out; the session then no longer opens the
// dashboard.
func TestBrowserAgentLogsInAcksAndLogsOut(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	bin := chromium(t)
	st, srv := agentDashboard(t)
	ctx := context.Background()

	br := openBrowser(t, bin, 1280, 1400)
	br.call("Page.navigate", map[string]any{"url": srv.URL + "/?brand=Acme&range=24h"}, nil) // redirected
	br.waitUntil("the login page", `location.pathname === '/login' && document.querySelector('form.login-form')`)
	var next string
	br.eval(`document.querySelector('input[name=next]').value`, &next)
	if next != "/?brand=Acme&range=24h" {
		t.Errorf("the login page will return to %q; want the page asked for", next)
	}
	// A wrong password first: the page says so and stays.
	br.act(`(() => { const f = document.querySelector('form.login-form');
		f.username.value = 'ana'; f.password.value = 'not-the-password'; f.submit(); return true })()`)
	br.waitUntil("the refusal", `document.querySelector('.login-form .error')`)
	br.act(`(() => { const f = document.querySelector('form.login-form');
		f.password.value = 'agent-password-22'; f.submit(); return true })()`)
	br.waitUntil("the dashboard", `location.pathname === '/' && document.querySelector('#me-name')`)
	var who, role string
	br.eval(`document.querySelector('#me-name').textContent`, &who)
	br.eval(`document.querySelector('header .me .role').textContent`, &role)
	if who != "ana" || role != "agent" {
		t.Errorf("the header shows %q (%q); want ana (agent)", who, role)
	}
	var cookieVisible bool
	br.eval(`document.cookie.includes('mw_session')`, &cookieVisible)
	if cookieVisible {
		t.Error("the session cookie is visible to scripts (not HttpOnly)")
	}

	// Acknowledge the alert from the dashboard: stored with her name.
	br.waitUntil("the alert's button", `document.querySelector('#alerts tr[data-alert="burst"] button.ack')`)
	br.act(`(() => { document.querySelector('#alerts tr[data-alert="burst"] button.ack').click(); return true })()`)
	br.waitUntil("the acknowledgement", `document.querySelector('#alerts') && document.querySelector('#alerts').textContent.includes('Acknowledged by ana')`)
	a, err := st.Alert(ctx, "burst")
	if err != nil || a.AckedBy != "ana" {
		t.Errorf("stored alert: acked_by %q, %v; want ana", a.AckedBy, err)
	}

	br.act(`(() => { document.querySelector('#logout').click(); return true })()`)
	br.waitUntil("the login page after logging out", `location.pathname === '/login' && document.querySelector('form.login-form')`)
	br.call("Page.navigate", map[string]any{"url": srv.URL + "/?brand=Acme"}, nil)
	br.waitUntil("the login page again", `location.pathname === '/login' && location.search.includes('next=')`)

	// The store holds ana's sessions, every one ended by the logout.
	var n, live int
	err = st.DB().QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(expires > ?), 0) FROM sessions WHERE user = ?`,
		time.Now().Add(time.Second).UnixMilli(), "ana").Scan(&n, &live)
	if err != nil || n != 1 || live != 0 {
		t.Errorf("ana's sessions: %d, %d still live (%v); want 1, 0", n, live, err)
	}
}

// TestBrowserDeepLinkSurvivesLogin: a notification's "Open in
// mentionwatch" link (/#alert=<id>) opened by someone not logged in goes
// through the login page and still opens that alert: the fragment never
// reaches the server, so the login page must carry it to where it
// returns.
func TestBrowserDeepLinkSurvivesLogin(t *testing.T) {
	_, br, _ := agentBrowser(t, "/?brand=Acme#alert=burst")
	br.waitUntil("the dashboard", `location.pathname === '/' && document.querySelector('#me-name')`)
	var hash2 string
	br.eval(`location.hash`, &hash2)
	if hash2 != "#alert=burst" {
		t.Fatalf("after logging in the page is %q; want the alert's link #alert=burst", hash2)
	}
	br.waitUntil("the focused alert", `document.querySelector('#alert-focus [data-focused="true"][data-alert="burst"]')`)
}
