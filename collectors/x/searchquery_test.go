package x

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// buildFor builds an x source whose config lists brands (a YAML brands
// block) instead of collectortest's, logging at debug into the buffer.
func buildFor(t *testing.T, brands, snippet string) (*collectors.Source, *bytes.Buffer, error) {
	t.Helper()
	text := strings.Replace(ct.Config(Type, snippet), ct.Brands, brands, 1)
	cfg, err := mw.ParseConfig("test.yaml", []byte(text), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src, err := collectors.Build(cfg, cfg.Sources[0], collectors.Env{HTTP: ct.HTTP(), Log: log, Now: ct.Now.UTC})
	return src, &logs, err
}

// TestSearchQueryForms: the query sent to recent search ORs the brands'
// terms as X reads them (phrases and punctuated names quoted, a keyword
// written in quotes not quoted twice), then each phrase's joined form as a
// keyword and as a hashtag (# matches only hashtags), as the matcher
// accepts #KopiKenangan for "kopi kenangan". An explicit query is sent as
// written.
func TestSearchQueryForms(t *testing.T) {
	for _, tc := range []struct {
		name, brands, conf, want string
	}{
		{"phrase", "brands:\n  - name: Kopi\n    keywords: [kopi kenangan]\n", "",
			`("kopi kenangan" OR kopikenangan OR #kopikenangan) -is:retweet`},
		{"keyword written in quotes", "brands:\n  - name: Kopi\n    keywords: ['\"Kopi Kenangan\"', KopiKenangan]\n", "",
			`("Kopi Kenangan" OR KopiKenangan OR #kopikenangan) -is:retweet`},
		{"punctuation", "brands:\n  - name: Tujuh\n    keywords: [7-Eleven, H&M, 'acme (ID)']\n", "lang: id",
			`("7-Eleven" OR "H&M" OR "acme (ID)" OR 7eleven OR #7eleven OR acmeid OR #acmeid) -is:retweet lang:id`},
		{"boolean query", "brands:\n  - name: Senja\n    query: '(@kopisenja OR \"kopi senja\") NOT lowongan'\n", "",
			`(@kopisenja OR "kopi senja" OR kopisenja OR #kopisenja) -is:retweet`},
		{"one word", "brands:\n  - name: Gojek\n    keywords: [gojek]\n", "", `gojek -is:retweet`},
		{"explicit query", "brands:\n  - name: Kopi\n    keywords: [kopi kenangan]\n", `query: '"kopi kenangan"'`,
			`"kopi kenangan" -is:retweet`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			srv := ct.Serve(t, fake.ServeHTTP)
			src, _, err := buildFor(t, tc.brands, conf+"\nbase_url: "+srv.URL+"\n"+tc.conf)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := ct.Collect(t, src, mw.Cursor{}); err != nil {
				t.Fatal(err)
			}
			v, _ := url.ParseQuery(fake.reqs()[0])
			if got := v.Get("query"); got != tc.want {
				t.Errorf("query = %s\nwant    %s", got, tc.want)
			}
		})
	}
}

// TestSearchQueryJoinedFormsWithinLimit: joined forms go in only while the
// query fits the 512 characters recent search accepts; the others are left
// out (logged at debug), never a config error.
func TestSearchQueryJoinedFormsWithinLimit(t *testing.T) {
	var kw []string
	for i := range 26 {
		kw = append(kw, fmt.Sprintf("merek%02d toko", i))
	}
	brands := "brands:\n  - name: Merek\n    keywords: [" + strings.Join(kw, ", ") + "]\n"
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src, logs, err := buildFor(t, brands, conf+"\nbase_url: "+srv.URL)
	if err != nil {
		t.Fatalf("a config whose keywords fit is refused: %v", err)
	}
	if _, _, err := ct.Collect(t, src, mw.Cursor{}); err != nil {
		t.Fatal(err)
	}
	v, _ := url.ParseQuery(fake.reqs()[0])
	q := v.Get("query")
	if len(q) > MaxQueryLen {
		t.Fatalf("query is %d characters, above %d: %s", len(q), MaxQueryLen, q)
	}
	for _, k := range kw {
		if !strings.Contains(q, `"`+k+`"`) {
			t.Errorf("query lacks keyword %q: %s", k, q)
		}
	}
	if !strings.Contains(q, " OR merek00toko OR #merek00toko") || strings.Contains(q, "merek25toko") {
		t.Errorf("query = %s; want the first joined forms, not the last", q)
	}
	if !strings.HasSuffix(q, ") -is:retweet") {
		t.Errorf("query = %s; want the filters after the group", q)
	}
	if !strings.Contains(logs.String(), "level=DEBUG") || !strings.Contains(logs.String(), "merek25toko") {
		t.Errorf("the forms left out are not logged at debug: %s", logs)
	}
}
