package all

import (
	"slices"
	"testing"

	"github.com/mentionwatch/mentionwatch/collectors"
)

func TestRegistersEveryType(t *testing.T) {
	got := collectors.Types()
	for _, want := range []string{"appstore", "bluesky", "hackernews", "mastodon", "reddit", "reviews", "rss", "x", "youtube"} {
		if !slices.Contains(got, want) {
			t.Errorf("type %q not registered (got %v)", want, got)
		}
	}
}
