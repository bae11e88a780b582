package scoring

import (
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

func TestProcessOwnPageReviews(t *testing.T) {
	brands := []mw.Brand{
		{Name: "Acme", Keywords: []string{"acme"}, Competitors: []mw.Competitor{{Name: "Roboclean", Keywords: []string{"roboclean"}}}},
		{Name: "Globex", Keywords: []string{"globex"}},
	}
	p := NewPipeline(brands, NewScorer(nil))
	review := mw.Mention{Type: "appstore", NativeID: "r1", Text: "Crashes every time I open it. 1 star."}
	named := mw.Mention{Type: "appstore", NativeID: "r2", Text: "Better than Roboclean"}
	feedItem := mw.Mention{Type: "rss", NativeID: "f1", Text: "Crashes every time"}

	got := p.Process([]mw.Mention{review, named, feedItem}, []string{"Acme"})
	if len(got) != 2 {
		t.Fatalf("got %d mentions, want 2: %+v", len(got), got)
	}
	if got[0].Brand != "Acme" || got[0].ID != mw.MentionID("Acme", "appstore", "r1") {
		t.Errorf("unnamed review on Acme's page: brand %q id %q", got[0].Brand, got[0].ID)
	}
	if got[1].Brand != "Roboclean" {
		t.Errorf("a review naming a competitor counts for the competitor, got %q", got[1].Brand)
	}
	// Without a single brand the source cannot say whose page it is.
	if got := p.Process([]mw.Mention{review}, nil); len(got) != 0 {
		t.Errorf("unlimited source assigned an unnamed review: %+v", got)
	}
	if got := p.Process([]mw.Mention{review}, []string{"Acme", "Globex"}); len(got) != 0 {
		t.Errorf("two-brand source assigned an unnamed review: %+v", got)
	}
	// Items from other kinds still need a brand name.
	if got := p.Process([]mw.Mention{feedItem}, []string{"Acme"}); len(got) != 0 {
		t.Errorf("rss item without a brand name kept: %+v", got)
	}
}
