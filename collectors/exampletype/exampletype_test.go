// Package exampletype_test proves that a new source type needs only its own
// folder: the "forum" type below is defined, registered and tested here,
// and nothing outside this folder names it. It is the worked example of
// docs/CONTRIBUTING.md ("Add a source type"); a real type would put the
// collector in forum.go, its parse in parse.go, the fixture in testdata/
// and one import line in collectors/all.
package exampletype_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	"github.com/mentionwatch/mentionwatch/collectors/collectortest"
	"github.com/mentionwatch/mentionwatch/scoring"
)

// kind is the type: name in config.yaml.
const kind = "example-forum"

// init registers the type with what it declares about itself: a small
// forum carries a little less than reddit's 1.0, and a forum is not a
// brand's own page. Scoring reads the weight by the type's name
// (TestDeclaredWeightScores).
func init() {
	collectors.Register(kind, mw.SourceTraits{ReachWeight: exampleWeight}, func() collectors.Collector { return &Forum{} })
}

const exampleWeight = 0.8

// TestDeclaredWeightScores: the scorer weighs this type's mentions by the
// weight declared above, though nothing in scoring names the type.
func TestDeclaredWeightScores(t *testing.T) {
	m := mw.Mention{Type: kind, Text: "the acme vacuum is fine"}
	scoring.NewScorer(nil).Score(&m)
	if m.Reach != float32(exampleWeight) {
		t.Errorf("reach %v, want the declared %v", m.Reach, exampleWeight)
	}
}

// Forum searches a forum's JSON search API for the brands' keywords. The
// struct is its config: Build decodes the source's own keys into it.
type Forum struct {
	BaseURL string `yaml:"base_url"` // required: https://forum.example
	Limit   int    `yaml:"limit"`    // posts per search, default 50

	env collectors.Env
}

var (
	_ collectors.Collector = (*Forum)(nil)
	_ collectors.Initer    = (*Forum)(nil)
)

// Init checks the config without touching the network. Build has set
// env.Log and env.Now.
func (f *Forum) Init(env collectors.Env) error {
	f.env = env
	if u, err := url.Parse(f.BaseURL); err != nil || u.Host == "" {
		return fmt.Errorf("base_url %q: want the forum's https:// address", f.BaseURL)
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Limit < 1 || f.Limit > 100 {
		return fmt.Errorf("limit %d is out of range: use 1 to 100", f.Limit)
	}
	return nil
}

// searchResponse is the forum's answer (the fixture below is one).
type searchResponse struct {
	Posts []struct {
		ID      string    `json:"id"`
		Body    string    `json:"body"`
		Author  string    `json:"author"`
		URL     string    `json:"url"`
		Created time.Time `json:"created_at"`
	} `json:"posts"`
}

// Collect searches every keyword once and returns posts not seen before.
func (f *Forum) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	next := cur
	next.Seen = slices.Clone(cur.Seen)
	now := f.env.Now().UTC()
	var out []mw.Mention
	for _, b := range f.env.Brands {
		for _, kw := range b.Keywords {
			q := url.Values{"q": {kw}, "limit": {fmt.Sprint(f.Limit)}}
			resp, err := f.env.HTTP.Get(ctx, f.BaseURL+"/search.json?"+q.Encode(), nil)
			if err != nil {
				return out, next, fmt.Errorf("example-forum: searching %q: %w", kw, err)
			}
			var r searchResponse
			if err := json.Unmarshal(resp.Body, &r); err != nil {
				return out, next, fmt.Errorf("example-forum: reading search %q: %w", kw, err)
			}
			for _, p := range r.Posts {
				if p.ID == "" || next.HasSeen(p.ID) {
					continue
				}
				next.Remember(p.ID)
				out = append(out, mw.Mention{Type: kind, Source: f.env.Name, NativeID: p.ID, URL: p.URL,
					Author: p.Author, Text: p.Body, Published: p.Created.UTC(), Collected: now})
			}
		}
	}
	return out, next, nil
}

// fixture is shaped like the forum's real answer, one post in Indonesian.
const fixture = `{"posts": [
 {"id": "p1", "body": "Acme store refund took three weeks", "author": "ana", "url": "https://forum.example/t/1", "created_at": "2026-11-24T08:00:00Z"},
 {"id": "p2", "body": "pengiriman acme cepat sekali", "author": "budi", "url": "https://forum.example/t/2", "created_at": "2026-11-24T07:30:00+07:00"}
]}`

func TestRegisteredWithoutEditingOtherFiles(t *testing.T) {
	if !slices.Contains(collectors.Types(), kind) {
		t.Fatalf("%s not among the registered types %v", kind, collectors.Types())
	}
}

func TestBuildAndCollect(t *testing.T) {
	var queries []string
	srv := collectortest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.Query().Get("q"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, fixture)
	})
	src := collectortest.Build(t, kind, "base_url: "+srv.URL+"\nlimit: 20\n")
	items, cur, err := collectortest.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	collectortest.CheckItems(t, kind, items)
	// One search per keyword of the brand ("acme", "acme store"; Build
	// passes the brands, not their competitors); the same posts come back
	// for each and are kept once.
	if len(items) != 2 || items[0].NativeID != "p1" || items[1].Published != time.Date(2026, 11, 24, 0, 30, 0, 0, time.UTC) {
		t.Errorf("items = %+v", items)
	}
	if items[0].Source != "test" || !items[0].Collected.Equal(collectortest.Now) {
		t.Errorf("source %q collected %v: want the configured name and the kit's clock", items[0].Source, items[0].Collected)
	}
	if got := strings.Join(queries, ","); got != "acme,acme store" {
		t.Errorf("queries = %s", got)
	}
	again, _, err := collectortest.Collect(t, src, cur)
	if err != nil || len(again) != 0 {
		t.Errorf("second run: %d items, err %v; want none new", len(again), err)
	}
}

func TestRunThroughScheduler(t *testing.T) {
	srv := collectortest.Serve(t, collectortest.Status(http.StatusOK, fixture, "Content-Type", "application/json"))
	src := collectortest.Build(t, kind, "base_url: "+srv.URL+"\n")
	r := collectortest.NewRunner()
	if res := r.RunOnce(t, src); res.Err != nil || res.Items != 2 {
		t.Fatalf("run: %+v", res)
	}
	if res := r.RunOnce(t, src); res.Err != nil || res.Items != 0 {
		t.Errorf("second run: %+v; the saved cursor should skip both posts", res)
	}
	if len(r.Items) != 2 {
		t.Errorf("sink got %d items, want 2", len(r.Items))
	}
}

func TestConfigErrors(t *testing.T) {
	collectortest.WantBuildError(t, kind, "base_url: https://forum.example\nlimt: 5\n",
		"test.yaml:11", "sources[test].limt", `did you mean "limit"`)
	collectortest.WantBuildError(t, kind, "limit: 5\n", "sources[test]", "base_url")
	collectortest.WantBuildError(t, kind, "base_url: https://forum.example\nlimit: 500\n", "limit 500 is out of range")
}

func TestServerErrorsReachTheScheduler(t *testing.T) {
	srv := collectortest.Serve(t, collectortest.Status(http.StatusTooManyRequests, `{"error":"slow down"}`, "Retry-After", "120"))
	src := collectortest.Build(t, kind, "base_url: "+srv.URL+"\n")
	_, _, err := collectortest.Collect(t, src, mw.Cursor{})
	collectortest.WantHTTPStatus(t, err, http.StatusTooManyRequests)
	collectortest.WantRetryAfter(t, err, 2*time.Minute)
}
