package alerts

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestSlackRefusalsArePermanent: Slack answers a message it will never
// take with ok:false (Web API) or a 4xx and a reason in the body
// (incoming webhooks). Only three reasons were permanent, so an archived
// channel, a revoked token or refused blocks were retried every round for
// ever; a webhook's reason never reached the log; and every hint said to
// check the token and channel. Each refusal is now permanent, names its
// reason and says what to change; Slack's own trouble is retried.
func TestSlackRefusalsArePermanent(t *testing.T) {
	a := mw.Alert{ID: "a1", Brand: "acme", Kind: mw.AlertSpike, State: mw.Firing, StartedAt: t0, Count: 9, Baseline: 1, Factor: 9}
	api := func(body string) *Slack {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		s, err := NewSlack(mw.SlackConfig{BotToken: "xoxb-test", Channel: "#alerts", APIURL: srv.URL + "/api/"}, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	hook := func(status int, body string) *Slack {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		s, err := NewSlack(mw.SlackConfig{WebhookURL: mw.Secret(srv.URL + "/services/T0/B0/x")}, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name      string
		s         *Slack
		permanent bool
		want      []string
	}{
		{"archived channel", api(`{"ok":false,"error":"is_archived"}`), true, []string{"is_archived", "archived", "notifiers.slack.channel"}},
		{"revoked token", api(`{"ok":false,"error":"token_revoked"}`), true, []string{"token_revoked", "notifiers.slack.bot_token"}},
		{"missing scope", api(`{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"channels:read"}`), true, []string{"missing_scope", "chat:write"}},
		{"not in channel", api(`{"ok":false,"error":"not_in_channel"}`), true, []string{"not_in_channel", "/invite"}},
		{"blocks refused", api(`{"ok":false,"error":"invalid_blocks"}`), true, []string{"invalid_blocks"}},
		{"slack trouble", api(`{"ok":false,"error":"internal_error"}`), false, []string{"internal_error"}},
		{"webhook archived", hook(410, "channel_is_archived"), true, []string{"410", "channel_is_archived", "notifiers.slack.webhook_url"}},
		{"webhook removed", hook(404, "no_service"), true, []string{"404", "no_service", "notifiers.slack.webhook_url"}},
		{"webhook payload", hook(400, "invalid_payload"), true, []string{"400", "invalid_payload"}},
		{"webhook down", hook(503, "<html>upstream connect error</html>"), false, []string{"503"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Send(ctx, Notification{Alert: a})
			var de *DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("Send = %v, want a DeliveryError", err)
			}
			if de.Permanent != tc.permanent {
				t.Errorf("permanent = %v, want %v: %v", de.Permanent, tc.permanent, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "HTTP 0") || strings.Contains(err.Error(), "/services/T0") {
				t.Errorf("error %q: a status it never had, or the webhook's secret path", err)
			}
		})
	}
}

// TestWebhookRedirectIsNotDelivered: a 301/302/303 made Go's client
// re-send the POST as a GET without its body; a server answering that GET
// with 200 counted the lost notification as delivered. A 307 keeps the
// POST and its body and is followed.
func TestWebhookRedirectIsNotDelivered(t *testing.T) {
	a := mw.Alert{ID: "a1", Brand: "acme", Kind: mw.AlertSpike, State: mw.Firing, StartedAt: t0, Count: 9, Baseline: 1, Factor: 9}
	posts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/moved":
			http.Redirect(w, r, "/new", http.StatusFound)
		case r.URL.Path == "/kept":
			http.Redirect(w, r, "/new", http.StatusTemporaryRedirect)
		case r.Method == http.MethodPost:
			posts++
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path      string
		delivered bool
	}{{"/moved", false}, {"/kept", true}} {
		posts = 0
		wh, err := NewWebhook(mw.WebhookConfig{URL: mw.Secret(srv.URL + tc.path)}, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		err = wh.Send(ctx, Notification{Alert: a})
		var de *DeliveryError
		switch {
		case tc.delivered && (err != nil || posts != 1):
			t.Errorf("%s: err %v, %d POSTs; want the POST delivered at the new address", tc.path, err, posts)
		case !tc.delivered && (!errors.As(err, &de) || !de.Permanent || !strings.Contains(err.Error(), "redirect")):
			t.Errorf("%s: err %v; want a permanent error about the redirect, not a delivery", tc.path, err)
		}
	}
}

// TestSlackDigestWebhookLikeAlerts: a digest posted through the incoming
// webhook (PostParts) followed a 302 as a GET without its body, so a
// server answering that GET with 200 counted the lost digest as
// delivered, and Slack's refusal ("no_service") never reached the log. It
// now goes through the same post as an alert.
func TestSlackDigestWebhookLikeAlerts(t *testing.T) {
	var gets, posts int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/services/T0/B0/moved":
			http.Redirect(w, r, "/new", http.StatusFound)
		case r.URL.Path == "/services/T0/B0/gone":
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte("no_service"))
		case r.Method == http.MethodGet:
			gets++
		default:
			posts++
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"moved", []string{"redirect"}},
		{"gone", []string{"404", "no_service", "notifiers.slack.webhook_url"}},
	} {
		s, err := NewSlack(mw.SlackConfig{WebhookURL: mw.Secret(srv.URL + "/services/T0/B0/" + tc.path)}, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		err = s.PostParts(ctx, []string{"*Daily digest* of acme"})
		var de *DeliveryError
		if !errors.As(err, &de) || !de.Permanent {
			t.Fatalf("%s: PostParts = %v (%d GETs); want a permanent DeliveryError", tc.path, err, gets)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", tc.path, err, w)
			}
		}
	}
	if gets != 0 || posts != 0 {
		t.Errorf("%d GETs and %d POSTs reached the redirect's target; want none", gets, posts)
	}
	s, err := NewSlack(mw.SlackConfig{WebhookURL: mw.Secret(srv.URL + "/services/T0/B0/ok")}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PostParts(ctx, []string{"*Daily digest* of acme"}); err != nil || posts != 1 {
		t.Errorf("PostParts = %v with %d POSTs; want it delivered once", err, posts)
	}
}

// TestNotifiersPrintNoSecret: the Slack and webhook notifiers kept the
// webhook URL and the signing secret as plain fields, so a notifier
// printed with %v (a log line's "%+v" of it, a panic's value) showed them.
// They print as <secret>, like the config they come from.
func TestNotifiersPrintNoSecret(t *testing.T) {
	s, err := NewSlack(mw.SlackConfig{WebhookURL: "https://hooks.slack.com/services/T0/B0/slackPATHsecret"}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWebhook(mw.WebhookConfig{URL: "https://hooks.example.com/in/hookPATHsecret", Secret: "signingKEYsecret"}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb+" "+verb, s, w)
		for _, secret := range []string{"slackPATHsecret", "hookPATHsecret", "signingKEYsecret", fmt.Sprint([]byte("signingKEYsecret"))} {
			if strings.Contains(out, strings.Trim(secret, "[]")) {
				t.Errorf("%s shows %s: %s", verb, secret, out)
			}
		}
	}
}

// TestWebhookNetworkErrorKeepsTheURLSecret: a webhook that could not be
// reached returned Go's *url.Error as is, which quotes the whole URL, the
// token in its path or query included, and said nothing of what to
// check. It now keeps the cause, not the URL, and names the key.
func TestWebhookNetworkErrorKeepsTheURLSecret(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there any more
	w, err := NewWebhook(mw.WebhookConfig{URL: mw.Secret(base + "/in/hookPATHsecret?token=hookQUERYsecret")}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	err = w.Send(ctx, Notification{Alert: mw.Alert{ID: "a1", Brand: "acme", Kind: mw.AlertSpike, State: mw.Firing, StartedAt: t0}})
	var de *DeliveryError
	if !errors.As(err, &de) || de.Permanent {
		t.Fatalf("Send = %v; want a retryable DeliveryError", err)
	}
	for _, secret := range []string{"hookPATHsecret", "hookQUERYsecret"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows %s: %v", secret, err)
		}
	}
	if !strings.Contains(err.Error(), "notifiers.webhook.url") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("the error %q does not keep its cause or name what to check", err)
	}
}

