package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// interleaveStore runs another request in the middle of the first
// request's read-modify-write: when armed, the first Triage or Alert read
// returns only after the other request has finished, or, when that
// request waits for the first one to save (as it should), after a pause.
// Either way the outcome is decided, not raced: without serialisation
// the first request saves what it read before the other one's change.
type interleaveStore struct {
	store.Store
	mu    sync.Mutex
	other func() // the request to run in the middle; nil when disarmed
}

func (s *interleaveStore) middle() {
	s.mu.Lock()
	other := s.other
	s.other = nil
	s.mu.Unlock()
	if other == nil {
		return
	}
	done := make(chan struct{})
	go func() { defer close(done); other() }()
	select {
	case <-done:
	case <-time.After(time.Second): // it waits for us: go on and save first
	}
}

func (s *interleaveStore) Triage(ctx context.Context, ids []string) (map[string]store.Triage, error) {
	out, err := s.Store.Triage(ctx, ids)
	s.middle()
	return out, err
}

func (s *interleaveStore) Alert(ctx context.Context, id string) (mw.Alert, error) {
	a, err := s.Store.Alert(ctx, id)
	s.middle()
	return a, err
}

func (s *interleaveStore) arm(other func()) {
	s.mu.Lock()
	s.other = other
	s.mu.Unlock()
}

// TestConcurrentChangesBothLand: two agents change the same mention (one
// tags it, the other sets its state) or the same alert (one acknowledges,
// the other resolves) at the same moment. Both changes are kept: the
// later save does not put back the state the earlier one replaced.
func TestConcurrentChangesBothLand(t *testing.T) {
	st := &interleaveStore{Store: openStore(t)}
	h := newTestHandlerOn(t, st, mw.WebConfig{})
	ctx := context.Background()
	post := func(target, body string) *httptest.ResponseRecorder {
		r := httpRequest("POST", target, body, "Content-Type", "application/json", csrfHeader, h.csrfToken)
		return serve(h, r)
	}
	id := mention("Acme", "m2", "", 0, "", "", 0, 0).ID

	var other *httptest.ResponseRecorder
	var wg sync.WaitGroup
	wg.Add(1)
	st.arm(func() { defer wg.Done(); other = post("/api/mentions/triage", `{"ids":["`+id+`"],"state":"handled"}`) })
	if w := post("/api/mentions/triage", `{"ids":["`+id+`"],"add_tags":["vip"]}`); w.Code != http.StatusOK {
		t.Fatalf("tagging: %d %s", w.Code, w.Body)
	}
	wg.Wait()
	if other.Code != http.StatusOK {
		t.Fatalf("setting the state: %d %s", other.Code, other.Body)
	}
	tr, err := st.Store.Triage(ctx, []string{id})
	if err != nil {
		t.Fatal(err)
	}
	if got := tr[id]; got.State != store.StateHandled || !slices.Equal(got.Tags, []string{"vip"}) {
		t.Errorf("triage after a tag and a state change at once: state %q, tags %v; want handled and [vip]", got.State, got.Tags)
	}

	wg.Add(1)
	st.arm(func() { defer wg.Done(); other = post("/api/alerts/a1/resolve", `{"by":"joko"}`) })
	if w := post("/api/alerts/a1/ack", `{"by":"rina"}`); w.Code != http.StatusOK {
		t.Fatalf("ack: %d %s", w.Code, w.Body)
	}
	wg.Wait()
	if other.Code != http.StatusOK {
		t.Fatalf("resolve: %d %s", other.Code, other.Body)
	}
	a, err := st.Store.Alert(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if a.State != mw.Resolved || a.AckedAt.IsZero() {
		t.Errorf("alert after an ack and a resolve at once: %s, acked %v by %q; want resolved and acknowledged", a.State, a.AckedAt, a.AckedBy)
	}
}
