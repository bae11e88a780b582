// Package teams posts alerts to a Microsoft Teams channel through a
// Workflows (Power Automate) webhook, as an Adaptive Card.
package teams

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

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
	if resp.StatusCode/100 == 2 {
		return nil
	}
	// Workflows answer errors as {"error":{"code":"...","message":"..."}}.
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	msg := http.StatusText(resp.StatusCode)
	if json.Unmarshal(raw, &e) == nil && e.Error.Code != "" {
		msg = e.Error.Code + ": " + e.Error.Message
	}
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound {
		msg += " (check notifiers.teams.webhook_url: the workflow may be off or its URL regenerated)"
	}
	return alerts.Classify(t.Name(), resp.StatusCode, alerts.RetryAfter(resp.Header.Get("Retry-After")), redact.Error(errors.New("teams: "+msg)))
}
