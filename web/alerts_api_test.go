package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
)

// TestAPIAlertsDeliveriesNeverNull: an alert nothing was delivered for
// (silenced) had "deliveries": null in /api/alerts; clients that iterate
// want a list. (Its episode_total: TestAPIAlertEpisodeTotal.)
func TestAPIAlertsDeliveriesNeverNull(t *testing.T) {
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
			if ds, ok := x["deliveries"].([]any); !ok || len(ds) != 0 {
				t.Errorf("deliveries %#v, want []", x["deliveries"])
			}
			return
		}
	}
	t.Fatalf("alert e1 not in /api/alerts: %v", resp.Alerts)
}

// TestSilenceFromAnAlertKeepsItsAlert: a silence made from an alert, by its
// Silence link or by the dashboard's Silence button, records the alert
// (Silence.AlertID), so that the alert loop keeps muting that episode when
// its scope moves; the API and the page list it. An alert id that is not
// in the store is refused.
func TestSilenceFromAnAlertKeepsItsAlert(t *testing.T) {
	signer, st := testSigner(t), openStore(t)
	h := alertHandler(t, st, signer)
	// The Silence link of a1, pressed.
	path, q := linkPath(t, signer.URL("https://mw.example.com", actionlink.Silence, "a1", testNow.Add(actionlink.TTL)))
	q.Set("by", "rina")
	if w := do(t, h, "POST", path, strings.NewReader(q.Encode()), "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-origin"); w.Code != http.StatusOK {
		t.Fatalf("silence link: %d %s", w.Code, w.Body)
	}
	ss, err := st.Silences(context.Background(), testNow)
	if err != nil || len(ss) != 1 || ss[0].AlertID != "a1" || ss[0].Scope != "aspect:delivery" {
		t.Fatalf("the link's silence: %+v (%v); want acme · aspect:delivery and alert a1", ss, err)
	}
	// A later message of a1, its peak moved to the brand, is muted.
	moved := mw.Alert{ID: "a1", Brand: "Acme", Scope: "brand"}
	if !ss[0].Matches(moved, testNow.Add(time.Hour)) {
		t.Errorf("the link's silence does not hold for its alert at another scope")
	}

	// The dashboard's Silence button sends the alert's id.
	page := do(t, h, "GET", "/ui/alerts?brand=Acme&range=24h", nil).Body.String()
	if !strings.Contains(page, `<input type="hidden" name="alert" value="c1">`) {
		t.Fatalf("the Silence form of c1 does not send its id:\n%s", page)
	}
	form := url.Values{"brand": {"Acme"}, "scope": {"mention"}, "alert": {"c1"}, "for": {"1h"}}
	if w := do(t, h, "POST", "/ui/silences?brand=Acme&range=24h", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", h.csrfToken); w.Code != http.StatusOK ||
		!strings.Contains(w.Body.String(), `<a href="#alert=c1">its alert</a>`) {
		t.Fatalf("silence form: %d %s", w.Code, w.Body)
	}
	var ar AlertsResponse
	getJSON(t, h, "/api/alerts?brand=Acme&range=24h", &ar)
	var found bool
	for _, s := range ar.Silences {
		found = found || s.AlertID == "c1" && s.Scope == "mention"
	}
	if !found {
		t.Errorf("/api/alerts silences: %+v; want one of alert c1", ar.Silences)
	}
	// Through the API with the alert alone: its brand and scope.
	w := do(t, h, "POST", "/api/silences", strings.NewReader(`{"alert_id":"a1","for":"2h"}`), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
	var s Silence
	if err := json.Unmarshal(w.Body.Bytes(), &s); w.Code != http.StatusCreated || err != nil || s.Brand != "Acme" || s.Scope != "aspect:delivery" || s.AlertID != "a1" {
		t.Fatalf("POST /api/silences with alert_id: %d %s", w.Code, w.Body)
	}
	w = do(t, h, "POST", "/api/silences", strings.NewReader(`{"alert_id":"nope","for":"2h"}`), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `alert \"nope\" is not in the store`) {
		t.Errorf("an unknown alert: %d %s", w.Code, w.Body)
	}
}
