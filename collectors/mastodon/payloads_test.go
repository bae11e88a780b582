package mastodon

import (
	"fmt"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

// TestSearchMoreThanAPageSinceTheMark: status search (Mastodon 4) reads
// min_id as a filter and still lists the newest matches first, so a page
// with min_id is the newest `limit` statuses after the mark, not those just
// after it. Walking forward from the newest page's id, as on a timeline,
// skipped every status between the mark and that page.
func TestSearchMoreThanAPageSinceTheMark(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "server: "+srv.URL+"\nhashtags: []\nquery: acme\naccess_token: tok\nlimit: 2\nmax_pages: 5")
	_, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	mark := cur.Extra["search:acme"]
	if mark != "113541200000000005" {
		t.Fatalf("first run mark = %q", mark)
	}
	for i := 1; i <= 5; i++ {
		fake.add(fmt.Sprintf("11354130000000000%d", i), fmt.Sprintf("2026-11-24T09:5%d:00.000Z", i), fmt.Sprintf("<p>acme post %d</p>", i))
	}
	fake.reset()
	items, cur, err := ct.Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.NativeID[strings.LastIndex(it.NativeID, "/")+1:])
	}
	if len(items) != 5 {
		t.Fatalf("second run = %v (requests %v), want the 5 statuses posted since the mark", got, fake.paths())
	}
	if cur.Extra["search:acme"] != "113541300000000005" {
		t.Errorf("mark = %q, want the newest status", cur.Extra["search:acme"])
	}
	if items, _, err := ct.Collect(t, src, cur); err != nil || len(items) != 0 {
		t.Fatalf("third run = %d items, %v; want none", len(items), err)
	}
}

// TestLinksKept: statuses federated from other servers carry links as
// written there, with text that is not the address. Plain text kept only
// the text, losing the address and a brand named only in it; Mastodon's
// own links (the address, cut with invisible spans), mentions and hashtags
// read as before.
func TestLinksKept(t *testing.T) {
	for _, tc := range []struct{ name, content, want string }{
		{"remote link text",
			`<p>Acme still owes me. Their <a href="https://acme.example/refund-policy" rel="nofollow noopener noreferrer" target="_blank">refund policy</a> says 14 days &amp; it's been 30.</p>`,
			"Acme still owes me. Their refund policy (https://acme.example/refund-policy) says 14 days & it's been 30."},
		{"link names the brand only in its address",
			`<p>avoid <a href="https://globex.example/kettle-recall">this kettle</a></p>`,
			"avoid this kettle (https://globex.example/kettle-recall)"},
		{"mastodon link",
			`<p>see <a href="https://acme.example/very/long/path/to/the/page" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="ellipsis">acme.example/very/long/pa</span><span class="invisible">th/to/the/page</span></a></p>`,
			"see https://acme.example/very/long/path/to/the/page"},
		{"mention and hashtag",
			`<p><span class="h-card" translate="no"><a href="https://mastodon.social/@acme" class="u-url mention">@<span>acme</span></a></span> <a href="https://mastodon.social/tags/acme" class="mention hashtag" rel="tag">#<span>acme</span></a> hi</p>`,
			"@acme #acme hi"},
		{"not http", `<p><a href="mailto:cs@acme.example">email them</a></p>`, "email them"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := fmt.Sprintf(`[{"id":"1","created_at":"2026-11-24T09:00:00.000Z","uri":"https://pleroma.example/objects/1","content":%q,"account":{"acct":"rina@pleroma.example"}}]`, tc.content)
			p, err := ParseTimeline([]byte(body), "mastodon.social")
			if err != nil || len(p.Items) != 1 {
				t.Fatalf("%+v, %v", p, err)
			}
			if got := p.Items[0].Text; got != tc.want {
				t.Errorf("text %q, want %q", got, tc.want)
			}
		})
	}
}
