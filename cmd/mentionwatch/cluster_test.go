//go:build cluster

// The cluster scenarios of issue 20 against real processes on loopback: a
// private ZooKeeper (Debian's zookeeperd jar), four ClickHouse servers (2
// shards × 2 replicas, Replicated tables and a Distributed table), and
// `mentionwatch run` members coordinated through ZooKeeper, collecting
// from local RSS feeds and alerting a local Slack receiver. Run them with
// `make cluster-test` (scripts/cluster-test.sh); not part of `make test`.
//
// Scenarios, with episodes (a burst of negative mentions about one brand;
// the threshold detector resolves one two quiet one-minute buckets later)
// overlapping in time to keep the run short:
//   - kill -9 the leader in the middle of Acme's episode;
//   - stop one ClickHouse replica (the first, which every client and the
//     Distributed table prefer) while Bolt's and Cobalt's episodes start;
//   - add members: a fourth (m4) and the killed one back;
//   - restart ZooKeeper in the middle of Bolt's and Cobalt's episodes.
//
// After each: every episode so far has at most one firing and one resolved
// Slack message; no source ran on two members at once (from the members'
// JSON logs); every source is held by exactly one live member. At the end:
// exactly one firing and one resolved message per episode, and count() =
// uniqExact(id) = items served, read through the Distributed table. The
// failover time (kill to a new leader) is printed.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/internal/zktest"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
)

const clusterSources = 12

// clusterPost is one item a feed serves.
type clusterPost struct {
	id        string
	source    int
	text      string
	published time.Time
}

// clusterFeeds serves clusterSources RSS feeds; a background producer adds
// neutral posts, bursts add negative ones.
type clusterFeeds struct {
	mu    sync.Mutex
	posts [][]clusterPost // per source
	n     int
}

func (f *clusterFeeds) add(brand, text string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	src := f.n % clusterSources
	id := fmt.Sprintf("p%06d", f.n)
	f.posts[src] = append(f.posts[src], clusterPost{id: id, source: src, text: fmt.Sprintf("%s %s (post %d)", brand, text, f.n), published: at})
	f.n++
}

func (f *clusterFeeds) served() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// burst publishes n negative posts about brand now, over every source.
func (f *clusterFeeds) burst(brand string, n int) {
	now := time.Now().UTC()
	for i := 0; i < n; i++ {
		f.add(brand, "support was terrible and awful, I am angry and disappointed, never again", now)
	}
}

// produce adds a neutral post every 250 ms until ctx ends.
func (f *clusterFeeds) produce(ctx context.Context) {
	brands := []string{"Acme", "Bolt", "Cobalt"}
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f.add(brands[i%3], "opened a new store in town today", time.Now().UTC())
	}
}

