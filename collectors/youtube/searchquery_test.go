package youtube

import (
	"net/url"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestSearchQueryForms: search.list's q ORs the brands' distinct terms
// with | (handles and hashtags as plain words, phrases and punctuated
// names quoted once), then each phrase's joined form, in the same call:
// the extra forms cost no quota, where a call per form would cost 100
// units each. An explicit query is sent as written.
func TestSearchQueryForms(t *testing.T) {
	for _, tc := range []struct {
		name, brands, conf, want string
	}{
		{"phrase", "brands:\n  - name: Kopi\n    keywords: [kopi kenangan]\n", "",
			`"kopi kenangan"|kopikenangan`},
		{"keyword written in quotes", "brands:\n  - name: Kopi\n    keywords: ['\"Kopi Kenangan\"', KopiKenangan]\n", "",
			`"Kopi Kenangan"|KopiKenangan`},
		{"punctuation", "brands:\n  - name: Tujuh\n    keywords: [7-Eleven, H&M, '-acme']\n", "",
			`"7-Eleven"|"H&M"|"-acme"|7eleven`},
		{"boolean query", "brands:\n  - name: Senja\n    query: '(@kopisenja OR \"kopi senja\" OR #KopiSenja) NOT lowongan'\n", "",
			`kopisenja|"kopi senja"`},
		{"explicit query", "brands:\n  - name: Kopi\n    keywords: [kopi kenangan]\n", `query: '"kopi kenangan"'`,
			`"kopi kenangan"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			srv := ct.Serve(t, fake.ServeHTTP)
			text := strings.Replace(ct.Config(Type, "api_key: "+key+"\nmax_videos: 1\nbase_url: "+srv.URL+"\n"+tc.conf), ct.Brands, tc.brands, 1)
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
			var searches []string
			for _, c := range fake.callList() {
				if raw, ok := strings.CutPrefix(c, "/search?"); ok {
					v, _ := url.ParseQuery(raw)
					searches = append(searches, v.Get("q"))
				}
			}
			if len(searches) != 1 || searches[0] != tc.want {
				t.Errorf("searched %q, want one search.list call with q %s", searches, tc.want)
			}
		})
	}
}
