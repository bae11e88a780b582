package alertmanager

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

func newAM(t *testing.T, base string, resend time.Duration, ctx context.Context) *Alertmanager {
	t.Helper()
	a := &Alertmanager{URL: base, ResendInterval: mw.Duration(resend), Labels: map[string]string{"env": "test"}}
	err := a.Init(notify.Env{Name: "alertmanager", HTTP: &http.Client{Timeout: 5 * time.Second}, Now: time.Now,
		Log: slog.New(slog.DiscardHandler), Context: ctx})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAlertLabelsAndEscaping(t *testing.T) {
	n := notify.Sample(time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC), "https://dash.example/")
	n.Alert.Scope = "stage+aspect:amot/delivery"
	pa := Alert(alerts.Presentation{}, n, map[string]string{"env": "prod"}, time.Time{})
	want := map[string]string{"alertname": "MentionwatchNegativeSpike", "brand": notify.SampleBrand, "scope": "stage+aspect:amot/delivery",
		"stage": "amot", "aspect": "delivery", "severity": "spike", "env": "prod", "alert_id": n.Alert.ID}
	for k, v := range want {
		if pa.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, pa.Labels[k], v)
		}
	}
	if pa.GeneratorURL != "https://dash.example/#alert="+n.Alert.ID {
		t.Errorf("generatorURL %q", pa.GeneratorURL)
	}
	// Annotations are data: the hostile text arrives literally (every
	// Alertmanager template escapes it for its own receiver), and the JSON
	// body carries no raw markup.
	if !strings.Contains(pa.Annotations["evidence"], notify.Hostile) {
		t.Errorf("evidence lost the literal text: %q", pa.Annotations["evidence"])
	}
	body, _ := json.Marshal([]PostableAlert{pa})
	for _, raw := range []string{"<b>", "</a>", "<!channel>"} {
		if strings.Contains(string(body), raw) {
			t.Errorf("raw %q in the JSON body", raw)
		}
	}
	if !strings.Contains(pa.Annotations["links"], "https://example.com/post/1") || strings.Contains(pa.Annotations["links"], "javascript:") {
		t.Errorf("links %q", pa.Annotations["links"])
	}
}

func TestStatusClasses(t *testing.T) {
	for _, c := range []struct {
		status    int
		body      string
		permanent bool
	}{
		{400, `"start time must be before end time"`, true},
		{500, `"internal"`, false},
		{503, ``, false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(c.status)
			io.WriteString(w, c.body)
		}))
		a := newAM(t, srv.URL, time.Minute, context.Background())
		err := a.Send(context.Background(), notify.Sample(time.Now(), ""))
		var de *alerts.DeliveryError
		if !errors.As(err, &de) || de.Permanent != c.permanent {
			t.Errorf("HTTP %d: err %v, want permanent=%v", c.status, err, c.permanent)
		}
		srv.Close()
	}
}

