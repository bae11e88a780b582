package web

import (
	"context"
	"encoding/json"
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

// alertHandler serves the seeded store in Asia/Jakarta with action links.
func alertHandler(t *testing.T, st store.Store, signer *actionlink.Signer) *Handler {
	t.Helper()
	seed(t, st)
	loc, err := mw.LoadTimezone("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	// A critical alert whose mention has text and a link.
	m2 := mention("Acme", "m2", "bob", -0.5, mw.Negative, mw.SMOT, 1, 3*time.Hour, "app")
	if err := st.SaveAlert(context.Background(), mw.Alert{ID: "c1", Brand: "Acme", Kind: mw.AlertCritical, Scope: "mention", State: mw.Firing,
		StartedAt: testNow.Add(-3 * time.Hour), UpdatedAt: testNow.Add(-3 * time.Hour), Count: 1, Factor: 1,
		Reason: `mentions "lawsuit" (legal threat)`, Summary: `mentions "lawsuit" (legal threat)`, MentionIDs: []string{m2.ID}, NotifyCount: 1}); err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Store: st, Brands: testBrands, Now: func() time.Time { return testNow }, Location: loc, Links: signer})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func testSigner(t *testing.T) *actionlink.Signer {
	t.Helper()
	s, err := actionlink.New([]byte("web-test-link-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// linkPath turns a signed URL into the path and query the handler sees.
func linkPath(t *testing.T, raw string) (string, url.Values) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path, u.Query()
}

func TestActionLinks(t *testing.T) {
	st := openStore(t)
	signer := testSigner(t)
	h := alertHandler(t, st, signer)
	ctx := context.Background()
	exp := testNow.Add(actionlink.TTL)
	ackURL := signer.URL("https://mw.example.com", actionlink.Ack, "a1", exp)
	path, q := linkPath(t, ackURL)

	// GET shows a confirmation and changes nothing (an unfurler's fetch).
	w := do(t, h, "GET", path+"?"+q.Encode(), nil)
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "Acknowledge this alert?") || !strings.Contains(body, `<form method="post" action="/a/ack">`) ||
		!strings.Contains(body, "Spike in negative mentions of Acme (delivery and shipping)") || !strings.Contains(body, "This link works until 2026-03-17 19:00 WIB") {
		t.Fatalf("confirmation: %d %s", w.Code, body)
	}
	if w.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy %q", w.Header().Get("Referrer-Policy"))
	}
	if strings.Contains(body, xssProbe) {
		t.Errorf("the confirmation page shows the probe unescaped")
	}
	if a, _ := st.Alert(ctx, "a1"); !a.AckedAt.IsZero() {
		t.Fatal("a GET acknowledged the alert")
	}

	// POST from the page acts.
	form := url.Values{"id": {q.Get("id")}, "exp": {q.Get("exp")}, "sig": {q.Get("sig")}, "by": {"rina"}}
	post := func(path string, f url.Values, hdr ...string) *httptest.ResponseRecorder {
		return do(t, h, "POST", path, strings.NewReader(f.Encode()), append([]string{"Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-origin"}, hdr...)...)
	}
	w = post("/a/ack", form)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Acknowledged by rina at 2026-03-10 19:00 WIB.") {
		t.Fatalf("ack POST: %d %s", w.Code, w.Body)
	}
	if a, _ := st.Alert(ctx, "a1"); !a.AckedAt.Equal(testNow) || a.AckedBy != "rina" {
		t.Errorf("after the POST: acked %v by %q", a.AckedAt, a.AckedBy)
	}
	// A second GET says so.
	if w = do(t, h, "GET", path+"?"+q.Encode(), nil); !strings.Contains(w.Body.String(), "Already acknowledged by rina at 2026-03-10 19:00 WIB") {
		t.Errorf("second GET: %s", w.Body)
	}

	// Silence 4 h.
	_, sq := linkPath(t, signer.URL("https://mw.example.com/", actionlink.Silence, "a1", exp))
	w = post("/a/silence", url.Values{"id": {"a1"}, "exp": {sq.Get("exp")}, "sig": {sq.Get("sig")}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Acme · delivery and shipping is silenced until 2026-03-10 23:00 WIB (by dashboard).") {
		t.Fatalf("silence POST: %d %s", w.Code, w.Body)
	}
	ss, err := st.Silences(ctx, testNow)
	if err != nil || len(ss) != 1 || ss[0].Brand != "Acme" || ss[0].Scope != "aspect:delivery" || !ss[0].Until.Equal(testNow.Add(4*time.Hour)) {
		t.Fatalf("silences %+v %v", ss, err)
	}

	// Bad links get a clear page and change nothing.
	expired := signer.URL("", actionlink.Ack, "c1", testNow)
	ep, eq := linkPath(t, expired)
	for _, tc := range []struct {
		name, method, target string
		form                 url.Values
		code                 int
		want                 string
	}{
		{"expired", "GET", ep + "?" + eq.Encode(), nil, http.StatusGone, "this link expired at 2026-03-10 19:00 WIB"},
		{"expired POST", "POST", "/a/ack", url.Values{"id": {"c1"}, "exp": {eq.Get("exp")}, "sig": {eq.Get("sig")}}, http.StatusGone, "This link has expired"},
		{"forged id", "GET", "/a/ack?id=c1&exp=" + q.Get("exp") + "&sig=" + q.Get("sig"), nil, http.StatusForbidden, "signature does not match"},
		{"forged POST", "POST", "/a/ack", url.Values{"id": {"c1"}, "exp": {q.Get("exp")}, "sig": {q.Get("sig")}}, http.StatusForbidden, "This link is not valid"},
		{"ack link used to silence", "POST", "/a/silence", form, http.StatusForbidden, "signature does not match"},
		{"no signature", "GET", "/a/ack?id=c1", nil, http.StatusForbidden, "signature does not match"},
		{"unknown action", "GET", "/a/resolve?" + q.Encode(), nil, http.StatusNotFound, "unknown action"},
		{"unknown alert", "GET", func() string {
			p, q := linkPath(t, signer.URL("", actionlink.Ack, "gone", exp))
			return p + "?" + q.Encode()
		}(), nil, http.StatusNotFound, "Alert gone is not in the store"},
	} {
		var w *httptest.ResponseRecorder
		if tc.method == "GET" {
			w = do(t, h, "GET", tc.target, nil)
		} else {
			w = post(tc.target, tc.form)
		}
		if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.want) || !strings.Contains(w.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %q\n%s; want %d with %q", tc.name, w.Code, w.Header().Get("Content-Type"), w.Body, tc.code, tc.want)
		}
	}
	if a, _ := st.Alert(ctx, "c1"); !a.AckedAt.IsZero() {
		t.Error("a bad link acknowledged c1")
	}
	if ss, _ := st.Silences(ctx, testNow); len(ss) != 1 {
		t.Errorf("a bad link silenced: %d silences", len(ss))
	}
	// A cross-site POST is refused before the link is looked at.
	if w := post("/a/ack", url.Values{"id": {"c1"}}, "Sec-Fetch-Site", "cross-site"); w.Code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", w.Code)
	}
	// Without a key the links are off.
	off, err := New(Options{Store: st, Brands: testBrands, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if w := do(t, off, "GET", path+"?"+q.Encode(), nil); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "Action links are off") {
		t.Errorf("links off: %d %s", w.Code, w.Body)
	}
}

