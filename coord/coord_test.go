package coord

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/internal/zktest"
)

// member is a running Coordinator; stop ends its Run and Lead, then its
// session.
type member struct {
	*Coordinator
	cancel context.CancelFunc
	done   sync.WaitGroup
}

func (m *member) stop() {
	m.cancel()
	m.done.Wait()
	m.Close()
}

var rootSeq atomic.Int64

func testRoot() string { return fmt.Sprintf("/mwtest-%d-%d", os.Getpid(), rootSeq.Add(1)) }

// start runs a member; lead, if set, is its leadership term.
func start(t *testing.T, addr, root, id string, timeout time.Duration, lead func(context.Context, bool)) *member {
	t.Helper()
	return startConfig(t, Config{Servers: []string{addr}, Root: root, ID: id, SessionTimeout: timeout}, lead)
}

// startConfig is start with a whole Config (its Log, when nil, the
// test's).
func startConfig(t *testing.T, cfg Config, lead func(context.Context, bool)) *member {
	t.Helper()
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &member{Coordinator: c, cancel: cancel}
	m.done.Add(1)
	go func() { defer m.done.Done(); c.Run(ctx) }()
	if lead != nil {
		m.done.Add(1)
		go func() { defer m.done.Done(); c.Lead(ctx, lead) }()
	}
	t.Cleanup(m.stop)
	return m
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// waitFor polls cond until it holds, failing the test after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func leaders(ms ...*member) (n int, who *member) {
	for _, m := range ms {
		if m.IsLeader() {
			n++
			who = m
		}
	}
	return n, who
}

func seeMembers(n int, ms ...*member) func() bool {
	return func() bool {
		for _, m := range ms {
			if len(m.Status().Members) != n {
				return false
			}
		}
		return true
	}
}

// TestElectionOneLeaderAndFailover: three members elect exactly one
// leader; when it leaves the next one leads, and two terms never overlap.
func TestElectionOneLeaderAndFailover(t *testing.T) {
	zk := zktest.Start(t)
	root := testRoot()
	var active, maxActive, terms atomic.Int32
	lead := func(ctx context.Context, resumed bool) {
		if resumed {
			t.Error("a first term reported resumed")
		}
		n := active.Add(1)
		terms.Add(1)
		for {
			m := maxActive.Load()
			if n <= m || maxActive.CompareAndSwap(m, n) {
				break
			}
		}
		<-ctx.Done()
		active.Add(-1)
	}
	a := start(t, zk.Addr, root, "a", 4*time.Second, lead)
	b := start(t, zk.Addr, root, "b", 4*time.Second, lead)
	c := start(t, zk.Addr, root, "c", 4*time.Second, lead)
	all := []*member{a, b, c}
	waitFor(t, "three members and one leader", func() bool {
		n, _ := leaders(all...)
		return n == 1 && seeMembers(3, all...)()
	})
	_, old := leaders(all...)
	waitFor(t, "the leader's term", func() bool { return active.Load() == 1 })

	old.stop()
	var rest []*member
	for _, m := range all {
		if m != old {
			rest = append(rest, m)
		}
	}
	waitFor(t, "a new leader among the two left", func() bool {
		n, _ := leaders(rest...)
		return n == 1 && seeMembers(2, rest...)()
	})
	waitFor(t, "the new leader's term", func() bool { return active.Load() == 1 && terms.Load() == 2 })
	if m := maxActive.Load(); m != 1 {
		t.Fatalf("%d leadership terms ran at once, want 1", m)
	}
	if n, _ := leaders(old); n != 0 {
		t.Fatal("the stopped member still reports leading")
	}
}

// TestSourceLocksFollowRendezvousAndWaitForRuns: each source runs on its
// rendezvous owner only; when a member joins, a source that moves to it is
// taken only after the previous owner's run has ended.
func TestSourceLocksFollowRendezvousAndWaitForRuns(t *testing.T) {
	zk := zktest.Start(t)
	root := testRoot()
	a := start(t, zk.Addr, root, "a", 4*time.Second, nil)
	b := start(t, zk.Addr, root, "b", 4*time.Second, nil)
	waitFor(t, "two members", seeMembers(2, a, b))
	srcs := keys(40)
	running := map[string]*member{}
	for _, s := range srcs {
		ra, freshA, _ := a.Begin(s)
		rb, _, _ := b.Begin(s)
		if ra == rb {
			t.Fatalf("source %s: a runs=%v, b runs=%v; want exactly one", s, ra, rb)
		}
		owner := map[bool]string{true: "a", false: "b"}[ra]
		if want := Owner(s, []string{"a", "b"}); owner != want {
			t.Fatalf("source %s runs on %s, its rendezvous owner is %s", s, owner, want)
		}
		if ra && !freshA {
			t.Fatalf("source %s: first Begin on a is not fresh", s)
		}
		running[s] = map[bool]*member{true: a, false: b}[ra]
	}
	// Half the runs end; the other half are still running when c joins.
	ended := map[string]bool{}
	for i, s := range srcs {
		if i%2 == 0 {
			running[s].End(s)
			ended[s] = true
		}
	}
	c := start(t, zk.Addr, root, "c", 4*time.Second, nil)
	waitFor(t, "three members", seeMembers(3, a, b, c))
	members := []string{"a", "b", "c"}
	var toC, waited int
	for _, s := range srcs {
		if Owner(s, members) != "c" {
			// Not moved: the old owner goes on holding it.
			if r, fresh, _ := running[s].Begin(s); ended[s] && (!r || fresh) {
				t.Fatalf("source %s: its owner lost it when c joined (run=%v fresh=%v)", s, r, fresh)
			}
			continue
		}
		toC++
		if !ended[s] {
			// Its run goes on: c must wait.
			if r, _, retry := c.Begin(s); r || retry <= 0 {
				t.Fatalf("source %s: c may run it (run=%v retry=%s) while %s's run goes on", s, r, retry, running[s].ID())
			}
			running[s].End(s)
			waited++
		}
		waitFor(t, "c to take "+s, func() bool { r, fresh, _ := c.Begin(s); return r && fresh })
		if r, _, _ := running[s].Begin(s); r {
			t.Fatalf("source %s: the old owner %s may run it after c took it", s, running[s].ID())
		}
	}
	if toC == 0 || waited == 0 {
		t.Fatalf("%d sources moved to c, %d of them waited for a run: the test checked nothing", toC, waited)
	}
	if got := c.Status().SourcesOwned; got != toC {
		t.Fatalf("c holds %d locks, want %d", got, toC)
	}
}

