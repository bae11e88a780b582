package notify_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	"github.com/mentionwatch/mentionwatch/alerts/notify/email"
)

// An author is untrusted, and a critical alert's reason quotes it: in no
// channel does a line break in it forge a line, nor does a control
// character, a bidi override or a zero-width space reach the message.
func TestHostileAuthorIsOneVisibleLineInEveryChannel(t *testing.T) {
	c := &capture{bodies: map[string][]byte{}}
	ns := c.channels(t, "    parameters: [headline, why, evidence]\n    max_param_runes: 1000\n")
	n := notify.Sample(time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC), "https://dash.example/")
	const forged = "\nOpen in the dashboard: https://evil.example/login"
	n.Alert.Kind, n.Alert.Scope = mw.AlertCritical, alerts.ScopeMention
	n.Alert.Reason = "negative mention by mallory\u202Enigol\x1b[2J" + forged + " with 120k followers"
	n.Top[0].Author = "eve\u202E\u2066\u200b\x00\xffgnp.exe"
	for _, ch := range ns {
		if err := ch.Send(t.Context(), n); err != nil {
			t.Fatalf("%s: %v", ch.Name(), err)
		}
	}
	for _, name := range []string{"slack", "telegram", "teams", "whatsapp", "alertmanager"} {
		for _, s := range jsonStrings(t, c.bodies[name]) {
			if strings.Contains(s, "\nOpen in the dashboard: https://evil") {
				t.Errorf("%s: the reason forged a line: %q", name, s)
			}
			bad := "\u202E\u2066\u200b\x00\x1b"
			if name == "slack" {
				bad = "\u202E\u2066\x00\x1b" // Slack's own zero-width space breaks @here; the author's is checked below
			}
			if strings.ContainsAny(s, bad) {
				t.Errorf("%s: a control character, bidi override or zero-width space got through: %q", name, s)
			}
		}
		all := strings.Join(jsonStrings(t, c.bodies[name]), "\n")
		if !strings.Contains(all, "mallorynigol[2J") || !regexp.MustCompile("eve\uFFFD?gnp.exe").MatchString(all) {
			t.Errorf("%s: the visible characters are lost:\n%s", name, all)
		}
	}
}

// `mentionwatch notify test` must not be taken for a real alert: the
// headline every channel shows names the sample brand, which says "test".
func TestSampleSaysTestInEveryChannel(t *testing.T) {
	c := &capture{bodies: map[string][]byte{}}
	ns := c.channels(t, "    parameters: [headline, why, evidence]\n")
	n := notify.Sample(time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC), "")
	for _, ch := range ns {
		if err := ch.Send(t.Context(), n); err != nil {
			t.Fatalf("%s: %v", ch.Name(), err)
		}
	}
	want := "Spike in negative mentions of Sample brand (test)"
	for _, name := range []string{"slack", "telegram", "teams", "whatsapp", "alertmanager"} {
		if all := strings.Join(jsonStrings(t, c.bodies[name]), "\n"); !strings.Contains(all, want) {
			t.Errorf("%s: no %q in\n%s", name, want, all)
		}
	}
}

