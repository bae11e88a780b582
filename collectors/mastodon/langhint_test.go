package mastodon

import (
	"testing"

	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestLanguageHint: a status's language (ISO 639-1, or null) is the
// mention's LangHint, which scoring reads when the text is too short to
// tell (before, it was dropped).
func TestLanguageHint(t *testing.T) {
	ct.WantLangHints(t, ct.Build(t, Type, "server: "+ct.Serve(t, newFake(t).ServeHTTP).URL+"\nhashtags: ['#Acme']"), map[string]string{
		"https://mastodon.social/users/rina/statuses/113541200000000005": "id",
		"https://fosstodon.org/users/devon/statuses/113541099000000000":  "en",
		"https://hachyderm.io/users/sam/statuses/113540799000000000":     "en",
	})
}
