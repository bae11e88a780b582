package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/mentionwatch/mentionwatch/store"
)

// hungStore answers nothing, as a frozen ClickHouse does: its source and
// alert queries block until the test ends, whatever their context says.
type hungStore struct {
	store.Store
	release chan struct{}
}

func (h hungStore) SourceStates(context.Context) ([]store.SourceState, error) {
	<-h.release
	return nil, errors.New("released")
}

// /metrics never waits on a hung store: it serves the process's own
// counters with store_up 0 while the store's answer is outstanding.
func TestMetricsDoNotBlockOnHungStore(t *testing.T) {
	hs := hungStore{Store: openStore(t), release: make(chan struct{})}
	defer close(hs.release)
	h, err := New(Options{Store: hs, Counters: func() Counters { return Counters{Collected: 7} }})
	if err != nil {
		t.Fatal(err)
	}
	{
		done := make(chan *http.Response, 1)
		go func() { done <- do(t, h, "GET", "/metrics", nil).Result() }()
		select {
		case res := <-done:
			var b strings.Builder
			buf := make([]byte, 1<<16)
			for {
				n, err := res.Body.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					break
				}
			}
			for _, want := range []string{"mentionwatch_collected_total 7", "mentionwatch_store_up 0"} {
				if !strings.Contains(b.String(), want) {
					t.Errorf("/metrics with a hung store lacks %q", want)
				}
			}
		case <-t.Context().Done():
			t.Fatal("/metrics blocked on the hung store")
		}
	}
}

// /readyz reports the daemon's write health when it is given one: 503
// with the cause while writes fail (store down, spool disk full).
func TestReadyReportsWriteHealth(t *testing.T) {
	var health error
	st := openStore(t)
	h, err := New(Options{Store: st, Ready: func() error { return health }})
	if err != nil {
		t.Fatal(err)
	}
	if w := do(t, h, "GET", "/readyz", nil); w.Code != http.StatusOK {
		t.Errorf("/readyz healthy: %d %s", w.Code, w.Body)
	}
	health = errors.New("writer: spool full: no space left on device")
	w := do(t, h, "GET", "/readyz", nil)
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "spool full") {
		t.Errorf("/readyz while writes fail: %d %s; want 503 naming the cause", w.Code, w.Body)
	}
}

// TestReadyLogsChangesOnly: /readyz logs that writes fail once per cause
// and once when they recover, not on every probe (before: a probe every
// 10 s wrote a warning each time while the store was down).
func TestReadyLogsChangesOnly(t *testing.T) {
	var health error
	var logs bytes.Buffer
	h, err := New(Options{Store: openStore(t), Ready: func() error { return health },
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	probe := func(n int) {
		for range n {
			do(t, h, "GET", "/readyz", nil)
		}
	}
	probe(2)
	health = errors.New("writer: spool full: no space left on device")
	probe(5)
	health = errors.New("clickhouse: connection refused")
	probe(3)
	health = nil
	probe(4)
	out := logs.String()
	if n := strings.Count(out, "readiness: writes failing"); n != 2 {
		t.Errorf("%d warnings for 8 failing probes with 2 causes; want 2:\n%s", n, out)
	}
	if n := strings.Count(out, "readiness: ready again"); n != 1 {
		t.Errorf("%d 'ready again' lines; want 1:\n%s", n, out)
	}
}
