package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/coord"
)

// TestTermLoopIsSetUpLikeTheLoneLoop: with coordination the leader runs a
// new alert loop per term. It must route, mask competitors and judge time
// of day as the loop that runs without coordination does, and /metrics
// must report it. Before, the term loop had no router (every alert went to
// every notifier, ignoring quiet hours and rate limits), no competitor
// names and UTC habits, and the leader reported no alert-loop figures.
func TestTermLoopIsSetUpLikeTheLoneLoop(t *testing.T) {
	dir := t.TempDir()
	text := `brands:
  - name: Acme
    keywords: [acme]
    competitors: [{name: Rivalco, keywords: [rivalco]}]
timezone: Asia/Jakarta
store: {path: ` + filepath.Join(dir, "mw.db") + `, spool_dir: ` + filepath.Join(dir, "spool") + `}
notifiers:
  webhook: {url: "http://127.0.0.1:1/hook"}
alerts:
  routing:
    default: [webhook]
log: {level: error}
`
	a := testApp(t, text)
	defer a.close()
	a.countRuns()

	l := a.termLoop()
	if l.Router == nil || l.Router != a.alerts.Router {
		t.Errorf("term loop's router = %p, want the configured one %p", l.Router, a.alerts.Router)
	}
	if l.Location == nil || l.Location.String() != "Asia/Jakarta" {
		t.Errorf("term loop's time zone = %v, want Asia/Jakarta", l.Location)
	}
	if !slices.Equal(l.Competitors, []string{"Rivalco"}) || !l.Brands["Acme"] {
		t.Errorf("term loop's brands %v, competitors %v", l.Brands, l.Competitors)
	}
	if l.OnDeliver == nil {
		t.Error("term loop does not count deliveries for /metrics")
	}

	// /metrics: a member that leads reports its term's loop; one that does
	// not, nothing.
	a.coord = &coord.Coordinator{}
	if _, ok := a.alertLoopStats(); ok {
		t.Error("a member that does not lead reports alert-loop figures")
	}
	now := time.Now()
	if err := l.Tick(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	a.term.Store(l)
	s, ok := a.alertLoopStats()
	if !ok || !s.LastTick.Equal(now) {
		t.Errorf("leader's alert-loop figures = %+v, %v; want its term loop's last tick %s", s, ok, now)
	}
}
