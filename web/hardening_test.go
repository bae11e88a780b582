package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestLoginNextControlCharacters: browsers drop tabs and line breaks from
// a Location, so a next= with one after the first slash must not survive
// login as "//evil.example", another site.
func TestLoginNextControlCharacters(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	for _, next := range []string{"/\t/evil.example/", "/\t\\evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\x7f/evil.example"} {
		form := url.Values{"username": {"ana"}, "password": {"agent-password-22"}, "next": {next}}
		w := e.req("POST", "/login", "192.0.2.9", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != "/" {
			t.Errorf("login with next=%q: %d to %q; want 303 to /", next, w.Code, loc)
		}
		w = e.req("GET", "/login?next="+url.QueryEscape(next), "192.0.2.9", "")
		if strings.Contains(w.Body.String(), "evil.example") {
			t.Errorf("login page keeps next=%q in its form", next)
		}
	}
	if got := safeNext("/mentions?q=a%09b"); got != "/mentions?q=a%09b" {
		t.Errorf("safeNext dropped an encoded tab in a query: %q", got)
	}
}

// TestLoginNextDotSegmentsToBackslash: http.Redirect cleans dot segments,
// so "/x/../\\evil.example" would leave as "/\\evil.example", which
// browsers read as //evil.example, another site. Every target a login
// sends the browser to stays on this site.
func TestLoginNextDotSegmentsToBackslash(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	base, _ := url.Parse("https://dash.example/login")
	for _, next := range []string{"/x/../\\evil.example", "/./\\evil.example", "/mentions/..\\/..\\/\\evil.example", "/x/../\\/evil.example", "/x#/../\\evil.example"} {
		form := url.Values{"username": {"ana"}, "password": {"agent-password-22"}, "next": {next}}
		w := e.req("POST", "/login", "192.0.2.9", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		loc := w.Header().Get("Location")
		// A browser reads a backslash in an http(s) URL as a slash.
		u, err := base.Parse(strings.ReplaceAll(loc, "\\", "/"))
		if w.Code != http.StatusSeeOther || err != nil || u.Host != "dash.example" {
			t.Errorf("login with next=%q: %d to %q (host %q); want this site", next, w.Code, loc, u.Host)
		}
	}
	for _, keep := range []string{"/mentions?q=a%5Cb", "/mentions?q=a\\b"} {
		if got := safeNext(keep); got != keep {
			t.Errorf("safeNext dropped a backslash in a query: %q", got)
		}
	}
}

// TestInboxMessageNotReflected: msg= is the inbox's own triage outcome;
// any other text in it (a phisher's "call this number") is not shown.
func TestInboxMessageNotReflected(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	w := do(t, h, "GET", "/mentions?msg="+url.QueryEscape("Your session expired: call +1 555 0100 to restore access"), nil)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "555 0100") {
		t.Errorf("inbox: %d, shows the msg= text: %v", w.Code, strings.Contains(w.Body.String(), "555 0100"))
	}
	w = do(t, h, "GET", "/mentions?msg="+url.QueryEscape("2 of 3 mentions changed"), nil)
	if !strings.Contains(w.Body.String(), `id="inbox-message" role="status">2 of 3 mentions changed<`) {
		t.Errorf("inbox does not show the triage outcome:\n%.300s", w.Body)
	}
}

// TestInboxErrorPageHeaders: a bad filter answers 400 with the page, and
// the page's headers (type, no-store) are sent, not dropped after the
// status was written.
func TestInboxErrorPageHeaders(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	w := do(t, h, "GET", "/mentions?label=bogus", nil)
	res := w.Result() // the headers as sent with the status
	if w.Code != http.StatusBadRequest || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
		res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(w.Body.String(), `id="inbox-error"`) {
		t.Errorf("bad filter: %d, headers %v", w.Code, res.Header)
	}
}

// failingStore fails the calls a test names with an error that quotes a
// DSN with its password, as a driver's error may.
type failingStore struct {
	store.Store
	mentions, alert, saveAlert bool
}

var errDSN = errors.New("dial clickhouse://default:hunter2-secret@db.internal:9000/mw: connection refused")

func (f failingStore) Mentions(ctx context.Context, q store.MentionQuery) ([]mw.Mention, error) {
	if f.mentions {
		return nil, errDSN
	}
	return f.Store.Mentions(ctx, q)
}

func (f failingStore) Alert(ctx context.Context, id string) (mw.Alert, error) {
	if f.alert {
		return mw.Alert{}, errDSN
	}
	return f.Store.Alert(ctx, id)
}

func (f failingStore) SaveAlert(ctx context.Context, a mw.Alert) error {
	if f.saveAlert {
		return errDSN
	}
	return f.Store.SaveAlert(ctx, a)
}

// TestStoreErrorsRedactedOnPages: the inbox and the action-link pages
// show a failing store's error with the DSN's password taken out, as the
// API's errors do.
func TestStoreErrorsRedactedOnPages(t *testing.T) {
	st := openStore(t)
	seed(t, st)
	signer := testSigner(t)
	for name, fs := range map[string]failingStore{
		"inbox":            {Store: st, mentions: true},
		"action link read": {Store: st, alert: true},
		"action link save": {Store: st, saveAlert: true},
	} {
		h, err := New(Options{Store: fs, Brands: testBrands, Now: func() time.Time { return testNow }, Links: signer})
		if err != nil {
			t.Fatal(err)
		}
		var w *httptest.ResponseRecorder
		switch name {
		case "inbox":
			w = do(t, h, "GET", "/mentions", nil)
		default:
			_, q := linkPath(t, signer.URL("https://mw.example.com", actionlink.Ack, "a1", testNow.Add(time.Hour)))
			w = do(t, h, "POST", "/a/ack", strings.NewReader(q.Encode()), "Content-Type", "application/x-www-form-urlencoded")
		}
		if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "connection refused") {
			t.Errorf("%s: %d; want 500 naming the failure\n%.500s", name, w.Code, w.Body)
		}
		if strings.Contains(w.Body.String(), "hunter2") {
			t.Errorf("%s: the page shows the store's password", name)
		}
	}
}

