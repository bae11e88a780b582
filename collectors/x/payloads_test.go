package x

import (
	"os"
	"strings"
	"testing"
)

// TestNoteTweetText: a post longer than 280 characters comes with its
// text cut ("…" and a t.co link) and the whole text in note_tweet, which
// the search must ask for and the mention must carry.
func TestNoteTweetText(t *testing.T) {
	if !strings.Contains(","+tweetFields+",", ",note_tweet,") {
		t.Errorf("tweet.fields %q does not ask for note_tweet", tweetFields)
	}
	body, err := os.ReadFile("testdata/note_tweet.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 2 {
		t.Fatalf("%d items", len(p.Items))
	}
	long := p.Items[0].Text
	if !strings.HasSuffix(long, "I'm asking for a refund <not a voucher>. @acme_id this is not okay.") || strings.Contains(long, "t.co") || strings.Contains(long, "…") {
		t.Errorf("long post text = %q", long)
	}
	if len([]rune(long)) <= 280 {
		t.Errorf("long post cut to %d characters", len([]rune(long)))
	}
	if got := p.Items[1].Text; got != "Short one: Acme X2 still not here & no reply." {
		t.Errorf("short post text = %q", got)
	}
}
