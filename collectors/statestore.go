package collectors

import (
	"context"
	"sync"

	"github.com/mentionwatch/mentionwatch/store"
)

// StateStore is the part of store.Store the scheduler needs: a source's
// saved state (cursor and health), read before its first run in this
// process and saved after every run. Every store.Store is one.
type StateStore interface {
	SourceState(ctx context.Context, source string) (store.SourceState, error)
	SaveSourceState(ctx context.Context, st store.SourceState) error
}

// MemStates is a StateStore that keeps source state in memory only, for
// tests and for a program that need not resume after a restart. Safe for
// concurrent use; its zero value is not ready, use NewMemStates.
type MemStates struct {
	mu     sync.Mutex
	states map[string]store.SourceState
}

// NewMemStates returns a MemStates holding the given states, by Source.
func NewMemStates(states ...store.SourceState) *MemStates {
	m := &MemStates{states: map[string]store.SourceState{}}
	for _, st := range states {
		m.states[st.Source] = st
	}
	return m
}

// SourceState returns the saved state of source; the zero state (with an
// empty Source) when none was saved.
func (m *MemStates) SourceState(_ context.Context, source string) (store.SourceState, error) {
	return m.Saved(source), nil
}

// SaveSourceState saves st under st.Source.
func (m *MemStates) SaveSourceState(_ context.Context, st store.SourceState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.states[st.Source] = st
	return nil
}

// Saved returns the saved state of source, as SourceState does, for
// callers without a context.
func (m *MemStates) Saved(source string) store.SourceState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.states[source]
}