// TestAcknowledgedShownInEveryChannel: a "Still firing" repeat of an alert
// somebody acknowledged says who and when, in the configured zone, and no
// channel offers Acknowledge again (before: only Slack hid its button, and
// no message said it was acknowledged). Silence is still offered.
func TestAcknowledgedShownInEveryChannel(t *testing.T) {
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := actionlink.New([]byte("notify-test-link-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	p := alerts.Presentation{Location: jakarta, Links: signer, Now: func() time.Time { return at }}
	c := &capture{bodies: map[string][]byte{}}
	ns := c.channelsWith(t, "    parameters: [headline, why, evidence, link]\n", notify.Options{Context: t.Context(), Presentation: p})
	n := notify.Sample(at, "https://dash.example/")
	n.Alert.NotifyCount = 1 // a repeat
	n.Alert.AckedAt, n.Alert.AckedBy = at.Add(20*time.Minute), "dana"
	for _, ch := range ns {
		if err := ch.Send(t.Context(), n); err != nil {
			t.Fatalf("%s: %v", ch.Name(), err)
		}
	}
	const want = "by dana at Wed Dec 2 10:20 WIB"
	check := func(name, all string) {
		t.Helper()
		if !strings.Contains(all, want) {
			t.Errorf("%s: no %q in\n%s", name, want, all)
		}
		if strings.Contains(all, "/a/ack?") || strings.Contains(all, "/a/ack\\u0026") {
			t.Errorf("%s: offers Acknowledge again:\n%s", name, all)
		}
		if name != "alertmanager" && !strings.Contains(all, "/a/silence?") { // Alertmanager has its own silences
			t.Errorf("%s: no Silence link:\n%s", name, all)
		}
	}
	for _, name := range []string{"slack", "telegram", "teams", "alertmanager"} {
		check(name, strings.Join(jsonStrings(t, c.bodies[name]), "\n"))
	}
	// WhatsApp's template takes the dashboard link only; the headline says it.
	if wa := strings.Join(jsonStrings(t, c.bodies["whatsapp"]), "\n"); !strings.Contains(wa, want) {
		t.Errorf("whatsapp: no %q in\n%s", want, wa)
	}
	content := alerts.ContentOf(p, n)
	html, err := email.HTML(content)
	if err != nil {
		t.Fatal(err)
	}
	check("email HTML", html)
	if !strings.Contains(content.PlainText(), want) {
		t.Errorf("email text: no %q in\n%s", want, content.PlainText())
	}
	hook, err := alerts.NewWebhook(mw.WebhookConfig{URL: mw.Secret(c.serve(t, "webhook", ""))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hook.Presentation = p
	if err := hook.Send(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	wh := c.bodies["webhook"]
	check("webhook", strings.Join(jsonStrings(t, wh), "\n"))
	if !strings.Contains(string(wh), `"acked_by":"dana"`) || !strings.Contains(string(wh), `"acked_at_local":"2026-12-02T10:20:00+07:00"`) {
		t.Errorf("webhook: no acked_by or acked_at_local in %s", wh)
	}
}

// TestCriticalCopiesLinkedInEveryChannel: a critical mention posted 30
// times (near-copies and cross-posts joined to its alert) links its
// latest copies in every channel, at most alerts.MaxCopyLinks, each once,
// escaped for the channel, and says how many more the dashboard lists
// (before: only the first post was linked). A copy without an http(s)
// URL, or with one too long to show, is not linked.
func TestCriticalCopiesLinkedInEveryChannel(t *testing.T) {
	at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	c := &capture{bodies: map[string][]byte{}}
	ns := c.channels(t, "")
	n := notify.Sample(at, "https://dash.example/")
	n.Alert.Kind, n.Alert.Scope, n.Alert.Count, n.Alert.Reason = mw.AlertCritical, alerts.ScopeMention, 30, `mentions "lawsuit" (legal threat)`
	first := n.Top[0]
	n.Top = []mw.Mention{first}
	for i, u := range []string{"https://copy1.example/p", "https://copy2.example/p?a=1&b=2", "https://copy2.example/p?a=1&b=2", "javascript:alert(1)",
		`https://copy3.example/x"<>|<!channel>`, "https://copy4.example/" + strings.Repeat("a", 1200), "https://copy5.example/p",
		"https://copy6.example/p", "https://copy7.example/p"} {
		m := first
		m.ID, m.URL, m.Author = fmt.Sprintf("copy%d", i), u, fmt.Sprintf("reposter%d", i)
		n.Top = append(n.Top, m)
	}
	for _, ch := range ns {
		if err := ch.Send(t.Context(), n); err != nil {
			t.Fatalf("%s: %v", ch.Name(), err)
		}
	}
	hook, err := alerts.NewWebhook(mw.WebhookConfig{URL: mw.Secret(c.serve(t, "webhook", ""))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := hook.Send(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	content := alerts.ContentOf(alerts.Presentation{}, n)
	html, err := email.HTML(content)
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{"email HTML": html, "email text": content.PlainText()}
	for _, name := range []string{"slack", "telegram", "teams", "alertmanager"} {
		bodies[name] = strings.Join(jsonStrings(t, c.bodies[name]), "\n")
	}
	var wh alerts.WebhookPayload // its top_mentions are the records, every URL as stored
	if err := json.Unmarshal(c.bodies["webhook"], &wh); err != nil {
		t.Fatal(err)
	}
	bodies["webhook"] = wh.Text
	for name, all := range bodies {
		for _, host := range []string{"copy1.example", "copy2.example", "copy3.example", "copy5.example", "copy6.example"} {
			if !strings.Contains(all, "https://"+host+"/") {
				t.Errorf("%s: no link to %s:\n%s", name, host, all)
			}
		}
		if strings.Contains(all, "copy7.example") || strings.Contains(all, "copy4.example") || strings.Count(all, "https://copy2.example/") > 2 {
			t.Errorf("%s: links more than %d copies, or a copy twice, or a URL too long to show:\n%s", name, alerts.MaxCopyLinks, all)
		}
		if !strings.Contains(all, "Copies (the latest 5; 24 more in the dashboard)") {
			t.Errorf("%s: does not say how many copies the dashboard lists:\n%s", name, all)
		}
		if strings.Contains(all, `copy3.example/x"`) || strings.Contains(all, "copy3.example/x<") || strings.Contains(all, "javascript:alert") {
			t.Errorf("%s: a copy's URL is not escaped, or a javascript: URL is shown:\n%s", name, all)
		}
	}
	// Each format's escape: mrkdwn and HTML write & as &amp;.
	for _, name := range []string{"slack", "telegram", "email HTML"} {
		raw := bodies[name]
		if !strings.Contains(raw, "copy2.example/p?a=1&amp;b=2") {
			t.Errorf("%s: the copy's & is not escaped:\n%s", name, raw)
		}
	}
	// Slack's Block Kit limits and Telegram's 4,096 hold.
	var msg struct {
		Blocks []struct {
			Text *struct{ Text string } `json:"text"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(c.bodies["slack"], &msg); err != nil {
		t.Fatal(err)
	}
	if len(msg.Blocks) > 50 {
		t.Errorf("slack: %d blocks", len(msg.Blocks))
	}
	for _, b := range msg.Blocks {
		if b.Text != nil && len(utf16.Encode([]rune(b.Text.Text))) > 3000 {
			t.Errorf("slack: a section of %d characters", len(b.Text.Text))
		}
	}
	var tg struct{ Text string }
	if err := json.Unmarshal(c.bodies["telegram"], &tg); err != nil || len(utf16.Encode([]rune(tg.Text))) > 4096 {
		t.Errorf("telegram: a message over 4,096 (%v)", err)
	}
}