// startAlertmanager starts Debian's Alertmanager on a free loopback port
// with a temporary storage directory and returns its base URL. It skips
// when the binary is absent, except under CI=true.
func startAlertmanager(t *testing.T) string {
	t.Helper()
	bin := "/usr/bin/prometheus-alertmanager"
	if _, err := os.Stat(bin); err != nil {
		if b, err := exec.LookPath("alertmanager"); err == nil {
			bin = b
		} else if os.Getenv("CI") == "true" {
			t.Fatal("prometheus-alertmanager is not installed: .ci/run installs it (apt-get install prometheus-alertmanager)")
		} else {
			t.Skip("prometheus-alertmanager not installed (apt-get install prometheus-alertmanager)")
		}
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfg, []byte("route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=", "--log.level=warn")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("alertmanager output:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	waitFor(t, "Alertmanager ready", func() bool {
		resp, err := http.Get(base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return base
}

// waitFor polls cond until it holds; it fails after a minute (a bound on
// a hang, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// gettableAlert is what GET /api/v2/alerts returns, the fields we check.
type gettableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Status       struct {
		State string `json:"state"`
	} `json:"status"`
}

func listAlerts(t *testing.T, base string) []gettableAlert {
	t.Helper()
	resp, err := http.Get(base + "/api/v2/alerts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []gettableAlert
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("GET /api/v2/alerts: %v", err)
	}
	return out
}

func TestRealAlertmanagerFiringRepostResolved(t *testing.T) {
	base := startAlertmanager(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newAM(t, base, time.Second, ctx)
	n := notify.Sample(time.Now(), "http://127.0.0.1:8080/")
	n.Alert.Scope = "stage:amot"
	if err := alerts.Deliver(ctx, a, n, time.Minute, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	var first gettableAlert
	waitFor(t, "the alert active", func() bool {
		for _, g := range listAlerts(t, base) {
			if g.Labels["alert_id"] == n.Alert.ID && g.Status.State == "active" {
				first = g
				return true
			}
		}
		return false
	})
	want := map[string]string{"alertname": "MentionwatchNegativeSpike", "brand": notify.SampleBrand, "scope": "stage:amot", "stage": "amot", "severity": "spike", "env": "test"}
	for k, v := range want {
		if first.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, first.Labels[k], v)
		}
	}
	if !strings.Contains(first.Annotations["evidence"], notify.Hostile) || first.Annotations["summary"] == "" {
		t.Errorf("annotations %v", first.Annotations)
	}
	if first.GeneratorURL != "http://127.0.0.1:8080/#alert="+n.Alert.ID {
		t.Errorf("generatorURL %q", first.GeneratorURL)
	}
	// The background re-post moves endsAt on while the alert fires.
	waitFor(t, "a re-post extending endsAt", func() bool {
		for _, g := range listAlerts(t, base) {
			if g.Labels["alert_id"] == n.Alert.ID && g.EndsAt.After(first.EndsAt) {
				return true
			}
		}
		return false
	})
	n.Alert.State = mw.Resolved
	n.Alert.ResolvedAt = time.Now().Add(-time.Second)
	if err := alerts.Deliver(ctx, a, n, time.Minute, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	// Resolved alerts leave the API's list of active ones.
	waitFor(t, "the alert resolved", func() bool {
		for _, g := range listAlerts(t, base) {
			if g.Labels["alert_id"] == n.Alert.ID {
				return false
			}
		}
		return true
	})
	a.mu.Lock()
	left := len(a.firing)
	a.mu.Unlock()
	if left != 0 {
		t.Errorf("%d alerts still re-posted after resolve", left)
	}
}

// A label Alertmanager would refuse (400 on every send) is a config error
// at start, as is one that would replace a built-in label.
func TestInitChecksLabelNames(t *testing.T) {
	for name, want := range map[string]string{
		"env":       "",
		"team_2":    "",
		"bad-name":  "not a Prometheus label name",
		"":          "not a Prometheus label name",
		"2fast":     "not a Prometheus label name",
		"__reserve": "not a Prometheus label name",
		"brand":     "set by mentionwatch",
	} {
		a := &Alertmanager{URL: "http://127.0.0.1:9093", Labels: map[string]string{name: "x"}}
		err := a.Init(notify.Env{Name: "alertmanager", HTTP: http.DefaultClient, Now: time.Now})
		switch {
		case want == "" && err != nil:
			t.Errorf("label %q: %v", name, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("label %q: err = %v, want it to say %q", name, err, want)
		}
	}
}

// TestRealAlertmanagerResumedAfterRestart: a new process forgot the alerts
// the old one was keeping alive, so Alertmanager resolved them 4 intervals
// later and told its receivers they had resolved while they still fired.
// The loop now resumes them at start (alerts.Resumer): the new process
// re-posts them without sending them again as new.
func TestRealAlertmanagerResumedAfterRestart(t *testing.T) {
	base := startAlertmanager(t)
	ctx1, stop1 := context.WithCancel(context.Background())
	a1 := newAM(t, base, time.Second, ctx1)
	n := notify.Sample(time.Now(), "http://127.0.0.1:8080/")
	if err := alerts.Deliver(ctx1, a1, n, time.Minute, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	var last time.Time
	waitFor(t, "the alert active", func() bool {
		for _, g := range listAlerts(t, base) {
			if g.Labels["alert_id"] == n.Alert.ID && g.Status.State == "active" {
				last = g.EndsAt
				return true
			}
		}
		return false
	})
	stop1() // the first process stops: nothing re-posts the alert any more

	ctx2, stop2 := context.WithCancel(context.Background())
	defer stop2()
	a2 := newAM(t, base, time.Second, ctx2)
	var _ alerts.Resumer = a2
	a2.Resume(n)
	waitFor(t, "the new process extending endsAt", func() bool {
		for _, g := range listAlerts(t, base) {
			if g.Labels["alert_id"] == n.Alert.ID && g.Status.State == "active" && g.EndsAt.After(last.Add(2*time.Second)) {
				return true
			}
		}
		return false
	})
	n.Alert.State, n.Alert.ResolvedAt = mw.Resolved, time.Now().Add(-time.Second)
	if err := alerts.Deliver(ctx2, a2, n, time.Minute, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	a2.mu.Lock()
	left := len(a2.firing)
	a2.mu.Unlock()
	if left != 0 {
		t.Errorf("%d alerts still re-posted after resolve", left)
	}
}

// TestFailedResolveStopsTheReposts: when the resolve could not be posted
// (Alertmanager down), the alert stayed on the re-post list, so once
// Alertmanager was back the re-posts could mark it firing again before
// the resolve's retry went through.
func TestFailedResolveStopsTheReposts(t *testing.T) {
	up := true
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if !up {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newAM(t, srv.URL, time.Minute, ctx)
	n := notify.Sample(time.Now(), "")
	if err := a.Send(ctx, n); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	up = false
	mu.Unlock()
	n.Alert.State, n.Alert.ResolvedAt = mw.Resolved, time.Now()
	if err := a.Send(ctx, n); err == nil {
		t.Fatal("the resolve went through a server answering 503")
	}
	a.mu.Lock()
	left := len(a.firing)
	a.mu.Unlock()
	if left != 0 {
		t.Errorf("a resolved alert is still re-posted as firing (%d on the list) while its resolve waits for a retry", left)
	}
}

// TestDropAlertIsNotASpike: a drop alert (a brand's mentions far below
// usual: a source may have gone silent) was posted with alertname
// MentionwatchNegativeSpike and severity spike, so Alertmanager routed,
// grouped and inhibited it as a wave of complaints. It has its own
// alertname and severity.
func TestDropAlertIsNotASpike(t *testing.T) {
	n := notify.Sample(time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC), "")
	for kind, want := range map[string][2]string{
		mw.AlertSpike:    {"MentionwatchNegativeSpike", "spike"},
		mw.AlertDrop:     {"MentionwatchMentionDrop", "drop"},
		mw.AlertCritical: {"MentionwatchCriticalMention", "critical"},
	} {
		n.Alert.Kind = kind
		pa := Alert(alerts.Presentation{}, n, nil, time.Time{})
		if pa.Labels["alertname"] != want[0] || pa.Labels["severity"] != want[1] {
			t.Errorf("%s: alertname %q severity %q, want %q %q", kind, pa.Labels["alertname"], pa.Labels["severity"], want[0], want[1])
		}
	}
}

// TestProxyErrorPageIsOneShortLine: a proxy in front of Alertmanager (the
// reason for bearer_token) answers trouble with an HTML page; the error
// quoted up to 4 KB of it, line breaks included, into every log line and
// the dashboard's delivery error. It keeps one line of at most 300
// characters.
func TestProxyErrorPageIsOneShortLine(t *testing.T) {
	page := "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n" + strings.Repeat("<p>upstream connect error or disconnect/reset before headers</p>\n", 60) + "</body>\n</html>\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, page)
	}))
	defer srv.Close()
	a := newAM(t, srv.URL, time.Minute, context.Background())
	err := a.Send(context.Background(), notify.Sample(time.Now(), ""))
	var de *alerts.DeliveryError
	if !errors.As(err, &de) || de.Permanent {
		t.Fatalf("err %v, want a retried DeliveryError", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || len(msg) > 500 || !strings.Contains(msg, "502 Bad Gateway") {
		t.Errorf("error of %d bytes, want one short line naming the status:\n%s", len(msg), msg)
	}
}

// TestAuthAndPathErrorsNameTheKey: a proxy's 401 or 403 and a 404 (url is
// not Alertmanager's: Prometheus's address, a wrong path prefix) said
// only "Unauthorized" or "Not Found". Each names the key to check.
func TestAuthAndPathErrorsNameTheKey(t *testing.T) {
	for status, want := range map[int]string{401: "notifiers.alertmanager.bearer_token", 403: "notifiers.alertmanager.bearer_token", 404: "notifiers.alertmanager.url"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
		}))
		a := newAM(t, srv.URL, time.Minute, context.Background())
		err := a.Send(context.Background(), notify.Sample(time.Now(), ""))
		var de *alerts.DeliveryError
		if !errors.As(err, &de) || !de.Permanent || !strings.Contains(err.Error(), want) {
			t.Errorf("HTTP %d: err %v, want a permanent error naming %s", status, err, want)
		}
		srv.Close()
	}
}