func TestAlertFocusFragment(t *testing.T) {
	h := alertHandler(t, openStore(t), testSigner(t))
	w := do(t, h, "GET", "/ui/alert?id=a1", nil)
	body := w.Body.String()
	for _, want := range []string{
		`data-alert="a1"`, "Spike in negative mentions of Acme (delivery and shipping)", "12 negative in 5 min; usually 0–3",
		"2026-03-10 17:00 WIB", "&lt;script&gt;alert(1)&lt;/script&gt;", "AMOT: waiting for delivery", `href="/?brand=Acme&amp;range=7d#alert=a1"`,
		`hx-post="/ui/alerts/a1/ack?brand=Acme&amp;range=7d"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("focus fragment lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, xssProbe) || strings.Contains(body, "javascript:alert") {
		t.Errorf("focus fragment carries the probe")
	}
	w = do(t, h, "GET", "/ui/alert?id=c1", nil)
	for _, want := range []string{"Critical mention of Acme", `mentions &#34;lawsuit&#34; (legal threat)`, "text m2", `href="https://example.org/m2"`, "SMOT: using it"} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("critical focus lacks %q:\n%s", want, w.Body)
		}
	}
	if w = do(t, h, "GET", "/ui/alert?id=nope", nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `data-alert-missing="nope"`) {
		t.Errorf("unknown alert: %d %s", w.Code, w.Body)
	}
	if w = do(t, h, "GET", "/ui/alert?id=%3Cx%3E", nil); w.Code != http.StatusBadRequest {
		t.Errorf("bad id: %d", w.Code)
	}
	// With the page's view (app.js sends it) the buttons refresh that
	// view's list; a bad view falls back to the alert brand's 7 days.
	if body := do(t, h, "GET", "/ui/alert?id=a1&brand=Acme&range=24h", nil).Body.String(); !strings.Contains(body, `hx-post="/ui/alerts/a1/ack?brand=Acme&amp;range=24h"`) {
		t.Errorf("the focused alert's buttons ignore the page's view:\n%s", body)
	}
	if body := do(t, h, "GET", "/ui/alert?id=a1&range=1y", nil).Body.String(); !strings.Contains(body, `hx-post="/ui/alerts/a1/ack?brand=Acme&amp;range=7d"`) {
		t.Errorf("a bad view is not ignored:\n%s", body)
	}
}

