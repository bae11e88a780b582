package alerts

import (
	"encoding/json"
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

// A mention's URL is shown as text (the mail's text part, the webhook's
// text, Alertmanager's links) and opened from links and buttons. Go's
// parser keeps a query as written, so U+2028 (a line break to many mail
// clients), a bidi override or a space would stay in the URL shown: it
// could forge a line of its own or disguise where it goes. A URL whose
// host is empty (https://:443/) is no link at all: Telegram refuses the
// message over it.
func TestMentionURLIsCleanOrNotShown(t *testing.T) {
	for raw, want := range map[string]string{
		"https://brand.example/?q=x\u2028Open: https://evil.example/": "https://brand.example/?q=x%E2%80%A8Open:%20https://evil.example/",
		"https://brand.example/?f=\u202egnp.exe":                      "https://brand.example/?f=%E2%80%AEgnp.exe",
		`https://brand.example/?a=<b>"x"|y&z=%zz`:                     "https://brand.example/?a=%3Cb%3E%22x%22%7Cy&z=%25zz",
		"https://bücher.example/a b":                                  "https://xn--bcher-kva.example/a%20b",
		"https://:443/x":                                              "",
		`https://ev"il<b>.example/`:                                   "",
		"https://brand.example:99999/x":                               "",
	} {
		if got := CleanURL(raw); got != want {
			t.Errorf("CleanURL(%q) = %q, want %q", raw, got, want)
		}
		n := criticalNotification()
		n.Top[0].URL = raw
		c := ContentOf(testPresentation(t), n)
		if c.Evidence[0].URL != want {
			t.Errorf("%q: evidence URL %q, want %q", raw, c.Evidence[0].URL, want)
		}
		for name, text := range map[string]string{"text part": c.PlainText(), "webhook text": Payload(testPresentation(t).complete(n), t0).Text} {
			if strings.ContainsAny(text, "\u2028\u202e") || strings.Contains(text, ":443") {
				t.Errorf("%q: the %s shows the URL as given:\n%q", raw, name, text)
			}
		}
		_, blocks := SlackMessage(testPresentation(t).complete(n))
		js, _ := json.Marshal(blocks)
		if want == "" && strings.Contains(string(js), ":443") {
			t.Errorf("%q: Slack links it: %s", raw, js)
		}
		if want != "" && !strings.Contains(string(js), strings.ReplaceAll(want, "&", `\u0026`)) {
			t.Errorf("%q: Slack does not link %q: %s", raw, want, js)
		}
	}
}

// TestCleanURLDropsUserInfo: a URL's user info reads as a host to
// people: "https://www.kopisenja.com@evil.example/login" shown in the
// mail's text part, the webhook's text or a Telegram or Teams link goes to
// evil.example. Slack's link label named the real host, but every other
// channel showed or opened the URL as given. CleanURL drops the user
// info: the link goes where it went, and reads as where it goes.
func TestCleanURLDropsUserInfo(t *testing.T) {
	for raw, want := range map[string]string{
		"https://www.kopisenja.com@evil.example/login":     "https://evil.example/login",
		"https://user:secret@evil.example:8443/x?a=1#frag": "https://evil.example:8443/x?a=1#frag",
	} {
		if got := CleanURL(raw); got != want {
			t.Errorf("CleanURL(%q) = %q, want %q", raw, got, want)
		}
		n := criticalNotification()
		n.Top[0].URL = raw
		if text := ContentOf(testPresentation(t), n).PlainText(); strings.Contains(text, "@evil") || !strings.Contains(text, want) {
			t.Errorf("%q: the text part shows the user info:\n%s", raw, text)
		}
	}
}
