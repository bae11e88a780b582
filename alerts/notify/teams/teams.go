// Package teams posts alerts to a Microsoft Teams channel through a
// Workflows (Power Automate) webhook, as an Adaptive Card.
package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	"github.com/mentionwatch/mentionwatch/internal/redact"
)

func init() { notify.Register("teams", func() notify.Channel { return &Teams{} }) }

// Teams is the channel and its config (notifiers.teams).
type Teams struct {
	// WebhookURL is the URL of a "When a Teams webhook request is
	// received" workflow; its sig= parameter is the credential.
	WebhookURL mw.Secret `yaml:"webhook_url"`

	env notify.Env
}

// Init implements notify.Channel.
func (t *Teams) Init(env notify.Env) error {
	t.env = env
	u, err := url.Parse(t.WebhookURL.Value())
	if t.WebhookURL.Value() == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("webhook_url must be the http(s) URL of a Teams workflow (Teams: channel → Workflows → \"Post to a channel when a webhook request is received\")")
	}
	redact.Register(t.WebhookURL.Value())
	return nil
}

// Name implements alerts.Notifier.
func (t *Teams) Name() string { return "teams" }

// Send implements alerts.Notifier.
func (t *Teams) Send(ctx context.Context, n alerts.Notification) error {
	body, err := json.Marshal(Message(alerts.ContentOf(t.env.Presentation, n)))
	if err != nil {
		return &alerts.DeliveryError{Notifier: t.Name(), Permanent: true, Err: err}
	}
	resp, raw, err := notify.Post{Notifier: t.Name(), What: "POST workflow webhook", URL: t.WebhookURL.Value(),
		Hint: "check notifiers.teams.webhook_url", Limit: 16 << 10}.Send(ctx, t.env.HTTP, body)
	if err != nil {
		return err
	}
	status := resp.StatusCode
	text := alerts.Clip(alerts.OneLine(strings.TrimSpace(string(raw))), 300)
	if status/100 == 2 {
		// A workflow answers 202 with no body, a legacy connector 200 with
		// "1". A connector that could not post answers 200 as well, with
		// "Webhook message delivery failed with error: Microsoft Teams
		// endpoint returned HTTP error 429 ...": not delivered.
		if !strings.Contains(strings.ToLower(text), "delivery failed") {
			return nil
		}
		status = http.StatusBadGateway
		if m := connectorStatus.FindStringSubmatch(text); m != nil {
			if s, _ := strconv.Atoi(m[1]); s >= 400 {
				status = s
			}
		}
	}
	// Workflows answer errors as {"error":{"code":"...","message":"..."}};
	// legacy connectors as text ("Summary or Text is required.").
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	msg := http.StatusText(status)
	if json.Unmarshal(raw, &e) == nil && e.Error.Code != "" {
		msg = e.Error.Code + ": " + e.Error.Message
	} else if text != "" && !strings.HasPrefix(text, "<") { // not an HTML error page
		msg = fmt.Sprintf("%s (HTTP %d)", text, resp.StatusCode)
	}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusGone:
		msg += " (check notifiers.teams.webhook_url: the workflow may be off or its URL regenerated)"
	case http.StatusRequestEntityTooLarge:
		msg += " (Teams refused the message as too large; please report it with the alert id)"
	}
	return alerts.Classify(t.Name(), status, alerts.RetryAfter(resp.Header.Get("Retry-After")), redact.Error(errors.New("teams: "+msg)))
}

// connectorStatus is the status a legacy connector's 200 "Webhook message
// delivery failed with error: Microsoft Teams endpoint returned HTTP
// error 429 ..." reports.
var connectorStatus = regexp.MustCompile(`HTTP error (\d{3})`)
