package web

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

var testNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

const xssProbe = `<script>alert(1)</script>`

var testBrands = []mw.Brand{{Name: "Acme", Keywords: []string{"acme"}, Competitors: []mw.Competitor{{Name: "Roboclean", Keywords: []string{"roboclean"}}}}}

func mention(brand, native, author string, sent float32, label mw.Label, stage mw.Stage, reach float32, ago time.Duration, aspects ...string) mw.Mention {
	m := mw.Mention{Brand: brand, Source: "news", Type: "rss", NativeID: native, URL: "https://example.org/" + native, Author: author,
		Title: "title " + native, Text: "text " + native, Published: testNow.Add(-ago), Collected: testNow, Lang: "en",
		Sentiment: sent, Label: label, Stage: stage, StageConfidence: 0.8, Aspects: aspects, Reach: reach}
	m.ID = mw.MentionID(brand, m.Type, native)
	return m
}

// seed fills st with the mentions, alerts and source states the tests
// reason about.
func seed(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	m1 := mention("Acme", "m1", "alice", -0.9, mw.Negative, mw.AMOT, 10, 2*time.Hour, "delivery")
	m1.Text, m1.Title, m1.URL = xssProbe, `<img src=x onerror="document.title='pwned'">`, "javascript:alert(2)"
	ms := []mw.Mention{
		m1,
		mention("Acme", "m2", "bob", -0.5, mw.Negative, mw.SMOT, 1, 3*time.Hour, "app"),
		mention("Acme", "m3", "alice", 0.8, mw.Positive, mw.LMOT, 2, 4*time.Hour),
		mention("Acme", "m4", "carol", 0, mw.Neutral, mw.ZMOT, 1, 30*time.Hour, "price"),
		mention("Roboclean", "m5", "alice", -0.4, mw.Negative, mw.SMOT, 1, time.Hour),
		mention("Acme", "m6", "dan", -0.7, mw.Negative, mw.AMOT, 1, 8*24*time.Hour, "delivery"),
	}
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	alerts := []mw.Alert{
		{ID: "a1", Brand: "Acme", Kind: mw.AlertSpike, Scope: "aspect:delivery", State: mw.Firing, StartedAt: testNow.Add(-2 * time.Hour),
			UpdatedAt: testNow.Add(-2 * time.Hour), Count: 12, Baseline: 1, Factor: 12, NegShare: 0.9, Summary: "12 negative delivery mentions " + xssProbe,
			MentionIDs: []string{m1.ID}, NotifyCount: 1},
		{ID: "a2", Brand: "Acme", Kind: mw.AlertCritical, Scope: "mention", State: mw.Resolved, StartedAt: testNow.Add(-20 * time.Hour),
			UpdatedAt: testNow.Add(-19 * time.Hour), ResolvedAt: testNow.Add(-19 * time.Hour), Summary: "critical mention", NotifyCount: 2},
	}
	for _, a := range alerts {
		if err := st.SaveAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []store.SourceState{
		{Source: "news", Type: "rss", LastRun: testNow.Add(-time.Minute), LastSuccess: testNow.Add(-time.Minute), ItemsLastRun: 4, TotalItems: 40},
		{Source: "x", Type: "x", LastRun: testNow.Add(-time.Minute), LastError: "x: 401 unauthorized", LastErrorAt: testNow.Add(-time.Minute), ConsecutiveErrors: 3},
	} {
		if err := st.SaveSourceState(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
}

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func newTestHandler(t *testing.T, auth mw.WebConfig) (*Handler, *sqlite.Store) {
	t.Helper()
	st := openStore(t)
	return newTestHandlerOn(t, st, auth), st
}

// newTestHandlerOn seeds st and serves it.
func newTestHandlerOn(t *testing.T, st store.Store, auth mw.WebConfig) *Handler {
	t.Helper()
	seed(t, st)
	h, err := New(Options{Store: st, Brands: testBrands, Auth: auth, Now: func() time.Time { return testNow },
		Spool: func() (int, int64, bool) { return 2, 2048, true }})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func do(t *testing.T, h http.Handler, method, target string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, body)
	r.Host = "127.0.0.1:8080" // a loopback dashboard, unless the test names a Host
	for i := 0; i+1 < len(hdr); i += 2 {
		if strings.EqualFold(hdr[i], "Host") {
			r.Host = hdr[i+1]
			continue
		}
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func getJSON(t *testing.T, h http.Handler, target string, v any) {
	t.Helper()
	w := do(t, h, "GET", target, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: content type %q", target, ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v\n%s", target, err, w.Body)
	}
}

func sum(xs []uint64) (n uint64) {
	for _, x := range xs {
		n += x
	}
	return n
}

func TestSeries(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	for _, tc := range []struct {
		rng       string
		step      int64
		buckets   int
		neg, pos  uint64
		neu       uint64
		alertIDs  int
		brandNone bool
	}{
		{rng: "24h", step: 300, buckets: 288, neg: 2, pos: 1, neu: 0, alertIDs: 2},
		{rng: "7d", step: 3600, buckets: 168, neg: 2, pos: 1, neu: 1, alertIDs: 2},
		{rng: "30d", step: 6 * 3600, buckets: 120, neg: 3, pos: 1, neu: 1, alertIDs: 2},
		{rng: "90d", step: 86400, buckets: 90, neg: 3, pos: 1, neu: 1, alertIDs: 2},
	} {
		t.Run(tc.rng, func(t *testing.T) {
			var s Series
			getJSON(t, h, "/api/series?brand=Acme&range="+tc.rng, &s)
			if s.StepSeconds != tc.step || len(s.T) != tc.buckets || len(s.Negative) != tc.buckets {
				t.Fatalf("step %d, %d buckets (%d negative); want %d, %d", s.StepSeconds, len(s.T), len(s.Negative), tc.step, tc.buckets)
			}
			if got := [3]uint64{sum(s.Negative), sum(s.Neutral), sum(s.Positive)}; got != [3]uint64{tc.neg, tc.neu, tc.pos} {
				t.Errorf("negative, neutral, positive = %v; want %v", got, [3]uint64{tc.neg, tc.neu, tc.pos})
			}
			if len(s.Alerts) != tc.alertIDs {
				t.Errorf("%d alert markers; want %d: %+v", len(s.Alerts), tc.alertIDs, s.Alerts)
			}
			if s.T[len(s.T)-1] > testNow.Unix() || s.T[len(s.T)-1]+tc.step <= testNow.Unix() {
				t.Errorf("last bucket %d does not hold now %d", s.T[len(s.T)-1], testNow.Unix())
			}
		})
	}
	// The negative mention two hours ago lands in its 5-minute bucket.
	var s Series
	getJSON(t, h, "/api/series?brand=Acme&range=24h", &s)
	want := testNow.Add(-2 * time.Hour).Unix()
	for i, ts := range s.T {
		if ts == want && s.Negative[i] != 1 {
			t.Errorf("bucket %d: %d negative; want 1", ts, s.Negative[i])
		}
	}
	// Zoom: an explicit window picks a finer step.
	q := url.Values{"brand": {"Acme"}, "from": {strings.TrimSpace(testNow.Add(-3 * time.Hour).Format(time.RFC3339))}, "to": {testNow.Format(time.RFC3339)}}
	getJSON(t, h, "/api/series?"+q.Encode(), &s)
	if s.StepSeconds != 300 || sum(s.Negative) != 2 {
		t.Errorf("zoomed: step %d, %d negative; want 300, 2", s.StepSeconds, sum(s.Negative))
	}
}

func TestBadRequests(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	for _, target := range []string{
		"/api/series?range=2w",
		"/api/series?from=yesterday",
		"/api/series?from=1700000000&to=1600000000",
		"/api/mentions?limit=0",
		"/api/mentions?limit=x",
	} {
		w := do(t, h, "GET", target, nil)
		var e apiError
		if w.Code != http.StatusBadRequest || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error == "" {
			t.Errorf("GET %s: %d %s; want 400 with an error message", target, w.Code, w.Body)
		}
	}
}

func TestJourneyAspectsShareOfVoice(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	var js []JourneyStage
	getJSON(t, h, "/api/journey?brand=Acme&range=24h", &js)
	got := map[string][2]uint64{}
	var order []string
	for _, s := range js {
		got[s.Stage] = [2]uint64{s.Count, s.Negative}
		order = append(order, s.Stage)
	}
	if strings.Join(order, ",") != "zmot,fmot,amot,smot,lmot,unknown" {
		t.Errorf("stage order %v", order)
	}
	want := map[string][2]uint64{"zmot": {0, 0}, "fmot": {0, 0}, "amot": {1, 1}, "smot": {1, 1}, "lmot": {1, 0}, "unknown": {0, 0}}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("stage %s: %v; want %v", k, got[k], v)
		}
	}
	if js[2].Pain != 0.5 || js[2].NegShare != 1 {
		t.Errorf("amot pain %v neg share %v; want 0.5, 1", js[2].Pain, js[2].NegShare)
	}

	var as []Aspect
	getJSON(t, h, "/api/aspects?brand=Acme&range=7d", &as)
	bya := map[string]Aspect{}
	for _, a := range as {
		bya[a.Aspect] = a
	}
	if d := bya["delivery"]; d.Count != 1 || d.NegShare != 1 || d.Previous.Count != 1 || d.Previous.NegShare != 1 || d.Trend != 0 {
		t.Errorf("delivery: %+v; want 1 now, 1 before, all negative, trend 0", d)
	}
	if p := bya["price"]; p.Count != 1 || p.NegShare != 0 || p.Trend != 0 {
		t.Errorf("price: %+v", p)
	}
	if len(as) != 3 || as[len(as)-1].Aspect != "price" {
		t.Errorf("aspects not ordered by negative share: %+v", as)
	}

	var sov ShareOfVoice
	getJSON(t, h, "/api/share-of-voice?brand=Acme&range=24h", &sov)
	if len(sov.Brands) != 2 || sov.Brands[0].Name != "Acme" || sov.Brands[0].Count != 3 || sov.Brands[1].Count != 1 || sov.Brands[0].Voice != 0.75 {
		t.Errorf("share of voice: %+v", sov.Brands)
	}
	if sum(sov.Brands[1].Counts) != 1 || len(sov.Brands[1].Counts) != len(sov.T) {
		t.Errorf("Roboclean per bucket: %v", sov.Brands[1].Counts)
	}
}

func TestMentionsByImpactAndAuthor(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	w := do(t, h, "GET", "/api/mentions?brand=Acme&range=24h", nil)
	if strings.Contains(w.Body.String(), "<script>") {
		t.Errorf("JSON carries a raw <script>: %s", w.Body)
	}
	var ms []Mention
	if err := json.Unmarshal(w.Body.Bytes(), &ms); err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].NativeID != "m1" || ms[1].NativeID != "m2" {
		t.Fatalf("top negative: %+v; want m1, m2", ms)
	}
	if ms[0].Text != xssProbe || ms[0].Impact < 8.99 || ms[0].Impact > 9.01 {
		t.Errorf("m1: text %q impact %v", ms[0].Text, ms[0].Impact)
	}
	getJSON(t, h, "/api/mentions?author=alice", &ms)
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.Brand+"/"+m.NativeID)
	}
	if strings.Join(ids, ",") != "Roboclean/m5,Acme/m1,Acme/m3" {
		t.Errorf("alice's history: %v", ids)
	}
}

