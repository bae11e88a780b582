package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
)

// TestAPIOnClickHouse runs the page and the API over the ClickHouse store
// with the same seed as the embedded-store tests. It needs
// $MENTIONWATCH_TEST_CLICKHOUSE_DSN (skips locally without it, fails in CI).
func TestAPIOnClickHouse(t *testing.T) {
	dsn := chtest.Fresh(t)
	ctx := context.Background()
	st, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(dsn)}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	h := newTestHandlerOn(t, st, mw.WebConfig{})

	var s Series
	getJSON(t, h, "/api/series?brand=Acme&range=7d", &s)
	if got := [3]uint64{sum(s.Negative), sum(s.Neutral), sum(s.Positive)}; got != [3]uint64{2, 1, 1} || len(s.T) != 168 || len(s.Alerts) != 2 {
		t.Errorf("series: %v, %d buckets, %d alerts; want [2 1 1], 168, 2", got, len(s.T), len(s.Alerts))
	}
	var js []JourneyStage
	getJSON(t, h, "/api/journey?brand=Acme&range=24h", &js)
	if js[2].Stage != "amot" || js[2].Count != 1 || js[2].Pain != 0.5 {
		t.Errorf("journey: %+v", js)
	}
	var as []Aspect
	getJSON(t, h, "/api/aspects?brand=Acme&range=7d", &as)
	if len(as) != 3 || as[0].Aspect == "price" {
		t.Errorf("aspects: %+v", as)
	}
	var sov ShareOfVoice
	getJSON(t, h, "/api/share-of-voice?brand=Acme&range=24h", &sov)
	if len(sov.Brands) != 2 || sov.Brands[0].Voice != 0.75 {
		t.Errorf("share of voice: %+v", sov.Brands)
	}
	var ms []Mention
	getJSON(t, h, "/api/mentions?brand=Acme&range=24h", &ms)
	if len(ms) != 2 || ms[0].NativeID != "m1" || ms[0].Text != xssProbe {
		t.Errorf("top negative: %+v", ms)
	}
	w := do(t, h, "GET", "/?brand=Acme&range=24h", nil)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), xssProbe) || !strings.Contains(w.Body.String(), "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("page: %d, probe escaped: %v", w.Code, strings.Contains(w.Body.String(), "&lt;script&gt;"))
	}
	if w := do(t, h, "POST", "/api/alerts/a1/ack", strings.NewReader(`{"by":"rina"}`), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken); w.Code != http.StatusOK {
		t.Fatalf("ack: %d %s", w.Code, w.Body)
	}
	if a, err := st.Alert(ctx, "a1"); err != nil || !a.AckedAt.Equal(testNow) || a.AckedBy != "rina" {
		t.Errorf("after ack: %+v %v", a, err)
	}
	if w := do(t, h, "POST", "/api/silences", strings.NewReader(`{"brand":"Acme","for":"1h"}`), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken); w.Code != http.StatusCreated {
		t.Errorf("silence: %d %s", w.Code, w.Body)
	}
	if w := do(t, h, "GET", "/readyz", nil); w.Code != http.StatusOK {
		t.Errorf("readyz: %d", w.Code)
	}
}

// TestUsersOnClickHouse: named users over the ClickHouse store: an agent
// logs in, acknowledges (recorded by name), a viewer's token is refused,
// logging out ends the session.
func TestUsersOnClickHouse(t *testing.T) {
	dsn := chtest.Fresh(t)
	ctx := context.Background()
	st, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(dsn)}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hash, err := HashPassword("agent-password-22")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{{Name: "ana", Role: mw.RoleAgent, PasswordHash: hash, PasswordSet: testNow.Add(-time.Hour)},
		{Name: "vic", Role: mw.RoleViewer}} {
		if err := st.SaveUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	tok, id, dig := NewAPIToken()
	if err := st.SaveToken(ctx, store.APIToken{ID: id, User: "vic", Hash: dig, Created: testNow}); err != nil {
		t.Fatal(err)
	}
	h := newTestHandlerOn(t, st, mw.WebConfig{Listen: "127.0.0.1:8080", Users: mw.WebUsersConfig{Enabled: true}})
	if err := CheckAdmins(ctx, h.opt.Auth, st); !errors.Is(err, ErrNoAdmin) {
		t.Errorf("CheckAdmins with an agent and a viewer: %v; want ErrNoAdmin", err)
	}

	w := do(t, h, "POST", "/login", strings.NewReader("username=ana&password=agent-password-22"), "Content-Type", "application/x-www-form-urlencoded")
	c := sessionOf(t, w)
	cookie := c.Name + "=" + c.Value
	if w := do(t, h, "POST", "/api/alerts/a1/ack", strings.NewReader(`{}`), "Cookie", cookie, csrfHeader, h.csrfToken, "Content-Type", "application/json"); w.Code != http.StatusOK {
		t.Fatalf("agent ack: %d %s", w.Code, w.Body)
	}
	if a, err := st.Alert(ctx, "a1"); err != nil || a.AckedBy != "ana" {
		t.Errorf("acked_by %q, %v; want ana", a.AckedBy, err)
	}
	if w := do(t, h, "POST", "/api/alerts/a2/ack", strings.NewReader(`{}`), "Authorization", "Bearer "+tok); w.Code != http.StatusForbidden {
		t.Errorf("viewer token ack: %d; want 403", w.Code)
	}
	do(t, h, "POST", "/logout", nil, "Cookie", cookie, csrfHeader, h.csrfToken)
	if w := do(t, h, "GET", "/api/me", nil, "Cookie", cookie); w.Code != http.StatusUnauthorized {
		t.Errorf("after logout: %d; want 401", w.Code)
	}
}

// TestInboxAgentsOnClickHouse: the author's history with its triage and
// notes, and two agents claiming one mention, on ClickHouse as on SQLite.
func TestInboxAgentsOnClickHouse(t *testing.T) {
	for name, run := range map[string]func(*testing.T, *Handler, store.Store){"history": historyShowsTriage, "claim": twoAgentsClaim, "claim in one second": claimsInOneSecond, "assignee folding": assigneeFolding, "totals": feedTotals} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(chtest.Fresh(t))}, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			run(t, newTestHandlerOn(t, st, mw.WebConfig{}), st)
		})
	}
}
