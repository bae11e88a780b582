package collectortest

import (
	"net/url"
	"slices"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// PerTermSearch checks the searches of a service that runs one query per
// term (collectors.SearchQueries: Hacker News, Bluesky, Mastodon): one
// per distinct term (handles and hashtags as plain words, phrases and
// punctuated names quoted once, a keyword written in quotes not quoted
// twice), then one per phrase's joined form (the service matches whole
// words, so "kopi kenangan" alone misses #KopiKenangan, which the matcher
// counts). An explicit query is the only search.
//
// serve starts the service's fake and returns the source's own config
// lines for it and a func that lists the raw query strings of the search
// requests it served; param is the search parameter's name.
func PerTermSearch(t *testing.T, typ, param string, serve func(t *testing.T) (snippet string, searches func() []string)) {
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
			snippet, searches := serve(t)
			src, _, err := BuildBrands(typ, tc.brands, snippet+"\n"+tc.conf)
			if err != nil {
				t.Fatalf("building %s source: %v", typ, err)
			}
			if _, _, err := Collect(t, src, mw.Cursor{}); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, raw := range searches() {
				v, _ := url.ParseQuery(raw)
				if q := v.Get(param); !slices.Contains(got, q) {
					got = append(got, q)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("searched %q, want %q", got, tc.want)
			}
		})
	}
}
