package digest_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mentionwatch/mentionwatch/alerts/notify/telegram"
	"github.com/mentionwatch/mentionwatch/digest"
	"github.com/mentionwatch/mentionwatch/digest/digesttest"
)

func units(s string) int { return len(utf16.Encode([]rune(s))) }

// A top mention whose author and URL escape to six times their length
// (&quot;, &amp;) still leaves every Telegram part within the limit that
// telegram.PostHTML enforces, measured as Telegram does, in UTF-16 units.
func TestTelegramPartsFitWithHostileLengths(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	for i := range r.Top {
		r.Top[i].Mention.Author = strings.Repeat(`"&`, 400)
		r.Top[i].Mention.URL = "https://evil.example/?" + strings.Repeat(`a&"`, 320)
		r.Top[i].Mention.Text = strings.Repeat(`"`, 400)
	}
	for i := range r.Alerts {
		r.Alerts[i].Headline = strings.Repeat(`"`, 700)
		r.Alerts[i].Link = "https://dash.example/#alert=" + strings.Repeat("%22", 300)
	}
	parts := digest.Telegram(r)
	for i, p := range parts {
		if n := units(p); n > telegram.MaxRunes {
			t.Errorf("part %d has %d UTF-16 units, more than %d: PostHTML refuses the digest", i+1, n, telegram.MaxRunes)
		}
		if strings.Count(p, "<a ") != strings.Count(p, "</a>") || strings.Count(p, "<b>") != strings.Count(p, "</b>") {
			t.Errorf("part %d cuts an element", i+1)
		}
	}
	if all := strings.Join(parts, "\n"); !strings.Contains(all, "Top negative mentions") || !strings.Contains(all, "&quot;&amp;&quot;&amp;") {
		t.Errorf("the top mentions are missing")
	}
}

// An author name, a source and an acknowledger are untrusted like the
// mention's text: a line break in them cannot start a line of its own in
// the text part, and control characters and bidi overrides reach no format.
func TestBylineAndAlertLinesAreOneVisibleLine(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	const fake = "\nOpen the dashboard: https://evil.example/login"
	r.Top[0].Mention.Author = "rina\u202Egnp.exe\x1b[2J" + fake
	r.Top[0].Mention.Source = "rss\r\n2. forged entry"
	r.Alerts[0].Why = "negative mention by mallory\u2066" + fake
	r.Alerts[0].Acked, r.Alerts[0].AckedBy = true, "eve\x00\u202D"+fake
	d, err := digest.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(d.Text, "\nOpen the dashboard: https://evil"); n != 0 {
		t.Errorf("text: an author's line break starts %d forged line(s):\n%s", n, d.Text)
	}
	if strings.Contains(d.Text, "\n2. forged entry") {
		t.Errorf("text: a source's line break forged an entry")
	}
	for name, s := range map[string]string{"text": d.Text, "html": d.HTML, "slack": d.Slack, "telegram": strings.Join(d.Telegram, "")} {
		if strings.ContainsAny(s, "\x1b\x00\r\u202E\u202D\u2066") {
			t.Errorf("%s: a control character or bidi override reached the output", name)
		}
	}
	if !strings.Contains(strings.Join(strings.Fields(d.Text), " "), "rinagnp.exe[2J Open the dashboard: https://evil.example/login on rss 2. forged entry") {
		t.Errorf("text: the byline's visible characters are lost:\n%s", d.Text)
	}
}

// A Slack digest stays within Slack's 40,000-character text limit, cut
// between whole lines (never inside an escape or a link), and says so.
func TestSlackDigestWithinMessageLimit(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	pad := strings.Repeat("&<>", 200)
	for i := range r.Top {
		r.Top[i].Mention.Author = pad
		r.Top[i].Mention.Text = pad + pad
	}
	r.Alerts = nil
	for range 40 {
		r.Alerts = append(r.Alerts, digest.Alert{Headline: pad, Why: pad, StartedAt: r.Window.From})
	}
	s := digest.Slack(r)
	if n := utf8.RuneCountInString(s); n > 40000 {
		t.Fatalf("the Slack digest has %d characters, over Slack's 40,000", n)
	}
	if !strings.HasSuffix(s, "the dashboard has it)") {
		t.Errorf("a cut digest does not say it was cut: ...%s", s[max(0, len(s)-200):])
	}
	if i := strings.LastIndexByte(s, '&'); i >= 0 && !strings.HasPrefix(s[i:], "&amp;") && !strings.HasPrefix(s[i:], "&lt;") && !strings.HasPrefix(s[i:], "&gt;") {
		t.Errorf("an escape is cut: %q", s[i:min(len(s), i+10)])
	}
	if !strings.Contains(s, "&amp;&lt;&gt;") {
		t.Errorf("the escaped text is missing")
	}
	// An ordinary digest is left whole.
	plain := digest.Slack(build(t, seeded(t), digest.Weekly, digesttest.WeekEnd))
	if strings.Contains(plain, "left out") {
		t.Errorf("an ordinary digest was cut")
	}
}