// TestSlackWebhookRateLimitSaysWait: Slack's incoming webhook answers a
// burst with 429, a Retry-After header and "rate_limited". Every 4xx
// without a known reason got the hint to check webhook_url, so a rate
// limit told the operator their URL was wrong. It says to wait, and
// keeps the wait.
func TestSlackWebhookRateLimitSaysWait(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte("rate_limited"))
	}))
	defer srv.Close()
	s, err := NewSlack(mw.SlackConfig{WebhookURL: mw.Secret(srv.URL + "/services/T0/B0/x")}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	err = s.PostParts(ctx, []string{"digest"})
	var de *DeliveryError
	if !errors.As(err, &de) || de.Permanent || de.Status != http.StatusTooManyRequests || de.RetryAfter != 30*time.Second {
		t.Fatalf("PostParts = %#v; want a retryable 429 that waits 30s", err)
	}
	if strings.Contains(err.Error(), "check notifiers.slack.webhook_url") || !strings.Contains(err.Error(), "rate_limited") {
		t.Errorf("error %q: want Slack's reason without the advice to check the URL", err)
	}
}

// TestSlackDisablesUnfurling: Slack unfurls links to media (an image, a
// video) in app messages unless unfurl_media is false, fetching the URL
// and showing its preview, so a mention's URL put the attacker's picture
// into the alert. slack-go's WebhookMessage omits unfurl_links and
// unfurl_media when false, so PostParts' UnfurlLinks: false sent
// nothing, and alerts set neither. Every message, through the webhook or
// chat.postMessage, now says false to both, as Telegram disables link
// previews.
func TestSlackDisablesUnfurling(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := map[string]any{}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			r.ParseForm()
			for k := range r.PostForm {
				m[k] = r.PostForm.Get(k)
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1.2"}`))
		} else {
			json.NewDecoder(r.Body).Decode(&m)
			w.Write([]byte("ok"))
		}
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}))
	defer srv.Close()
	hook, bot := hookAndBot(t, srv)
	n := criticalNotification()
	n.Top[0].URL = "https://evil.example/picture.jpg"
	for _, s := range []*Slack{hook, bot} {
		if err := s.Send(ctx, n); err != nil {
			t.Fatal(err)
		}
		if err := s.PostParts(ctx, []string{"digest https://evil.example/picture.jpg"}); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 4 {
		t.Fatalf("%d posts, want 4", len(got))
	}
	for i, m := range got {
		for _, k := range []string{"unfurl_links", "unfurl_media"} {
			if v := fmt.Sprint(m[k]); v != "false" {
				t.Errorf("post %d (%s): %s = %q, want false", i+1, []string{"webhook alert", "webhook digest", "bot alert", "bot digest"}[i], k, v)
			}
		}
	}
}

