package collectors

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// gateState is a store holding source states only.
type gateState struct {
	store.Store
	mu     sync.Mutex
	states map[string]store.SourceState
}

func (m *gateState) SourceState(_ context.Context, name string) (store.SourceState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.states[name], nil
}

func (m *gateState) SaveSourceState(_ context.Context, st store.SourceState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.states[st.Source] = st
	return nil
}

func (m *gateState) SaveSourceStates(ctx context.Context, sts []store.SourceState) error {
	for _, st := range sts {
		m.SaveSourceState(ctx, st)
	}
	return nil
}

// fakeGate hands sources over as a test says, and checks that End follows
// every Begin that allowed a run.
type fakeGate struct {
	mu      sync.Mutex
	mine    map[string]bool
	held    map[string]bool
	running map[string]bool
	begins  int
	ends    int
	changed chan struct{}
	t       *testing.T
}

func (g *fakeGate) Begin(source string) (bool, bool, time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.begins++
	if !g.mine[source] {
		return false, false, 0
	}
	if g.running[source] {
		g.t.Errorf("Begin(%s) while its run goes on", source)
	}
	fresh := !g.held[source]
	g.held[source], g.running[source] = true, true
	return true, fresh, 0
}

func (g *fakeGate) End(source string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.running[source] {
		g.t.Errorf("End(%s) without a run", source)
	}
	g.running[source] = false
	g.ends++
}

func (g *fakeGate) Changed() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.changed
}

func (g *fakeGate) Holds(source string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held[source]
}

// give hands source to this process and wakes the scheduler.
func (g *fakeGate) give(source string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.mine[source] = true
	close(g.changed)
	g.changed = make(chan struct{})
}

// TestGateDecidesWhichSourcesRun: a source the gate withholds never runs;
// handed over, it runs at once (not after its hour-long interval) from the
// state the store holds now, which another process may have advanced.
func TestGateDecidesWhichSourcesRun(t *testing.T) {
	var mu sync.Mutex
	cursors := map[string][]string{}
	collector := func(name string) *fakeCollector {
		return &fakeCollector{fn: func(n int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
			mu.Lock()
			cursors[name] = append(cursors[name], cur.LastID)
			mu.Unlock()
			return nil, mw.Cursor{LastID: name + "-mine"}, nil
		}}
	}
	a, b := collector("a"), collector("b")
	st := &gateState{states: map[string]store.SourceState{
		"b": {Source: "b", Cursor: mw.Cursor{LastID: "b-from-another-member"}, LastRun: time.Now()},
	}}
	g := &fakeGate{mine: map[string]bool{"a": true}, held: map[string]bool{}, running: map[string]bool{}, changed: make(chan struct{}), t: t}
	s := &Scheduler{Sources: []*Source{src("a", a, time.Hour), src("b", b, time.Hour)}, Store: st, Gate: g,
		Sink: func(context.Context, *Source, []mw.Mention) error { return nil }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()

	waitUntil(t, func() bool { return a.calls.Load() == 1 })
	if b.calls.Load() != 0 {
		t.Fatal("b ran although the gate withheld it")
	}
	g.give("b")
	waitUntil(t, func() bool { return b.calls.Load() == 1 })
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if got := cursors["b"]; len(got) != 1 || got[0] != "b-from-another-member" {
		t.Fatalf("b ran from cursors %q, want the store's", got)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ends != 2 {
		t.Fatalf("%d End calls after 2 runs", g.ends)
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out")
}

// ctxCollector is a collector that sees its context.
type ctxCollector func(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error)

func (f ctxCollector) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	return f(ctx, cur)
}

// take withdraws source from this process, as an expired ZooKeeper session
// does (its locks go with it), and wakes the scheduler.
func (g *fakeGate) take(source string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.mine[source], g.held[source] = false, false
	close(g.changed)
	g.changed = make(chan struct{})
}

// TestRunStopsWhenItsLockGoes: a member whose ZooKeeper session expired in
// the middle of a long run went on collecting beside the member that took
// the lock over, and then wrote its older cursor over that member's in
// the store. The run now stops when the lock goes: what it had read is
// stored, the store's state is left to the new holder, End follows, and
// the source does not run again until the gate gives it back.
func TestRunStopsWhenItsLockGoes(t *testing.T) {
	started := make(chan struct{})
	var runs atomic.Int32
	c := ctxCollector(func(ctx context.Context, _ mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		runs.Add(1)
		close(started)
		<-ctx.Done() // a long paginated run, cut off after its first page
		return []mw.Mention{{NativeID: "page-1", Text: "read before the lock went"}}, mw.Cursor{LastID: "page-1"}, ctx.Err()
	})
	other := store.SourceState{Source: "a", Cursor: mw.Cursor{LastID: "the-new-holders"}, LastRun: time.Now()}
	st := &gateState{states: map[string]store.SourceState{}}
	g := &fakeGate{mine: map[string]bool{"a": true}, held: map[string]bool{}, running: map[string]bool{}, changed: make(chan struct{}), t: t}
	var sunk atomic.Int32
	s := &Scheduler{Sources: []*Source{src("a", c, time.Hour)}, Store: st, Gate: g,
		Sink: func(_ context.Context, _ *Source, ms []mw.Mention) error { sunk.Add(int32(len(ms))); return nil }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()

	<-started
	st.SaveSourceState(ctx, other) // the member that took the lock ran the source and saved
	g.take("a")
	waitUntil(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.ends == 1
	})
	if n := sunk.Load(); n != 1 {
		t.Errorf("%d mentions stored from the cut-off run, want its 1", n)
	}
	if got, _ := st.SourceState(ctx, "a"); got.Cursor.LastID != "the-new-holders" {
		t.Errorf("store's cursor %q after the cut-off run, want the new holder's", got.Cursor.LastID)
	}
	time.Sleep(50 * time.Millisecond) // a wrong reschedule would run it again now
	if n := runs.Load(); n != 1 {
		t.Errorf("%d runs, want 1: the source is no longer this member's", n)
	}
	cancel()
	<-done
}
