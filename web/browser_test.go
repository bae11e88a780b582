package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/internal/demo"
	"github.com/mentionwatch/mentionwatch/scoring"
	"github.com/mentionwatch/mentionwatch/store"
)

// browserProbe would change the page if the browser ran it: a script sets
// the title, a broken image's handler adds an element.
const browserProbe = `<script>document.title='XSS-RAN'</script><img src="/nope.png" onerror="document.body.appendChild(document.createElement('xss-ran'))">`

// chromium finds Debian's chromium. Without it the test skips locally and
// fails in CI (CI=true), where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if chtest.InCI() {
		t.Fatal("chromium is not installed (CI=true: the browser test must run; apt-get install chromium)")
	}
	t.Skip("chromium is not installed")
	return ""
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// seedDemo stores the demo day scored by the real pipeline, an alert at
// the complaint burst, and a negative, far-reaching mention carrying the
// probe.
func seedDemo(t *testing.T, st store.Store, now time.Time) []mw.Brand {
	t.Helper()
	cfg, err := mw.ParseConfig("demo.yaml", []byte(demo.ConfigYAML("http://127.0.0.1:1", "demo.db")), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	var raw []mw.Mention
	for _, p := range demo.Posts(now) {
		raw = append(raw, mw.Mention{Source: "demo-" + p.Feed, Type: "rss", NativeID: p.ID, URL: p.URL, Author: p.Author,
			Title: p.Title, Text: p.Text, Published: p.Published, Collected: now})
	}
	ms := scoring.NewPipeline(cfg.Brands, scoring.NewScorer(cfg.Brands)).Process(raw, nil)
	probe := mw.Mention{Brand: "Acme", Source: "demo-community", Type: "rss", NativeID: "probe", URL: "https://community.example.org/p/probe",
		Author: "mallory", AuthorReach: 90000, Title: browserProbe, Text: "Acme never delivered my order. " + browserProbe,
		Published: now.Add(-90 * time.Minute), Collected: now, Lang: "en", Sentiment: -0.95, Label: mw.Negative, Stage: mw.AMOT,
		StageConfidence: 0.9, Aspects: []string{"delivery"}, Reach: 50}
	probe.ID = mw.MentionID(probe.Brand, probe.Type, probe.NativeID)
	ms = append(ms, probe)
	ctx := context.Background()
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	start := demo.BurstStart(now)
	if err := st.SaveAlert(ctx, mw.Alert{ID: "burst", Brand: "Acme", Kind: mw.AlertSpike, Scope: "aspect:delivery", State: mw.Firing,
		StartedAt: start, UpdatedAt: start, Count: 13, Baseline: 0.5, Factor: 13, NegShare: 1,
		Summary: "13 negative delivery mentions " + browserProbe, MentionIDs: []string{probe.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSourceState(ctx, store.SourceState{Source: "demo-news", Type: "rss", LastRun: now, LastSuccess: now, ItemsLastRun: 12, TotalItems: 60}); err != nil {
		t.Fatal(err)
	}
	return cfg.Brands
}

// demoServer serves the seeded demo day until the test ends.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	st := openStore(t)
	brands := seedDemo(t, st, time.Now().UTC())
	h, err := New(Options{Store: st, Brands: brands})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TEST_ARTIFACTS_DIR")
	if dir == "" {
		dir = filepath.Join("testdata", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBrowserRendersChartsAndProbeStaysInert(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	bin := chromium(t)

	// Control: the same probe on a page that does not escape it runs, so
	// the checks below would see it if the dashboard let it through.
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><html><head><title>control</title></head><body>" + browserProbe + "</body></html>"))
	}))
	defer control.Close()
	br := openBrowser(t, bin, 1280, 2000)
	dom := br.load(control.URL, `document.querySelector("xss-ran")`)
	if !strings.Contains(dom, "XSS-RAN") || !strings.Contains(dom, "<xss-ran>") {
		t.Fatalf("control: the probe did not run on an unescaped page, so this test could not detect it:\n%s", tail(dom, 1000))
	}

	srv := demoServer(t)
	url := srv.URL + "/?brand=Acme&range=24h"

	// Wait until both charts are drawn (or failed), not for a time budget.
	dom = br.load(url, `document.querySelectorAll('.chart[data-rendered="true"], .chart .error').length >= 2`)
	// The server sends no canvas: uPlot draws two once the API answers.
	if n := strings.Count(dom, "<canvas"); n < 2 {
		t.Errorf("%d canvases in the rendered page; want the volume and share-of-voice charts:\n%s", n, tail(dom, 3000))
	}
	if n := strings.Count(dom, `data-rendered="true"`); n != 2 {
		t.Errorf("%d charts marked rendered; want 2", n)
	}
	if !regexp.MustCompile(`class="uplot[^"]*"`).MatchString(dom) {
		t.Errorf("no uPlot chart element in the rendered page")
	}
	if strings.Contains(dom, "Could not load chart") {
		t.Errorf("a chart failed to load")
	}
	if m := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(dom); m == nil || m[1] != "mentionwatch · Acme" {
		t.Errorf("title %v: the probe ran or the page changed it", m)
	}
	if strings.Contains(dom, "<xss-ran") || strings.Contains(dom, "XSS-RAN'</script>") {
		t.Errorf("the probe ran or sits in the DOM as markup")
	}
	if !strings.Contains(dom, "&lt;script&gt;document.title='XSS-RAN'&lt;/script&gt;") {
		t.Errorf("the probe's text is not shown escaped")
	}
	for _, want := range []string{"AMOT: waiting for delivery", "Roboclean", "Acknowledge", "demo-news"} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}

	shot := filepath.Join(artifactsDir(t), "dashboard.png")
	b := br.screenshot()
	if err := os.WriteFile(shot, b, 0o644); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG")) || len(b) < 20000 {
		t.Errorf("screenshot %s: %d bytes, not a PNG of a rendered page", shot, len(b))
	}
	t.Logf("screenshot saved to %s", shot)
}

// TestBrowserDeepLinkFocusesAlert: /#alert=<id> shows that alert at the top
// of the page, focused, with its evidence, and marks its row in the list;
// an unknown id says so in place.
func TestBrowserDeepLinkFocusesAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	bin := chromium(t)
	srv := demoServer(t)

	br := openBrowser(t, bin, 1280, 1400)
	// Wait until the page has focused the alert (app.js marks it).
	focused := `document.querySelector('#alert-focus [data-focused="true"]')`
	dom := br.load(srv.URL+"/#alert=burst", focused)
	focus := regexp.MustCompile(`(?s)<section id="alert-focus"[^>]*>(.*?)</section>`).FindStringSubmatch(dom)
	if focus == nil {
		t.Fatalf("no #alert-focus section in the rendered page:\n%s", tail(dom, 3000))
	}
	if strings.Contains(dom, `<section id="alert-focus" class="wide" aria-live="polite" hidden`) {
		t.Errorf("#alert-focus is still hidden")
	}
	for _, want := range []string{`data-alert="burst"`, `data-focused="true"`, "Spike in negative mentions of Acme (delivery and shipping)",
		"13 negative in 5 min; usually 0–2", "Acme never delivered my order."} {
		if !strings.Contains(focus[1], want) {
			t.Errorf("focused alert lacks %q:\n%s", want, focus[1])
		}
	}
	if !regexp.MustCompile(`<tr class="alert firing spike focused"[^>]*data-alert="burst"`).MatchString(dom) {
		t.Errorf("the alert's row is not marked focused")
	}
	if strings.Contains(dom, "<xss-ran") || strings.Contains(dom, "XSS-RAN'</script>") {
		t.Errorf("the probe ran or sits in the DOM as markup")
	}
	if ia, iv := strings.Index(dom, `id="alerts"`), strings.Index(dom, `id="volume"`); ia < 0 || ia > iv {
		t.Errorf("the alerts panel is not above the volume chart (%d, %d)", ia, iv)
	}

	shot := filepath.Join(artifactsDir(t), "alert-focus.png")
	if err := os.WriteFile(shot, br.screenshot(), 0o644); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	t.Logf("screenshot saved to %s", shot)

	br.load("about:blank", "true") // a new document, not a hash change
	dom = br.load(srv.URL+"/#alert=nope", focused)
	if !strings.Contains(dom, `data-alert-missing="nope"`) || !strings.Contains(dom, "Alert nope was not found") {
		t.Errorf("an unknown alert id is not reported in place:\n%s", tail(dom, 2000))
	}
}

