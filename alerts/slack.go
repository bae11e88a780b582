package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/slack-go/slack"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/redact"
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

	parts PartsSent // PostParts' digests sent in part (slack_text.go)
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

// Format prints the notifier as its kind only, whatever the verb: its
// fields hold the webhook URL or the bot token, and fmt does not call
// mw.Secret's own Format on unexported fields.
func (s *Slack) Format(f fmt.State, _ rune) { fmt.Fprint(f, "alerts.Slack{<secret>}") }

// Send implements Notifier. When Slack refuses the blocks as built
// (invalid_blocks), which a retry would send again, it sends the
// headline, what happened and the dashboard link as text instead, saying
// the full message was refused, rather than lose the alert.
func (s *Slack) Send(ctx context.Context, n Notification) error {
	n = s.Presentation.complete(n)
	text, blocks := SlackMessage(n)
	err := s.post(ctx, text, blocks)
	var de *DeliveryError
	if !errors.As(err, &de) || !de.Permanent || !blocksRefused(err) {
		return err
	}
	text += "\n_Slack refused this alert's full message; please report it with the alert id " + EscapeMrkdwn(n.Alert.ID) + "._"
	if u := safeURL(n.Links.Open, maxLinkURL); u != "" {
		text += "\n<" + u + "|Open in mentionwatch>"
	}
	return s.post(ctx, text, nil)
}

// blocksRefused says whether err is Slack's refusal of a message's blocks
// as built: invalid_blocks, invalid_blocks_format, or msg_blocks_too_long
// (chat.postMessage's answer to blocks over about 13,000 characters).
func blocksRefused(err error) bool {
	s := err.Error()
	return strings.Contains(s, "invalid_blocks") || strings.Contains(s, "msg_blocks_too_long")
}

// post sends text with blocks (none when nil) through the webhook or the
// bot's channel.
func (s *Slack) post(ctx context.Context, text string, blocks []slack.Block) error {
	if s.api == nil {
		m := &webhookMessage{Text: text}
		if blocks != nil {
			m.Blocks = &slack.Blocks{BlockSet: blocks}
		}
		return s.postWebhook(ctx, m)
	}
	opts := append(noUnfurl, slack.MsgOptionText(text, false))
	if blocks != nil {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	_, _, err := s.api.PostMessageContext(ctx, s.channel, opts...)
	return s.deliveryError(err)
}

// webhookMessage is an incoming webhook's body. Unlike slack-go's
// WebhookMessage, which omits unfurl_links and unfurl_media when false,
// it always sends both: Slack unfurls links to media (an image, a video)
// by default, fetching the URL and showing its preview, and a mention's
// URL is the attacker's. Neither alerts nor digests unfurl, as Telegram's
// link previews are off.
type webhookMessage struct {
	Text        string        `json:"text"`
	Blocks      *slack.Blocks `json:"blocks,omitempty"`
	UnfurlLinks bool          `json:"unfurl_links"`
	UnfurlMedia bool          `json:"unfurl_media"`
}

// noUnfurl are chat.postMessage's options for the same: no unfurling.
var noUnfurl = []slack.MsgOption{slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl()}

// postWebhook posts msg to the incoming webhook. Slack answers a refusal
// with a 4xx and its reason as the body ("channel_is_archived",
// "no_service", "invalid_payload"), which the error keeps.
func (s *Slack) postWebhook(ctx context.Context, msg *webhookMessage) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return &DeliveryError{Notifier: s.Name(), Permanent: true, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.webhook, bytes.NewReader(body))
	if err != nil {
		return &DeliveryError{Notifier: s.Name(), Permanent: true, Err: redact.Error(err)}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := PostClient(s.http).Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // it quotes the webhook's secret URL
		}
		return &DeliveryError{Notifier: s.Name(), Err: redact.Error(fmt.Errorf("posting to the incoming webhook: %w", err))}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	reason := clip(OneLine(strings.TrimSpace(string(raw))), 200)
	if resp.StatusCode/100 == 3 {
		reason = "redirected, and a POST cannot follow it"
	}
	if reason == "" {
		reason = http.StatusText(resp.StatusCode)
	}
	hint := ""
	if h, ok := slackRefusals[reason]; ok {
		hint = " (" + h + ")"
	} else if (resp.StatusCode/100 == 4 || resp.StatusCode/100 == 3) && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout {
		// A 429 (rate_limited) or 408 is Slack asking to wait, not a bad URL.
		hint = " (check notifiers.slack.webhook_url: Slack → Apps → Incoming Webhooks)"
	}
	err = redact.Error(fmt.Errorf("incoming webhook: %s%s", reason, hint))
	if resp.StatusCode/100 == 3 {
		return &DeliveryError{Notifier: s.Name(), Status: resp.StatusCode, Permanent: true, Err: err}
	}
	return classify(s.Name(), resp.StatusCode, RetryAfter(resp.Header.Get("Retry-After")), err)
}