func TestAlertsPanelFirstWithCriticalText(t *testing.T) {
	h := alertHandler(t, openStore(t), nil)
	w := do(t, h, "GET", "/?brand=Acme&range=24h", nil)
	body := w.Body.String()
	ia, iv := strings.Index(body, `id="alerts"`), strings.Index(body, `id="volume"`)
	if ia < 0 || iv < 0 || ia > iv {
		t.Errorf("alerts panel at %d, volume chart at %d: the alerts panel must come first", ia, iv)
	}
	if f := strings.Index(body, `id="alert-focus"`); f < 0 || f > ia {
		t.Errorf("no #alert-focus above the alerts panel")
	}
	row := body[strings.Index(body, `data-alert="c1"`):]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{"Critical mention of Acme", "mentions &#34;lawsuit&#34; (legal threat)", `<blockquote class="mention-text">text m2</blockquote>`,
		`<a href="https://example.org/m2" rel="noopener noreferrer nofollow" target="_blank">open the post</a>`, "by bob", `href="#alert=c1"`} {
		if !strings.Contains(row, want) {
			t.Errorf("critical row lacks %q:\n%s", want, row)
		}
	}
	for _, want := range []string{"times in Asia/Jakarta", "12 negative in 5 min; usually 0–3", "2026-03-10 17:00 WIB"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "UTC</td>") {
		t.Errorf("page still shows UTC times")
	}
}

