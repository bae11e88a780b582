package alerts

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./alerts -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the rendered message (-update rewrites it after review):\n--- got\n%s", path, got)
	}
}

func renderJSON(t *testing.T, n Notification) []byte {
	t.Helper()
	text, blocks := SlackMessage(n)
	return rawJSON(t, map[string]any{"text": text, "blocks": blocks}, "  ")
}

// rawJSON marshals v without escaping <, > and & (as Slack receives it
// after decoding), indented when indent is not empty.
func rawJSON(t *testing.T, v any, indent string) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var jakarta = func() *time.Location {
	loc, err := mw.LoadTimezone("Asia/Jakarta")
	if err != nil {
		panic(err)
	}
	return loc
}()

func testPresentation(t *testing.T) Presentation {
	t.Helper()
	s, err := actionlink.New([]byte("golden-test-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	return Presentation{Location: jakarta, Bucket: 5 * time.Minute, Links: s, Now: func() time.Time { return t0.Add(25 * time.Minute) }}
}

// waveNotification is a delivery wave: four copies of one complaint (a
// retweet, another link, another case) among other mentions.
func waveNotification() Notification {
	at := t0.Add(20 * time.Minute)
	copyText := []string{
		"Kopi Senja order #4411 still not delivered after 9 days, courier says lost. Never again! https://t.co/abc",
		"RT @budi: Kopi Senja order #4411 still not delivered after 9 days, courier says lost. Never again!",
		"kopi senja order #5120 still NOT delivered after 9 days courier says lost never again https://t.co/zzz",
		"Kopi Senja order still not delivered after 9 days, courier says lost. Never again!! @KopiSenjaID",
	}
	var top []mw.Mention
	for i, txt := range copyText {
		m := mention(100+i, at, mw.Negative, txt)
		m.Brand, m.Source, m.Type = "Kopi Senja", "x", "x"
		m.Author = fmt.Sprintf("buyer%d", i%3)
		m.Sentiment = -0.8
		top = append(top, m)
	}
	other := mention(200, at, mw.Negative, "Paket Kopi Senja belum sampai, kurirnya tidak bisa dihubungi")
	other.Brand, other.Lang, other.Author, other.AuthorReach, other.Source = "Kopi Senja", "id", "sari", 12500, "reddit"
	review := mention(201, at, mw.Negative, "Box arrived crushed & beans spilled <!channel> @here")
	review.Brand, review.Rating, review.Stage, review.Source, review.Author = "Kopi Senja", 1, mw.FMOT, "playstore", "dian"
	top = append([]mw.Mention{top[0], top[1], other}, append(top[2:], review)...)
	return Notification{
		Alert: mw.Alert{ID: "a1b2c3d4e5f60718", Brand: "Kopi Senja", Kind: mw.AlertSpike, Scope: "stage:amot", State: mw.Firing,
			StartedAt: at, UpdatedAt: at, Count: 40, Baseline: 0.4, Factor: 40, NegShare: 0.87,
			Breakdown: map[string]uint64{"stage:amot": 40, "aspect:delivery": 35, "aspect:refund": 3}},
		Top:          top,
		DashboardURL: "https://mw.example.com/",
	}
}

func criticalNotification() Notification {
	at := t0.Add(3 * time.Minute)
	m := mention(300, at, mw.Positive, "Adik saya keracunan setelah minum Kopi Senja, sekarang di rumah sakit <!here> @channel & tolong dibantu")
	m.Brand, m.Author, m.Source, m.Lang, m.Sentiment, m.Stage = "Kopi Senja", "rina_w", "x", "id", 0.31, mw.SMOT
	e1 := mention(301, at.Add(-48*time.Hour), mw.Negative, "Kopi Senja pesanan saya telat lagi")
	e1.Author, e1.Source = "rina_w", "playstore"
	e2 := mention(302, at.Add(-30*time.Hour), mw.Neutral, "Ada promo Kopi Senja minggu ini?")
	e2.Author = "rina_w"
	return Notification{
		Alert: mw.Alert{ID: "c0ffee0000000001", Brand: "Kopi Senja", Kind: mw.AlertCritical, Scope: ScopeMention, State: mw.Firing,
			StartedAt: at, UpdatedAt: at, Count: 1, Factor: 1, Reason: `mentions "keracunan" (poisoning)`,
			Summary: `mentions "keracunan" (poisoning) (x, positive)`, MentionIDs: []string{m.ID}},
		Top:          []mw.Mention{m},
		History:      map[string][]mw.Mention{"rina_w": {e1, e2}},
		DashboardURL: "https://mw.example.com",
	}
}

func TestSlackMessageGolden(t *testing.T) {
	p := testPresentation(t)
	resolved := waveNotification()
	resolved.Alert.State, resolved.Alert.ResolvedAt, resolved.Alert.NotifyCount = mw.Resolved, t0.Add(95*time.Minute), 1
	resolved.Top = nil
	for name, n := range map[string]Notification{
		"slack_spike.golden.json":    waveNotification(),
		"slack_critical.golden.json": criticalNotification(),
		"slack_resolved.golden.json": resolved,
		"slack_utc_nolinks.golden.json": func() Notification {
			n := waveNotification()
			n.DashboardURL = ""
			return n
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			pp := p
			if name == "slack_utc_nolinks.golden.json" {
				pp = Presentation{}
			}
			golden(t, name, renderJSON(t, pp.complete(n)))
		})
	}
}

func TestSlackMessageContents(t *testing.T) {
	p := testPresentation(t)
	text, blocks := SlackMessage(p.complete(waveNotification()))
	msg := string(rawJSON(t, blocks, ""))
	if text != "Spike in negative mentions of Kopi Senja (AMOT: waiting for delivery): 40 negative in 5 min; usually 0–2" {
		t.Errorf("fallback text %q", text)
	}
	for _, want := range []string{
		"*What happened:* 40 negative in 5 min; usually 0–2",
		"*Since:* Mon May 4 15:20 WIB",
		"*×4 similar* from 3 authors",
		"AMOT: waiting for delivery 40 · delivery and shipping 35 · refunds and billing 3",
		"FMOT: first impression",
		`"url":"https://mw.example.com/#alert=a1b2c3d4e5f60718"`,
		`"url":"https://mw.example.com/a/ack?exp=`,
		`"text":"Silence 4 h"`,
		"times in Asia/Jakarta (UTC+7)",
		"&amp; beans spilled &lt;!channel&gt; @\u200bhere",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	for _, bad := range []string{"×40", "baseline of", "<!channel>", "amot ", "0.4"} {
		if strings.Contains(msg, bad) {
			t.Errorf("message holds %q", bad)
		}
	}
	if n := strings.Count(msg, "still not delivered after 9 days"); n != 1 {
		t.Errorf("the repeated complaint shows %d times, want once", n)
	}
	// The Acknowledge link verifies against the key that signed it.
	var ack string
	for _, b := range blocks {
		if ab, ok := b.(*slack.ActionBlock); ok {
			for _, e := range ab.Elements.ElementSet {
				if btn := e.(*slack.ButtonBlockElement); btn.ActionID == "ack" {
					ack = btn.URL
				}
			}
		}
	}
	m := regexp.MustCompile(`/a/ack\?exp=(\d+)&id=([0-9a-f]+)&sig=([A-Za-z0-9_-]+)$`).FindStringSubmatch(ack)
	if m == nil {
		t.Fatalf("ack button URL %q", ack)
	}
	if _, err := p.Links.Verify(actionlink.Ack, m[2], m[1], m[3], t0.Add(time.Hour)); err != nil {
		t.Errorf("ack link does not verify: %v", err)
	}

	_, cblocks := SlackMessage(p.complete(criticalNotification()))
	cmsg := string(rawJSON(t, cblocks, ""))
	for _, want := range []string{
		`*Why:* mentions \"keracunan\" (poisoning)`,
		"*Posted:* Mon May 4 15:03 WIB on x by rina_w",
		">Adik saya keracunan setelah minum Kopi Senja, sekarang di rumah sakit &lt;!here&gt; @\u200bchannel &amp; tolong dibantu",
		"<https://example.com/300|Open the post on example.com>",
		"SMOT: using it",
		"*rina_w's earlier mentions* (2, across sources)",
		`"text":"Open the post"`,
	} {
		if !strings.Contains(cmsg, want) {
			t.Errorf("critical message lacks %q:\n%s", want, cmsg)
		}
	}
}

// TestSlackLimitsWithHugeFields: 5,000-character URLs, authors, sources,
// texts and dashboard links, 60 mentions and 10 authors with history stay
// within Block Kit's limits, and no link is cut.
func TestSlackLimitsWithHugeFields(t *testing.T) {
	huge := func(c string) string { return strings.Repeat(c, 5000) }
	longURL := "https://example.com/" + huge("p")
	for di, dash := range []string{"https://mw.example.com", "https://mw.example.com/" + huge("d")} {
		n := waveNotification()
		n.DashboardURL = dash
		n.Alert.Brand = huge("B")
		n.Alert.Breakdown = map[string]uint64{}
		for i := range 20 {
			n.Alert.Breakdown[fmt.Sprintf("aspect:%s%d", huge("a"), i)] = uint64(i)
		}
		n.Top = nil
		for i := range 60 {
			word := string(rune('a'+i%26)) + string(rune('a'+i/26)) + " " // distinct texts: no near-copies
			m := mention(i, t0, mw.Negative, fmt.Sprintf("%d %s & <%d>", i, strings.Repeat(word, 1700), i))
			m.URL, m.Author, m.Source, m.Title = longURL+fmt.Sprint(i), huge("é"), huge("s"), huge("🙂")
			n.Top = append(n.Top, m)
		}
		n.History = map[string][]mw.Mention{}
		for i := range 10 {
			n.History[fmt.Sprintf("%d%s", i, huge("&"))] = n.Top[:30]
		}
		for _, kind := range []string{mw.AlertSpike, mw.AlertCritical} {
			n.Alert.Kind = kind
			n.Alert.Reason = huge("<")
			text, blocks := SlackMessage(testPresentation(t).complete(n))
			checkLimits(t, fmt.Sprintf("dashboard %d %s", di, kind), text, blocks, []string{longURL, dash})
		}
	}
}

var mrkdwnLink = regexp.MustCompile(`<([^|>]*)\|`)

// isCut reports whether u is a shortened copy of one of the long URLs.
func isCut(u string, longs []string) bool {
	for _, long := range longs {
		if len(u) > 30 && u != long && strings.HasPrefix(long, u[:len(u)-3]) {
			return true
		}
	}
	return false
}

func checkLimits(t *testing.T, name, text string, blocks []slack.Block, longURLs []string) {
	t.Helper()
	if len(blocks) > maxBlocks {
		t.Errorf("%s: %d blocks", name, len(blocks))
	}
	if slackLen(text) > maxFallback {
		t.Errorf("%s: fallback text %d characters", name, slackLen(text))
	}
	checkText := func(what, s string, max int) {
		if l := slackLen(s); l > max {
			t.Errorf("%s: %s has %d characters, limit %d", name, what, l, max)
		}
		for _, m := range mrkdwnLink.FindAllStringSubmatch(s, -1) {
			u := strings.ReplaceAll(m[1], "&amp;", "&")
			if isCut(u, longURLs) {
				t.Errorf("%s: %s links a cut URL (%d characters)", name, what, len(u))
			}
			if len(u) > maxLinkURL {
				t.Errorf("%s: %s links a %d-character URL", name, what, len(u))
			}
		}
	}
	sections, longest := 0, 0
	for i, b := range blocks {
		switch b := b.(type) {
		case *slack.HeaderBlock:
			checkText("header", b.Text.Text, maxHeaderText)
		case *slack.SectionBlock:
			sections++
			longest = max(longest, slackLen(b.Text.Text))
			checkText(fmt.Sprintf("section %d", i), b.Text.Text, maxSectionText)
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				checkText("context", e.(*slack.TextBlockObject).Text, maxContextText)
			}
		case *slack.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				btn := e.(*slack.ButtonBlockElement)
				checkText("button "+btn.ActionID, btn.Text.Text, maxButtonText)
				if len(btn.URL) > maxButtonURL {
					t.Errorf("%s: button %s URL has %d characters", name, btn.ActionID, len(btn.URL))
				}
				if isCut(btn.URL, longURLs) {
					t.Errorf("%s: button %s carries a cut URL", name, btn.ActionID)
				}
			}
		}
	}
	t.Logf("%s: %d blocks, longest section %d characters", name, len(blocks), longest)
	if sections < 3 {
		t.Errorf("%s: only %d sections: the evidence was dropped rather than shortened", name, sections)
	}
	js, _ := json.Marshal(blocks)
	if bytes.Contains(js, []byte("<!")) || bytes.Contains(js, []byte(`\u003c!`)) {
		t.Errorf("%s: a ping reached the blocks", name)
	}
}

