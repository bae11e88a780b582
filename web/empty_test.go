package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// newEmptyHandler serves a store with nothing in it, as on a first run
// before any collection, with one enabled source and one disabled.
func newEmptyHandler(t *testing.T) (*Handler, store.Store) {
	t.Helper()
	st := openStore(t)
	h, err := New(Options{Store: st, Brands: testBrands, Now: func() time.Time { return testNow },
		Sources: []mw.SourceConfig{{Name: "news", Type: "rss"}, {Name: "old-feed", Type: "rss", Disabled: true}}})
	if err != nil {
		t.Fatal(err)
	}
	return h, st
}

// TestFirstRunPage: before any mention, the page says how the first ones
// come instead of a flat chart and a journey of 0% of nothing, and source
// health lists the configured sources as never run (before: rows of 0%,
// an empty volume chart, and "No source has run yet." naming none).
func TestFirstRunPage(t *testing.T) {
	h, st := newEmptyHandler(t)
	w := do(t, h, "GET", "/", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /: %d %s", w.Code, w.Body)
	}
	body := w.Body.String()
	for _, want := range []string{"No mentions yet: no source has run.", "mentionwatch collect --once",
		"No mentions of Acme or its competitors in this window.",
		`<tr class="source"><td>news</td><td data-label="Kind">rss</td>` + "\n" + `        <td data-label="Status"><span class="badge">never run</span></td>`,
		`<tr class="source"><td>old-feed</td><td data-label="Kind">rss</td>` + "\n" + `        <td data-label="Status"><span class="badge">disabled</span></td>`} {
		if !strings.Contains(body, want) {
			t.Errorf("first-run page lacks %q", want)
		}
	}
	for _, bad := range []string{"0%", `data-chart="volume"`, "NaN", "0001-01-01"} {
		if strings.Contains(body, bad) {
			t.Errorf("first-run page shows %q", bad)
		}
	}

	// Once a source has run but found nothing for the brand, the page says
	// the window is empty, not that nothing has run.
	if err := st.SaveSourceState(context.Background(), store.SourceState{Source: "news", Type: "rss", LastRun: testNow.Add(-time.Minute),
		LastSuccess: testNow.Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	body = do(t, h, "GET", "/", nil).Body.String()
	if !strings.Contains(body, "No mentions of Acme in this window.") || strings.Contains(body, "no source has run") {
		t.Errorf("after a run that found nothing, the page should say the window is empty")
	}
}

// TestFirstRunAPI: on an empty store every API answers 200 with empty
// arrays (never null) and zero counts, and /api/sources lists the
// configured sources without a zero time.
func TestFirstRunAPI(t *testing.T) {
	h, _ := newEmptyHandler(t)
	for _, p := range []string{"/api/series", "/api/journey", "/api/aspects", "/api/share-of-voice", "/api/mentions", "/api/alerts",
		"/api/silences", "/api/sources", "/api/brands", "/ui/alerts", "/ui/sources"} {
		w := do(t, h, "GET", p, nil)
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "null") || strings.Contains(w.Body.String(), "0001-01-01") ||
			strings.Contains(w.Body.String(), "NaN") {
			t.Errorf("GET %s: %d %s", p, w.Code, w.Body)
		}
	}
	var src Sources
	getJSON(t, h, "/api/sources", &src)
	if len(src.Sources) != 2 || src.Sources[0].Source != "news" || src.Sources[0].LastRun != nil || src.Sources[0].Disabled ||
		src.Sources[1].Source != "old-feed" || !src.Sources[1].Disabled {
		b, _ := json.Marshal(src)
		t.Errorf("/api/sources on a first run: %s; want news never run and old-feed disabled", b)
	}
}
