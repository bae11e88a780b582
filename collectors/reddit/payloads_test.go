package reddit

import (
	"os"
	"testing"
)

// TestRawJSONIsMarkdown: with raw_json=1 Reddit returns markdown, where
// "<module>" and "<praw.Config object ...>" are text, not tags; a comment
// without a permalink gets its URL from link_id and id.
func TestRawJSONIsMarkdown(t *testing.T) {
	body, err := os.ReadFile("testdata/raw_json_markdown.json")
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
	post, comment := p.Items[0], p.Items[1]
	if want := "Acme SDK: ImportError from <module> after upgrade"; post.Title != want {
		t.Errorf("title %q, want %q", post.Title, want)
	}
	if want := "Acme's SDK breaks on import: ImportError: cannot import name 'Client' from <module> and printing the config gives <praw.Config object at 0x7f3a2c1b9d60>. Tried `pip install -U acme` & restarting, 5 < 6 still. Any idea?"; post.Text != want {
		t.Errorf("text\n%q, want\n%q", post.Text, want)
	}
	if want := "Pin acme<2.0 until they fix it; the <Client> class moved to acme.client."; comment.Text != want {
		t.Errorf("comment text %q, want %q", comment.Text, want)
	}
	if want := "https://www.reddit.com/comments/1h2bq7/_/lz4k2pq/"; comment.URL != want {
		t.Errorf("comment URL %q, want %q", comment.URL, want)
	}
}