// A mention's URL is shown as a line of the text part: U+2028 in its
// query (a line break to many mail clients) or a bidi override cannot
// reach it, in any format; it is percent-encoded (alerts.CleanURL).
func TestMentionURLIsCleanInEveryFormat(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	r.Top[0].Mention.URL = "https://brand.example/?q=x\u2028Open the dashboard: https://evil.example/login&f=\u202Egnp.exe"
	d, err := digest.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"text": d.Text, "html": d.HTML, "slack": d.Slack, "telegram": strings.Join(d.Telegram, "")} {
		if strings.ContainsAny(s, "\u2028\u202E") {
			t.Errorf("%s: the URL's U+2028 or bidi override reached the output", name)
		}
	}
	if !strings.Contains(d.Text, "   https://brand.example/?q=x%E2%80%A8Open%20the%20dashboard:%20https://evil.example/login&f=%E2%80%AEgnp.exe\n") {
		t.Errorf("text: the post's link is missing or not encoded:\n%s", d.Text)
	}
}

// A mark inside a word (rina_w, order_id, 2*3) cannot format in Slack and
// shows as typed, as in the Slack alerts: a name copied from the digest
// finds the author in the inbox. Marks that could format are look-alikes
// (alerts.EscapeMrkdwn). Before, each in-word mark was wrapped in
// zero-width spaces, so "rina_w" copied from Slack matched nothing.
func TestSlackKeepsInWordMarks(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	r.Top[0].Mention.URL = "" // the byline is text, not a link's label
	r.Top[0].Mention.Author = "rina_w"
	r.Top[0].Mention.Text = "order_id 2*3 *bold* _it_"
	s := digest.Slack(r)
	for _, want := range []string{"rina_w on news", "order_id 2*3"} {
		if !strings.Contains(s, want) {
			t.Errorf("slack lacks %q", want)
		}
	}
	if strings.Contains(s, "*bold*") || strings.Contains(s, "_it_") {
		t.Error("slack: *bold* or _it_ in a mention would format")
	}
}

// TestSlackPartsSplitAtLineEnds: a Slack digest longer than one message is
// posted as several (SlackParts), each at most 3,900 UTF-16 units and cut
// between lines, so no escape or link is cut in two, and together they
// are the digest. Before, it went as one message, which Slack splits at
// its 4,000th character wherever that falls.
func TestSlackPartsSplitAtLineEnds(t *testing.T) {
	var lines []string
	for i := range 120 {
		lines = append(lines, fmt.Sprintf("• <https://shop.example/r/%d|Review %d> Acme &amp; kettle leaks — %s", i, i, strings.Repeat("é", 20)))
	}
	text := "*Weekly digest* of Acme\n\n" + strings.Join(lines, "\n")
	parts := digest.SlackParts(text)
	if len(parts) < 3 {
		t.Fatalf("%d parts; want the %d-character digest in 3 or more", len(parts), len(text))
	}
	for i, p := range parts {
		if n := len(utf16.Encode([]rune(p))); n > 3900 {
			t.Errorf("part %d has %d UTF-16 units, more than 3,900", i+1, n)
		}
		if !strings.HasSuffix(p, strings.Repeat("é", 20)) && !strings.HasSuffix(p, "Acme") {
			t.Errorf("part %d does not end at a line end: …%q", i+1, p[len(p)-30:])
		}
	}
	if joined := strings.Join(parts, "\n"); strings.ReplaceAll(joined, "\n\n", "\n") != strings.ReplaceAll(text, "\n\n", "\n") {
		t.Error("the parts together are not the digest (a line lost or sent twice)")
	}
	if short := digest.SlackParts("*Daily digest* of Acme"); len(short) != 1 || short[0] != "*Daily digest* of Acme" {
		t.Errorf("a short digest: %q; want one message as it is", short)
	}
}
