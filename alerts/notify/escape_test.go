package notify_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	"github.com/mentionwatch/mentionwatch/alerts/notify/email"
)

// capture is one local endpoint per channel, answering like the service
// and keeping the bodies.
type capture struct {
	mu     sync.Mutex
	bodies map[string][]byte
}

func (c *capture) serve(t *testing.T, name, answer string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		if c.bodies[name] == nil { // the first post: Alertmanager re-posts in the background
			c.bodies[name] = b
		}
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(answer))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// channels builds Slack, Telegram, Teams, WhatsApp (with waExtra's extra
// keys) and Alertmanager from a config, each posting to its own capture
// endpoint, which answers as the service does.
func (c *capture) channels(t *testing.T, waExtra string) []alerts.Notifier {
	t.Helper()
	return c.channelsWith(t, waExtra, notify.Options{Context: t.Context()})
}

// channelsWith is channels built with o.
func (c *capture) channelsWith(t *testing.T, waExtra string, o notify.Options) []alerts.Notifier {
	t.Helper()
	yaml := fmt.Sprintf(`  slack:
    webhook_url: %s/services/T/B/x
  telegram:
    bot_token: "123456:ABCdef"
    chat_id: "-100"
    api_url: %s
  teams:
    webhook_url: %s/workflows/x
  whatsapp:
    phone_number_id: "106540352242922"
    access_token: tok
    to: ["6281234567890"]
    template: mention_alert
    api_url: %s
%s  alertmanager:
    url: %s
`, c.serve(t, "slack", "ok"), c.serve(t, "telegram", `{"ok":true,"result":{"message_id":1}}`), c.serve(t, "teams", ""),
		c.serve(t, "whatsapp", `{"messaging_product":"whatsapp","contacts":[{"input":"6281234567890","wa_id":"6281234567890"}],"messages":[{"id":"wamid.X"}]}`),
		waExtra, c.serve(t, "alertmanager", ""))
	cfg, err := parse(t, yaml)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := notify.Build(cfg, slog.New(slog.DiscardHandler), o)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// TestHostileTextInertInEveryChannel sends notify.Sample, whose mention
// carries <b>, </a>, *bold* and <!channel>, through every channel built
// from a config, and checks each body in its own format: Slack mrkdwn,
// Telegram HTML, the Teams Adaptive Card, WhatsApp template parameters,
// Alertmanager annotations, and the email's HTML and text parts.
func TestHostileTextInertInEveryChannel(t *testing.T) {
	c := &capture{bodies: map[string][]byte{}}
	ns := c.channels(t, "")
	sample := notify.Sample(time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC), "https://dash.example/")
	for _, n := range ns {
		if err := n.Send(t.Context(), sample); err != nil {
			t.Fatalf("%s: %v", n.Name(), err)
		}
	}
	raw := []string{"<b>", "</a>", "<!channel>"}
	// In HTML formats the channel's own <b> and </a> are fine; the
	// mention's must not be live.
	rawHTML := []string{"<b>Refund", "</a><a", `<a href="https://evil.example"`, "<!channel>", "<i>angry"}

	// Slack: every mrkdwn text escapes < > & and makes *bold* inert.
	texts := strings.Join(jsonStrings(t, c.bodies["slack"]), "\n")
	for _, r := range append(raw, "*bold*", "_it_") {
		if strings.Contains(texts, r) {
			t.Errorf("slack: %q is live in %s", r, texts)
		}
	}
	if !strings.Contains(texts, "&lt;!channel&gt;") || !strings.Contains(texts, "\u2217bold\u2217") {
		t.Errorf("slack: the literal text is missing")
	}

	// Telegram HTML: no tag from the mention; entities instead.
	tg := strings.Join(jsonStrings(t, c.bodies["telegram"]), "\n")
	for _, r := range rawHTML {
		if strings.Contains(tg, r) {
			t.Errorf("telegram: %q is live", r)
		}
	}
	if !strings.Contains(tg, "&lt;b&gt;Refund NOW&lt;/b&gt;") || !strings.Contains(tg, "*bold*") {
		t.Errorf("telegram: the literal text is missing:\n%s", tg)
	}
	if tags := regexp.MustCompile(`</?([a-z]+)`).FindAllStringSubmatch(tg, -1); len(tags) > 0 {
		for _, m := range tags {
			if m[1] != "b" && m[1] != "a" {
				t.Errorf("telegram: tag <%s> in the HTML", m[1])
			}
		}
	}

	// Teams: mention text only in TextRuns (never Markdown), none in a
	// TextBlock.
	var card any
	json.Unmarshal(c.bodies["teams"], &card)
	runs, blocks := typed(card, "TextRun"), typed(card, "TextBlock")
	if !strings.Contains(runs, "<b>Refund NOW</b>") || !strings.Contains(runs, "*bold*") {
		t.Errorf("teams: the literal text is not in a TextRun")
	}
	if strings.Contains(blocks, "Refund") {
		t.Errorf("teams: mention text in a Markdown TextBlock: %s", blocks)
	}

	// WhatsApp: parameters are plain text with formatting marks inert.
	wa := strings.Join(jsonStrings(t, c.bodies["whatsapp"]), "\n")
	if strings.Contains(wa, "*bold*") || strings.Contains(wa, "_it_") || !strings.Contains(wa, "<b>Refund NOW</b>") {
		t.Errorf("whatsapp: %s", wa)
	}

	// Alertmanager: annotations hold the literal text as data, the JSON
	// escapes < > &, labels carry none of it.
	am := string(c.bodies["alertmanager"])
	for _, r := range raw {
		if strings.Contains(am, r) {
			t.Errorf("alertmanager: raw %q in the JSON", r)
		}
	}
	var pas []struct {
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	}
	json.Unmarshal(c.bodies["alertmanager"], &pas)
	if len(pas) != 1 || !strings.Contains(pas[0].Annotations["evidence"], notify.Hostile) {
		t.Fatalf("alertmanager: %s", am)
	}
	for k, v := range pas[0].Labels {
		if strings.Contains(v, "Refund") {
			t.Errorf("alertmanager: mention text in label %s", k)
		}
	}

	// Email: the HTML part escapes, the text part is the literal text.
	content := alerts.ContentOf(alerts.Presentation{}, sample)
	html, err := email.HTML(content)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rawHTML {
		if strings.Contains(html, r) {
			t.Errorf("email HTML: %q is live", r)
		}
	}
	if !strings.Contains(html, "&lt;b&gt;Refund NOW&lt;/b&gt;") || strings.Contains(html, `href="javascript:`) {
		t.Errorf("email HTML lacks the escaped text or links javascript:")
	}
	if !strings.Contains(content.PlainText(), notify.Hostile) {
		t.Errorf("email text part lost the literal text")
	}
}

// jsonStrings returns every string value in the JSON body.
func jsonStrings(t *testing.T, body []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// typed returns the "text" of every JSON object of the given "type".
func typed(v any, typ string) string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if x["type"] == typ {
				if s, ok := x["text"].(string); ok {
					out = append(out, s)
				}
			}
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return strings.Join(out, "\n")
}
