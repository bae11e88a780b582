package all

import (
	"slices"
	"testing"

	"github.com/mentionwatch/mentionwatch/collectors"
)

func TestRegistersEveryType(t *testing.T) {
	got := collectors.Types()
	for _, want := range []string{"appstore", "hackernews", "reddit", "reviews", "rss"} {
		if !slices.Contains(got, want) {
			t.Errorf("type %q not registered (got %v)", want, got)
		}
	}
}