func TestWebhookPayloadGolden(t *testing.T) {
	p := testPresentation(t)
	for name, n := range map[string]Notification{
		"webhook_spike.golden.json":    waveNotification(),
		"webhook_critical.golden.json": criticalNotification(),
	} {
		golden(t, name, rawJSON(t, Payload(p.complete(n), t0.Add(25*time.Minute)), "  "))
	}
	// Backward compatible: every field of the first payload is still there.
	b, _ := json.Marshal(Payload(p.complete(waveNotification()), t0))
	var got map[string]any
	json.Unmarshal(b, &got)
	for _, k := range []string{"event", "delivery_key", "headline", "alert", "top_mentions", "dashboard_url", "sent_at", "text", "timezone", "similar", "actions"} {
		if _, ok := got[k]; !ok {
			t.Errorf("payload lacks %q", k)
		}
	}
	al := got["alert"].(map[string]any)
	for _, k := range []string{"id", "brand", "kind", "scope", "state", "started_at", "count", "baseline", "factor", "negative_share", "summary", "breakdown", "usual_low", "usual_high", "started_at_local"} {
		if _, ok := al[k]; !ok {
			t.Errorf("payload alert lacks %q", k)
		}
	}
	if al["started_at_local"] != "2026-05-04T15:20:00+07:00" || al["started_at"] != "2026-05-04T08:20:00Z" {
		t.Errorf("times: %v / %v", al["started_at_local"], al["started_at"])
	}
}

