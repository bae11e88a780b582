// Package collectortest helps test collectors: it builds a source from a
// YAML snippet through the real registry and strict config decoder, with a
// fast HTTP client and a fixed clock, serves fixtures, compares golden files
// and checks the errors the scheduler relies on.
//
// The API is shared by every collector's tests; keep it stable.
package collectortest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// Now is the fixed clock every built source gets.
var Now = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// Brands is the brand block of the config Build writes: the fictional
// brand Acme (English and Indonesian mentions) and a competitor.
const Brands = `brands:
  - name: Acme
    keywords: [acme, "acme store"]
    competitors:
      - name: Globex
        keywords: [globex]
`

// HTTP returns a client for tests: no rate limit to speak of, no in-run
// retries, so 429 and 5xx come straight back as *collectors.HTTPError.
func HTTP() *collectors.HTTPClient {
	return collectors.NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, RetryMax: -1, AllowLoopback: true})
}

// Config returns the full config text for one source named "test" of type
// typ whose own keys are snippet (YAML mapping lines, unindented).
func Config(typ, snippet string) string {
	var b strings.Builder
	b.WriteString(Brands)
	b.WriteString("sources:\n  - name: test\n    type: " + typ + "\n")
	for _, line := range strings.Split(strings.TrimRight(snippet, "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

// BuildErr builds the source and returns the config or Init error, if any.
func BuildErr(typ, snippet string) (*collectors.Source, error) {
	return buildErr(Config(typ, snippet), nil)
}

// BuildBrands builds a source of typ whose config has brands (a YAML
// brands block) in place of Brands, logging at debug into the returned
// buffer; the error is the config's or Init's.
func BuildBrands(typ, brands, snippet string) (*collectors.Source, *bytes.Buffer, error) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src, err := buildErr(strings.Replace(Config(typ, snippet), Brands, brands, 1), log)
	return src, &logs, err
}

func buildErr(text string, log *slog.Logger) (*collectors.Source, error) {
	cfg, err := mw.ParseConfig("test.yaml", []byte(text), func(string) (string, bool) { return "", false })
	if err != nil {
		return nil, err
	}
	return collectors.Build(cfg, cfg.Sources[0], collectors.Env{HTTP: HTTP(), Log: log, Now: func() time.Time { return Now }})
}

// Build builds the source or fails the test.
func Build(t testing.TB, typ, snippet string) *collectors.Source {
	t.Helper()
	src, err := BuildErr(typ, snippet)
	if err != nil {
		t.Fatalf("building %s source: %v", typ, err)
	}
	return src
}

// WantBuildError fails the test unless building fails with an error that
// contains every one of want.
func WantBuildError(t testing.TB, typ, snippet string, want ...string) {
	t.Helper()
	_, err := BuildErr(typ, snippet)
	if err == nil {
		t.Fatalf("building %s source with %q: no error, want one containing %q", typ, snippet, want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("build error %q does not contain %q", err, w)
		}
	}
}

// Collect runs the source's collector once with cur.
func Collect(t testing.TB, src *collectors.Source, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return src.Collector.Collect(ctx, cur)
}

// WantLate runs src from cur and wants exactly the items with the ids
// want: those that reached the service's search after the run that set
// cur's mark (indexed late, or in the mark's own second). A further run
// must return nothing: the overlap read again is not returned twice. It
// returns the cursor after the first of the two runs.
func WantLate(t testing.TB, src *collectors.Source, cur mw.Cursor, want ...string) mw.Cursor {
	t.Helper()
	items, next, err := Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range items {
		got = append(got, m.NativeID)
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Fatalf("the run after the mark returned %q, want exactly %q (reached the search after the mark was set)", got, want)
	}
	if again, _, err := Collect(t, src, next); err != nil || len(again) != 0 {
		t.Fatalf("the run after that returned %d items, %v; want none (the overlap is read again but not returned)", len(again), err)
	}
	return next
}

// WantLangHints collects src from an empty cursor and fails the test
// unless the items hold every native id of want with the LangHint want
// gives it.
func WantLangHints(t testing.TB, src *collectors.Source, want map[string]string) {
	t.Helper()
	items, _, err := Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	left := maps.Clone(want)
	for _, m := range items {
		if w, ok := left[m.NativeID]; ok && m.LangHint != w {
			t.Errorf("%s: lang hint %q, want %q", m.NativeID, m.LangHint, w)
		}
		delete(left, m.NativeID)
	}
	if len(left) > 0 {
		t.Errorf("not collected: %v", left)
	}
}

// Fixture reads testdata/name.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Serve starts an httptest server closed at the end of the test.
func Serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// Status returns a handler that answers every request with status, the
// given headers (pairs: name, value) and body.
func Status(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

// Golden compares v, as indented JSON, with testdata/name; with update it
// rewrites the file instead.
func Golden(t testing.TB, name string, v any, update bool) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep & < > readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", name)
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", path, d)
	}
}

// WantHTTPStatus fails the test unless err is an *collectors.HTTPError with
// status, and returns it.
func WantHTTPStatus(t testing.TB, err error, status int) *collectors.HTTPError {
	t.Helper()
	var he *collectors.HTTPError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v, want HTTP %d", err, status)
	}
	if he.Status != status {
		t.Fatalf("status = %d, want %d (%v)", he.Status, status, err)
	}
	return he
}