// TestWebhookHeaderNameIsChecked: notifiers.webhook.header was taken as
// given, so a name Go's client refuses ("X Signature") failed every
// delivery, retried as if the network were down, and one the webhook sets
// itself (Content-Type) replaced it with the signature. Both are config
// errors now, reported at start.
func TestWebhookHeaderNameIsChecked(t *testing.T) {
	for header, ok := range map[string]bool{"": true, "X-Hub-Signature-256": true, "X Signature": false, "X-Sig:": false, "Content-Type": false, "idempotency-key": false} {
		_, err := NewWebhook(mw.WebhookConfig{URL: "https://hooks.example.com/in", Secret: "k", Header: header}, http.DefaultClient)
		if ok && err != nil {
			t.Errorf("header %q: %v, want it accepted", header, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "notifiers.webhook.header")) {
			t.Errorf("header %q: err %v, want a config error naming notifiers.webhook.header", header, err)
		}
	}
}

// TestSlackRefusedBlocksSendText: Slack refuses blocks it will not take
// with invalid_blocks (the webhook's 400 body, chat.postMessage's
// ok:false), for good: the alert was lost, as a retry sends the same
// blocks. The headline, what happened and the dashboard link now go as
// text, saying the full message was refused. So for msg_blocks_too_long
// (chat.postMessage's answer to blocks over about 13,000 characters),
// which was retried for ever as Slack's own trouble.
func TestSlackRefusedBlocksSendText(t *testing.T) {
	for _, reason := range []string{"invalid_blocks", "msg_blocks_too_long"} {
		t.Run(reason, func(t *testing.T) { refusedBlocksSendText(t, reason) })
	}
}

func refusedBlocksSendText(t *testing.T, reason string) {
	var mu sync.Mutex
	var texts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var text string
		var blocks bool
		if strings.HasPrefix(r.URL.Path, "/api/") {
			r.ParseForm()
			text, blocks = r.PostForm.Get("text"), r.PostForm.Get("blocks") != ""
			w.Header().Set("Content-Type", "application/json")
			if blocks {
				w.Write([]byte(`{"ok":false,"error":"` + reason + `","errors":["must be a valid URL [json-pointer:/blocks/2/elements/0/url]"]}`))
			} else {
				w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1.2"}`))
			}
		} else {
			var m map[string]any
			json.NewDecoder(r.Body).Decode(&m)
			text, _ = m["text"].(string)
			if _, blocks = m["blocks"]; blocks {
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(reason))
			} else {
				w.Write([]byte("ok"))
			}
		}
		if !blocks {
			mu.Lock()
			texts = append(texts, text)
			mu.Unlock()
		}
	}))
	defer srv.Close()
	hook, bot := hookAndBot(t, srv)
	for name, s := range map[string]*Slack{"webhook": hook, "bot": bot} {
		if err := s.Send(ctx, criticalNotification()); err != nil {
			t.Errorf("%s: Send = %v; want the alert delivered as text", name, err)
		}
	}
	if len(texts) != 2 {
		t.Fatalf("%d text messages, want 2", len(texts))
	}
	for _, text := range texts {
		for _, want := range []string{"Critical mention of Kopi Senja", "refused", "c0ffee0000000001", "<https://mw.example.com/#alert=c0ffee0000000001|Open in mentionwatch>"} {
			if !strings.Contains(text, want) {
				t.Errorf("text %q lacks %q", text, want)
			}
		}
	}
}

