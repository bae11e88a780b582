package rss

import (
	"net/http"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors/collectortest"
	"github.com/mentionwatch/mentionwatch/scoring"
)

// TestLanguageHint: the language a feed declares (RSS <language>, Atom
// xml:lang, JSON Feed 1.1 language, the item's over the feed's) is each
// item's LangHint, so a short Indonesian headline the text alone cannot
// place is scored as Indonesian, and the mention says the hint decided
// (before, every such item was English). A text that decides on its own
// keeps its language.
func TestLanguageHint(t *testing.T) {
	const (
		rssDoc = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Berita</title><link>https://berita.example/</link>` +
			`<language>id-ID</language><item><guid>r1</guid><title>Acme gercep</title></item>` +
			`<item><guid>r2</guid><title>Acme is the best kettle I have ever owned</title></item></channel></rss>`
		atomDoc = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id"><title>Blog</title><id>urn:blog</id>` +
			`<updated>2026-11-24T08:00:00Z</updated><entry><id>urn:a1</id><title>Acme wkwk</title><updated>2026-11-24T08:00:00Z</updated></entry></feed>`
		jsonDoc = `{"version":"https://jsonfeed.org/version/1.1","title":"Social","language":"en","items":[` +
			`{"id":"j1","content_text":"Acme gercep","language":"id"},{"id":"j2","content_text":"Acme promo"}]}`
	)
	for _, tc := range []struct {
		name, ctype, body string
		want              map[string][3]string // id → hint, lang, by
	}{
		{"rss language", "application/rss+xml", rssDoc, map[string][3]string{
			"r1": {"id", "id", mw.LangByHint},
			"r2": {"id", "en", mw.LangByText},
		}},
		{"atom xml:lang", "application/atom+xml", atomDoc, map[string][3]string{
			"urn:a1": {"id", "id", mw.LangByHint},
		}},
		{"json feed item language", "application/feed+json", jsonDoc, map[string][3]string{
			"j1": {"id", "id", mw.LangByHint},
			"j2": {"en", "en", mw.LangByHint},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := collectortest.Serve(t, collectortest.Status(http.StatusOK, tc.body, "Content-Type", tc.ctype))
			run := collectortest.NewRunner()
			if res := run.RunOnce(t, collectortest.Build(t, "rss", "url: "+srv.URL)); res.Err != nil {
				t.Fatal(res.Err)
			}
			brands := []mw.Brand{{Name: "Acme", Keywords: []string{"acme"}}}
			scored := scoring.NewPipeline(brands, scoring.NewScorer(brands)).Process(run.Items, nil)
			if len(scored) != len(tc.want) {
				t.Fatalf("%d mentions, want %d", len(scored), len(tc.want))
			}
			for _, m := range scored {
				w := tc.want[m.NativeID]
				if got := [3]string{m.LangHint, m.Lang, m.LangBy}; got != w {
					t.Errorf("%s: hint, lang, by = %q, want %q", m.NativeID, got, w)
				}
			}
		})
	}
}