func TestUsualRange(t *testing.T) {
	for _, tc := range []struct {
		exp    float64
		lo, hi int
		words  string
	}{
		{0, 0, 0, "usually none"},
		{-1, 0, 0, "usually none"},
		{0.02, 0, 0, "usually none"},
		{0.4, 0, 2, "usually 0–2"},
		{1, 0, 3, "usually 0–3"},
		{10, 5, 15, "usually 5–15"},
		{100, 84, 117, "usually 84–117"},
		{10000, 9835, 10165, "usually 9835–10165"},
	} {
		lo, hi := UsualRange(tc.exp)
		if lo != tc.lo || hi != tc.hi || usualWords(tc.exp) != tc.words {
			t.Errorf("UsualRange(%v) = %d–%d %q, want %d–%d %q", tc.exp, lo, hi, usualWords(tc.exp), tc.lo, tc.hi, tc.words)
		}
	}
	if got := BaselineWords(40, 0.4, 5*time.Minute); got != "40 negative in 5 min; usually 0–2" {
		t.Errorf("BaselineWords = %q", got)
	}
	if got := BaselineWords(12.5, 3, 90*time.Minute); got != "12.5 negative in 1 h 30 min; usually 1–6" {
		t.Errorf("BaselineWords = %q", got)
	}
}

