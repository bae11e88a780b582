package rss

import (
	"bytes"
	"compress/gzip"
	"context"
	"sync"
	"testing"

	"github.com/mentionwatch/mentionwatch/store"
)

func gzipZeros(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(make([]byte, n))
	zw.Close()
	return b.Bytes()
}

// memState keeps source state in memory; the scheduler needs nothing else.
type memState struct {
	store.Store
	mu     sync.Mutex
	states map[string]store.SourceState
}

func newMemState() *memState { return &memState{states: map[string]store.SourceState{}} }

func (m *memState) SourceState(_ context.Context, name string) (store.SourceState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.states[name], nil
}

func (m *memState) SaveSourceState(_ context.Context, st store.SourceState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.states[st.Source] = st
	return nil
}