// TestCollectedWakesTheLeader: a member that stored mentions tells the
// others (Collected), so the leader's alert loop judges them at once, as
// the lone daemon's sink wakes its own loop. Before, a collection by a
// member that did not lead woke nobody: the leader saw it at its next
// tick, up to 30 s later; and mentions stored late (a spool replayed),
// behind the leader's critical scan, were never judged.
func TestCollectedWakesTheLeader(t *testing.T) {
	s := zktest.Start(t)
	root := testRoot()
	a := start(t, s.Addr, root, "a", 4*time.Second, nil)
	b := start(t, s.Addr, root, "b", 4*time.Second, nil)
	waitFor(t, "two members and one leader", func() bool {
		n, _ := leaders(a, b)
		return n == 1 && seeMembers(2, a, b)()
	})
	leader, follower := a, b
	if b.IsLeader() {
		leader, follower = b, a
	}
	// The first collection makes the node; the leader may set its watch
	// after that, so tell it until it hears.
	waitFor(t, "the leader to hear of a collection", func() bool {
		follower.Collected(time.Time{})
		select {
		case <-leader.Collections():
			return true
		case <-time.After(100 * time.Millisecond):
			return false
		}
	})
	// From then on every collection wakes it.
	for i := range 3 {
		follower.Collected(time.Time{})
		select {
		case <-leader.Collections():
		case <-time.After(time.Minute):
			t.Fatalf("collection %d: the leader heard nothing within a minute", i+2)
		}
	}
	if late, ok := leader.TakeLate(); ok {
		t.Fatalf("TakeLate = %s after collections stored on time", late)
	}

	// Mentions stored late: the leader takes the oldest collected time,
	// once, whether the two writes arrive apart or as one.
	t1 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	follower.Collected(t1.Add(time.Hour))
	follower.Collected(t1)
	var took []time.Time
	for len(took) == 0 || !took[len(took)-1].Equal(t1) {
		select {
		case <-leader.Collections():
		case <-time.After(time.Minute):
			t.Fatalf("the leader took %v, never %s", took, t1)
		}
		if late, ok := leader.TakeLate(); ok {
			took = append(took, late.UTC())
		}
	}
	if late, ok := leader.TakeLate(); ok {
		t.Fatalf("TakeLate = %s again after %v was taken", late, took)
	}
}

// TestSourceOnlySomeMembersHaveStillRuns: a source that only some members'
// configs have (a rolling config change) runs on one of those, whatever
// the hash says. Before, it went to its rendezvous owner among all
// members, which does not have it: nobody ran it, and nothing said so.
// Members whose other settings differ (brands, alerts: the leader's
// decide) are logged as a warning; before, nothing said so.
func TestSourceOnlySomeMembersHaveStillRuns(t *testing.T) {
	s := zktest.Start(t)
	root := testRoot()
	var all, some []string
	for i := range 20 {
		all = append(all, fmt.Sprintf("src-%02d", i))
	}
	some = all[:10]
	moved := 0
	for _, src := range all[10:] {
		if Owner(src, []string{"a", "b"}) == "b" {
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("no source only a has hashes to b: the test proves nothing; rename the sources")
	}
	lines := make(lineWriter, 100)
	a := startConfig(t, Config{Servers: []string{s.Addr}, Root: root, ID: "a", SessionTimeout: 4 * time.Second, Sources: all,
		Settings: "s1", Log: slog.New(slog.NewTextHandler(lines, nil))}, nil)
	b := startConfig(t, Config{Servers: []string{s.Addr}, Root: root, ID: "b", SessionTimeout: 4 * time.Second, Sources: some, Settings: "s2"}, nil)
	waitFor(t, "both members", seeMembers(2, a, b))
	// Their other settings differ too: said once both are seen.
	waitLog(t, lines, time.Minute, "level=WARN", "members_with_other_settings=[b]")
	for _, src := range all[10:] {
		waitFor(t, "a to run "+src+", which only a has", func() bool {
			run, _, _ := a.Begin(src)
			if run {
				a.End(src)
			}
			return run
		})
	}
	// The sources both have are still spread by the hash.
	for _, src := range some {
		owner, other := a, b
		if Owner(src, []string{"a", "b"}) == "b" {
			owner, other = b, a
		}
		if run, _, _ := other.Begin(src); run {
			t.Errorf("%s ran on %s, not on its owner %s", src, other.ID(), owner.ID())
			other.End(src)
		}
	}
}