func (f *clusterFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var src int
	if _, err := fmt.Sscanf(r.URL.Path, "/feed/%d.rss", &src); err != nil || src < 0 || src >= clusterSources {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	ps := f.posts[src]
	if len(ps) > 400 {
		ps = ps[len(ps)-400:]
	}
	ps = append([]clusterPost(nil), ps...)
	f.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>cluster</title><link>http://cluster.example/</link>`)
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		fmt.Fprintf(&b, "<item><guid>%s</guid><title>%s</title><link>http://cluster.example/%s</link><description>%s</description><pubDate>%s</pubDate></item>",
			p.id, p.text, p.id, p.text, p.published.Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>")
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, b.String())
}

// clusterSlack records what the members post to the Slack webhook.
type clusterSlack struct {
	mu   sync.Mutex
	msgs []slackMsg
}

type slackMsg struct {
	at    time.Time
	alert string // alert id from the footer
	state string // firing | resolved | critical
	text  string
}

func (s *clusterSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var body struct {
		Text   string `json:"text"`
		Blocks []struct {
			Elements []struct {
				Type string          `json:"type"`
				Text json.RawMessage `json:"text"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	json.Unmarshal(b, &body)
	m := slackMsg{at: time.Now(), state: "firing", text: body.Text}
	switch {
	case strings.HasPrefix(body.Text, "Critical mention"):
		m.state = "critical"
	case strings.HasPrefix(body.Text, "Resolved"):
		m.state = "resolved"
	}
	for _, bl := range body.Blocks {
		for _, e := range bl.Elements {
			var text string
			if e.Type == "mrkdwn" && json.Unmarshal(e.Text, &text) == nil {
				if rest, ok := strings.CutPrefix(text, "mentionwatch alert "); ok {
					m.alert, _, _ = strings.Cut(rest, " ")
				}
			}
		}
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
	w.Write([]byte("ok"))
}

// perAlert counts firing and resolved messages per alert id.
func (s *clusterSlack) perAlert() map[string][2]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][2]int{}
	for _, m := range s.msgs {
		c := out[m.alert]
		switch m.state {
		case "firing":
			c[0]++
		case "resolved":
			c[1]++
		default:
			c[0] += 100 // a critical alert: none expected
		}
		out[m.alert] = c
	}
	return out
}

func (s *clusterSlack) dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, m := range s.msgs {
		fmt.Fprintf(&b, "%s %s %s %q\n", m.at.Format("15:04:05.000"), m.state, m.alert, m.text)
	}
	return b.String()
}

// clusterMember is one `mentionwatch run` process.
type clusterMember struct {
	id     string
	cfg    string
	listen string
	cmd    *exec.Cmd
	log    *syncBuffer
	done   chan struct{}
}

type clusterRun struct {
	t       *testing.T
	bin     string
	dir     string
	zk      *zktest.Server
	ch      *chtest.Cluster
	feeds   *clusterFeeds
	feedURL string
	slack   *clusterSlack
	slackU  string
	members map[string]*clusterMember
	logs    []*clusterMember // every process started, killed ones too
}

func clusterAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// memberConfig is the config of member id (docs/OPERATIONS.md shows one).
func (c *clusterRun) memberConfig(id, listen string) string {
	var srcs strings.Builder
	for i := 0; i < clusterSources; i++ {
		fmt.Fprintf(&srcs, "  - {name: feed-%02d, type: rss, url: %q, interval: 2s, max_items: 1000}\n", i, fmt.Sprintf("%s/feed/%d.rss", c.feedURL, i))
	}
	return fmt.Sprintf(`brands:
  - {name: Acme, keywords: [acme]}
  - {name: Bolt, keywords: [bolt]}
  - {name: Cobalt, keywords: [cobalt]}
sources:
%shttp: {per_host_rps: 200, per_host_burst: 50, allow_loopback: true, timeout: 10s}
store:
  type: clickhouse
  dsn: %q
  cluster: mw
  spool_dir: %q
  flush_interval: 300ms
alerts:
  bucket: 1m
  detector: threshold
  threshold: 8
  min_count: 8
  max_lateness: 15m
notifiers:
  slack: {webhook_url: %q}
coordination:
  zookeeper: [%q]
  root: /mentionwatch
  session_timeout: 10s
  id: %s
web: {listen: %q}
log: {level: info, format: json}
`, srcs.String(), c.ch.DSN(), filepath.Join(c.dir, id, "spool"), c.slackU, c.zk.Addr, id, listen)
}

func (c *clusterRun) start(id string) *clusterMember {
	dir := filepath.Join(c.dir, id)
	os.MkdirAll(dir, 0o755)
	m := &clusterMember{id: id, listen: clusterAddr(c.t), log: &syncBuffer{}, done: make(chan struct{})}
	m.cfg = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(m.cfg, []byte(c.memberConfig(id, m.listen)), 0o644); err != nil {
		c.t.Fatal(err)
	}
	m.cmd = exec.Command(c.bin, "run", "-c", m.cfg)
	m.cmd.Dir, m.cmd.Stderr = dir, m.log
	if err := m.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	go func() { m.cmd.Wait(); close(m.done) }()
	c.members[id] = m
	c.logs = append(c.logs, m)
	return m
}

func (m *clusterMember) kill() {
	m.cmd.Process.Signal(syscall.SIGKILL)
	<-m.done
}

// gauge reads one unlabelled gauge from the member's /metrics (-1 when it
// does not answer).
func (m *clusterMember) gauge(name string) float64 {
	cl := http.Client{Timeout: 2 * time.Second}
	resp, err := cl.Get("http://" + m.listen + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return -1
}

func (c *clusterRun) leader() *clusterMember {
	var found *clusterMember
	n := 0
	for _, m := range c.members {
		if m.gauge("mentionwatch_coordination_is_leader") == 1 {
			found = m
			n++
		}
	}
	if n != 1 {
		return nil
	}
	return found
}

func (c *clusterRun) waitFor(what string, limit time.Duration, cond func() bool) time.Duration {
	c.t.Helper()
	start := time.Now()
	for time.Since(start) < limit {
		if cond() {
			return time.Since(start)
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.t.Fatalf("timed out after %s waiting for %s\nslack:\n%s\n%s", limit, what, c.slack.dump(), c.logTails())
	return 0
}

func (c *clusterRun) logTails() string {
	var b strings.Builder
	for _, m := range c.logs {
		fmt.Fprintf(&b, "--- %s\n%s\n", m.id, tailLines(m.log.String(), 25))
	}
	return b.String()
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// logLine is the part of a member's JSON log line the checks read.
type logLine struct {
	Time   time.Time `json:"time"`
	Msg    string    `json:"msg"`
	Source string    `json:"source"`
	Took   float64   `json:"took"` // nanoseconds
	Member string    `json:"member"`
}

func (m *clusterMember) lines() []logLine {
	var out []logLine
	for _, l := range strings.Split(m.log.String(), "\n") {
		var ll logLine
		if json.Unmarshal([]byte(l), &ll) == nil {
			out = append(out, ll)
		}
	}
	return out
}

// overlaps finds a source that two members ran at once: each "source run"
// log line closes the interval [time - took, time].
func (c *clusterRun) overlaps() []string {
	type run struct {
		member     string
		start, end time.Time
	}
	bySource := map[string][]run{}
	for _, m := range c.logs {
		for _, l := range m.lines() {
			if l.Source != "" && (l.Msg == "source run" || l.Msg == "source run failed") && l.Took > 0 {
				bySource[l.Source] = append(bySource[l.Source], run{m.id, l.Time.Add(-time.Duration(l.Took)), l.Time})
			}
		}
	}
	var out []string
	for src, runs := range bySource {
		sort.Slice(runs, func(i, j int) bool { return runs[i].start.Before(runs[j].start) })
		for i := 1; i < len(runs); i++ {
			for j := i - 1; j >= 0 && j >= i-5; j-- {
				if runs[j].member != runs[i].member && runs[j].end.After(runs[i].start) {
					out = append(out, fmt.Sprintf("%s: %s ran %s–%s, %s ran %s–%s", src,
						runs[j].member, runs[j].start.Format("15:04:05.000"), runs[j].end.Format("15:04:05.000"),
						runs[i].member, runs[i].start.Format("15:04:05.000"), runs[i].end.Format("15:04:05.000")))
				}
			}
		}
	}
	return out
}

// check asserts the invariants after a scenario: no source run twice at
// once, at most one firing and one resolved message per alert, every
// source held by exactly one live member.
func (c *clusterRun) check(scenario string) {
	c.t.Helper()
	if o := c.overlaps(); len(o) > 0 {
		c.t.Fatalf("%s: sources run by two members at once:\n%s", scenario, strings.Join(o, "\n"))
	}
	for id, n := range c.slack.perAlert() {
		if n[0] > 1 || n[1] > 1 {
			c.t.Fatalf("%s: alert %s got %d firing and %d resolved messages, want at most 1 and 1\n%s", scenario, id, n[0], n[1], c.slack.dump())
		}
	}
	c.waitFor(scenario+": every source held by exactly one member", 60*time.Second, func() bool {
		total := 0.0
		for _, m := range c.members {
			total += m.gauge("mentionwatch_coordination_sources_owned")
		}
		return total == clusterSources
	})
	fmt.Printf("cluster: %-34s ok: no overlapping runs, no duplicate message, %d sources held once\n", scenario, clusterSources)
}

// episode waits for the firing message of brand's burst and returns its
// alert id.
func (c *clusterRun) firing(brand string, limit time.Duration) string {
	var id string
	c.waitFor(brand+"'s firing message", limit, func() bool {
		c.slack.mu.Lock()
		defer c.slack.mu.Unlock()
		for _, m := range c.slack.msgs {
			if m.state == "firing" && strings.Contains(m.text, brand) {
				id = m.alert
				return true
			}
		}
		return false
	})
	return id
}

func (c *clusterRun) counts() (rows, distinct uint64) {
	st, err := clickhouse.Open(context.Background(), mw.StoreConfig{DSN: mw.Secret(c.ch.DSN()), Cluster: "mw"}, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	defer st.Close()
	if err := st.Conn().QueryRow(context.Background(), "SELECT count(), uniqExact(id) FROM "+st.MentionsTable()+" FINAL").Scan(&rows, &distinct); err != nil {
		c.t.Fatalf("counting through the Distributed table: %v", err)
	}
	return rows, distinct
}

func TestCluster(t *testing.T) {
	began := time.Now()
	c := &clusterRun{t: t, bin: buildBinary(t), dir: t.TempDir(), feeds: &clusterFeeds{posts: make([][]clusterPost, clusterSources)},
		slack: &clusterSlack{}, members: map[string]*clusterMember{}}
	c.zk = zktest.Start(t)
	c.ch = chtest.StartCluster(t, c.zk.Addr, "mw", 2, 2)
	fmt.Printf("cluster: zookeeper and 4 clickhouse servers up in %s\n", time.Since(began).Round(time.Second))

	feedSrv := &http.Server{Handler: c.feeds}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go feedSrv.Serve(ln)
	defer feedSrv.Close()
	c.feedURL = "http://" + ln.Addr().String()
	slackSrv := &http.Server{Handler: c.slack}
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go slackSrv.Serve(ln2)
	defer slackSrv.Close()
	c.slackU = "http://" + ln2.Addr().String() + "/services/T000/B000/cluster"
	t.Cleanup(func() {
		at := time.Now()
		for _, m := range c.members {
			m.kill()
		}
		fmt.Printf("cluster: members killed in %s\n", time.Since(at).Round(time.Millisecond))
	})

	// The schema once, ON CLUSTER, before the members start.
	os.MkdirAll(filepath.Join(c.dir, "m1"), 0o755)
	migCfg := filepath.Join(c.dir, "migrate.yaml")
	os.WriteFile(migCfg, []byte(c.memberConfig("m1", clusterAddr(t))), 0o644)
	// As an operator would, try again: the first ON CLUSTER statement on
	// a cluster that has just started has failed once in five runs with
	// the server closing the connection.
	for try := 1; ; try++ {
		out, err := exec.Command(c.bin, "migrate", "-c", migCfg).CombinedOutput()
		if err == nil {
			break
		}
		if try == 3 {
			t.Fatalf("migrate ON CLUSTER: %v\n%s", err, out)
		}
		fmt.Printf("cluster: migrate failed (try %d), retrying: %s\n", try, tailLines(string(out), 1))
		time.Sleep(5 * time.Second)
	}
	fmt.Printf("cluster: schema migrated ON CLUSTER after %s\n", time.Since(began).Round(time.Second))

	prodCtx, stopProducing := context.WithCancel(context.Background())
	defer stopProducing()
	if os.Getenv("CLUSTER_FIRST_BUCKET") != "" {
		// Start the feeds just after a minute begins, so that Acme's burst
		// falls in the first bucket of its series: the case that made one
		// run in five time out before the fixed threshold judged a series'
		// first bucket (alerts.TestThresholdFiresInASeriesFirstBucket).
		now := time.Now()
		time.Sleep(now.Truncate(time.Minute).Add(time.Minute + time.Second).Sub(now))
	}
	go c.feeds.produce(prodCtx)
	for _, id := range []string{"m1", "m2", "m3"} {
		c.start(id)
	}
	c.waitFor("one leader among three members", 90*time.Second, func() bool {
		l := c.leader()
		return l != nil && l.gauge("mentionwatch_coordination_members") == 3
	})
	c.check("start: 3 members")

	// 1. Kill -9 the leader in the middle of Acme's episode.
	c.feeds.burst("Acme", 24)
	burstAt := time.Now()
	acme := c.firing("Acme", 40*time.Second)
	fmt.Printf("cluster: Acme's burst at :%02d of its minute fired after %s\n", burstAt.Second(), time.Since(burstAt).Round(100*time.Millisecond))
	old := c.leader()
	if old == nil {
		t.Fatal("no single leader after Acme fired")
	}
	time.Sleep(time.Second) // mid-episode: the firing message is out and recorded
	old.kill()
	delete(c.members, old.id)
	failover := c.waitFor("a new leader after kill -9", 60*time.Second, func() bool { return c.leader() != nil })
	newLeader := c.leader()
	fmt.Printf("cluster: failover after kill -9 of leader %s: %s until %s leads (session_timeout 10s)\n", old.id, failover.Round(100*time.Millisecond), newLeader.id)
	c.check("kill -9 the leader")

	// 2. Stop one ClickHouse replica (the first of shard 1: every client
	// and the Distributed table prefer it) while Bolt's and Cobalt's
	// episodes start.
	replica := c.ch.Nodes[0][0]
	if err := replica.Stop(); err != nil {
		t.Fatal(err)
	}
	c.feeds.burst("Bolt", 24)
	c.feeds.burst("Cobalt", 24)
	bolt := c.firing("Bolt", 50*time.Second)
	cobalt := c.firing("Cobalt", 50*time.Second)
	if err := replica.Start(); err != nil {
		t.Fatal(err)
	}
	c.check("stop one clickhouse replica")

	// 3. Add members: a fourth (m4) and the killed one back.
	c.start("m4")
	c.start(old.id)
	c.waitFor("four members", 60*time.Second, func() bool {
		l := c.leader()
		return l != nil && l.gauge("mentionwatch_coordination_members") == 4
	})
	c.check("add a fourth member")

	// 4. Restart ZooKeeper in the middle of the episodes.
	if n := c.slack.perAlert(); n[bolt][1]+n[cobalt][1] > 0 {
		t.Fatal("Bolt or Cobalt resolved before the ZooKeeper restart: the scenario would not be mid-episode")
	}
	c.zk.Stop()
	time.Sleep(2 * time.Second)
	if err := c.zk.Start(); err != nil {
		t.Fatal(err)
	}
	c.waitFor("one leader after the ZooKeeper restart", 60*time.Second, func() bool { return c.leader() != nil })
	c.check("restart zookeeper")

	// Every episode resolves, once.
	c.waitFor("all three episodes resolved", 3*time.Minute, func() bool {
		n := c.slack.perAlert()
		return n[acme][1] == 1 && n[bolt][1] == 1 && n[cobalt][1] == 1
	})
	stopProducing()
	served := c.feeds.served()
	var rows, distinct uint64
	c.waitFor("every served item stored", 2*time.Minute, func() bool {
		rows, distinct = c.counts()
		return int(distinct) >= served
	})
	time.Sleep(3 * time.Second) // runs in flight finish
	rows, distinct = c.counts()
	c.check("end")
	n := c.slack.perAlert()
	if len(n) != 3 {
		t.Fatalf("Slack got messages for %d alerts, want 3 episodes:\n%s", len(n), c.slack.dump())
	}
	for id, v := range n {
		if v != [2]int{1, 1} {
			t.Fatalf("alert %s: %d firing, %d resolved messages; want 1 and 1\n%s", id, v[0], v[1], c.slack.dump())
		}
	}
	fmt.Printf("cluster: served=%d count()=%d uniqExact(id)=%d via mentions_all FINAL; episodes: %d, each 1 firing + 1 resolved; total %s\n",
		served, rows, distinct, len(n), time.Since(began).Round(time.Second))
	if int(rows) != served || int(distinct) != served {
		t.Fatalf("count()=%d uniqExact(id)=%d, want both = %d items served", rows, distinct, served)
	}
}