// deadlineRecorder is a ResponseRecorder that notes the write deadlines
// set through http.ResponseController.
type deadlineRecorder struct {
	*httptest.ResponseRecorder
	deadlines []time.Time
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	d.deadlines = append(d.deadlines, t)
	return nil
}

// TestExportFlushesAndOutlivesWriteTimeout: an export streams (flushed
// every exportFlushRows rows through the metrics wrapper) and lifts the
// server's WriteTimeout, which would cut a long download short, to the
// export's own budget.
func TestExportFlushesAndOutlivesWriteTimeout(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	var ms []mw.Mention
	for i := range exportFlushRows + 10 {
		ms = append(ms, mention("Acme", fmt.Sprintf("bulk%d", i), "zed", -0.1, mw.Negative, mw.AMOT, 1, time.Minute))
	}
	if err := st.InsertMentions(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w := &deadlineRecorder{ResponseRecorder: httptest.NewRecorder()}
	h.ServeHTTP(w, httpRequest("GET", "/api/mentions/export?format=csv&brand=Acme", ""))
	if w.Code != http.StatusOK || strings.Count(w.Body.String(), "\n") < exportFlushRows {
		t.Fatalf("export: %d, %d lines", w.Code, strings.Count(w.Body.String(), "\n"))
	}
	if !w.Flushed {
		t.Error("an export of more than exportFlushRows rows was never flushed")
	}
	if len(w.deadlines) == 0 || !w.deadlines[0].After(start.Add(time.Minute)) {
		t.Errorf("write deadlines set: %v; want one past the server's 60 s WriteTimeout", w.deadlines)
	}
}

// TestSecureSessionNeedsHostCookie: over HTTPS only the __Host- cookie is
// a session. A plain mw_session (which a sibling subdomain or a
// plain-HTTP response can plant) would log the victim in as someone else.
func TestSecureSessionNeedsHostCookie(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{})
	c := sessionOf(t, e.login("ana", "agent-password-22", "192.0.2.1"))
	if c.Name != sessionCookieName {
		t.Fatalf("plain HTTP login set %s", c.Name)
	}
	get := func(target string) int {
		r := httptest.NewRequest("GET", target, nil)
		r.Host = "127.0.0.1:8080"
		r.AddCookie(&http.Cookie{Name: sessionCookieName, Value: c.Value})
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		return w.Code
	}
	if code := get("http://127.0.0.1:8080/api/me"); code != http.StatusOK {
		t.Fatalf("plain cookie over HTTP: %d; want 200", code)
	}
	if code := get("https://127.0.0.1:8080/api/me"); code != http.StatusUnauthorized {
		t.Errorf("plain cookie over HTTPS: %d; want 401 (only %s counts there)", code, secureSessionCookieName)
	}
}

