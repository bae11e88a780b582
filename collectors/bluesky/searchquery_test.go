package bluesky

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestSearchQueryForms: one search per distinct term (handles and hashtags
// as plain words, phrases and punctuated names quoted once, a keyword
// written in quotes not quoted twice), then one per phrase's joined form:
// the service matches whole words, so "kopi kenangan" alone misses
// #KopiKenangan, which the matcher counts. An explicit query is the only
// search.
func TestSearchQueryForms(t *testing.T) {
	for _, tc := range []struct {
		name, brands, conf string
		want               []string
	}{
		{"phrase", "brands:\n  - name: Kopi\n    keywords: [kopi kenangan]\n", "",
			[]string{`"kopi kenangan"`, "kopikenangan"}},
		{"keyword written in quotes", "brands:\n  - name: Kopi\n    keywords: ['\"Kopi Kenangan\"', KopiKenangan]\n", "",
			[]string{`"Kopi Kenangan"`, "KopiKenangan"}},
		{"punctuation", "brands:\n  - name: Tujuh\n    keywords: [7-Eleven, H&M]\n", "",
			[]string{`"7-Eleven"`, `"H&M"`, "7eleven"}},
		{"boolean query", "brands:\n  - name: Senja\n    query: '(@kopisenja OR \"go-jek\" OR #KopiSenja) NOT lowongan'\n", "",
			[]string{"kopisenja", `"go jek"`, "gojek"}},
		{"explicit query", "brands:\n  - name: Kopi\n    keywords: [kopi kenangan]\n", `query: '"kopi kenangan"'`,
			[]string{`"kopi kenangan"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			srv := ct.Serve(t, fake.ServeHTTP)
			text := strings.Replace(ct.Config(Type, strings.Replace(config(srv.URL), "query: acme", "author_reach: false", 1)+"\n"+tc.conf), ct.Brands, tc.brands, 1)
			cfg, err := mw.ParseConfig("test.yaml", []byte(text), func(string) (string, bool) { return "", false })
			if err != nil {
				t.Fatalf("config: %v", err)
			}
			src, err := collectors.Build(cfg, cfg.Sources[0], collectors.Env{HTTP: ct.HTTP(), Now: ct.Now.UTC})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := ct.Collect(t, src, mw.Cursor{}); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, raw := range fake.searches {
				v, _ := url.ParseQuery(raw)
				if q := v.Get("q"); !slices.Contains(got, q) {
					got = append(got, q)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("searched %q, want %q", got, tc.want)
			}
		})
	}
}
