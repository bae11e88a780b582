package reddit

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

// buildFor builds a reddit source whose config lists brands (a YAML
// brands block) instead of collectortest's, logging at debug into the
// buffer.
func buildFor(t *testing.T, brands, snippet string) (*collectors.Source, *bytes.Buffer) {
	t.Helper()
	text := strings.Replace(ct.Config(Type, snippet), ct.Brands, brands, 1)
	cfg, err := mw.ParseConfig("test.yaml", []byte(text), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src, err := collectors.Build(cfg, cfg.Sources[0], collectors.Env{HTTP: ct.HTTP(), Log: log, Now: ct.Now.UTC})
	if err != nil {
		t.Fatalf("building: %v", err)
	}
	return src, &logs
}

// searchQ runs src once against a fake Reddit and returns the q it sent.
func searchQ(t *testing.T, brands, snippet string) (string, *bytes.Buffer) {
	t.Helper()
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src, logs := buildFor(t, brands, config(srv.URL)+"\n"+snippet)
	if _, _, err := ct.Collect(t, src, mw.Cursor{}); err != nil {
		t.Fatal(err)
	}
	v, _ := url.ParseQuery(fake.searches[0])
	return v.Get("q"), logs
}

// TestSearchQueryForms: q ORs the brands' distinct terms (handles and
// hashtags as plain words, phrases and punctuated names quoted once), then
// each phrase's joined form, which Reddit's whole-word search needs to find
// "kopikenangan" for "kopi kenangan". An explicit query is sent as written.
func TestSearchQueryForms(t *testing.T) {
	for _, tc := range []struct {
		name, brands, conf, want string
	}{
		{"phrase", "brands:\n  - name: Kopi\n    keywords: [kopi kenangan]\n", "",
			`"kopi kenangan" OR kopikenangan`},
		{"keyword written in quotes", "brands:\n  - name: Kopi\n    keywords: ['\"Kopi Kenangan\"', kopikenangan]\n", "",
			`"Kopi Kenangan" OR kopikenangan`},
		{"punctuation", "brands:\n  - name: Tujuh\n    keywords: [7-Eleven, 'acme:pro']\n", "",
			`"7-Eleven" OR "acme:pro" OR 7eleven OR acmepro`},
		{"handle and its words", "brands:\n  - name: Senja\n    query: '(@kopisenja OR \"kopi senja\" OR #KopiSenja) NOT lowongan'\n", "",
			`kopisenja OR "kopi senja"`},
		{"explicit query", "brands:\n  - name: Kopi\n    keywords: [kopi kenangan]\n", `query: '"kopi kenangan"'`,
			`"kopi kenangan"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := searchQ(t, tc.brands, tc.conf); got != tc.want {
				t.Errorf("q = %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestSearchQueryJoinedFormsWithinLimit: joined forms go in only while q
// stays within the 512 characters the search API reads; the rest are left
// out and logged at debug.
func TestSearchQueryJoinedFormsWithinLimit(t *testing.T) {
	var kw []string
	for i := range 27 {
		kw = append(kw, fmt.Sprintf("merek%02d toko", i))
	}
	q, logs := searchQ(t, "brands:\n  - name: Merek\n    keywords: ["+strings.Join(kw, ", ")+"]\n", "")
	if len(q) > MaxQueryLen {
		t.Fatalf("q is %d characters, above %d: %s", len(q), MaxQueryLen, q)
	}
	for _, k := range kw {
		if !strings.Contains(q, `"`+k+`"`) {
			t.Errorf("q lacks keyword %q: %s", k, q)
		}
	}
	if !strings.Contains(q, " OR merek00toko") || strings.Contains(q, "merek26toko") {
		t.Errorf("q = %s; want the first joined forms, not the last", q)
	}
	if !strings.Contains(logs.String(), "level=DEBUG") || !strings.Contains(logs.String(), "merek26toko") {
		t.Errorf("the forms left out are not logged at debug: %s", logs)
	}
}
