package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/demo"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

// TestDemoBurstAlertsSlackOnce: the complaint burst served by the demo's
// fixture server reaches Slack (a local receiver that first answers 429) as
// exactly one firing message that starts within two buckets of the burst,
// then one resolved message.
func TestDemoBurstAlertsSlackOnce(t *testing.T) {
	var (
		mu       sync.Mutex
		bodies   []string
		requests int
	)
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		requests++
		if requests == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		bodies = append(bodies, string(b))
		w.Write([]byte("ok"))
	}))
	defer slack.Close()
	t.Setenv("SLACK_WEBHOOK_URL", slack.URL+"/services/T/B/e2e")

	db := filepath.Join(t.TempDir(), "demo.db")
	var out bytes.Buffer
	start := time.Now()
	if err := runDemo(context.Background(), &out, db); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	var firing, resolved int
	var spikeMsgs []string
	for _, b := range bodies {
		switch {
		case strings.Contains(b, "Critical mention"):
			continue // single mentions (a battery that "died"), not the wave
		case strings.Contains(b, "Resolved"):
			resolved++
		default:
			firing++
		}
		spikeMsgs = append(spikeMsgs, b)
	}
	bodies = spikeMsgs
	if firing != 1 || resolved != 1 {
		t.Fatalf("Slack got %d firing and %d resolved messages (after one 429), want 1 and 1:\n%s", firing, resolved, strings.Join(bodies, "\n---\n"))
	}
	for _, want := range []string{"Acme", "delivery", "https://"} {
		if !strings.Contains(bodies[0], want) {
			t.Errorf("firing message lacks %q", want)
		}
	}

	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	as, err := st.Alerts(context.Background(), store.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var spikes []mw.Alert
	for _, a := range as {
		if a.Kind == mw.AlertSpike {
			spikes = append(spikes, a)
		}
	}
	if len(spikes) != 1 {
		t.Fatalf("%d spike alerts stored, want 1: %+v", len(spikes), spikes)
	}
	burst := demo.BurstStart(start.UTC())
	if d := spikes[0].StartedAt.Sub(burst); d < -5*time.Minute || d > 2*5*time.Minute {
		t.Errorf("alert started at %s, burst at %s: not within two buckets", spikes[0].StartedAt, burst)
	}
	if spikes[0].State != mw.Resolved || spikes[0].NotifyCount != 2 {
		t.Errorf("alert state %s, notified %d times", spikes[0].State, spikes[0].NotifyCount)
	}
}
