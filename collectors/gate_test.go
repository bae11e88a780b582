package collectors

import (
	"context"
	"sync"
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
