package alerts

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"

	mw "github.com/mentionwatch/mentionwatch"
)

// The webhook's text is plain text for people: an author or source with
// a line break must not forge a line of its own (a fake "Open:" link),
// and a URL that is not http(s) is not shown as the post's link.
func TestWebhookTextHostileAuthorIsOneLine(t *testing.T) {
	forged := "\nOpen: https://evil.example/#alert=x"
	for _, tc := range []struct{ name, author, source, url string }{
		{"author", "rina" + forged, "x", "https://example.com/300"},
		{"source", "rina", "x\r" + forged, "https://example.com/300"},
		{"url", "rina", "x", "javascript:alert(1)" + forged},
	} {
		n := criticalNotification()
		n.Top[0].Author, n.Top[0].Source, n.Top[0].URL = tc.author, tc.source, tc.url
		text := Payload(testPresentation(t).complete(n), t0).Text
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "Open: https://evil") || strings.HasPrefix(line, "javascript:") {
				t.Errorf("%s: the mention forged a line of its own: %q in\n%s", tc.name, line, text)
			}
		}
		if !strings.Contains(text, "Open: https://mw.example.com/#alert=") {
			t.Errorf("%s: the dashboard link is gone:\n%s", tc.name, text)
		}
	}
}

// The label of the critical mention's link names the host the link goes
// to: user info before an @ ("https://www.kopisenja.com…@evil.example")
// must not pass for the host, however long it is, and a host in look-alike
// letters (Cyrillic "аррӏе.com") shows as what it is, in punycode.
func TestSlackPostLinkNamesTheRealHost(t *testing.T) {
	for raw, want := range map[string]string{
		"https://www.kopisenja.com" + strings.Repeat(".", 90) + "@evil.example/login": "Open the post on evil.example",
		"https://\u0430\u0440\u0440\u04cf\u0435.com/login":                            "Open the post on xn--80ak6aa92e.com",
		"https://example.com/300":                                                     "Open the post on example.com",
	} {
		n := criticalNotification()
		n.Top[0].URL = raw
		if got := postLinkLabel(t, n); got != want {
			t.Errorf("%s: link label %q, want %q", raw, got, want)
		}
	}
}

// postLinkLabel is the label of the critical section's link to the post.
func postLinkLabel(t *testing.T, n Notification) string {
	t.Helper()
	_, blocks := SlackMessage(testPresentation(t).complete(n))
	for _, b := range blocks {
		s, ok := b.(*slack.SectionBlock)
		if !ok || s.Text == nil {
			continue
		}
		for _, line := range strings.Split(s.Text.Text, "\n") {
			if strings.HasPrefix(line, "<https://") {
				_, label, _ := strings.Cut(strings.TrimSuffix(line, ">"), "|")
				return label
			}
		}
	}
	t.Fatalf("no link to the post in %v", blocks)
	return ""
}

// Slack counts a header's 150 characters in UTF-16 units at most: a
// brand of emoji (two units each) must not overflow it.
func TestSlackHeaderWithinLimitForAstralBrand(t *testing.T) {
	for _, brand := range []string{strings.Repeat("🙂", 200), strings.Repeat("a🙂", 100)} {
		n := waveNotification()
		n.Alert.Brand = brand
		for _, kind := range []string{mw.AlertSpike, mw.AlertCritical} {
			n.Alert.Kind = kind
			_, blocks := SlackMessage(testPresentation(t).complete(n))
			h := blocks[0].(*slack.HeaderBlock)
			if l := slackLen(h.Text.Text); l > maxHeaderText {
				t.Errorf("%s: header has %d UTF-16 units, limit %d", kind, l, maxHeaderText)
			}
			if !strings.Contains(h.Text.Text, "🙂") {
				t.Errorf("%s: header lost the brand: %q", kind, h.Text.Text)
			}
		}
	}
}
