package collectortest

import (
	"context"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	"github.com/mentionwatch/mentionwatch/store"
)

// State is an in-memory store that keeps only source state: all the
// scheduler needs. Other Store methods panic.
type State struct {
	store.Store
	mu     sync.Mutex
	states map[string]store.SourceState
}

// NewState returns an empty State.
func NewState() *State { return &State{states: map[string]store.SourceState{}} }

// SourceState returns the saved state of name.
func (s *State) SourceState(_ context.Context, name string) (store.SourceState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.states[name], nil
}

// SaveSourceState saves st.
func (s *State) SaveSourceState(_ context.Context, st store.SourceState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.states[st.Source] = st
	return nil
}

// Runner runs sources through the real scheduler (RunOnce) with a State
// and a sink that keeps what it receives.
type Runner struct {
	State *State
	Items []mw.Mention
	sched *collectors.Scheduler
}

// NewRunner returns a Runner with an empty state.
func NewRunner() *Runner {
	r := &Runner{State: NewState()}
	r.sched = &collectors.Scheduler{
		Store: r.State,
		Now:   func() time.Time { return Now },
		Sink: func(_ context.Context, _ *collectors.Source, items []mw.Mention) error {
			r.Items = append(r.Items, items...)
			return nil
		},
	}
	return r
}

// RunOnce runs src once, as the scheduler would, and returns the result;
// the cursor it saved is in State.
func (r *Runner) RunOnce(t testing.TB, src *collectors.Source) collectors.RunResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return r.sched.RunOnce(ctx, src)
}
