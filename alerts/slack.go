package alerts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/slack-go/slack"

	mw "github.com/mentionwatch/mentionwatch"
)

// Slack posts Block Kit messages through an incoming webhook, or with a bot
// token to a channel (chat.postMessage).
type Slack struct {
	// Presentation is set before the first Send and only read after.
	Presentation Presentation

	webhook string
	api     *slack.Client
	channel string
	http    *http.Client
}

// NewSlack returns nil when cfg configures nothing.
func NewSlack(cfg mw.SlackConfig, client *http.Client) (*Slack, error) {
	s := &Slack{webhook: cfg.WebhookURL.Value(), channel: cfg.Channel, http: client}
	switch {
	case s.webhook != "":
		u, err := url.Parse(s.webhook)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, errors.New("notifiers.slack.webhook_url is not an http(s) URL (get one from Slack: Apps → Incoming Webhooks)")
		}
	case cfg.BotToken.Value() != "":
		if cfg.Channel == "" {
			return nil, errors.New("notifiers.slack.bot_token needs notifiers.slack.channel")
		}
		opts := []slack.Option{slack.OptionHTTPClient(client)}
		if cfg.APIURL != "" {
			opts = append(opts, slack.OptionAPIURL(strings.TrimSuffix(cfg.APIURL, "/")+"/"))
		}
		s.api = slack.New(cfg.BotToken.Value(), opts...)
	default:
		return nil, nil
	}
	return s, nil
}

// Name implements Notifier.
func (s *Slack) Name() string { return "slack" }

// Send implements Notifier.
func (s *Slack) Send(ctx context.Context, n Notification) error {
	text, blocks := SlackMessage(s.Presentation.complete(n))
	var err error
	if s.api != nil {
		_, _, err = s.api.PostMessageContext(ctx, s.channel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	} else {
		err = slack.PostWebhookCustomHTTPContext(ctx, s.webhook, s.http, &slack.WebhookMessage{Text: text, Blocks: &slack.Blocks{BlockSet: blocks}})
	}
	return s.deliveryError(err)
}

// deliveryError classifies a Slack API or webhook error (nil for nil).
func (s *Slack) deliveryError(err error) error {
	if err == nil {
		return nil
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return classify(s.Name(), http.StatusTooManyRequests, rl.RetryAfter, err)
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return classify(s.Name(), sc.Code, 0, err)
	}
	if strings.Contains(err.Error(), "invalid_auth") || strings.Contains(err.Error(), "channel_not_found") || strings.Contains(err.Error(), "not_in_channel") {
		return &DeliveryError{Notifier: s.Name(), Permanent: true, Err: fmt.Errorf("%w (check notifiers.slack.bot_token and channel)", err)}
	}
	return &DeliveryError{Notifier: s.Name(), Err: err}
}
