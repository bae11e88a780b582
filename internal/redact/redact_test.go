package redact

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://hooks.slack.com/services/T0/B0/abcdefXYZ", "https://hooks.slack.com/services/<secret>"},
		{"https://hooks.slack.com/workflows/T1/A2/123/xyz", "https://hooks.slack.com/workflows/<secret>"},
		{"https://discord.com/api/webhooks/123456/tokEN-abc", "https://discord.com/api/webhooks/<secret>"},
		{"https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/x/y", "https://acme.webhook.office.com/webhookb2/<secret>"},
		{"https://api.telegram.org/bot123:AAHsecret/sendMessage", "https://api.telegram.org/bot<secret>/sendMessage"},
		{"http://relay.internal:8080/services/T0/B0/tok", "http://relay.internal:8080/services/<secret>"},
		{"https://user:pw@example.com/feed?token=abc&q=acme&page=2", "https://<secret>@example.com/feed?token=<secret>&q=acme&page=2"},
		{"https://example.com/hook?auth=s3cret&team=ops#frag", "https://example.com/hook?auth=<secret>&team=<secret>#<secret>"},
		{"https://example.com/v1/a1B2c3D4e5F6g7H8i9J0k1L2m3/x", "https://example.com/v1/<secret>/x"},
		{"https://example.com/news/acme-recalls-vacuum-robots-2026", "https://example.com/news/acme-recalls-vacuum-robots-2026"},
		{"clickhouse://default:pw@ch:9000/db?compress=lz4", "clickhouse://<secret>@ch:9000/db?compress=<secret>"},
		{"https://example.com/", "https://example.com/"},
		// Not a URL to net/url: the host still shows, user info and path do not.
		{"http://%31%32%37.0.0.1/", "http://%31%32%37.0.0.1/<secret>"},
		{"http://us%er:pw@ho%st/x?token=1", "http://<secret>@ho%st/<secret>"},
		{"http://a b.example", "http://a b.example"},
		{"http://ho\x01st/x", "http://<secret>/<secret>"},
	} {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestStringFindsURLsInErrors: the messages net/http and the notifiers
// produce, with the URL quoted, followed by punctuation, or several in one.
func TestStringFindsURLsInErrors(t *testing.T) {
	req, _ := http.NewRequest("POST", "https://hooks.slack.com/services/T0/B0/XyzToken123", nil)
	uerr := &url.Error{Op: "Post", URL: req.URL.String(), Err: errors.New("dial tcp: lookup hooks.slack.com: no such host")}
	wrapped := fmt.Errorf("slack: failed to post webhook: %w", uerr)
	got := Error(wrapped).Error()
	if strings.Contains(got, "XyzToken123") || !strings.Contains(got, `Post "https://hooks.slack.com/services/<secret>": dial tcp`) {
		t.Errorf("url.Error not redacted: %s", got)
	}
	var ue *url.Error
	if !errors.As(Error(wrapped), &ue) {
		t.Errorf("the redacted error lost its chain")
	}
	if err := errors.New("plain"); Error(err) != err {
		t.Errorf("an error with nothing to redact was wrapped")
	}
	if Error(nil) != nil {
		t.Errorf("Error(nil) != nil")
	}
	s := String("see https://x.example/a?key=K1 (and http://u:p@y.example/b).")
	if s != "see https://x.example/a?key=<secret> (and http://<secret>@y.example/b)." {
		t.Errorf("String = %q", s)
	}
}

func TestRegister(t *testing.T) {
	Register("LiteralSecretValue77", "short", "http://10.0.0.9:1/hooks/mw?auth=QuerySecret88&team=ops")
	for _, tc := range []struct{ in, want string }{
		{"token LiteralSecretValue77 refused", "token <secret> refused"},
		{"short stays", "short stays"},
		{"posting to 10.0.0.9:1/hooks/mw?auth=QuerySecret88&team=ops failed", "posting to 10.0.0.9:1/<secret> failed"},
		{`Post "http://10.0.0.9:1/hooks/mw?auth=QuerySecret88&team=ops": refused`, `Post "http://10.0.0.9:1/<secret>": refused`},
	} {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHandler(t *testing.T) {
	Register("HandlerSecret99")
	var buf bytes.Buffer
	log := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil))).With("dsn", "clickhouse://u:HandlerPw@ch/db")
	log.WithGroup("g").Warn("failed HandlerSecret99", "err", errors.New(`Post "https://hooks.slack.com/services/T/B/Tok": refused`),
		"url", "https://example.com/x?key=k", slog.Group("inner", "token", "HandlerSecret99"), "n", 3)
	out := buf.String()
	for _, leak := range []string{"HandlerSecret99", "HandlerPw", "Tok\\\"", "key=k"} {
		if strings.Contains(out, leak) {
			t.Errorf("log line carries %q: %s", leak, out)
		}
	}
	if !strings.Contains(out, `"n":3`) || !strings.Contains(out, "hooks.slack.com/services/<secret>") {
		t.Errorf("log line lost fields: %s", out)
	}
}

// TestAPITokensRedacted: a dashboard API token in a log line or error
// keeps its id (for `user token revoke`) and loses its secret, through
// String and the slog handler.
func TestAPITokensRedacted(t *testing.T) {
	tok := "mwt_0123456789ab_Zm9vYmFyLWJhei1xdXV4LXNlY3JldC12YWx1ZS0xMjM0NQ"
	got := String("request with Authorization: Bearer " + tok + " refused")
	if strings.Contains(got, "Zm9vYmFy") || !strings.Contains(got, "mwt_0123456789ab_"+Mask) {
		t.Errorf("String = %q; want the id kept and the secret masked", got)
	}
	var buf bytes.Buffer
	slog.New(NewHandler(slog.NewTextHandler(&buf, nil))).Info("token used", "token", tok, "err", errors.New("bad "+tok))
	if strings.Contains(buf.String(), "Zm9vYmFy") {
		t.Errorf("the handler logged a token's secret:\n%s", buf.String())
	}
	if s := "mwt_ is a prefix; mwt_xyz_abc is not a token"; String(s) != s {
		t.Errorf("String changed text without a token: %q", String(s))
	}
}