func TestAPITimesInZone(t *testing.T) {
	h := alertHandler(t, openStore(t), nil)
	w := do(t, h, "GET", "/api/alerts?brand=Acme&range=24h", nil)
	var raw struct {
		Alerts []map[string]any `json:"alerts"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	var a1 map[string]any
	for _, a := range raw.Alerts {
		if a["id"] == "a1" {
			a1 = a
		}
	}
	if a1 == nil || a1["started_at"] != "2026-03-10T17:00:00+07:00" || a1["why"] != "12 negative in 5 min; usually 0–3" {
		t.Fatalf("a1 in the API: %v", a1)
	}
	var c1 map[string]any
	for _, a := range raw.Alerts {
		if a["id"] == "c1" {
			c1 = a
		}
	}
	if m, _ := c1["mention"].(map[string]any); m == nil || m["text"] != "text m2" || m["published"] != "2026-03-10T16:00:00+07:00" || c1["why"] != `mentions "lawsuit" (legal threat)` {
		t.Errorf("c1 in the API: %v", c1)
	}
	var ms []map[string]any
	getJSON(t, h, "/api/mentions?brand=Acme&range=24h", &ms)
	if len(ms) == 0 || !strings.HasSuffix(ms[0]["published"].(string), "+07:00") {
		t.Errorf("mentions: %v", ms)
	}
	var s map[string]any
	getJSON(t, h, "/api/series?brand=Acme&range=24h", &s)
	if !strings.HasSuffix(s["from"].(string), "+07:00") {
		t.Errorf("series from %v", s["from"])
	}
	if ms, _ := s["alerts"].([]any); len(ms) == 0 || ms[0].(map[string]any)["label"] != "delivery and shipping" {
		t.Errorf("chart markers %v: want the scope in words", s["alerts"])
	}
}

// TestDeliveriesShownPerAlert: the alerts panel shows where each
// notification stands with each receiver, the focused alert the whole
// log, and /api/alerts/{id}/deliveries returns it; an error quoting
// hostile text stays inert.
func TestDeliveriesShownPerAlert(t *testing.T) {
	st := openStore(t)
	h := alertHandler(t, st, nil)
	ctx := context.Background()
	at := testNow.Add(-2 * time.Hour)
	for _, d := range []mw.Delivery{
		{Key: "c1:firing:1", AlertID: "c1", Receiver: "slack", Status: mw.DeliveryQueued, At: at},
		{Key: "c1:firing:1", AlertID: "c1", Receiver: "telegram", Status: mw.DeliveryQueued, At: at},
		{Key: "c1:firing:1", AlertID: "c1", Receiver: "slack", Attempt: 1, Status: mw.DeliverySent, At: at.Add(time.Second)},
		{Key: "c1:firing:1", AlertID: "c1", Receiver: "telegram", Attempt: 3, Status: mw.DeliveryRetrying,
			Error: "telegram: HTTP 502: <b>bad gateway</b>", At: at.Add(time.Minute), NextAt: at.Add(3 * time.Minute)},
	} {
		if err := st.SaveDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	body := do(t, h, "GET", "/?brand=Acme&range=24h", nil).Body.String()
	row := body[strings.Index(body, `data-alert="c1"`):]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{`<strong>slack</strong> firing #1: sent`, `<strong>telegram</strong> firing #1: retrying after 3 attempts, next 2026-03-10 ` /* time in WIB */, "&lt;b&gt;bad gateway&lt;/b&gt;"} {
		if !strings.Contains(row, want) {
			t.Errorf("alert row lacks %q:\n%s", want, row)
		}
	}
	if strings.Contains(body, "<b>bad gateway") {
		t.Error("a delivery error reached the page unescaped")
	}
	focus := do(t, h, "GET", "/ui/alert?id=c1", nil).Body.String()
	if strings.Count(focus, `<tr class="delivery `) != 4 || !strings.Contains(focus, "Deliveries") {
		t.Errorf("focused alert's delivery log:\n%s", focus)
	}
	var log []Delivery
	getJSON(t, h, "/api/alerts/c1/deliveries", &log)
	if len(log) != 4 || log[3].Receiver != "telegram" || log[3].Attempt != 3 || log[3].NextAt == nil || log[3].Notification != "firing #1" {
		t.Errorf("API delivery log: %+v", log)
	}
	var resp AlertsResponse
	getJSON(t, h, "/api/alerts?brand=Acme&range=24h", &resp)
	for _, a := range resp.Alerts {
		if a.ID == "c1" && (len(a.Deliveries) != 2 || a.Deliveries[0].Status != mw.DeliverySent) {
			t.Errorf("API alert deliveries: %+v", a.Deliveries)
		}
	}
	// The API's times are in the configured zone, as every other time it
	// returns (the raw JSON, not what Go parses back).
	raw := do(t, h, "GET", "/api/alerts/c1/deliveries", nil).Body.String()
	for _, want := range []string{`"at":"2026-03-10T17:01:00+07:00"`, `"next_at":"2026-03-10T17:03:00+07:00"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("API delivery log lacks %s: %s", want, raw)
		}
	}
	if w := do(t, h, "GET", "/api/alerts/nope/deliveries", nil); w.Code != http.StatusNotFound {
		t.Errorf("unknown alert: %d", w.Code)
	}
}

// A Silence link acts once: pressing it again, while its silence runs,
// after it ended or after it was lifted, silences nothing more and says
// what the link did.
func TestSilenceLinkActsOnce(t *testing.T) {
	st := openStore(t)
	signer := testSigner(t)
	h := alertHandler(t, st, signer)
	ctx := context.Background()
	path, q := linkPath(t, signer.URL("https://mw.example.com", actionlink.Silence, "a1", testNow.Add(actionlink.TTL)))
	post := func() *httptest.ResponseRecorder {
		f := url.Values{"id": {q.Get("id")}, "exp": {q.Get("exp")}, "sig": {q.Get("sig")}, "by": {"rina"}}
		return do(t, h, "POST", path, strings.NewReader(f.Encode()), "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-origin")
	}
	all := func() []mw.Silence {
		ss, err := st.Silences(ctx, testNow.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	if w := post(); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "is silenced until 2026-03-10 23:00 WIB (by rina)") {
		t.Fatalf("first press: %d %s", w.Code, w.Body)
	}
	first := all()
	if len(first) != 1 {
		t.Fatalf("silences after the first press: %+v", first)
	}

	// Pressed again an hour later (a double submit, a second responder):
	// the silence stays as it was.
	h.opt.Now = func() time.Time { return testNow.Add(time.Hour) }
	w := post()
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "This link was already used") ||
		!strings.Contains(w.Body.String(), "Acme · delivery and shipping is silenced until 2026-03-10 23:00 WIB (by rina)") {
		t.Fatalf("second press: %d %s", w.Code, w.Body)
	}
	if ss := all(); len(ss) != 1 || !ss[0].Until.Equal(first[0].Until) {
		t.Fatalf("the second press changed the silences: %+v", ss)
	}
	// The same link with its expiry written another way is the same link.
	q.Set("exp", "0"+q.Get("exp"))
	if w := post(); w.Code != http.StatusConflict {
		t.Fatalf("the link with exp=0...: %d %s", w.Code, w.Body)
	}
	// Opening it again shows no button.
	w = do(t, h, "GET", path+"?"+q.Encode(), nil)
	if w.Code != http.StatusConflict || strings.Contains(w.Body.String(), "<form") || !strings.Contains(w.Body.String(), "This link was already used") {
		t.Fatalf("GET of a used link: %d %s", w.Code, w.Body)
	}

	// After the silence ended, the old link does not silence again.
	h.opt.Now = func() time.Time { return testNow.Add(6 * time.Hour) }
	w = post()
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "silenced Acme · delivery and shipping from 2026-03-10 19:00 WIB until 2026-03-10 23:00 WIB (by rina)") {
		t.Fatalf("press after the silence ended: %d %s", w.Code, w.Body)
	}
	if ss, _ := st.Silences(ctx, testNow.Add(6*time.Hour)); len(ss) != 0 {
		t.Fatalf("an old link silenced again: %+v", ss)
	}

	// Lifted early by an admin (saved again, ending now): still used.
	h.opt.Now = func() time.Time { return testNow.Add(2 * time.Hour) }
	lifted := first[0]
	lifted.Until = testNow.Add(90 * time.Minute)
	if err := st.SaveSilence(ctx, lifted); err != nil {
		t.Fatal(err)
	}
	if w := post(); w.Code != http.StatusConflict {
		t.Fatalf("press after the silence was lifted: %d %s", w.Code, w.Body)
	}
	if ss, _ := st.Silences(ctx, testNow.Add(2*time.Hour)); len(ss) != 0 {
		t.Fatalf("a lifted silence came back: %+v", ss)
	}

	// Another message's link (another expiry) still works.
	_, q2 := linkPath(t, signer.URL("https://mw.example.com", actionlink.Silence, "a1", testNow.Add(actionlink.TTL+time.Minute)))
	f := url.Values{"id": {"a1"}, "exp": {q2.Get("exp")}, "sig": {q2.Get("sig")}}
	if w := do(t, h, "POST", path, strings.NewReader(f.Encode()), "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-origin"); w.Code != http.StatusOK {
		t.Fatalf("a newer link: %d %s", w.Code, w.Body)
	}
}

// TestConfigSilencesShown: a silence written in config (alerts.silences)
// mutes notifications as a stored one does, so the dashboard lists it
// among the active silences (marked as config's, with no Lift button) and
// marks the alerts it mutes; one that ended is not listed.
func TestConfigSilencesShown(t *testing.T) {
	st := openStore(t)
	seed(t, st)
	h, err := New(Options{Store: st, Brands: testBrands, Now: func() time.Time { return testNow }, ConfigSilences: []mw.SilenceConfig{
		{Brand: "Acme", Scope: "aspect:delivery", Until: testNow.Add(2 * time.Hour).Format(time.RFC3339), Reason: "courier strike"},
		{Brand: "Acme", Until: testNow.Add(-time.Hour).Format(time.RFC3339), Reason: "over"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var ss []Silence
	getJSON(t, h, "/api/silences", &ss)
	if len(ss) != 1 || ss[0].Reason != "courier strike" || !ss[0].Config || !ss[0].Until.Equal(testNow.Add(2*time.Hour)) {
		t.Fatalf("silences %+v; want the active config silence, marked config", ss)
	}
	var ar AlertsResponse
	getJSON(t, h, "/api/alerts?brand=Acme&range=24h", &ar)
	for _, a := range ar.Alerts {
		if a.Silenced != (a.ID == "a1") {
			t.Errorf("alert %s silenced %v; want only a1 (aspect:delivery)", a.ID, a.Silenced)
		}
	}
	page := do(t, h, "GET", "/?brand=Acme&range=24h", nil).Body.String()
	if !strings.Contains(page, "courier strike") || !strings.Contains(page, "alerts.silences in the config") || strings.Contains(page, `class="lift"`) {
		t.Errorf("the page's silences do not show the config silence as config's, without Lift")
	}
	if w := do(t, h, "POST", "/api/silences/"+ss[0].ID+"/lift", strings.NewReader("{}"), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken); w.Code != http.StatusConflict ||
		!strings.Contains(w.Body.String(), "alerts.silences") {
		t.Errorf("lifting a config silence: %d %s; want 409 saying to edit alerts.silences", w.Code, w.Body)
	}
}

// TestSilenceLinkOfACriticalSaysWhatItMutes: Silence 4 h on a critical
// mention's message mutes every critical mention of the brand (the
// silence is the brand and the scope "mention"), new harm reports
// included. The page asked "Silence this alert for 4 hours?" and said
// "No notification about Acme · mention", so a responder who had handled
// one post muted the next poisoning report without knowing. It now says
// what is muted, before and after the press.
// TestAckLinkSaysWhatItDoes: the page an Acknowledge link opens says what
// pressing it does and does not do. Before, it asked "Acknowledge this
// alert?" and no more, and a responder on a phone could take it for a way
// to stop the messages, which it is not (Silence is).
func TestAckLinkSaysWhatItDoes(t *testing.T) {
	st := openStore(t)
	signer := testSigner(t)
	h := alertHandler(t, st, signer)
	for _, id := range []string{"a1", "c1"} {
		path, q := linkPath(t, signer.URL("https://mw.example.com", actionlink.Ack, id, testNow.Add(actionlink.TTL)))
		w := do(t, h, "GET", path+"?"+q.Encode(), nil)
		for _, want := range []string{"the alert shows your name and the time", "It mutes nothing: messages about this alert still come (Silence 4 h mutes them)."} {
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), want) {
				t.Errorf("%s: the confirmation lacks %q: %d %s", id, want, w.Code, w.Body)
			}
		}
	}
	path, q := linkPath(t, signer.URL("https://mw.example.com", actionlink.Silence, "a1", testNow.Add(actionlink.TTL)))
	if w := do(t, h, "GET", path+"?"+q.Encode(), nil); strings.Contains(w.Body.String(), "It mutes nothing") {
		t.Errorf("the Silence link's page says what Acknowledge does: %s", w.Body)
	}
}

func TestSilenceLinkOfACriticalSaysWhatItMutes(t *testing.T) {
	st := openStore(t)
	signer := testSigner(t)
	h := alertHandler(t, st, signer)
	path, q := linkPath(t, signer.URL("https://mw.example.com", actionlink.Silence, "c1", testNow.Add(actionlink.TTL)))
	w := do(t, h, "GET", path+"?"+q.Encode(), nil)
	body := w.Body.String()
	for _, want := range []string{"Silence every critical mention of Acme for 4 hours?", "not only this one"} {
		if w.Code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("the confirmation lacks %q: %d %s", want, w.Code, body)
		}
	}
	f := url.Values{"id": {q.Get("id")}, "exp": {q.Get("exp")}, "sig": {q.Get("sig")}, "by": {"rina"}}
	w = do(t, h, "POST", path, strings.NewReader(f.Encode()), "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-origin")
	if want := "Acme · critical mentions is silenced until 2026-03-10 23:00 WIB (by rina)"; w.Code != http.StatusOK || !strings.Contains(w.Body.String(), want) {
		t.Errorf("after the press: want %q: %d %s", want, w.Code, w.Body)
	}
}

// TestAPIAlertEpisodeTotal: /api/alerts gives a resolved spike's
// episode_total, the negative mentions of its whole episode that its
// "Resolved" message tells and the store keeps (migration 11); before,
// the API left it out, so a script reading alerts could not see it.
func TestAPIAlertEpisodeTotal(t *testing.T) {
	st := openStore(t)
	h := alertHandler(t, st, nil)
	if err := st.SaveAlert(context.Background(), mw.Alert{ID: "s1", Brand: "Acme", Kind: mw.AlertSpike, Scope: "brand", State: mw.Resolved,
		StartedAt: testNow.Add(-5 * time.Hour), UpdatedAt: testNow.Add(-2 * time.Hour), ResolvedAt: testNow.Add(-2 * time.Hour),
		Count: 30, Baseline: 4, Factor: 7.5, NegShare: 0.6, EpisodeTotal: 83, Summary: "30 negative"}); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Alerts []map[string]any `json:"alerts"`
	}
	getJSON(t, h, "/api/alerts?brand=Acme&range=24h", &raw)
	seen := 0
	for _, a := range raw.Alerts {
		switch a["id"] {
		case "s1":
			seen++
			if a["episode_total"] != 83.0 {
				t.Errorf("s1 episode_total %v; want 83", a["episode_total"])
			}
		case "c1":
			seen++
			if _, ok := a["episode_total"]; ok {
				t.Errorf("c1, a critical alert, has episode_total %v; want none", a["episode_total"])
			}
		}
	}
	if seen != 2 {
		t.Fatalf("alerts %v; want s1 and c1", raw.Alerts)
	}
}

// TestActionLinkAsksNoNameOfASignedInUser: an action link opened in a
// browser signed in to the dashboard asked "Your name", and then ignored
// what was typed (the session's name is who acts). It now says who acts
// and asks nothing; without a session it still asks.
func TestActionLinkAsksNoNameOfASignedInUser(t *testing.T) {
	st := openStore(t)
	signer := testSigner(t)
	h := alertHandler(t, st, signer)
	path, q := linkPath(t, signer.URL("https://mw.example.com", actionlink.Ack, "a1", testNow.Add(actionlink.TTL)))
	get := func(a Actor) string {
		r := httptest.NewRequest("GET", path+"?"+q.Encode(), nil)
		r.SetPathValue("action", actionlink.Ack)
		w := httptest.NewRecorder()
		h.actionConfirm(w, withActor(r, a))
		if w.Code != http.StatusOK {
			t.Fatalf("%+v: %d %s", a, w.Code, w.Body)
		}
		return w.Body.String()
	}
	if body := get(Actor{Name: "rina", Role: mw.RoleAgent, Via: ViaSession}); strings.Contains(body, `name="by"`) || !strings.Contains(body, "As rina.") {
		t.Errorf("signed in as rina, the page asks for a name or does not say who acts:\n%s", body)
	}
	if body := get(Actor{Role: mw.RoleAdmin, Via: ViaLocal}); !strings.Contains(body, `name="by"`) {
		t.Errorf("without a session the page does not ask for a name:\n%s", body)
	}
}
