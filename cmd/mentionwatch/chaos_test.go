//go:build chaos

// The chaos scenarios of issue 16 against the real daemon: the built
// binary, a local feed server and a private ClickHouse the test stops,
// freezes and restarts. Run them with `make chaos` (scripts/chaos.sh);
// they take about ten minutes and are not part of `make test`. Each prints
// one line: sent (items the feed published), stored (rows after merging),
// distinct (ids), lost (sent minus distinct) and redelivered (items the
// daemon handed to its sink more than once: a killed run's items are
// collected again by design; a repeat outside that would be counted twice).
package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
)

// chaosFeed publishes an RSS feed that grows by rate items a second while
// producing is on; it serves the newest window items (all when 0), and
// answers 403 while forbid is set.
type chaosFeed struct {
	mu        sync.Mutex
	prefix    string
	start     time.Time
	n         int // items published so far
	rate      float64
	window    int
	producing bool
	lastTick  time.Time
	forbid    bool
	forbidden int // 403s served
}

func (f *chaosFeed) advance(now time.Time) {
	if f.producing {
		due := int(now.Sub(f.lastTick).Seconds() * f.rate)
		if due > 0 {
			f.n += due
			f.lastTick = f.lastTick.Add(time.Duration(float64(due) / f.rate * float64(time.Second)))
		}
	} else {
		f.lastTick = now
	}
}

func (f *chaosFeed) setProducing(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.advance(time.Now())
	f.producing = on
	f.lastTick = time.Now()
}

func (f *chaosFeed) sent() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

func (f *chaosFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.advance(time.Now())
	if f.forbid {
		f.forbidden++
		f.mu.Unlock()
		http.Error(w, "Access denied: bot check", http.StatusForbidden)
		return
	}
	lo := 0
	if f.window > 0 {
		lo = max(0, f.n-f.window)
	}
	n, prefix, start := f.n, f.prefix, f.start
	f.mu.Unlock()
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>chaos</title><link>http://chaos.example/</link>`)
	for i := n - 1; i >= lo; i-- {
		words := []string{"great", "awful", "slow", "fine", "broken", "lovely"}
		fmt.Fprintf(&b, "<item><guid>%s-%d</guid><title>Acme post %d</title><link>http://chaos.example/%s/%d</link><description>Acme is %s today, item %d.</description><pubDate>%s</pubDate></item>",
			prefix, i, i, prefix, i, words[i%len(words)], i, start.Add(time.Duration(i)*time.Second).Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>")
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write(b.Bytes())
}

// daemon is one `mentionwatch run` process.
type daemon struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
}

type chaosRun struct {
	t       *testing.T
	bin     string
	dir     string
	cfgPath string
	dsn     string
	listen  string
	logs    []*syncBuffer
}

func (c *chaosRun) start() *daemon {
	buf := &syncBuffer{}
	cmd := exec.Command(c.bin, "run", "-c", c.cfgPath)
	cmd.Stderr = buf
	cmd.Dir = c.dir
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.logs = append(c.logs, buf)
	return &daemon{cmd: cmd, stderr: buf}
}

func (d *daemon) stop(t *testing.T) {
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("daemon exited with %v\n%s", err, tail(d.stderr.String(), 3000))
		}
	case <-time.After(90 * time.Second):
		d.cmd.Process.Kill()
		<-done
		t.Errorf("daemon did not stop within 90 s of SIGTERM")
	}
}

func (d *daemon) kill() {
	d.cmd.Process.Kill()
	d.cmd.Wait()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

var runItems = regexp.MustCompile(`msg="source run[^"]*"[^\n]*? items=(\d+)`)

// handed sums the items the daemon's runs handed to the sink (the items=
// of every "source run" line; a failed run's items were not acknowledged
// unless the line says so, but it is counted too: an upper bound).
func (c *chaosRun) handed() int {
	n := 0
	for _, l := range c.logs {
		for _, m := range runItems.FindAllStringSubmatch(l.String(), -1) {
			v, _ := strconv.Atoi(m[1])
			n += v
		}
	}
	return n
}

func (c *chaosRun) counts() (rows, distinct uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(c.dsn)}, nil)
	if err != nil {
		return 0, 0
	}
	defer st.Close()
	st.Conn().QueryRow(ctx, "SELECT count(), uniqExact(id) FROM "+st.MentionsTable()+" FINAL").Scan(&rows, &distinct)
	return rows, distinct
}

