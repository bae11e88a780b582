package collectors

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

type memState struct {
	store.Store
	mu     sync.Mutex
	states map[string]store.SourceState
}

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

type fakeCollector struct {
	calls atomic.Int32
	fn    func(n int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error)
}

func (f *fakeCollector) Collect(_ context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	return f.fn(f.calls.Add(1), cur)
}

func src(name string, c Collector, every time.Duration) *Source {
	return &Source{Config: mw.SourceConfig{Name: name, Type: "fake", Interval: mw.Duration(every)}, Collector: c}
}

// credentialedCollector is a source configured with credentials, as x or
// reddit are: a 401 or 403 means they were rejected.
type credentialedCollector struct {
	fakeCollector
	Token mw.Secret `yaml:"token"`
}

func TestSchedulerStopsSourceOnAuthErrorOthersGoOn(t *testing.T) {
	auth := &credentialedCollector{Token: "t0ken"}
	auth.fn = func(int32, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return nil, mw.Cursor{}, &HTTPError{Method: "GET", URL: "https://api.example.com", Status: 401}
	}
	good := &fakeCollector{fn: func(n int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return []mw.Mention{{NativeID: string(rune('a' + n))}}, mw.Cursor{LastID: string(rune('a' + n))}, nil
	}}
	st := &memState{states: map[string]store.SourceState{}}
	var stored atomic.Int32
	s := &Scheduler{
		Sources: []*Source{src("auth", auth, 20*time.Millisecond), src("good", good, 20*time.Millisecond)},
		Store:   st,
		Sink: func(_ context.Context, _ *Source, ms []mw.Mention) error {
			stored.Add(int32(len(ms)))
			return nil
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	s.Run(ctx)
	if auth.calls.Load() != 1 {
		t.Errorf("auth-failing source ran %d times, want 1 (stopped)", auth.calls.Load())
	}
	if good.calls.Load() < 3 || stored.Load() != good.calls.Load() {
		t.Errorf("good source ran %d times, stored %d", good.calls.Load(), stored.Load())
	}
	if st.states["good"].Cursor.LastID == "" || st.states["auth"].LastError == "" {
		t.Errorf("states: %+v", st.states)
	}
}

func TestSinkFailureKeepsCursor(t *testing.T) {
	c := &fakeCollector{fn: func(int32, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return []mw.Mention{{NativeID: "1"}}, mw.Cursor{LastID: "1"}, nil
	}}
	st := &memState{states: map[string]store.SourceState{"s": {Source: "s", Cursor: mw.Cursor{LastID: "0"}}}}
	s := &Scheduler{Store: st, Sink: func(context.Context, *Source, []mw.Mention) error { return errors.New("disk full") }}
	var runs []error
	s.OnRun = func(_ *Source, _ int, err error, _ time.Duration) { runs = append(runs, err) }
	res := s.RunOnce(context.Background(), src("s", c, time.Minute))
	if res.Err == nil || st.states["s"].Cursor.LastID != "0" || st.states["s"].ConsecutiveErrors != 1 {
		t.Fatalf("res %+v state %+v", res, st.states["s"])
	}
	if len(runs) != 1 || runs[0] == nil || !strings.Contains(runs[0].Error(), "disk full") {
		t.Errorf("OnRun calls after a failed sink: %v, want one with the error", runs)
	}
}

func TestPartialItemsBeforeErrorAreKept(t *testing.T) {
	c := &fakeCollector{fn: func(int32, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return []mw.Mention{{NativeID: "1"}, {NativeID: "2"}}, mw.Cursor{LastID: "2"}, errors.New("page 2: malformed JSON")
	}}
	st := &memState{states: map[string]store.SourceState{}}
	var got int
	s := &Scheduler{Store: st, Sink: func(_ context.Context, _ *Source, ms []mw.Mention) error { got += len(ms); return nil }}
	res := s.RunOnce(context.Background(), src("s", c, time.Minute))
	if got != 2 || res.Err == nil || st.states["s"].Cursor.LastID != "2" {
		t.Fatalf("got %d res %+v state %+v", got, res, st.states["s"])
	}
	if res.Stop {
		t.Fatal("a malformed page must not stop the source")
	}
}

// A source without credentials (rss, reviews) that gets a 401 or 403, as
// a CDN's bot check answers, backs off and tries again like after a 5xx;
// it stops only when credentials it sent were rejected.
func TestSchedulerRetriesAuthErrorWithoutCredentials(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		c := &fakeCollector{fn: func(n int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
			if n <= 2 {
				return nil, mw.Cursor{}, &HTTPError{Method: "GET", URL: "https://shop.example.com/feed", Status: status}
			}
			return []mw.Mention{{NativeID: fmt.Sprint(n)}}, mw.Cursor{LastID: fmt.Sprint(n)}, nil
		}}
		s := &Scheduler{Store: &memState{states: map[string]store.SourceState{}}, Sink: func(context.Context, *Source, []mw.Mention) error { return nil }}
		for run := 1; run <= 2; run++ {
			res := s.RunOnce(context.Background(), src("feed", c, time.Minute))
			if res.Stop || res.Err == nil {
				t.Fatalf("HTTP %d on a source without credentials, run %d: stop %v, err %v; want an error that is retried", status, run, res.Stop, res.Err)
			}
		}
		if res := s.RunOnce(context.Background(), src("feed", c, time.Minute)); res.Err != nil || res.Items != 1 {
			t.Fatalf("third run after HTTP %d: %+v, want 1 item", status, res)
		}
		cred := &credentialedCollector{Token: "t0ken"}
		cred.fn = c.fn
		if res := s.RunOnce(context.Background(), src("api", cred, time.Minute)); !res.Stop {
			t.Errorf("HTTP %d with credentials configured: stop %v, want the source stopped until its credentials are fixed", status, res.Stop)
		}
		empty := &credentialedCollector{}
		empty.fn = func(int32, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
			return nil, mw.Cursor{}, &HTTPError{Method: "GET", URL: "https://api.example.com", Status: status}
		}
		if res := s.RunOnce(context.Background(), src("public", empty, time.Minute)); res.Stop {
			t.Errorf("HTTP %d on a source whose credential fields are empty: stopped, want retried", status)
		}
	}
}