func TestGroupSimilar(t *testing.T) {
	n := waveNotification()
	gs := GroupSimilar(n.Top)
	var counts []int
	for _, g := range gs {
		counts = append(counts, g.Count)
	}
	if fmt.Sprint(counts) != "[4 1 1]" || gs[0].Mention.ID != n.Top[0].ID || gs[0].Authors != 3 {
		t.Fatalf("groups %v (first %s, %d authors), want [4 1 1] led by the first mention, 3 authors", counts, gs[0].Mention.ID, gs[0].Authors)
	}
	// Complaints that share a phrase are not copies; empty texts stay apart.
	ms := []mw.Mention{
		mention(1, t0, mw.Negative, "my order is late again, third time this month"),
		mention(2, t0, mw.Negative, "my order is late and the app crashes when I open support chat"),
		mention(3, t0, mw.Negative, "https://t.co/x"),
		mention(4, t0, mw.Negative, "https://t.co/y"),
		mention(5, t0, mw.Negative, "MY ORDER IS LATE AGAIN!!! third time this month 😡"),
	}
	gs = GroupSimilar(ms)
	counts = nil
	for _, g := range gs {
		counts = append(counts, g.Count)
	}
	if fmt.Sprint(counts) != "[2 1 1 1]" {
		t.Errorf("groups %v, want [2 1 1 1]", counts)
	}
	// One person writing their handle two ways is one author, as in the
	// inbox's author history (store.AuthorKey).
	ms = []mw.Mention{
		mention(1, t0, mw.Negative, "paket saya belum sampai juga"),
		mention(2, t0, mw.Negative, "paket saya belum sampai juga!!"),
		mention(3, t0, mw.Negative, "Paket saya belum sampai juga"),
	}
	ms[0].Author, ms[1].Author, ms[2].Author = "Budi", "@budi", "sari"
	if gs = GroupSimilar(ms); len(gs) != 1 || gs[0].Authors != 2 {
		t.Errorf("Budi, @budi, sari: %d groups, %d authors; want one group by 2 authors", len(gs), gs[0].Authors)
	}
}

func TestEscClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"a & b", 9, "a &amp; b"},
		{"a & b", 8, "a &amp;…"},
		{"a & b", 6, "a…"},
		{"<<<<", 9, "&lt;&lt;…"},
		{"hello world foo", 15, "hello world foo"},
		{"hello world foo", 14, "hello world…"},
		{"ping @Channel and @hereby", -1, "ping @\u200bChannel and @\u200bhereby"},
		{"🙂🙂🙂", 5, "🙂🙂…"},
	} {
		if got := escClip(tc.in, tc.n, true); got != tc.want || (tc.n >= 0 && slackLen(got) > tc.n) {
			t.Errorf("escClip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// Authors, texts and the reason that quotes them come from the internet:
// in Slack they are one visible line each, with no control, bidi or
// zero-width character left to forge a line or disguise a word.
func TestSlackHostileAuthorIsOneVisibleLine(t *testing.T) {
	hostile := "rina\u202Eesrever\u2066 \x1b[2J\x00\u200b\nOpen: https://evil.example/login"
	n := waveNotification()
	for i := range n.Top {
		n.Top[i].Author = hostile
		n.Top[i].Text = "paket\r\n*belum* datang\u202E " + hostile
	}
	n.Alert.Kind = mw.AlertCritical
	n.Alert.Reason = "negative mention by " + hostile
	text, blocks := SlackMessage(testPresentation(t).complete(n))
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			all = append(all, v)
		}
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	walk(decoded)
	all = append(all, text)
	found := false
	for _, s := range all {
		for _, bad := range []string{"\u202E", "\u2066", "\x1b", "\x00", "\u200b", "\r"} {
			if strings.Contains(s, bad) {
				t.Errorf("%q reaches Slack in %q", bad, s)
			}
		}
		if strings.Contains(s, "rinaesrever") {
			found = true
		}
		for _, line := range strings.Split(s, "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, ">_* "), "Open: https://evil") {
				t.Errorf("the author forged a line of its own: %q", line)
			}
		}
	}
	if !found {
		t.Errorf("the author's visible characters are gone: %q", all)
	}
}

// The footer names the zone's offset of every time the message shows:
// across Berlin's spring change an episode starts at UTC+1 and ends at
// UTC+2, and a link signed before it works until a time at UTC+2.
// Before, the footer said UTC+1 alone, next to times in CEST.
func TestSlackFooterOffsetsAcrossAClockChange(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC) // 01:30 CET
	p := testPresentation(t)
	p.Location, p.Now = berlin, func() time.Time { return start }
	firing := waveNotification()
	firing.Alert.StartedAt, firing.Alert.UpdatedAt = start, start
	resolved := firing
	resolved.Alert.State, resolved.Alert.ResolvedAt = mw.Resolved, start.Add(2*time.Hour) // 04:30 CEST
	early := firing
	early.Alert.StartedAt = start.Add(-7 * 24 * time.Hour)
	p2 := p
	p2.Now = func() time.Time { return early.Alert.StartedAt }
	for name, c := range map[string]struct {
		p    Presentation
		n    Notification
		want string
	}{
		"firing":        {p, firing, "times in Europe/Berlin (UTC+1, then UTC+2)"},
		"resolved":      {p, resolved, "times in Europe/Berlin (UTC+1, then UTC+2)"},
		"a week before": {p2, early, "times in Europe/Berlin (UTC+1)"},
	} {
		_, blocks := SlackMessage(c.p.complete(c.n))
		if msg := string(rawJSON(t, blocks, "")); !strings.Contains(msg, c.want) {
			t.Errorf("%s: the footer lacks %q:\n%s", name, c.want, msg)
		}
	}
}