func TestAlertsSourcesBrands(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	var ar AlertsResponse
	getJSON(t, h, "/api/alerts?brand=Acme&range=24h", &ar)
	if len(ar.Alerts) != 2 || ar.Alerts[0].ID != "a1" || ar.Alerts[0].State != mw.Firing || ar.Alerts[1].ResolvedAt == nil {
		t.Fatalf("alerts: %+v", ar.Alerts)
	}
	var src Sources
	getJSON(t, h, "/api/sources", &src)
	if len(src.Sources) != 2 || !src.Sources[0].Healthy || src.Sources[1].Healthy || src.Sources[1].ConsecutiveErrors != 3 {
		t.Errorf("sources: %+v", src.Sources)
	}
	if !src.SpoolKnown || src.SpoolBatches != 2 || src.SpoolBytes != 2048 {
		t.Errorf("spool: %+v", src)
	}
	var bs []BrandInfo
	getJSON(t, h, "/api/brands", &bs)
	if len(bs) != 1 || bs[0].Name != "Acme" || len(bs[0].Competitors) != 1 {
		t.Errorf("brands: %+v", bs)
	}
}

func TestPageEscapesAndSetsCSP(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	w := do(t, h, "GET", "/?brand=Acme&range=24h", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("page: %d %s", w.Code, w.Body)
	}
	body := w.Body.String()
	for _, bad := range []string{xssProbe, `<img src=x`, `javascript:alert`} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=", `data-chart="volume"`, "AMOT: waiting for delivery",
		"Roboclean", "Acknowledge", "x: 401 unauthorized", "2 batches, 2.0 KiB waiting", `/static/vendor/uPlot-1.6.31.iife.min.js`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	csp := w.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q: want script-src 'self' and nothing unsafe", csp)
	}
	// Every script is an embedded file; none inline.
	if strings.Count(body, "<script") != strings.Count(body, `<script src="/static/`) {
		t.Errorf("page has an inline script")
	}
	for _, asset := range []string{"/static/vendor/htmx-2.0.4.min.js", "/static/vendor/uPlot-1.6.31.iife.min.js", "/static/app.js",
		"/static/vendor/uPlot-1.6.31.min.css", "/static/vendor/htmx-2.0.4.LICENSE", "/static/vendor/uPlot-1.6.31.LICENSE"} {
		if w := do(t, h, "GET", asset, nil); w.Code != http.StatusOK || w.Body.Len() < 500 {
			t.Errorf("GET %s: %d, %d bytes", asset, w.Code, w.Body.Len())
		}
	}
	w = do(t, h, "GET", "/ui/author?author=alice", nil)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), xssProbe) || !strings.Contains(w.Body.String(), "Roboclean") {
		t.Errorf("author fragment: %d %s", w.Code, w.Body)
	}
}

