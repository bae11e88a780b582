package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestCollectOnceInterrupted: SIGINT during `collect --once` (the context
// ends while the second of three sources is fetching) stores what the
// first collected, runs no further source, names the sources that did not
// finish and fails, instead of reporting them "ok" and exiting 0.
func TestCollectOnceInterrupted(t *testing.T) {
	ctx, interrupt := context.WithCancelCause(context.Background())
	defer interrupt(nil)
	var (
		mu        sync.Mutex
		requested []string
	)
	now := time.Now().UTC()
	feeds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requested = append(requested, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/slow.rss":
			interrupt(interruptSignal{})
			<-r.Context().Done() // still fetching when the stop comes
			return
		case "/fast.rss":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>`)
			for i := range 5 {
				fmt.Fprintf(w, "<item><title>Acme post %d</title><link>https://news.example/%d</link><guid>fast-%d</guid><pubDate>%s</pubDate><description>Acme delivery is late again</description></item>",
					i, i, i, now.Add(-time.Duration(i)*time.Minute).Format(time.RFC1123Z))
			}
			fmt.Fprint(w, "</channel></rss>")
		default:
			http.NotFound(w, r)
		}
	}))
	defer feeds.Close()

	dir := t.TempDir()
	db := filepath.Join(dir, "mw.db")
	text := fmt.Sprintf(`brands:
  - name: Acme
    keywords: [acme]
sources:
  - {name: fast, type: rss, url: "%[1]s/fast.rss"}
  - {name: slow, type: rss, url: "%[1]s/slow.rss"}
  - {name: later, type: rss, url: "%[1]s/later.rss"}
http: {allow_loopback: true, per_host_rps: 100, per_host_burst: 100}
store: {path: %[2]q, spool_dir: %[3]q}
log: {level: error}
`, feeds.URL, db, filepath.Join(dir, "spool"))
	a := testApp(t, text)
	var out, errOut strings.Builder
	err := a.collectOnce(ctx, a.sources, &out, &errOut, false)
	if cerr := a.close(); cerr != nil {
		t.Fatal(cerr)
	}
	want := "interrupted (interrupt signal received): 2 of 3 sources did not finish: slow, later"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
	for _, line := range []string{"fast: items=5 ok", "slow: items=0 interrupted", "later: not run: interrupted", "interrupted=2"} {
		if !strings.Contains(errOut.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, errOut.String())
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range requested {
		if p == "/later.rss" {
			t.Errorf("a source ran after the interrupt: %q", requested)
		}
	}
	if n, _ := countMentions(t, db); n != 5 {
		t.Errorf("stored %d mentions of the source that finished, want 5", n)
	}
}

// interruptSignal is the cause signal.NotifyContext gives its context on
// SIGINT: it reads as the signal and is context.Canceled.
type interruptSignal struct{}

func (interruptSignal) Error() string        { return "interrupt signal received" }
func (interruptSignal) Is(target error) bool { return target == context.Canceled }

// testApp parses the config text and wires a process's worth of it
// (newApp); the caller closes it.
func testApp(t *testing.T, text string) *app {
	t.Helper()
	cfg, err := mw.ParseConfig("c.yaml", []byte(text), os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, newLogger(cfg.Log))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCollectOnceRedactsSourceErrors: `collect --once` printed each failed
// source's error as it was, where the log line of the same error passes
// through redact: a server that quotes a source's secret back (here a PDS
// echoing the app password of a refused login) had it printed on the
// terminal. The line now shows <secret>, as the log does.
func TestCollectOnceRedactsSourceErrors(t *testing.T) {
	const password = "abcd-efgh-ijkl-mnop"
	pds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":"AuthenticationRequired","message":"Invalid identifier or password %s"}`, password)
	}))
	defer pds.Close()
	dir := t.TempDir()
	text := fmt.Sprintf(`brands: [{name: Acme, keywords: [acme]}]
sources:
  - {name: sky, type: bluesky, handle: acme.bsky.social, app_password: %q, service: %q}
http: {allow_loopback: true}
store: {path: %q, spool_dir: %q}
log: {level: error}
`, password, pds.URL, filepath.Join(dir, "mw.db"), filepath.Join(dir, "spool"))
	a := testApp(t, text)
	var out, errOut strings.Builder
	err := a.collectOnce(context.Background(), a.sources, &out, &errOut, false)
	if cerr := a.close(); cerr != nil {
		t.Fatal(cerr)
	}
	if err == nil || !strings.Contains(errOut.String(), "sky: items=0 error: ") {
		t.Fatalf("err = %v, output:\n%s\nwant sky's error", err, errOut.String())
	}
	if strings.Contains(errOut.String(), password) || !strings.Contains(errOut.String(), "<secret>") {
		t.Errorf("the app password is printed:\n%s", errOut.String())
	}
}
