//go:build cluster

// The scale figures of issue 20, a bench rather than a test: one and then
// three coordinated members against 1,000 local RSS sources that publish
// 2,000 mentions a second between them, storing into one private
// ClickHouse server. Run with
//
//	MENTIONWATCH_SCALE=1 go test -tags cluster -run TestClusterScale -v -timeout 20m ./cmd/mentionwatch/
//
// It prints, per configuration: mentions stored per second over the
// measured window, the p99 collection lag (collected - published, which
// includes the wait for the source's next run), each member's CPU, the
// INSERT statements the ClickHouse server took per second, and the load
// average. SCALE_MEMBERS=1,3 (the default) lists the configurations;
// SCALE_BIN runs another mentionwatch binary (an older build, to compare).
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/internal/zktest"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
)

const (
	scaleSources = 1000
	scalePerSec  = 2.0              // posts a second per source: 2,000/s in all
	scaleWarmup  = 45 * time.Second // the first runs take the feeds' 30 s backlog
	scaleWindow  = 60 * time.Second
)

// scaleFeeds serves source s's posts of the last 30 s; post k of source s
// is published at start + k/scalePerSec, so the feed grows with time.
type scaleFeeds struct{ start time.Time }

func (f scaleFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var src int
	if _, err := fmt.Sscanf(r.URL.Path, "/s/%d.rss", &src); err != nil {
		http.NotFound(w, r)
		return
	}
	now := time.Since(f.start).Seconds()
	hi := int(now * scalePerSec)
	lo := max(0, hi-int(30*scalePerSec))
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>scale</title><link>http://scale.example/</link>`)
	for k := hi - 1; k >= lo; k-- {
		pub := f.start.Add(time.Duration(float64(k) / scalePerSec * float64(time.Second)))
		fmt.Fprintf(&b, "<item><guid>s%d-%d</guid><title>Acme post %d of %d</title><link>http://scale.example/%d/%d</link><description>Acme shipped order %d from source %d today.</description><pubDate>%s</pubDate></item>",
			src, k, k, src, src, k, k, src, pub.UTC().Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>")
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, b.String())
}

// cpuSeconds is a process's user+system CPU time from /proc.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndex(s, ")")+2:])
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ
}