func (c *chaosRun) ready() int {
	cl := http.Client{Timeout: 2 * time.Second}
	res, err := cl.Get("http://" + c.listen + "/readyz")
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// newChaos writes a config for feed into a fresh directory and database.
func newChaos(t *testing.T, srv *chtest.Server, feedURL, spool string, extraStore string) *chaosRun {
	c := &chaosRun{t: t, bin: buildBinary(t), dir: t.TempDir(), dsn: chtest.FreshOn(t, srv.DSN()), listen: freeAddr(t)}
	if spool == "" {
		spool = filepath.Join(c.dir, "spool")
	}
	cfg := fmt.Sprintf(`brands:
  - name: Acme
    keywords: [acme]
sources:
  - {name: chaos, type: rss, url: %q, interval: 2s, max_items: 20000}
http: {per_host_rps: 50, per_host_burst: 10, max_body_bytes: 67108864, allow_loopback: true, timeout: 10s}
store:
  type: clickhouse
  dsn: %q
  spool_dir: %q
  flush_interval: 500ms
%s
web: {listen: %q}
log: {level: info}
`, feedURL, c.dsn, spool, extraStore, c.listen)
	c.cfgPath = filepath.Join(c.dir, "config.yaml")
	if err := os.WriteFile(c.cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

// settle waits until the store holds want distinct ids (or 3 minutes).
func (c *chaosRun) settle(want int) {
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		if _, d := c.counts(); int(d) >= want {
			return
		}
	}
}

func (c *chaosRun) report(name string, sent int, note string) {
	rows, distinct := c.counts()
	lost := sent - int(distinct)
	redelivered := c.handed() - int(distinct)
	line := fmt.Sprintf("chaos: %-22s sent=%-6d stored=%-6d distinct=%-6d lost=%-4d redelivered=%-5d %s", name, sent, rows, distinct, lost, redelivered, note)
	fmt.Println(line)
	if lost != 0 || int(rows) != int(distinct) {
		c.t.Errorf("%s", line)
	}
}

// outage runs the daemon while feed publishes: fault after 5 s, during
// halfway through phase (its note is returned), recover after phase; then
// the feed stops and the daemon stops once the store holds every item.
func (c *chaosRun) outage(feed *chaosFeed, phase time.Duration, fault func() error, during func() string, recover func() error) string {
	d := c.start()
	feed.setProducing(true)
	time.Sleep(5 * time.Second)
	if err := fault(); err != nil {
		c.t.Fatal(err)
	}
	time.Sleep(phase / 2)
	note := during()
	time.Sleep(phase / 2)
	if err := recover(); err != nil {
		c.t.Fatal(err)
	}
	// After a 403 storm the source may still be backing off: give it
	// time to come back before the feed stops.
	time.Sleep(5 * time.Second)
	feed.setProducing(false)
	c.settle(feed.sent())
	d.stop(c.t)
	return note
}

func startFeed(t *testing.T, prefix string, rate float64, window int) (*chaosFeed, string) {
	f := &chaosFeed{prefix: prefix, start: time.Now().Add(-time.Hour).UTC(), rate: rate, window: window, lastTick: time.Now()}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL + "/feed.rss"
}

func TestChaos(t *testing.T) {
	srv := chtest.StartPrivate(t)
	phase := 60 * time.Second
	if v := os.Getenv("CHAOS_PHASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatal(err)
		}
		phase = d
	}

	t.Run("clickhouse-stopped", func(t *testing.T) {
		feed, url := startFeed(t, "stop", 5, 2000)
		c := newChaos(t, srv, url, "", "")
		note := c.outage(feed, phase, srv.Stop, func() string { return fmt.Sprintf("readyz_during=%d", c.ready()) }, srv.Start)
		c.report("clickhouse stopped", feed.sent(), note)
	})

	t.Run("clickhouse-frozen", func(t *testing.T) {
		feed, url := startFeed(t, "freeze", 5, 2000)
		c := newChaos(t, srv, url, "", "")
		note := c.outage(feed, phase, srv.Freeze, func() string {
			start := time.Now()
			cl := http.Client{Timeout: 15 * time.Second}
			if res, err := cl.Get("http://" + c.listen + "/metrics"); err == nil {
				res.Body.Close()
			}
			return fmt.Sprintf("readyz_during=%d metrics_during=%s", c.ready(), time.Since(start).Round(time.Millisecond))
		}, srv.Thaw)
		c.report("clickhouse frozen", feed.sent(), note)
	})

	t.Run("spool-disk-full", func(t *testing.T) {
		mnt := filepath.Join(t.TempDir(), "tiny")
		os.MkdirAll(mnt, 0o755)
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt).CombinedOutput(); err != nil {
			t.Skipf("cannot mount a small tmpfs for the spool (needs root): %v %s", err, out)
		}
		defer exec.Command("umount", mnt).Run()
		feed, url := startFeed(t, "full", 5, 0)
		c := newChaos(t, srv, url, filepath.Join(mnt, "spool"), "")
		d := c.start()
		feed.setProducing(true)
		time.Sleep(5 * time.Second)
		srv.Stop()
		fullSeen := 0
		for end := time.Now().Add(phase); time.Now().Before(end); time.Sleep(2 * time.Second) {
			if c.ready() == http.StatusServiceUnavailable {
				fullSeen++
			}
		}
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second)
		feed.setProducing(false)
		c.settle(feed.sent())
		d.stop(t)
		log := strings.Join([]string{d.stderr.String()}, "")
		c.report("spool disk full", feed.sent(), fmt.Sprintf("readyz_503_polls=%d spool_full_logged=%v", fullSeen, strings.Contains(log, "spool full") || strings.Contains(log, "no space left")))
	})

	t.Run("kill-9-loop", func(t *testing.T) {
		feed, url := startFeed(t, "kill", 5, 2000)
		c := newChaos(t, srv, url, "", "")
		feed.setProducing(true)
		kills := 0
		for end := time.Now().Add(phase); time.Now().Before(end); kills++ {
			d := c.start()
			time.Sleep(time.Duration(2000+kills%5*500) * time.Millisecond)
			d.kill()
		}
		d := c.start()
		time.Sleep(5 * time.Second)
		feed.setProducing(false)
		c.settle(feed.sent())
		d.stop(t)
		c.report("kill -9 loop", feed.sent(), fmt.Sprintf("kills=%d", kills))
	})

	t.Run("403-storm", func(t *testing.T) {
		feed, url := startFeed(t, "forbid", 5, 2000)
		c := newChaos(t, srv, url, "", "")
		forbid := func(on bool) func() error {
			return func() error {
				feed.mu.Lock()
				defer feed.mu.Unlock()
				feed.forbid = on
				return nil
			}
		}
		c.outage(feed, phase, forbid(true), func() string { return "" }, forbid(false))
		feed.mu.Lock()
		forbidden := feed.forbidden
		feed.mu.Unlock()
		c.report("403 storm", feed.sent(), fmt.Sprintf("403s_served=%d", forbidden))
	})

	t.Run("10000-item-feed", func(t *testing.T) {
		feed, url := startFeed(t, "big", 0, 0)
		feed.n = 10000
		c := newChaos(t, srv, url, "", "")
		d := c.start()
		c.settle(10000)
		time.Sleep(phase / 4) // several more polls of the same 10,000 items
		d.stop(t)
		polls := 0
		for _, l := range c.logs {
			polls += strings.Count(l.String(), `msg="source run"`)
		}
		c.report("10,000-item feed", 10000, fmt.Sprintf("polls=%d items_handed=%d", polls, c.handed()))
	})
}