// The alerts list refreshes every minute; a Silence duration chosen but not
// yet sent must survive it. The refresh's request is cancelled while the
// choice stands (htmx:beforeRequest on the list, as htmx's poll sends it).
func TestBrowserRefreshKeepsAChosenSilenceDuration(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	bin := chromium(t)
	srv := demoServer(t)
	br := openBrowser(t, bin, 1280, 1400)
	br.load(srv.URL+"/", `document.querySelector('#alerts select[name="for"]')`)
	var got string
	br.eval(`(() => {
		const list = document.querySelector('#alerts');
		const poll = () => {
			const e = new CustomEvent('htmx:beforeRequest', {bubbles: true, cancelable: true, detail: {elt: list}});
			list.dispatchEvent(e);
			return e.defaultPrevented;
		};
		const untouched = poll();
		const sel = list.querySelector('select[name="for"]');
		sel.value = '1h';
		sel.dispatchEvent(new Event('change', {bubbles: true}));
		const chosen = poll();
		const form = sel.form;
		const e = new CustomEvent('htmx:beforeRequest', {bubbles: true, cancelable: true, detail: {elt: form}});
		form.dispatchEvent(e);
		return [untouched, chosen, e.defaultPrevented].join(',');
	})()`, &got)
	if got != "false,true,false" {
		t.Errorf("refresh cancelled (untouched, duration chosen, the Silence form's own request) = %s; want false,true,false", got)
	}
}
