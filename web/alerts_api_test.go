package web

import (
	"context"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestAPIAlertsEpisodeTotal: /api/alerts carries a resolved spike's
// negative mentions over its episode (episode_total), as the webhook and
// the messages do, so a bot or a report reading the API need not add the
// buckets up itself.
func TestAPIAlertsEpisodeTotal(t *testing.T) {
	st := openStore(t)
	h := newTestHandlerOn(t, st, mw.WebConfig{})
	a := mw.Alert{ID: "e1", Brand: "Acme", Kind: mw.AlertSpike, Scope: "brand", State: mw.Resolved, StartedAt: testNow.Add(-3 * time.Hour),
		UpdatedAt: testNow.Add(-2 * time.Hour), ResolvedAt: testNow.Add(-2 * time.Hour), Count: 14, Baseline: 1, Factor: 14, EpisodeTotal: 47,
		Summary: "all mentions: 14 negative in 5 min", NotifiedState: mw.Resolved, NotifyCount: 2}
	if err := st.SaveAlert(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Alerts []map[string]any `json:"alerts"`
	}
	getJSON(t, h, "/api/alerts?brand=Acme&range=24h", &resp)
	for _, x := range resp.Alerts {
		if x["id"] == "e1" {
			if x["episode_total"] != 47.0 {
				t.Fatalf("episode_total %v, want 47: %v", x["episode_total"], x)
			}
			return
		}
	}
	t.Fatalf("alert e1 not in /api/alerts: %v", resp.Alerts)
}