// hookAndBot are Slack notifiers posting to srv: through an incoming
// webhook at /services/…, and with a bot token to srv's /api/.
func hookAndBot(t *testing.T, srv *httptest.Server) (hook, bot *Slack) {
	t.Helper()
	hook, err := NewSlack(mw.SlackConfig{WebhookURL: mw.Secret(srv.URL + "/services/T0/B0/x")}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	bot, err = NewSlack(mw.SlackConfig{BotToken: "xoxb-test", Channel: "#alerts", APIURL: srv.URL + "/api/"}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return hook, bot
}

// TestWebhookRefusalNamesTheKey: the generic webhook's 401, 403 or 404
// said only "Unauthorized" or "Not Found" after the generic "check the
// URL and credentials". Each names the key to check: url, and secret for a
// refused signature.
func TestWebhookRefusalNamesTheKey(t *testing.T) {
	for status, want := range map[int]string{401: "notifiers.webhook.secret", 403: "notifiers.webhook.secret", 404: "notifiers.webhook.url", 410: "notifiers.webhook.url"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
		w, err := NewWebhook(mw.WebhookConfig{URL: mw.Secret(srv.URL + "/in")}, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		err = w.Send(ctx, Notification{Alert: mw.Alert{ID: "a1", Brand: "acme", Kind: mw.AlertSpike, State: mw.Firing, StartedAt: t0}})
		var de *DeliveryError
		if !errors.As(err, &de) || !de.Permanent || !strings.Contains(err.Error(), want) {
			t.Errorf("HTTP %d: err %v, want a permanent error naming %s", status, err, want)
		}
		srv.Close()
	}
}

// TestPermanentErrorKeepsTheChannelsAdvice: a permanent DeliveryError put
// "check the URL and credentials" before every channel's own reason, so a
// message refused as built read "rejected with HTTP 400, not retrying:
// check the URL and credentials: telegram: … message is too long
// (Telegram refused the message as built; …)", two contradicting pieces
// of advice. The generic advice is kept only when the channel gave none
// (the bare status text).
func TestPermanentErrorKeepsTheChannelsAdvice(t *testing.T) {
	own := &DeliveryError{Notifier: "telegram", Status: 400, Permanent: true,
		Err: errors.New("telegram: Bad Request: message is too long (Telegram refused the message as built; please report it with the alert id)")}
	if s := own.Error(); strings.Contains(s, "check the URL and credentials") || !strings.Contains(s, "HTTP 400") || !strings.Contains(s, "as built") {
		t.Errorf("with the channel's own reason: %q", s)
	}
	bare := classify("webhook", 422, 0, nil)
	if s := bare.Error(); !strings.Contains(s, "check the URL and credentials") || !strings.Contains(s, "Unprocessable Entity") {
		t.Errorf("with the status text only: %q", s)
	}
}

// TestWebhookErrorSaysTheReceiversReason: a receiver's 400 or 422 body
// says what it refused ({"error":"field alert.brand is required"}); the
// error said only "Bad Request" and "check the URL and credentials". It
// now quotes the body on one line, clipped; an HTML error page is left
// out, and a 5xx is still retried.
func TestWebhookErrorSaysTheReceiversReason(t *testing.T) {
	for _, tc := range []struct {
		status          int
		body, want, not string
		permanent       bool
	}{
		{422, `{"error":"field alert.brand is required"}`, `the receiver says "{\"error\":\"field alert.brand is required\"}"`, "", true},
		{400, "bad\nsignature\n", `Bad Request: the receiver says "bad signature"`, "", true},
		{404, "no such hook", `Not Found: the receiver says "no such hook" (check notifiers.webhook.url)`, "", true},
		{502, "<html><body>nginx</body></html>", "HTTP 502", "nginx", false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		w, err := NewWebhook(mw.WebhookConfig{URL: mw.Secret(srv.URL + "/in")}, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		err = w.Send(ctx, Notification{Alert: mw.Alert{ID: "a1", Brand: "acme", Kind: mw.AlertSpike, State: mw.Firing, StartedAt: t0}})
		srv.Close()
		var de *DeliveryError
		if !errors.As(err, &de) || de.Permanent != tc.permanent || !strings.Contains(err.Error(), tc.want) || (tc.not != "" && strings.Contains(err.Error(), tc.not)) {
			t.Errorf("HTTP %d: err %v, want permanent=%v and %q", tc.status, err, tc.permanent, tc.want)
		}
	}
}
