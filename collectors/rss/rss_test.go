package rss

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

var update = flag.Bool("update", false, "rewrite golden files")

var testNow = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func newFeed(t *testing.T, url string, cfg mw.HTTPConfig) *Feed {
	t.Helper()
	if cfg.PerHostRPS == 0 {
		cfg.PerHostRPS, cfg.PerHostBurst = 1000, 1000
	}
	if cfg.RetryMax == 0 {
		cfg.RetryMax = -1
	}
	cfg.AllowLoopback = true // the feeds are httptest servers on 127.0.0.1
	f := &Feed{URL: url}
	err := f.Init(collectors.Env{Name: "test", Type: "rss", HTTP: collectors.NewHTTPClient(cfg), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func serveFile(t *testing.T, name, contentType string) *httptest.Server {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFormatsGolden(t *testing.T) {
	for _, tc := range []struct{ file, ctype string }{
		{"news.rss", "application/rss+xml"},
		{"alerts.atom", "application/atom+xml"},
		{"social.json", "application/feed+json"},
		{"invalid_utf8.xml", "application/rss+xml"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			srv := serveFile(t, tc.file, tc.ctype)
			f := newFeed(t, srv.URL, mw.HTTPConfig{})
			items, cur, err := f.Collect(context.Background(), mw.Cursor{})
			if err != nil {
				t.Fatal(err)
			}
			if len(items) == 0 {
				t.Fatal("no items")
			}
			for _, m := range items {
				if !strings.Contains(strings.ToLower(m.Title+m.Text), "acme") && !strings.Contains(m.Title, "Roboclean") {
					t.Errorf("unexpected item %+v", m)
				}
				if strings.ContainsAny(m.Text, "<>") || strings.Contains(m.Text, "alert(1)") {
					t.Errorf("HTML left in text: %q", m.Text)
				}
			}
			if cur.ETag != `"v1"` || len(cur.Seen) != len(items) {
				t.Errorf("cursor not advanced: %+v", cur)
			}
			golden(t, strings.TrimSuffix(tc.file, filepath.Ext(tc.file)), items)

			// The same feed again: 304, nothing new.
			again, cur2, err := f.Collect(context.Background(), cur)
			if err != nil || len(again) != 0 || cur2.ETag != cur.ETag {
				t.Fatalf("second run: %d items, err %v", len(again), err)
			}
			// Without the ETag (server ignores it): still nothing new.
			cur.ETag = ""
			again, _, err = f.Collect(context.Background(), cur)
			if err != nil || len(again) != 0 {
				t.Fatalf("third run: %d items, err %v", len(again), err)
			}
		})
	}
}

func golden(t *testing.T, name string, items []mw.Mention) {
	t.Helper()
	got, err := json.MarshalIndent(items, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	var w, g []mw.Mention
	json.Unmarshal(want, &w)
	json.Unmarshal(got, &g)
	if d := cmp.Diff(w, g); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, d)
	}
}

func TestGoogleAlertsLinksUnwrapped(t *testing.T) {
	srv := serveFile(t, "alerts.atom", "application/atom+xml")
	items, _, err := newFeed(t, srv.URL, mw.HTTPConfig{}).Collect(context.Background(), mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if items[0].URL != "https://news.example.com/acme-recall" || items[0].Title != "Acme recalls X2 charging dock over overheating reports" {
		t.Fatalf("got %q %q", items[0].URL, items[0].Title)
	}
}

func TestGoogleNewsPreset(t *testing.T) {
	var gotQuery string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotQuery = r.URL.RawQuery
		http.ServeFile(w, r, "testdata/news.rss")
	}))
	defer srv.Close()
	f := &Feed{Preset: PresetGoogleNews, BaseURL: srv.URL, Lang: "id", Country: "ID"}
	env := collectors.Env{Type: "rss", HTTP: collectors.NewHTTPClient(mw.HTTPConfig{PerHostRPS: 100, AllowLoopback: true}), Now: time.Now,
		Brands: []mw.Brand{{Name: "Acme", Keywords: []string{"acme", "acme store"}}}}
	if err := f.Init(env); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Collect(context.Background(), mw.Cursor{}); err != nil {
		t.Fatal(err)
	}
	want := "ceid=ID%3Aid&gl=ID&hl=id&q=acme+OR+%22acme+store%22+OR+acmestore"
	if gotQuery != want {
		t.Fatalf("query = %s, want %s", gotQuery, want)
	}
}

