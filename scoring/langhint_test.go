package scoring

import (
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestLangHint: a short text with too little evidence of its own was
// English whatever the service said ("Acme wkwk" posted on Mastodon with
// language id was scored as English). The service's hint now decides such
// a text when it is en or id, and LangBy says so; a text that decides on
// its own keeps its language whatever the hint, and a hint of another
// language is not used.
func TestLangHint(t *testing.T) {
	sc := NewScorer([]mw.Brand{{Name: "Acme", Keywords: []string{"acme"}}})
	for _, tc := range []struct {
		text, hint, lang, by string
	}{
		{"Acme wkwk", "", "en", mw.LangByText},
		{"Acme wkwk", "id", "id", mw.LangByHint},
		{"Acme gercep", "in", "id", mw.LangByHint}, // X writes in for Indonesian
		{"Acme 👍", "id-ID", "id", mw.LangByHint},
		{"👍👍", "id", "id", mw.LangByHint},
		{"Acme ok", "id", "id", mw.LangByHint},
		{"Acme promo", "en", "en", mw.LangByHint},
		{"Acme wkwk", "de", "en", mw.LangByText},
		{"Acme wkwk", "und", "en", mw.LangByText},
		// Sure on their own: the hint never overrides them.
		{"Acme is the best, love it", "id", "en", mw.LangByText},
		{"Acme mantap banget, pengiriman cepat", "en", "id", mw.LangByText},
		{"Acme ist wirklich nicht gut, aber die Lieferung war schnell", "en", "other", mw.LangByText},
		{"アクメの配送が遅い", "id", "other", mw.LangByText},
	} {
		m := mw.Mention{Brand: "Acme", Text: tc.text, LangHint: tc.hint}
		sc.Score(&m)
		if m.Lang != tc.lang || m.LangBy != tc.by {
			t.Errorf("%q with hint %q: lang %s by %s, want %s by %s", tc.text, tc.hint, m.Lang, m.LangBy, tc.lang, tc.by)
		}
	}
	// A query's lang: filter sees the language the scorer decides.
	m := NewMatcher([]mw.Brand{{Name: "Acme", Query: "acme lang:id"}})
	if got := m.MatchMention(&mw.Mention{Text: "Acme wkwk", LangHint: "id"}); len(got) != 1 {
		t.Errorf("lang:id query on a short text hinted id: matched %v", got)
	}
	if got := m.MatchMention(&mw.Mention{Text: "Acme wkwk"}); len(got) != 0 {
		t.Errorf("lang:id query on a short text without a hint: matched %v", got)
	}
}

func TestLangTag(t *testing.T) {
	for in, want := range map[string]string{
		"en": "en", "en-US": "en", "EN_gb": "en", "in": "id", "id": "id", "ind": "id", "eng": "en",
		"pt-BR": "pt", "zh-Hant-TW": "zh", "und": "", "zxx": "", "qme": "", "qht": "", "art": "",
		"": "", " ja ": "ja", "e": "", "english": "", "e1": "", "<script>": "", "qu": "qu",
	} {
		if got := mw.LangTag(in); got != want {
			t.Errorf("LangTag(%q) = %q, want %q", in, got, want)
		}
	}
}