func TestClusterScale(t *testing.T) {
	if os.Getenv("MENTIONWATCH_SCALE") == "" {
		t.Skip("a bench: set MENTIONWATCH_SCALE=1")
	}
	bin := buildBinary(t)
	if b := os.Getenv("SCALE_BIN"); b != "" { // another build, to compare
		bin = b
	}
	zk := zktest.Start(t)
	ch := chtest.StartPrivate(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: scaleFeeds{start: time.Now().Add(-time.Minute)}}
	go srv.Serve(ln)
	defer srv.Close()
	feedURL := "http://" + ln.Addr().String()

	configs := []int{1, 3}
	if v := os.Getenv("SCALE_MEMBERS"); v != "" {
		configs = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				t.Fatalf("SCALE_MEMBERS=%q: want a list of member counts like 1,3", v)
			}
			configs = append(configs, n)
		}
	}
	for _, members := range configs {
		dsn := chtest.FreshOn(t, ch.DSN())
		dir := t.TempDir()
		root := fmt.Sprintf("/scale-%d", members)
		var srcs strings.Builder
		for i := 0; i < scaleSources; i++ {
			fmt.Fprintf(&srcs, "  - {name: s%04d, type: rss, url: %q, interval: 5s, max_items: 200}\n", i, fmt.Sprintf("%s/s/%d.rss", feedURL, i))
		}
		var procs []*exec.Cmd
		for m := 1; m <= members; m++ {
			id := fmt.Sprintf("m%d", m)
			cfg := fmt.Sprintf(`brands:
  - {name: Acme, keywords: [acme]}
sources:
%shttp: {per_host_rps: 2000, per_host_burst: 2000, allow_loopback: true, timeout: 20s}
store: {type: clickhouse, dsn: %q, spool_dir: %q, flush_interval: 1s, batch_size: 20000}
alerts: {bucket: 5m}
coordination: {zookeeper: [%q], root: %s, session_timeout: 10s, id: %s}
log: {level: warn}
`, srcs.String(), dsn, filepath.Join(dir, id, "spool"), zk.Addr, root, id)
			os.MkdirAll(filepath.Join(dir, id), 0o755)
			p := filepath.Join(dir, id, "config.yaml")
			os.WriteFile(p, []byte(cfg), 0o644)
			if m == 1 {
				if out, err := exec.Command(bin, "migrate", "-c", p).CombinedOutput(); err != nil {
					t.Fatalf("migrate: %v\n%s", err, out)
				}
			}
			cmd := exec.Command(bin, "run", "-c", p)
			cmd.Dir = filepath.Join(dir, id)
			logf, _ := os.Create(filepath.Join(dir, id, "log"))
			cmd.Stderr = logf
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			procs = append(procs, cmd)
		}
		st, err := clickhouse.Open(context.Background(), mw.StoreConfig{DSN: mw.Secret(dsn)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		count := func() uint64 {
			var n uint64
			st.Conn().QueryRow(context.Background(), "SELECT count() FROM mentions").Scan(&n)
			return n
		}
		inserts := func() uint64 {
			var n uint64
			st.Conn().QueryRow(context.Background(), "SELECT value FROM system.events WHERE event = 'InsertQuery'").Scan(&n)
			return n
		}
		time.Sleep(scaleWarmup)
		c0, i0, t0 := count(), inserts(), time.Now()
		cpu0 := make([]float64, len(procs))
		for i, p := range procs {
			cpu0[i] = cpuSeconds(p.Process.Pid)
		}
		time.Sleep(scaleWindow)
		c1, i1, t1 := count(), inserts(), time.Now()
		load, _ := os.ReadFile("/proc/loadavg")
		var cpus []string
		for i, p := range procs {
			cpus = append(cpus, fmt.Sprintf("%.0f%%", 100*(cpuSeconds(p.Process.Pid)-cpu0[i])/t1.Sub(t0).Seconds()))
		}
		var p50, p99 float64
		st.Conn().QueryRow(context.Background(),
			"SELECT quantile(0.5)(toInt64(collected) - toInt64(published)), quantile(0.99)(toInt64(collected) - toInt64(published)) FROM mentions WHERE collected >= ? AND collected < ?",
			t0.UTC().Truncate(time.Second), t1.UTC().Truncate(time.Second)).Scan(&p50, &p99)
		rate := float64(c1-c0) / t1.Sub(t0).Seconds()
		// Completeness: of the posts published during the window shifted
		// 30 s back (so that every one had time to be collected), how
		// many are stored, once each. A post still unseen when it leaves
		// its feed's 30 s window is lost.
		time.Sleep(20 * time.Second)
		p0, p1 := t0.Add(-30*time.Second).UTC().Truncate(time.Second), t1.Add(-30*time.Second).UTC().Truncate(time.Second)
		var got uint64
		st.Conn().QueryRow(context.Background(), "SELECT uniqExact(id) FROM mentions WHERE published >= ? AND published < ?", p0, p1).Scan(&got)
		complete := 100 * float64(got) / (p1.Sub(p0).Seconds() * scaleSources * scalePerSec)
		fmt.Printf("scale: members=%d sources=%d offered=%.0f/s stored=%.0f/s lag p50=%.0fs p99=%.0fs cpu per member=%s clickhouse inserts=%.1f/s complete=%.1f%% load average=%s\n",
			members, scaleSources, scaleSources*scalePerSec, rate, p50, p99, strings.Join(cpus, " "),
			float64(i1-i0)/t1.Sub(t0).Seconds(), complete, strings.Join(strings.Fields(string(load))[:3], " "))
		for _, p := range procs {
			p.Process.Signal(syscall.SIGKILL)
			p.Wait()
		}
		st.Close()
	}
}
