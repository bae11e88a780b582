package alerts

import (
	"context"

	"github.com/slack-go/slack"
)

// PostText posts one mrkdwn text (a digest) through the configured webhook
// or bot channel. The caller escapes untrusted parts (EscapeMrkdwn). Errors
// are *DeliveryError, classified like an alert's.
func (s *Slack) PostText(ctx context.Context, text string) error {
	var err error
	if s.api != nil {
		_, _, err = s.api.PostMessageContext(ctx, s.channel, slack.MsgOptionText(text, false), slack.MsgOptionDisableLinkUnfurl())
	} else {
		err = slack.PostWebhookCustomHTTPContext(ctx, s.webhook, s.http, &slack.WebhookMessage{Text: text, UnfurlLinks: false})
	}
	return s.deliveryError(err)
}