// A cut never splits a grapheme cluster: a flag, a skin-toned emoji or a
// letter and its accent stay whole or go together; a hostile cluster longer
// than the limit is cut rather than dropped.
func TestClipKeepsGraphemeClustersWhole(t *testing.T) {
	zalgo := "Z" + strings.Repeat("\u0301", 40)
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"Kopi 🇮🇩🇮🇩", 8, "Kopi 🇮🇩…"},
		{"ok 👍🏽👍🏽", 5, "ok 👍🏽…"},
		{"cafe\u0301cafe\u0301", 9, "cafe\u0301caf…"},
		{"cafe\u0301cafe\u0301", 10, "cafe\u0301cafe\u0301"},
		{zalgo, 10, "Z" + strings.Repeat("\u0301", 9) + "…"},
	} {
		if got := clip(tc.in, tc.n); got != tc.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"Kopi 🇮🇩🇮🇩", 12, "Kopi 🇮🇩…"}, // a flag is 4 UTF-16 units
		{"a & 👍🏽👍🏽", 15, "a &amp; 👍🏽…"},
	} {
		if got := escClip(tc.in, tc.n, true); got != tc.want {
			t.Errorf("escClip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// TestSlackOneMoreGroupIsSingular: six different complaints show five and
// say the sixth is "1 more in 1 group", not "in 1 groups".
func TestSlackOneMoreGroupIsSingular(t *testing.T) {
	texts := []string{"parcel lost in transit again", "courier never came today", "refund still missing after weeks",
		"app crashes at checkout", "box arrived crushed and wet", "support line never answers calls"}
	var top []mw.Mention
	for i, s := range texts {
		top = append(top, mention(i, t0, mw.Negative, s))
	}
	a := mw.Alert{ID: "a1", Brand: "acme", Kind: mw.AlertSpike, Scope: ScopeBrand, State: mw.Firing, StartedAt: t0, Count: 6, Baseline: 0.4}
	msg := string(renderJSON(t, Notification{Alert: a, Top: top}))
	if !strings.Contains(msg, "…and 1 more in 1 group: open in mentionwatch") {
		t.Errorf("the sixth complaint is not said as one more in one group:\n%s", msg)
	}
}
