package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

var now = time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)

// botAPI is an httptest server shaped like the Bot API: it answers
// /bot<token>/sendMessage with replies[i] for the i-th call (the last one
// repeats) and records the requests.
type botAPI struct {
	mu      sync.Mutex
	got     []sendMessage
	replies []reply
}

type reply struct {
	status int
	body   string
}

func (b *botAPI) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/bot"+token+"/sendMessage" {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"ok":false,"error_code":404,"description":"Not Found"}`))
			return
		}
		var m sendMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			t.Errorf("body: %v", err)
		}
		b.mu.Lock()
		b.got = append(b.got, m)
		rp := b.replies[min(len(b.got), len(b.replies))-1]
		b.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rp.status)
		w.Write([]byte(rp.body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

const okBody = `{"ok":true,"result":{"message_id":42,"chat":{"id":-1001234567890,"type":"supergroup"},"date":1764644400,"text":"x"}}`

func newTelegram(t *testing.T, api string) *Telegram {
	t.Helper()
	tg := &Telegram{BotToken: mw.Secret(token), ChatID: "-1001234567890", APIURL: api}
	if err := tg.Init(notify.Env{Name: "telegram", HTTP: &http.Client{Timeout: 5 * time.Second}, Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestSendEscapesHostileText(t *testing.T) {
	b := &botAPI{replies: []reply{{200, okBody}}}
	srv := b.serve(t)
	tg := newTelegram(t, srv.URL)
	if err := tg.Send(context.Background(), notify.Sample(now, "https://dash.example/")); err != nil {
		t.Fatal(err)
	}
	if len(b.got) != 1 {
		t.Fatalf("%d messages, want 1", len(b.got))
	}
	m := b.got[0]
	if m.ParseMode != "HTML" || m.ChatID != "-1001234567890" || !m.LinkPreview.IsDisabled {
		t.Errorf("request %+v", m)
	}
	for _, raw := range []string{"<b>Refund", "</a><a href=\"https://evil", "<!channel>", "<i>angry"} {
		if strings.Contains(m.Text, raw) {
			t.Errorf("hostile %q reached Telegram unescaped:\n%s", raw, m.Text)
		}
	}
	for _, lit := range []string{"&lt;b&gt;Refund NOW&lt;/b&gt;", "&lt;/a&gt;", "*bold*", "&lt;!channel&gt;", "&amp;amp;"} {
		if !strings.Contains(m.Text, lit) {
			t.Errorf("missing escaped %q in:\n%s", lit, m.Text)
		}
	}
	if strings.Contains(m.Text, "javascript:") && strings.Contains(m.Text, `href="javascript`) {
		t.Errorf("javascript: URL made a link")
	}
	if !strings.Contains(m.Text, `<a href="https://example.com/post/1?a=1&amp;b=2">`) || !strings.Contains(m.Text, `<a href="https://dash.example/#alert=`) {
		t.Errorf("links missing:\n%s", m.Text)
	}
	checkHTML(t, m.Text)
}

// checkHTML checks a part is well-formed Telegram HTML: only b and a tags,
// balanced, every & starts an entity.
func checkHTML(t *testing.T, s string) {
	t.Helper()
	tag := regexp.MustCompile(`<(/?)(b|a)( href="[^"<>]*")?>`)
	depth := map[string]int{}
	rest := s
	for {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		m := tag.FindStringSubmatch(rest[i:])
		if m == nil || !strings.HasPrefix(rest[i:], m[0]) {
			t.Fatalf("stray < at %q", rest[i:min(len(rest), i+30)])
		}
		if m[1] == "/" {
			depth[m[2]]--
		} else {
			depth[m[2]]++
		}
		if depth[m[2]] < 0 || depth[m[2]] > 1 {
			t.Fatalf("unbalanced <%s%s> in part", m[1], m[2])
		}
		rest = rest[i+len(m[0]):]
	}
	for k, d := range depth {
		if d != 0 {
			t.Fatalf("<%s> left open", k)
		}
	}
	ent := regexp.MustCompile(`&(amp|lt|gt|quot);`)
	for i := 0; i < len(s); i++ {
		if s[i] == '&' && !ent.MatchString(s[i:min(len(s), i+6)]) {
			t.Fatalf("broken entity at %q", s[i:min(len(s), i+8)])
		}
	}
}

func TestSplitLongMessages(t *testing.T) {
	n := notify.Sample(now, "https://dash.example/")
	n.Top = nil
	for i := range 40 {
		// distinct, long, full of characters that escape to entities
		n.Top = append(n.Top, mw.Mention{ID: string(rune('a' + i)), Source: "x", Text: strings.Repeat(string(rune('a'+i%26))+"<&> ", 200) + strings.Repeat("z", i), Published: now})
	}
	c := alerts.ContentOf(alerts.Presentation{}, n)
	c.Evidence = append(c.Evidence, c.Evidence...)
	c.Evidence = append(c.Evidence, c.Evidence...) // 20 blocks of ~2.5k source units
	parts := split(render(c), MaxRunes)
	if len(parts) < 2 {
		t.Fatalf("%d parts, want a split", len(parts))
	}
	for i, p := range parts {
		if size(p) > MaxRunes {
			t.Errorf("part %d has %d units", i, size(p))
		}
		checkHTML(t, p)
	}
	// One block longer than the limit by itself goes as escaped plain text.
	huge := []block{{html: "<b>" + strings.Repeat("&lt;", 3000) + "</b>", plain: strings.Repeat("<", 3000)}}
	ps := split(huge, MaxRunes)
	if len(ps) != 3 {
		t.Fatalf("%d parts, want 3", len(ps))
	}
	for _, p := range ps {
		if size(p) > MaxRunes {
			t.Errorf("part of %d units", size(p))
		}
		checkHTML(t, p)
	}
}

func TestStatusClasses(t *testing.T) {
	cases := []struct {
		name      string
		r         reply
		permanent bool
		retry     time.Duration
	}{
		{"429", reply{429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}`}, false, 7 * time.Second},
		{"400", reply{400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`}, true, 0},
		{"403", reply{403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the supergroup chat"}`}, true, 0},
		{"401", reply{401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`}, true, 0},
		{"502", reply{502, `<html>Bad Gateway</html>`}, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := &botAPI{replies: []reply{c.r}}
			tg := newTelegram(t, b.serve(t).URL)
			err := tg.Send(context.Background(), notify.Sample(now, ""))
			var de *alerts.DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("err %v, want a DeliveryError", err)
			}
			if de.Permanent != c.permanent || de.RetryAfter != c.retry {
				t.Errorf("permanent %v retry %s, want %v %s (%v)", de.Permanent, de.RetryAfter, c.permanent, c.retry, err)
			}
			if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "AAHdq") {
				t.Errorf("token in error: %v", err)
			}
		})
	}
}

// TestChatRefusalsSayWhatToDo: a blocked bot, a kicked bot or an unknown
// chat all said "check notifiers.telegram.chat_id, and that the bot is a
// member of the chat", which is no help to a user who blocked the bot.
// Each now says what to do; all are permanent.
func TestChatRefusalsSayWhatToDo(t *testing.T) {
	for _, c := range []struct {
		status     int
		desc, want string
	}{
		{403, "Forbidden: bot was blocked by the user", "tap Restart"},
		{403, "Forbidden: bot was kicked from the supergroup chat", "add it again"},
		{403, "Forbidden: user is deactivated", "deleted their Telegram account"},
		{403, "Forbidden: bot is not a member of the channel chat", "as an administrator"},
		{400, "Bad Request: not enough rights to send text messages to the chat", "right to send messages"},
		{400, "Bad Request: chat not found", "the bot was added to the chat or the user started it"},
	} {
		status, desc, want := c.status, c.desc, c.want
		b := &botAPI{replies: []reply{{status, fmt.Sprintf(`{"ok":false,"error_code":%d,"description":%q}`, status, desc)}}}
		err := newTelegram(t, b.serve(t).URL).Send(context.Background(), notify.Sample(now, ""))
		var de *alerts.DeliveryError
		if !errors.As(err, &de) || !de.Permanent || !strings.Contains(err.Error(), desc) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want a permanent error saying %q", desc, err, want)
		}
	}
}

func TestDeliverRetriesAfter429WithoutResending(t *testing.T) {
	// Part 1 goes, part 2 is rate limited once, then goes: Deliver retries
	// and part 1 is not sent twice.
	b := &botAPI{replies: []reply{{200, okBody}, {429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`}, {200, okBody}}}
	tg := newTelegram(t, b.serve(t).URL)
	n := notify.Sample(now, "")
	for i := range 30 {
		n.Top = append(n.Top, mw.Mention{ID: string(rune('A' + i)), Source: "x", Text: strings.Repeat(string(rune('A'+i))+"<> ", 150), Published: now})
	}
	n.Top = n.Top[2:]
	if len(split(render(alerts.ContentOf(alerts.Presentation{}, n)), MaxRunes)) != 2 {
		t.Skip("fixture no longer splits in two")
	}
	if err := alerts.Deliver(context.Background(), tg, n, time.Minute, discard()); err != nil {
		t.Fatal(err)
	}
	if len(b.got) != 3 || b.got[0].Text == b.got[2].Text || b.got[1].Text != b.got[2].Text {
		t.Errorf("%d requests; want part 1, part 2 (429), part 2", len(b.got))
	}
}

func TestNetworkErrorHidesToken(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	api := srv.URL
	srv.Close()
	tg := newTelegram(t, api)
	err := tg.Send(context.Background(), notify.Sample(now, ""))
	if err == nil || strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "AAHdq") {
		t.Fatalf("err %v", err)
	}
	var de *alerts.DeliveryError
	if !errors.As(err, &de) || de.Permanent {
		t.Errorf("a network error must be retryable: %v", err)
	}
}

// TestMigratedGroup: Telegram upgrades a group to a supergroup (at 200
// members, or when its history is made visible) under a new chat id, and
// answers the old one with 400 and parameters.migrate_to_chat_id. Every
// alert failed for good until someone read the log and edited chat_id;
// now the message goes to the new id, and so do the following ones.
func TestMigratedGroup(t *testing.T) {
	b := &botAPI{replies: []reply{
		{400, `{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001557912345}}`},
		{200, okBody},
	}}
	tg := newTelegram(t, b.serve(t).URL)
	if err := tg.Send(context.Background(), notify.Sample(now, "")); err != nil {
		t.Fatalf("send after migration: %v", err)
	}
	if err := tg.Send(context.Background(), notify.Sample(now.Add(time.Hour), "")); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range b.got {
		ids = append(ids, m.ChatID)
	}
	if want := []string{"-1001234567890", "-1001557912345", "-1001557912345"}; strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("chat ids %v, want %v", ids, want)
	}
}

// TestRetryAfterBounded: a flood wait in the body is bounded like a
// Retry-After header (retryafter.Max); a huge one overflowed the Duration.
func TestRetryAfterBounded(t *testing.T) {
	b := &botAPI{replies: []reply{{429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1000000000000","parameters":{"retry_after":1000000000000}}`}}}
	tg := newTelegram(t, b.serve(t).URL)
	err := tg.Send(context.Background(), notify.Sample(now, ""))
	var de *alerts.DeliveryError
	if !errors.As(err, &de) || de.Permanent || de.RetryAfter != 24*time.Hour {
		t.Fatalf("err %v, want a retry after 24h", err)
	}
}

// TestPostHTMLResumes: the digest scheduler retries a digest whose part 2
// failed (here a 429); part 1 was sent again each time, so the chat got
// it twice.
func TestPostHTMLResumes(t *testing.T) {
	b := &botAPI{replies: []reply{{200, okBody}, {429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`}, {200, okBody}}}
	tg := newTelegram(t, b.serve(t).URL)
	parts := []string{"<b>Acme weekly digest</b> part one", "part two"}
	if err := tg.PostHTML(context.Background(), parts); err == nil {
		t.Fatal("the 429 was not reported")
	}
	if err := tg.PostHTML(context.Background(), parts); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range b.got {
		texts = append(texts, m.Text)
	}
	if want := []string{parts[0], parts[1], parts[1]}; strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("sent %q, want %q", texts, want)
	}
	// Once complete, the same digest may be sent again in full (another
	// receiver's request, a manual `digest --send`).
	if err := tg.PostHTML(context.Background(), parts); err != nil || len(b.got) != 5 {
		t.Errorf("a completed digest sent again: %d requests, %v", len(b.got), err)
	}
}

// TestEntityRefusalSendsPlainText: Telegram answers markup it cannot
// take with 400 "Bad Request: can't parse entities: …". That was a
// permanent error whose hint said to check chat_id and the bot's
// membership, and the alert was lost: a retry sends the same HTML. The
// message now goes again as plain text (links as "label: URL", the
// mention's text as typed), and a refusal of the message as built no
// longer blames the chat.
func TestEntityRefusalSendsPlainText(t *testing.T) {
	refusal := reply{400, `{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 12"}`}
	b := &botAPI{replies: []reply{refusal, {200, okBody}}}
	tg := newTelegram(t, b.serve(t).URL)
	if err := tg.Send(context.Background(), notify.Sample(now, "https://dash.example")); err != nil {
		t.Fatalf("Send = %v; want the message delivered as plain text", err)
	}
	if len(b.got) != 2 || b.got[0].ParseMode != "HTML" || b.got[1].ParseMode != "" {
		t.Fatalf("%d requests (%+v); want the HTML, then the same as plain text", len(b.got), b.got)
	}
	plain := b.got[1].Text
	for _, want := range []string{notify.Hostile, "Open the post: https://example.com/post/1?a=1&b=2", "Open in the dashboard: https://dash.example/#alert="} {
		if !strings.Contains(plain, want) {
			t.Errorf("the plain text lacks %q:\n%s", want, plain)
		}
	}
	if strings.Contains(plain, "&lt;") || strings.Contains(plain, "<b>Spike") || strings.Contains(plain, `<a href="https://example.com`) {
		t.Errorf("the plain text keeps markup or entities:\n%s", plain)
	}

	// Refused as plain text too: the error blames the message, not the chat.
	b = &botAPI{replies: []reply{refusal, {400, `{"ok":false,"error_code":400,"description":"Bad Request: message is too long"}`}}}
	tg = newTelegram(t, b.serve(t).URL)
	err := tg.Send(context.Background(), notify.Sample(now, ""))
	var de *alerts.DeliveryError
	if !errors.As(err, &de) || !de.Permanent || strings.Contains(err.Error(), "chat_id") || !strings.Contains(err.Error(), "as built") {
		t.Errorf("Send = %v; want a permanent error about the message as built", err)
	}
}

// TestLongPostURLIsNotSpread: a mention's URL is the internet's and has
// no length limit. One past about 3,400 characters made its evidence
// paragraph too long for a message, so it went as plain text with the
// URL in full: a 40,000-character URL became a dozen messages of URL.
// A URL longer than maxLinkURL is neither linked nor shown, as in Slack;
// the dashboard link stands in.
func TestLongPostURLIsNotSpread(t *testing.T) {
	b := &botAPI{replies: []reply{{200, okBody}}}
	tg := newTelegram(t, b.serve(t).URL)
	n := notify.Sample(now, "https://dash.example/")
	n.Top[0].URL = "https://example.com/?q=" + strings.Repeat("a", 40000)
	if err := tg.Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	if len(b.got) != 1 {
		t.Fatalf("%d messages, want 1", len(b.got))
	}
	text := b.got[0].Text
	if strings.Contains(text, "aaaaaaaaaa") || !strings.Contains(text, "Refund NOW") || !strings.Contains(text, `<a href="https://dash.example/#alert=`) {
		t.Errorf("want the evidence and the dashboard link without the long URL:\n%.2000s", text)
	}
	checkHTML(t, text)
}

// TestLongSourceIsClipped: alerts.ContentOf clipped a mention's author
// (80) and text (500) but not its source, so a 40,000-character source
// made the evidence paragraph too long for a message and it went as
// plain text over ten messages (Teams dropped the evidence, the mail
// carried it whole). The source is clipped to 80 like the author.
func TestLongSourceIsClipped(t *testing.T) {
	b := &botAPI{replies: []reply{{200, okBody}}}
	tg := newTelegram(t, b.serve(t).URL)
	n := notify.Sample(now, "https://dash.example/")
	n.Top[0].Source = strings.Repeat("s", 40000)
	if err := tg.Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	if len(b.got) != 1 {
		t.Fatalf("%d messages, want 1", len(b.got))
	}
	if text := b.got[0].Text; strings.Contains(text, strings.Repeat("s", 81)) || !strings.Contains(text, strings.Repeat("s", 79)+"…") {
		t.Errorf("want the source clipped to 80 characters:\n%.1000s", text)
	}
}

// TestBotTokenFormatIsChecked: Init refused only a token with "/", "?",
// "#" or a space, so one pasted as "bot123456:ABC…" (the URL's form) or
// with a stray character passed check-config, and every alert then failed
// at Telegram (404, or "building the request failed (check api_url and
// the network)" for a "%"). A token is digits, a colon and letters,
// digits, _ or -.
func TestBotTokenFormatIsChecked(t *testing.T) {
	for tok, ok := range map[string]bool{token: true, "bot" + token: false, "123456789:AAH%zz": false, `"` + token + `"`: false, "123456789": false} {
		tg := &Telegram{BotToken: mw.Secret(tok), ChatID: "-100"}
		err := tg.Init(notify.Env{Name: "telegram", Now: time.Now})
		if ok != (err == nil) {
			t.Errorf("token %q: err %v, want ok=%v", tok, err, ok)
		}
		if err != nil && strings.Contains(err.Error(), "AAH") {
			t.Errorf("the error shows the token: %v", err)
		}
	}
}