// slackRefusals are Slack's reasons for a message it will never take
// (Web API ok:false errors and incoming webhooks' 4xx bodies), with what
// to change. Any other reason (internal_error, service_unavailable,
// request_timeout, ...) is Slack's own trouble and is retried.
var slackRefusals = map[string]string{
	"invalid_auth":      "check notifiers.slack.bot_token",
	"not_authed":        "check notifiers.slack.bot_token",
	"token_revoked":     "the token was revoked: set a new notifiers.slack.bot_token",
	"token_expired":     "the token expired: set a new notifiers.slack.bot_token",
	"account_inactive":  "the app's user or workspace is deactivated: set a new notifiers.slack.bot_token",
	"missing_scope":     "give the app the chat:write scope, reinstall it and set its new notifiers.slack.bot_token",
	"channel_not_found": "check notifiers.slack.channel; for a private channel invite the app, or use the channel's id",
	"not_in_channel":    "invite the app to notifiers.slack.channel (/invite @app), or give it the chat:write.public scope",
	"is_archived":       "the channel is archived: unarchive it or set another notifiers.slack.channel",
	"restricted_action": "the workspace does not let the app post there: ask an admin, or set another notifiers.slack.channel",
	// The message as built was refused: a retry sends the same message.
	"invalid_blocks":        "Slack refused the message as built; please report it with the alert id",
	"invalid_blocks_format": "Slack refused the message as built; please report it with the alert id",
	"msg_too_long":          "Slack refused the message as built; please report it with the alert id",
	"msg_blocks_too_long":   "Slack refused the message as built; please report it with the alert id",
	"no_text":               "Slack refused the message as built; please report it with the alert id",
	"invalid_payload":       "Slack refused the message as built; please report it with the alert id",
	// Incoming webhooks.
	"channel_is_archived":               "the webhook's channel is archived: unarchive it, or create a webhook for another channel and set notifiers.slack.webhook_url",
	"no_service":                        "the webhook was removed or its app uninstalled: create a new one and set notifiers.slack.webhook_url",
	"no_team":                           "the webhook's workspace is gone: create a new webhook and set notifiers.slack.webhook_url",
	"team_disabled":                     "the webhook's workspace is disabled: create a new webhook and set notifiers.slack.webhook_url",
	"action_prohibited":                 "an admin restricted posting to the webhook's channel: ask them, or set another notifiers.slack.webhook_url",
	"posting_to_general_channel_denied": "only admins may post to that channel: use another channel's webhook in notifiers.slack.webhook_url",
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
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		if hint, ok := slackRefusals[se.Err]; ok {
			return &DeliveryError{Notifier: s.Name(), Permanent: true, Err: fmt.Errorf("%w (%s)", err, hint)}
		}
	}
	return &DeliveryError{Notifier: s.Name(), Err: redact.Error(err)}
}