func TestBrokenInputs(t *testing.T) {
	big := strings.Repeat("<item><title>Acme</title></item>", 50<<20/32)
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		cfg     mw.HTTPConfig
		wantErr string
	}{
		{"malformed xml", fileHandler("testdata/malformed.xml"), mw.HTTPConfig{}, "parsing feed"},
		{"not a feed", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html><body>hello</body></html>")) }, mw.HTTPConfig{}, "parsing feed"},
		{"empty body", func(w http.ResponseWriter, r *http.Request) {}, mw.HTTPConfig{}, "empty document"},
		{"50 MiB body", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel>`))
			w.Write([]byte(big))
		}, mw.HTTPConfig{}, "too large"},
		{"hanging server", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		}, mw.HTTPConfig{Timeout: mw.Duration(300 * time.Millisecond)}, "timed out"},
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, mw.HTTPConfig{}, "HTTP 500"},
		{"401", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusUnauthorized) }, mw.HTTPConfig{}, "credentials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			items, cur, err := newFeed(t, srv.URL, tc.cfg).Collect(context.Background(), mw.Cursor{LastID: "keep"})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
			if len(items) != 0 || cur.LastID != "keep" {
				t.Fatalf("items %d, cursor %+v: a failed run must keep the cursor", len(items), cur)
			}
		})
	}
}

func TestGzipBombBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipZeros(t, 20<<20))
	}))
	defer srv.Close()
	_, _, err := newFeed(t, srv.URL, mw.HTTPConfig{MaxBodyBytes: 1 << 20}).Collect(context.Background(), mw.Cursor{})
	if !errors.Is(err, collectors.ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
}

func fileHandler(path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, path) }
}

// TestOneFailingSourceDoesNotStopOthers runs a good, a broken, a hanging
// and a panicking source through the scheduler at once.
func TestOneFailingSourceDoesNotStopOthers(t *testing.T) {
	good := serveFile(t, "news.rss", "application/rss+xml")
	bad := httptest.NewServer(fileHandler("testdata/malformed.xml"))
	defer bad.Close()
	yml := `
brands: [{name: Acme, keywords: [acme]}]
sources:
  - {name: good, type: rss, url: "` + good.URL + `"}
  - {name: bad, type: rss, url: "` + bad.URL + `"}
  - {name: down, type: rss, url: "http://127.0.0.1:1/feed"}
`
	cfg, err := mw.ParseConfig("test.yaml", []byte(yml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := collectors.BuildAll(cfg, collectors.NewHTTPClient(mw.HTTPConfig{PerHostRPS: 100, RetryMax: -1, AllowLoopback: true}), nil)
	if err != nil {
		t.Fatal(err)
	}
	srcs = append(srcs, &collectors.Source{Config: mw.SourceConfig{Name: "panics", Type: "rss"}, Collector: panicky{}})
	st := collectors.NewMemStates()
	var stored atomic.Int64
	s := &collectors.Scheduler{Sources: srcs, Store: st, Sink: func(_ context.Context, _ *collectors.Source, ms []mw.Mention) error {
		stored.Add(int64(len(ms)))
		return nil
	}}
	results := map[string]collectors.RunResult{}
	for _, src := range srcs {
		results[src.Config.Name] = s.RunOnce(context.Background(), src)
	}
	if r := results["good"]; r.Err != nil || r.Items != 3 {
		t.Fatalf("good source: %+v", r)
	}
	for _, name := range []string{"bad", "down", "panics"} {
		if results[name].Err == nil {
			t.Errorf("%s: expected an error", name)
		}
		if got := st.Saved(name); got.LastError == "" || got.ConsecutiveErrors != 1 {
			t.Errorf("%s: state not recorded: %+v", name, got)
		}
	}
	if !strings.Contains(results["panics"].Err.Error(), "panicked") {
		t.Errorf("panic not reported: %v", results["panics"].Err)
	}
	if stored.Load() != 3 || st.Saved("good").Cursor.ETag == "" {
		t.Fatalf("stored %d, good cursor %+v", stored.Load(), st.Saved("good").Cursor)
	}
	// Restart: the persisted cursor means nothing is collected again.
	if r := s.RunOnce(context.Background(), srcs[0]); r.Items != 0 || r.Err != nil {
		t.Fatalf("rerun collected again: %+v", r)
	}
}

type panicky struct{}

func (panicky) Collect(context.Context, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	panic("collector bug: index out of range")
}

// TestConfigRejectsUnknownKey: an unknown key of the type names its line
// and the nearest key. An unknown type: was reported at the source's first
// line with the known types only; it is at the type: line and names the
// nearest type.
func TestConfigRejectsUnknownKey(t *testing.T) {
	for src, want := range map[string]string{
		"    type: rss\n    urll: http://x/\n": `c.yaml:5: sources[f].urll: unknown key (did you mean "url"?)`,
		"    url: http://x/\n    type: rs\n":   `c.yaml:5: sources[f].type: unknown source type "rs" (did you mean "rss"? known: `,
	} {
		yml := "brands: [{name: Acme, keywords: [acme]}]\nsources:\n  - name: f\n" + src
		cfg, err := mw.ParseConfig("c.yaml", []byte(yml), func(string) (string, bool) { return "", false })
		if err != nil {
			t.Fatal(err)
		}
		_, err = collectors.BuildAll(cfg, collectors.NewHTTPClient(mw.HTTPConfig{}), nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"invalid\"?><rss><channel><item><title>tr\xe8s\x00 &#0; &#x110000;</title></item></channel></rss>"))
	f.Add([]byte("\xff\xfe<\x00r\x00s\x00s\x00>\x00"))
	for _, name := range []string{"news.rss", "alerts.atom", "social.json", "malformed.xml", "invalid_utf8.xml", "google_news.rss"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := Parse(data, "text/xml; charset=iso-8859-1")
		if err != nil {
			return
		}
		Items(feed, "rss", mw.Cursor{}, testNow, 100)
	})
}
