package x

import (
	"testing"

	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestLanguageHint: a post's lang (X's own detection, BCP 47, with "in"
// for Indonesian) is the mention's LangHint as "id", which scoring reads
// when the text is too short to tell (before, it was dropped).
func TestLanguageHint(t *testing.T) {
	ct.WantLangHints(t, ct.Build(t, Type, conf+"\nbase_url: "+ct.Serve(t, newFake(t).ServeHTTP).URL), map[string]string{"1992551234567890005": "id", "1992540000000000004": "en"})
}
