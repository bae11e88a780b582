package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
	"github.com/mentionwatch/mentionwatch/coord"
	"github.com/mentionwatch/mentionwatch/internal/zktest"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestTermLoopIsSetUpLikeTheLoneLoop: with coordination the leader runs a
// new alert loop per term. It must route, mask competitors and judge time
// of day as the loop that runs without coordination does, and /metrics
// must report it. Before, the term loop had no router (every alert went to
// every notifier, ignoring quiet hours and rate limits), no competitor
// names and UTC habits, and the leader reported no alert-loop figures.
func TestTermLoopIsSetUpLikeTheLoneLoop(t *testing.T) {
	dir := t.TempDir()
	text := `brands:
  - name: Acme
    keywords: [acme]
    competitors: [{name: Rivalco, keywords: [rivalco]}]
timezone: Asia/Jakarta
store: {path: ` + filepath.Join(dir, "mw.db") + `, spool_dir: ` + filepath.Join(dir, "spool") + `}
notifiers:
  webhook: {url: "http://127.0.0.1:1/hook"}
alerts:
  routing:
    default: [webhook]
log: {level: error}
`
	a := testApp(t, text)
	defer a.close()
	a.countRuns()

	l := a.termLoop()
	if l.Router == nil || l.Router != a.alerts.Router {
		t.Errorf("term loop's router = %p, want the configured one %p", l.Router, a.alerts.Router)
	}
	if l.Location == nil || l.Location.String() != "Asia/Jakarta" {
		t.Errorf("term loop's time zone = %v, want Asia/Jakarta", l.Location)
	}
	if !slices.Equal(l.Competitors, []string{"Rivalco"}) || !l.Brands["Acme"] {
		t.Errorf("term loop's brands %v, competitors %v", l.Brands, l.Competitors)
	}
	if l.OnDeliver == nil {
		t.Error("term loop does not count deliveries for /metrics")
	}

	// /metrics: a member that leads reports its term's loop; one that does
	// not, nothing.
	a.coord = &coord.Coordinator{}
	if _, ok := a.alertLoopStats(); ok {
		t.Error("a member that does not lead reports alert-loop figures")
	}
	now := time.Now()
	if err := l.Tick(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	a.term.Store(l)
	s, ok := a.alertLoopStats()
	if !ok || !s.LastTick.Equal(now) {
		t.Errorf("leader's alert-loop figures = %+v, %v; want its term loop's last tick %s", s, ok, now)
	}
}

// TestClusterMembersShareTheLinkKey: the Acknowledge and Silence links
// one leader signs must verify on every member's dashboard, and on the
// next leader's. Before, each member generated its own key file in its
// own directory, and a link signed by one was refused (403) by the others.
func TestClusterMembersShareTheLinkKey(t *testing.T) {
	base := `brands: [{name: Acme, keywords: [acme]}]
store: {type: clickhouse, dsn: "clickhouse://127.0.0.1:9000/mw"}
coordination: {zookeeper: ["127.0.0.1:2181"]}
alerts: {dashboard_url: "https://mw.example.com/"}
`
	parse := func(text string) (*mw.Config, error) {
		return mw.ParseConfig("c.yaml", []byte(text), func(string) (string, bool) { return "", false })
	}
	if _, err := parse(base); err == nil || !strings.Contains(err.Error(), "web.link_secret") {
		t.Fatalf("coordination with dashboard_url and no shared key: err %v, want one asking for web.link_secret", err)
	}
	if _, err := parse(strings.Replace(base, "dashboard_url: \"https://mw.example.com/\"", "bucket: 5m", 1)); err != nil {
		t.Fatalf("coordination without action links needs no key: %v", err)
	}

	// A key file that a member does not hold is not generated there.
	missing := filepath.Join(t.TempDir(), "linkkey")
	cfg, err := parse(base + "web: {link_secret_file: " + missing + "}\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := linkSigner(cfg); err == nil || !strings.Contains(err.Error(), "copy") {
		t.Fatalf("missing key file: err %v, want one saying to copy it from another member", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a member generated its own key file %s (stat: %v)", missing, err)
	}

	// Two members, each with its copy of one key: a link either signs
	// verifies on the other.
	var signers []*actionlink.Signer
	for range 2 {
		file := filepath.Join(t.TempDir(), "linkkey")
		if err := os.WriteFile(file, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := parse(base + "web: {link_secret_file: " + file + "}\n")
		if err != nil {
			t.Fatal(err)
		}
		s, err := linkSigner(cfg)
		if err != nil {
			t.Fatal(err)
		}
		signers = append(signers, s)
	}
	now := time.Now()
	link, err := url.Parse(signers[0].URL("https://mw.example.com/", actionlink.Ack, "a1", now.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	q := link.Query()
	if _, err := signers[1].Verify(actionlink.Ack, q.Get("id"), q.Get("exp"), q.Get("sig"), now); err != nil {
		t.Fatalf("a link signed on one member fails on another: %v", err)
	}
}

// readOnlyDigests is a store whose digest records cannot be saved, as
// while ClickHouse's replicated tables are read-only (ZooKeeper out of
// reach), and whose record under probe reports each read on read.
type readOnlyDigests struct {
	store.Store
	probe string
	read  chan struct{}
}

func (s *readOnlyDigests) SaveWatermark(ctx context.Context, name string, t time.Time) error {
	if strings.HasPrefix(name, "digest:") {
		return errors.New("table is in readonly mode")
	}
	return s.Store.SaveWatermark(ctx, name, t)
}

func (s *readOnlyDigests) Watermark(ctx context.Context, name string) (time.Time, error) {
	if name == s.probe {
		s.read <- struct{}{}
		return time.Time{}, errors.New("probe: not read")
	}
	return s.Store.Watermark(ctx, name)
}

// TestLeaderSendsADigestOnceAcrossResumedTerms: a leader that sent a
// digest while its record could not be saved (ClickHouse read-only while
// ZooKeeper is away, which is also when a term ends and then resumes) must
// not send it again in its next term, as the lone daemon, whose scheduler
// remembers what it sent, does not. Before, each term built a new digest
// scheduler, which found no record in the store and sent the digest again.
func TestLeaderSendsADigestOnceAcrossResumedTerms(t *testing.T) {
	var mu sync.Mutex
	var posts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts = append(posts, string(b))
		mu.Unlock()
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	dir := t.TempDir()
	a := testApp(t, `brands: [{name: Acme, keywords: [acme]}]
store: {path: `+filepath.Join(dir, "mw.db")+`, spool_dir: `+filepath.Join(dir, "spool")+`}
notifiers:
  slack: {webhook_url: "`+srv.URL+`/hook"}
digests:
  - {brand: Acme, period: daily, to: [slack]}
  - {brand: Acme, period: weekly, to: [slack]}
log: {level: error}
`)
	defer a.close()
	// The weekly digest's record is the probe: the scheduler reads it
	// after it is done with the daily one.
	st := &readOnlyDigests{Store: a.store, probe: "digest:Acme:weekly:slack", read: make(chan struct{})}
	a.store = st
	a.coord = &coord.Coordinator{} // leads; no other member collects
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	lead := a.leaderTerm(ctx)
	for i, resumed := range []bool{false, true} {
		term, end := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); lead(term, resumed) }()
		<-st.read // the daily digest was handled in this term
		end()
		<-done
		mu.Lock()
		n := len(posts)
		mu.Unlock()
		if n != 1 {
			t.Fatalf("after term %d: %d digests posted, want 1 (the daily one, once)", i+1, n)
		}
	}
	if !strings.Contains(posts[0], "Acme") {
		t.Errorf("the post is not Acme's digest: %.300s", posts[0])
	}
}

// TestNonLeaderCollectionWakesTheLeadersLoop: mentions a member that does
// not lead has stored wake the leader's alert loop, as the lone daemon's
// own collections wake its loop (the fast response), and a critical one
// stored late (collected long before) is read back by the leader's
// critical scan, as the lone daemon judges what it observes. Before, they
// woke nobody: the leader judged them at its next tick, up to 30 s later,
// and never one stored behind its scan's watermark. The loops here have
// no ticker, so only a wake-up makes them tick.
func TestNonLeaderCollectionWakesTheLeadersLoop(t *testing.T) {
	zks := zktest.Start(t)
	root := fmt.Sprintf("/mwtest-wake-%d", os.Getpid())
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var apps []*app
	for _, id := range []string{"m1", "m2"} {
		dir := t.TempDir()
		a := testApp(t, `brands: [{name: Acme, keywords: [acme]}]
store: {path: `+filepath.Join(dir, "mw.db")+`, spool_dir: `+filepath.Join(dir, "spool")+`}
log: {level: error}
`)
		a.alerts.Ticks = make(chan time.Time) // never: the loop ticks only when woken
		// The critical scan has read everything collected until now.
		if err := a.store.SaveWatermark(context.Background(), alerts.WatermarkCollected, time.Now()); err != nil {
			t.Fatal(err)
		}
		c, err := coord.New(coord.Config{Servers: []string{zks.Addr}, Root: root, ID: id, SessionTimeout: 4 * time.Second, Log: a.log})
		if err != nil {
			t.Fatal(err)
		}
		a.coord = c
		wg.Add(2)
		go func() { defer wg.Done(); c.Run(ctx) }()
		go func() { defer wg.Done(); a.leadAlerts(ctx) }()
		apps = append(apps, a)
	}
	defer func() {
		stop()
		wg.Wait()
		for _, a := range apps {
			a.coord.Close()
			a.close()
		}
	}()
	var leader, follower *app
	waitUntil(t, "a leader running its alert loop", func() bool {
		for i, a := range apps {
			if a.term.Load() != nil {
				leader, follower = a, apps[1-i]
				return true
			}
		}
		return false
	})
	if _, ok := leader.alertLoopStats(); ok {
		t.Fatal("the leader's loop ticked before anything woke it")
	}
	m := mw.Mention{ID: "x1", Brand: "Acme", Source: "feed", Text: "acme", Published: time.Now(), Collected: time.Now()}
	// The follower's first collection makes the ZooKeeper node the leader
	// watches, maybe before its watch is set: collect until it hears.
	waitUntil(t, "the leader's loop to tick on the follower's collection", func() bool {
		follower.observe([]mw.Mention{m})
		_, ok := leader.alertLoopStats()
		return ok
	})

	// A critical mention stored late (a run that took an hour, a spool
	// replayed): its collected time is behind the leader's critical scan,
	// which must read back to it. (The members share the store in a
	// cluster; here the test puts it in the leader's.)
	late := mw.Mention{ID: "late1", Brand: "Acme", Source: "feed", Type: "rss", Label: mw.Negative,
		Text: "anak saya keracunan setelah makan produk acme", Published: time.Now().Add(-time.Hour), Collected: time.Now().Add(-time.Hour)}
	if err := leader.store.InsertMentions(context.Background(), []mw.Mention{late}); err != nil {
		t.Fatal(err)
	}
	follower.observe([]mw.Mention{late})
	waitUntil(t, "the leader's critical alert on the late mention", func() bool {
		as, err := leader.store.Alerts(context.Background(), store.AlertQuery{})
		return err == nil && len(as) == 1 && as[0].Kind == mw.AlertCritical
	})
}

// waitUntil polls cond every 50 ms until it holds, failing the test after
// a minute.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// insertsDown is a store that refuses inserts (ClickHouse away).
type insertsDown struct{ store.Store }

func (insertsDown) InsertMentions(context.Context, []mw.Mention) error {
	return errors.New("connection refused")
}

// TestSpoolReplayedAfterARestartIsJudged: a critical mention spooled while
// the store refused inserts, and replayed by the next process, is in the
// store only then, behind the critical scan's watermark, which moved on
// meanwhile: the alert loop must read back to it. Before, it never
// alerted (a coordinated member's replays, which the leader never
// observes, went the same way).
func TestSpoolReplayedAfterARestartIsJudged(t *testing.T) {
	dir := t.TempDir()
	text := `brands: [{name: Acme, keywords: [acme]}]
store: {path: ` + filepath.Join(dir, "mw.db") + `, spool_dir: ` + filepath.Join(dir, "spool") + `}
log: {level: error}
`
	cfg, err := mw.ParseConfig("c.yaml", []byte(text), os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	down, err := newAppWith(ctx, cfg, newLogger(cfg.Log), func(ctx context.Context, cfg *mw.Config, log *slog.Logger) (store.Store, error) {
		st, err := openStore(ctx, cfg, log)
		return insertsDown{st}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Hour)
	crit := mw.Mention{ID: "c1", Brand: "Acme", Source: "feed", Type: "rss", Label: mw.Negative,
		Text: "anak saya keracunan setelah makan produk acme", Published: at, Collected: at}
	if err := down.writer.Commit(ctx, []mw.Mention{crit}); err != nil {
		t.Fatal(err)
	}
	// The scan went on past it (other sources' mentions, another member's).
	if err := down.store.SaveWatermark(ctx, alerts.WatermarkCollected, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := down.close(); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := spoolDepth(filepath.Join(dir, "spool")); n == 0 {
		t.Fatal("nothing spooled: the test needs the mention in the spool")
	}

	a := testApp(t, text) // its writer replays the spool
	defer a.close()
	waitUntil(t, "a critical alert on the replayed mention", func() bool {
		if err := a.alerts.Tick(ctx, time.Now()); err != nil {
			t.Log(err)
		}
		as, err := a.store.Alerts(ctx, store.AlertQuery{})
		return err == nil && len(as) == 1 && as[0].Kind == mw.AlertCritical
	})
}

// TestSharedSettingsFingerprint: members compare a fingerprint of what
// the leader's config decides (brands, alerts, digests, time zone) and
// warn when theirs differ; what is each member's own (id, web, spool, the
// file's layout) does not count.
func TestSharedSettingsFingerprint(t *testing.T) {
	parse := func(text string) *mw.Config {
		t.Helper()
		cfg, err := mw.ParseConfig("c.yaml", []byte(text), func(string) (string, bool) { return "", false })
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	const base = "brands: [{name: Acme, keywords: [acme]}]\nalerts: {threshold: 8}\n"
	m1 := sharedSettings(parse(base + "web: {listen: \"127.0.0.1:8081\"}\nstore: {spool_dir: /var/m1}\n"))
	m2 := sharedSettings(parse("# member two\n\n" + base + "web: {listen: \"127.0.0.1:8082\"}\n"))
	if m1 == "" || m1 != m2 {
		t.Errorf("members alike but for their own settings: fingerprints %q and %q, want equal", m1, m2)
	}
	if other := sharedSettings(parse(strings.Replace(base, "threshold: 8", "threshold: 9", 1))); other == m1 {
		t.Error("a different alerts.threshold gives the same fingerprint")
	}
}