// WantAuth fails the test unless err is an auth error (the scheduler stops
// the source) whose message names every one of want (the credential).
func WantAuth(t testing.TB, err error, want ...string) {
	t.Helper()
	if !collectors.IsAuth(err) {
		t.Fatalf("err = %v, want a 401/403 auth error", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("auth error %q does not name %q", err, w)
		}
	}
}

// WantRetryAfter fails the test unless err asks to wait d.
func WantRetryAfter(t testing.TB, err error, d time.Duration) {
	t.Helper()
	got, ok := collectors.RetryAfter(err)
	if !ok || got != d {
		t.Fatalf("RetryAfter(%v) = %v, %v; want %v", err, got, ok, d)
	}
}

// WantErrorContains fails the test unless err is non-nil and contains
// every one of want.
func WantErrorContains(t testing.TB, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// CheckItems checks the invariants every collected item must hold: a Type
// and NativeID, a UTC time, no Brand or ID (the matcher fills them), and a
// rating within 0..5.
func CheckItems(t testing.TB, typ string, items []mw.Mention) {
	t.Helper()
	for i, m := range items {
		switch {
		case m.Type != typ:
			t.Errorf("item %d: type %q, want %q", i, m.Type, typ)
		case m.NativeID == "":
			t.Errorf("item %d: empty native id", i)
		case m.Published.Location() != time.UTC:
			t.Errorf("item %d: published %v not UTC", i, m.Published)
		case m.Brand != "" || m.ID != "":
			t.Errorf("item %d: brand/id set by collector", i)
		case m.Rating < 0 || m.Rating > 5:
			t.Errorf("item %d: rating %v out of range", i, m.Rating)
		}
	}
}

// BenchParse runs the parse-rate pair of sub-benchmarks over one response
// body: "unmarshal" decodes it into a fresh T with encoding/json (the
// baseline), "parse" runs the collector's own parse (decode and map to
// mentions). Both report bytes/s and items/s, so their ratio is the
// figure docs/BENCHMARKS.md records.
func BenchParse[T any](b *testing.B, body []byte, items int, parse func([]byte) error) {
	b.Helper()
	run := func(name string, f func() error) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(items*b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
	run("unmarshal", func() error {
		var r T
		return json.Unmarshal(body, &r)
	})
	run("parse", func() error { return parse(body) })
}

// Recorder is a handler that records the path of each request it passes
// to its handler, for tests that count what a run asked for.
type Recorder struct {
	h     http.HandlerFunc
	mu    sync.Mutex
	paths []string
}

// Record returns a Recorder in front of h.
func Record(h http.HandlerFunc) *Recorder { return &Recorder{h: h} }

// ServeHTTP records the request's path, then lets the handler answer.
func (rec *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	rec.paths = append(rec.paths, r.URL.Path)
	rec.mu.Unlock()
	rec.h(w, r)
}

// Paths returns the paths requested so far, in order.
func (rec *Recorder) Paths() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.paths)
}

// WantPageLoopStop builds a source of typ from snippet, collects once from
// cur against a service whose pages go round, and fails the test unless
// the run ended without an error, returned want distinct items, asked for
// at most 2 pages (requests reports how many it asked for; not max_pages
// of the same one), and logged a warning naming the source that the
// pages go round (collectors.PageLoop), with no advice to raise
// max_pages.
func WantPageLoopStop(t testing.TB, typ, snippet string, cur mw.Cursor, requests func() int, want int) {
	t.Helper()
	src, logs, err := BuildBrands(typ, Brands, snippet)
	if err != nil {
		t.Fatal(err)
	}
	items, _, err := Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range items {
		ids[m.NativeID] = true
	}
	if len(ids) != want {
		t.Errorf("%d distinct items (%d returned), want %d", len(ids), len(items), want)
	}
	if n := requests(); n > 2 {
		t.Errorf("the run asked for %d pages, want at most 2: it followed pages that go round", n)
	}
	var warned bool
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "level=WARN") && strings.Contains(line, "pages go round") && strings.Contains(line, "source=test") {
			warned = true
		}
		if strings.Contains(line, "raise max_pages") {
			t.Errorf("the log advises raising max_pages for pages that go round: %s", line)
		}
	}
	if !warned {
		t.Errorf("no warning naming the source that its pages go round; logs:\n%s", logs)
	}
}

// Paging puts h behind a server whose pages go round, for
// WantPageLoopStop: it drops the query parameter ignore (unless ""), as a
// server that ignores it, lets h answer, then lets edit change the JSON
// object h answered (unless nil), given how many requests came so far.
// requests reports that count.
func Paging(h http.HandlerFunc, ignore string, edit func(body map[string]any, n int)) (_ http.HandlerFunc, requests func() int) {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		k := int(n.Add(1))
		if ignore != "" {
			q := r.URL.Query()
			q.Del(ignore)
			r.URL.RawQuery = q.Encode()
		}
		if edit == nil {
			h(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h(rec, r)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		edit(body, k)
		json.NewEncoder(w).Encode(body)
	}, func() int { return int(n.Load()) }
}