// TestLoginThrottlePerIPv6Network: an IPv6 client cannot escape the
// throttle by taking a new address from its /64 for each guess; another
// /64 is another client.
func TestLoginThrottlePerIPv6Network(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{Listen: "[::]:8080", Username: "ops", Password: "pw"})
	get := func(client, pass string) int {
		r := httptest.NewRequest("GET", "/api/brands", nil)
		r.Host, r.RemoteAddr = "127.0.0.1:8080", "["+client+"]:40000"
		r.SetBasicAuth("ops", pass)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	var codes []int
	for i := range loginBurst + 2 {
		codes = append(codes, get(fmt.Sprintf("2001:db8:0:1::%x", i+1), "guess"))
	}
	if codes[0] != http.StatusUnauthorized || codes[len(codes)-1] != http.StatusTooManyRequests {
		t.Errorf("wrong passwords from one /64, a new address each: %v; want 401 first, 429 at the end", codes)
	}
	if code := get("2001:db8:0:1::ffff", "pw"); code != http.StatusTooManyRequests {
		t.Errorf("right password from the throttled /64: %d; want 429", code)
	}
	if code := get("2001:db8:0:2::1", "pw"); code != http.StatusOK {
		t.Errorf("another /64: %d; want 200", code)
	}
	for in, want := range map[string]string{"192.0.2.1": "192.0.2.1", "::ffff:192.0.2.1": "192.0.2.1",
		"2001:db8::1": "2001:db8::/64", "fe80::1%eth0": "fe80::/64", "not-an-ip": "not-an-ip"} {
		if got := throttleKey(in); got != want {
			t.Errorf("throttleKey(%q) = %q; want %q", in, got, want)
		}
	}
}

// exportFailStore fails EachMention after `after` rows with errDSN.
type exportFailStore struct {
	store.Store
	after int
}

func (f exportFailStore) EachMention(ctx context.Context, q store.MentionQuery, fn func(mw.Mention) error) error {
	n := 0
	err := f.Store.EachMention(ctx, q, func(m mw.Mention) error {
		if n == f.after {
			return errDSN
		}
		n++
		return fn(m)
	})
	return err
}

// TestExportStoreFailureIsVisible: an export the store fails is never a
// complete-looking file. Failing before any row reached the client, it
// is a JSON 500 naming the cause (redacted); failing later, the download
// breaks off, so curl, a browser or a script reports it instead of
// keeping a file with part of the view.
func TestExportStoreFailureIsVisible(t *testing.T) {
	st := openStore(t)
	seed(t, st)
	var ms []mw.Mention
	for i := range 2*exportFlushRows + 10 {
		ms = append(ms, mention("Acme", fmt.Sprintf("bulk%d", i), "zed", -0.1, mw.Negative, mw.AMOT, 1, time.Minute))
	}
	if err := st.InsertMentions(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	serve := func(after int) *httptest.Server {
		h, err := New(Options{Store: exportFailStore{Store: st, after: after}, Brands: testBrands, Now: func() time.Time { return testNow }})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv
	}

	for _, format := range []string{"csv", "jsonl"} {
		res, err := http.Get(serve(0).URL + "/api/mentions/export?brand=Acme&format=" + format)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var e apiError
		if res.StatusCode != http.StatusInternalServerError || json.Unmarshal(body, &e) != nil || !strings.Contains(e.Error, "connection refused") ||
			strings.Contains(e.Error, "hunter2") || res.Header.Get("Content-Disposition") != "" {
			t.Errorf("%s export, store fails at once: %d %q %q; want a JSON 500 with the redacted cause, no attachment",
				format, res.StatusCode, res.Header.Get("Content-Disposition"), body)
		}
	}

	res, err := http.Get(serve(exportFlushRows+5).URL + "/api/mentions/export?brand=Acme&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || strings.Count(string(body), "\n") < exportFlushRows {
		t.Fatalf("export failing after %d rows: %d, %d lines; want the first rows streamed", exportFlushRows+5, res.StatusCode, strings.Count(string(body), "\n"))
	}
	if err == nil {
		t.Errorf("export failing after %d rows ended cleanly with %d lines: a truncated file looks complete", exportFlushRows+5, strings.Count(string(body), "\n"))
	}
}