func TestAckResolveSilence(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	ctx := context.Background()
	w := do(t, h, "POST", "/api/alerts/a1/ack", strings.NewReader(`{"by":"rina"}`), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
	if w.Code != http.StatusOK {
		t.Fatalf("ack: %d %s", w.Code, w.Body)
	}
	a, err := st.Alert(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if !a.AckedAt.Equal(testNow) || a.AckedBy != "rina" || a.State != mw.Firing {
		t.Errorf("after ack: acked %v by %q, %s", a.AckedAt, a.AckedBy, a.State)
	}
	// A second acknowledgement keeps the first (time to first response).
	do(t, h, "POST", "/api/alerts/a1/ack", strings.NewReader(`{"by":"joko"}`), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
	if a, _ = st.Alert(ctx, "a1"); a.AckedBy != "rina" {
		t.Errorf("second ack replaced the first: %q", a.AckedBy)
	}
	// The time to first response is reported: a1 started 2 h before its ack.
	w = do(t, h, "GET", "/api/alerts?brand=Acme&range=24h", nil)
	var acked AlertsResponse
	if err := json.Unmarshal(w.Body.Bytes(), &acked); err != nil {
		t.Fatalf("alerts: %v %s", err, w.Body)
	}
	if want := (ResponseTimes{Alerts: 2, Acknowledged: 1, MedianSeconds: 7200, P90Seconds: 7200}); acked.Response != want {
		t.Errorf("response times %+v, want %+v", acked.Response, want)
	}
	if w = do(t, h, "GET", "/?brand=Acme&range=24h", nil); !strings.Contains(w.Body.String(), "Time to first response: median <strong>2h0m0s</strong>") {
		t.Errorf("page lacks the time to first response")
	}

	// The page's button posts a form and gets the alerts section back.
	w = do(t, h, "POST", "/ui/alerts/a1/resolve?brand=Acme&range=24h", strings.NewReader(""),
		"Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true", "Sec-Fetch-Site", "same-origin", "X-CSRF-Token", h.csrfToken)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="alerts"`) || !strings.Contains(w.Body.String(), "Resolved.") {
		t.Fatalf("resolve: %d %s", w.Code, w.Body)
	}
	if a, _ = st.Alert(ctx, "a1"); a.State != mw.Resolved || !a.ResolvedAt.Equal(testNow) || a.AckedBy != "rina" {
		t.Errorf("after resolve: %+v", a)
	}

	w = do(t, h, "POST", "/api/silences", strings.NewReader(`{"brand":"Acme","scope":"aspect:delivery","for":"4h","reason":"known courier outage"}`),
		"Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
	if w.Code != http.StatusCreated {
		t.Fatalf("silence: %d %s", w.Code, w.Body)
	}
	ss, err := st.Silences(ctx, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 1 || ss[0].Scope != "aspect:delivery" || !ss[0].Until.Equal(testNow.Add(4*time.Hour)) || ss[0].CreatedBy != "dashboard" {
		t.Errorf("silences: %+v", ss)
	}
	var ar AlertsResponse
	getJSON(t, h, "/api/alerts?brand=Acme&range=24h", &ar)
	if len(ar.Silences) != 1 || !ar.Alerts[1].Silenced && !ar.Alerts[0].Silenced {
		t.Errorf("alert not shown as silenced: %+v", ar)
	}

	// The form on the page.
	form := url.Values{"brand": {"Acme"}, "scope": {"mention"}, "for": {"1d"}}
	w = do(t, h, "POST", "/ui/silences?brand=Acme&range=24h", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", h.csrfToken)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Silenced critical mentions until") {
		t.Errorf("silence form: %d %s", w.Code, w.Body)
	}
	// The confirmation words the scope as the silences list does.
	form.Set("scope", "stage:amot")
	w = do(t, h, "POST", "/ui/silences?brand=Acme&range=24h", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", h.csrfToken)
	if want := "Silenced " + html.EscapeString(alerts.ScopeLabel("stage:amot")) + " until"; w.Code != http.StatusOK || !strings.Contains(w.Body.String(), want) {
		t.Errorf("silence form: %d, no %q in %s", w.Code, want, w.Body)
	}

	for _, tc := range []struct {
		target, body string
		code         int
	}{
		{"/api/alerts/nope/ack", `{}`, http.StatusNotFound},
		{"/api/silences", `{"brand":"Acme"}`, http.StatusBadRequest},
		{"/api/silences", `{"for":"-1h"}`, http.StatusBadRequest},
		{"/api/silences", `{"for":"soon"}`, http.StatusBadRequest},
		{"/api/silences", `{"brand":"Nope","for":"1h"}`, http.StatusBadRequest},
		{"/api/silences", `{"for":"1h","colour":"red"}`, http.StatusBadRequest},
	} {
		if w := do(t, h, "POST", tc.target, strings.NewReader(tc.body), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken); w.Code != tc.code {
			t.Errorf("POST %s %s: %d %s; want %d", tc.target, tc.body, w.Code, w.Body, tc.code)
		}
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	for _, hdr := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "https://evil.example"},
	} {
		w := do(t, h, "POST", "/api/alerts/a1/ack", strings.NewReader(`{}`), append([]string{"Content-Type", "application/json", "X-CSRF-Token", h.csrfToken}, hdr...)...)
		if w.Code != http.StatusForbidden {
			t.Errorf("cross-origin ack with %v: %d; want 403", hdr, w.Code)
		}
	}
	if a, _ := st.Alert(context.Background(), "a1"); !a.AckedAt.IsZero() {
		t.Errorf("a cross-origin request acknowledged the alert")
	}
	// GETs from anywhere are fine (they change nothing).
	if w := do(t, h, "GET", "/api/sources", nil, "Sec-Fetch-Site", "cross-site"); w.Code != http.StatusOK {
		t.Errorf("cross-site GET: %d", w.Code)
	}
}

func TestCheckAuth(t *testing.T) {
	for _, tc := range []struct {
		cfg     mw.WebConfig
		wantErr string
	}{
		{mw.WebConfig{Listen: "127.0.0.1:8080"}, ""},
		{mw.WebConfig{Listen: "[::1]:8080"}, ""},
		{mw.WebConfig{Listen: "localhost:8080"}, ""},
		{mw.WebConfig{Listen: "0.0.0.0:8080"}, "web.token"},
		{mw.WebConfig{Listen: ":8080"}, "web.username and web.password"},
		{mw.WebConfig{Listen: "10.0.0.5:8080"}, "not a loopback address"},
		{mw.WebConfig{Listen: "0.0.0.0:8080", Token: "s3cret"}, ""},
		{mw.WebConfig{Listen: "0.0.0.0:8080", Username: "ops", Password: "pw"}, ""},
		{mw.WebConfig{Listen: "0.0.0.0:8080", Username: "ops"}, "web.password"},
		{mw.WebConfig{Listen: "8080"}, "host:port"},
		{mw.WebConfig{}, "web.listen"},
	} {
		err := CheckAuth(tc.cfg)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q: %v", tc.cfg.Listen, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v; want one naming %q", tc.cfg.Listen, err, tc.wantErr)
		}
	}
}

func TestServeRefusesWithoutCredentials(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := Serve(ctx, mw.WebConfig{Listen: "0.0.0.0:0"}, h, nil)
	if err == nil || !strings.Contains(err.Error(), "web.token") {
		t.Fatalf("Serve off loopback without credentials: %v; want a refusal naming web.token", err)
	}
}

func TestServeShutsDownOnCancel(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, mw.WebConfig{Listen: "127.0.0.1:0"}, h, nil) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve after cancel: %v", err)
	}
}

func TestTokenAndBasicAuth(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{Listen: "0.0.0.0:8080", Token: "s3cret", Username: "ops", Password: "pw"})
	for _, tc := range []struct {
		name string
		hdr  []string
		code int
	}{
		{"none", nil, http.StatusUnauthorized},
		{"wrong token", []string{"Authorization", "Bearer nope"}, http.StatusUnauthorized},
		{"token", []string{"Authorization", "Bearer s3cret"}, http.StatusOK},
		{"token, scheme in lower case", []string{"Authorization", "bearer s3cret"}, http.StatusOK}, // RFC 9110: the scheme is case-insensitive
		{"token, scheme in upper case", []string{"Authorization", "BEARER s3cret"}, http.StatusOK},
		{"wrong password", []string{"Authorization", "Basic b3BzOm5vcGU="}, http.StatusUnauthorized}, // ops:nope
		{"basic", []string{"Authorization", "Basic b3BzOnB3"}, http.StatusOK},                        // ops:pw
	} {
		for _, path := range []string{"/api/sources", "/", "/metrics"} {
			if w := do(t, h, "GET", path, nil, tc.hdr...); w.Code != tc.code {
				t.Errorf("%s %s: %d; want %d", tc.name, path, w.Code, tc.code)
			}
		}
	}
	if w := do(t, h, "GET", "/api/sources", nil); w.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("401 without WWW-Authenticate")
	}
	if w := do(t, h, "GET", "/healthz", nil); w.Code != http.StatusOK {
		t.Errorf("/healthz needs no credentials: %d", w.Code)
	}
	// Basic auth names who acknowledged.
	r := httptest.NewRequest("POST", "/api/alerts/a1/ack", strings.NewReader(`{"by":"someone else"}`))
	r.Host = "127.0.0.1:8080"
	r.Header.Set("Content-Type", "application/json")
	r.SetBasicAuth("ops", "pw")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var a Alert
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || a.AckedBy != "ops" {
		t.Errorf("ack with basic auth: %d %s", w.Code, w.Body)
	}
}

func TestHealthAndReady(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	if w := do(t, h, "GET", "/readyz", nil); w.Code != http.StatusOK {
		t.Errorf("/readyz: %d %s", w.Code, w.Body)
	}
	st.Close()
	if w := do(t, h, "GET", "/readyz", nil); w.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the store closed: %d; want 503", w.Code)
	}
	if w := do(t, h, "GET", "/healthz", nil); w.Code != http.StatusOK {
		t.Errorf("/healthz: %d", w.Code)
	}
}

// TestGivenNameClippedToWholeCharacters: a "by" name past 64 bytes is cut
// at a character boundary, never inside one (which stores invalid UTF-8).
func TestGivenNameClippedToWholeCharacters(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	by := "a" + strings.Repeat("é", 40) // 81 bytes; byte 64 is inside an é
	w := do(t, h, "POST", "/api/alerts/a1/ack", strings.NewReader(`{"by":"`+by+`"}`), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
	if w.Code != http.StatusOK {
		t.Fatalf("ack: %d %s", w.Code, w.Body)
	}
	a, err := st.Alert(context.Background(), "a1")
	if err != nil {
		t.Fatal(err)
	}
	if want := "a" + strings.Repeat("é", 31); a.AckedBy != want {
		t.Errorf("acked by %q (valid UTF-8: %v), want %q", a.AckedBy, utf8.ValidString(a.AckedBy), want)
	}
}

// TestSilenceScopeChecked: a silence whose scope no alert can have (a
// typo, a capital letter, a stage or aspect that does not exist) would
// mute nothing while the 201 said it was saved; it is a 400 naming the
// valid scopes, and every scope an alert has is taken.
func TestSilenceScopeChecked(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	for _, tc := range []struct{ scope, want string }{
		{"aspect:Delivery", `scope "aspect:Delivery" is not known; names are case-sensitive: did you mean "aspect:delivery"?`},
		{"stage:amott", `scope "stage:amott" is not known: did you mean "stage:amot"?`},
		{"delivery", `scope "delivery" is not known`},
		{"stage:unknown", `scope "stage:unknown" is not known`},
	} {
		body := `{"brand":"Acme","scope":"` + tc.scope + `","for":"4h"}`
		w := do(t, h, "POST", "/api/silences", strings.NewReader(body), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
		var e apiError
		json.Unmarshal(w.Body.Bytes(), &e)
		if w.Code != http.StatusBadRequest || !strings.HasPrefix(e.Error, tc.want) || !strings.Contains(e.Error, "valid: brand, mention, volume, stage:zmot") {
			t.Errorf("silence scope %q: %d %q; want 400 starting %q and listing the valid scopes", tc.scope, w.Code, e.Error, tc.want)
		}
	}
	ss, err := st.Silences(context.Background(), testNow)
	if err != nil || len(ss) != 0 {
		t.Fatalf("silences after refusals: %+v, %v; want none", ss, err)
	}
	for _, scope := range []string{"", "brand", "mention", "volume", "stage:amot", "aspect:delivery"} {
		body := `{"brand":"Acme","scope":"` + scope + `","for":"4h"}`
		if w := do(t, h, "POST", "/api/silences", strings.NewReader(body), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken); w.Code != http.StatusCreated {
			t.Errorf("silence scope %q: %d %s; want 201", scope, w.Code, w.Body)
		}
	}
}
