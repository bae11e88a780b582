package bluesky

import (
	"testing"

	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestLanguageHint: a post record's langs (BCP 47, the author's choice)
// give the mention's LangHint, which scoring reads when the text is too
// short to tell (before, it was dropped); a post without langs has none.
func TestLanguageHint(t *testing.T) {
	ct.WantLangHints(t, ct.Build(t, Type, config(ct.Serve(t, newFake(t).ServeHTTP).URL)), map[string]string{
		"at://did:plc:rina4kq7x2vd3lmaa5oqzq6e/app.bsky.feed.post/3lbx7kq2c2k2a": "id",
		"at://did:plc:devonx3n5ktfhtvz2uj4kdvw/app.bsky.feed.post/3lbx5zzq6ms2f": "en",
		"at://did:plc:ghost7yk2zj4l3u6y7o4mzq2/app.bsky.feed.post/3lbx3pp3xhk2u": "",
	})
}
