package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// syncBuffer collects a process's stderr while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFailingRunLogsNoSecret runs the daemon (twice, one notifier each) with every secret a config
// can hold — feed credentials in URLs, API keys and tokens, a Slack
// webhook URL, a webhook URL with a query secret and its signing secret,
// the dashboard token — while the notifiers point at closed ports and the
// sources at closed ports or failing servers. A critical mention makes the
// alert loop try both notifiers. No log line may carry any of the secrets.
func TestFailingRunLogsNoSecret(t *testing.T) {
	bin := buildBinary(t)
	now := time.Now().UTC()
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.rss":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>news</title>
<item><guid>crit-1</guid><title>Acme faces a lawsuit over food poisoning</title><link>https://news.example/acme-lawsuit</link>
<description>Customers are furious: Acme food poisoning lawsuit filed today, a terrible and dangerous failure.</description><pubDate>%s</pubDate></item>
</channel></rss>`, now.Add(-time.Minute).Format(time.RFC1123Z))
		case "/x/2/tweets/search/recent":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`))
		default:
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}))
	defer feed.Close()
	down := closedPort(t)

	secrets := map[string]string{
		"feed password":       "FeedPassw0rdXq9",
		"feed query token":    "FeedQueryTok3nZ7",
		"feed api key":        "FeedApiKeyVv55Rr",
		"x bearer":            "AAAAXBearerTokenQq1",
		"youtube key":         "AIzaYoutubeKey77Lm",
		"reddit client id":    "RedditClientId9Kk",
		"reddit secret":       "RedditS3cretPp0",
		"slack webhook token": "SlackHookTok3nWw8",
		"webhook query":       "WebhookQuerySecret4Tt",
		"webhook hmac":        "WebhookHmacSecret6Yy",
		"web token":           "WebDashTok3nUu2",
	}
	config := func(notifiers string) string {
		return fmt.Sprintf(`brands:
  - name: Acme
    keywords: [acme]
sources:
  - {name: news, type: rss, url: "%[1]s/feed.rss", interval: 1h}
  - {name: down-feed, type: rss, url: "http://reader:%[3]s@%[2]s/feed?token=%[4]s", interval: 1h}
  - {name: failing-feed, type: rss, url: "%[1]s/broken?api_key=%[5]s&since=1", interval: 1h}
  - {name: x, type: x, bearer_token: "${X_BEARER}", base_url: "%[1]s/x", interval: 1h}
  - {name: yt, type: youtube, api_key: "${YT_KEY}", base_url: "%[1]s/yt", interval: 1h}
  - {name: reddit, type: reddit, client_id: "${REDDIT_ID}", client_secret: "${REDDIT_SECRET}", username: tester,
     token_url: "http://%[2]s/api/v1/access_token", api_url: "http://%[2]s", interval: 1h}
http:
  allow_loopback: true
  retry_max: -1
store:
  type: embedded
  path: %[6]q
  spool_dir: %[7]q
alerts:
  bucket: 1m
  critical:
    keywords: [lawsuit, food poisoning]
notifiers:
%[8]s
web:
  listen: 127.0.0.1:0
  token: ${WEB_TOKEN}
log: {level: debug}
`, feed.URL, down, secrets["feed password"], secrets["feed query token"], secrets["feed api key"],
			filepath.Join(t.TempDir(), "mw.db"), filepath.Join(t.TempDir(), "spool"), notifiers)
	}
	// The alert loop tries notifiers one after the other, each for up to
	// two minutes, so each notifier gets a daemon of its own; they run side
	// by side.
	type run struct {
		cmd    *exec.Cmd
		stderr *syncBuffer
		wants  []string
	}
	start := func(notifiers string, wants ...string) run {
		dir := t.TempDir()
		cfgPath := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(cfgPath, []byte(config(notifiers)), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "run", "-c", cfgPath)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(),
			"X_BEARER="+secrets["x bearer"], "YT_KEY="+secrets["youtube key"],
			"REDDIT_ID="+secrets["reddit client id"], "REDDIT_SECRET="+secrets["reddit secret"],
			"SLACK_WEBHOOK_URL=http://"+down+"/services/T0/B0/"+secrets["slack webhook token"],
			"ALERT_WEBHOOK_URL=http://"+down+"/hooks/mentionwatch?auth="+secrets["webhook query"]+"&team=ops",
			"ALERT_WEBHOOK_SECRET="+secrets["webhook hmac"], "WEB_TOKEN="+secrets["web token"])
		r := run{cmd: cmd, stderr: &syncBuffer{}, wants: append(wants, "source=down-feed", "source=failing-feed", "source=x", "source=yt", "source=reddit")}
		cmd.Stderr, cmd.Stdout = r.stderr, r.stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	runs := []run{
		start("  slack:\n    webhook_url: ${SLACK_WEBHOOK_URL}\n", "notifier=slack"),
		start("  webhook:\n    url: ${ALERT_WEBHOOK_URL}\n    secret: ${ALERT_WEBHOOK_SECRET}\n", "notifier=webhook"),
	}
	// Wait until each daemon's notifier has failed and every source has
	// run (a deadline, not a timing assertion).
	deadline := time.Now().Add(2 * time.Minute)
	var out strings.Builder
	for _, r := range runs {
		for {
			missing := ""
			for _, w := range r.wants {
				if !strings.Contains(r.stderr.String(), w) {
					missing = w
					break
				}
			}
			if missing == "" {
				break
			}
			if time.Now().After(deadline) {
				for _, r := range runs {
					r.cmd.Process.Kill()
					r.cmd.Wait()
				}
				t.Fatalf("the failing run never logged %q:\n%s", missing, r.stderr.String())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	for _, r := range runs {
		r.cmd.Process.Signal(syscall.SIGINT)
		r.cmd.Wait()
		out.WriteString(r.stderr.String())
	}

	sc := bufio.NewScanner(strings.NewReader(out.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	lines := 0
	for sc.Scan() {
		lines++
		for what, s := range secrets {
			if strings.Contains(sc.Text(), s) {
				t.Errorf("log line carries the %s:\n%s", what, sc.Text())
			}
		}
	}
	if !strings.Contains(out.String(), "<secret>") {
		t.Errorf("no line shows <secret>: the run did not log what this test checks:\n%s", out.String())
	}
	t.Logf("%d log lines checked for %d secrets", lines, len(secrets))
	if testing.Verbose() {
		t.Log(out.String())
	}
}
