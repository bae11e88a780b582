package alerts

import (
	"context"

	"github.com/slack-go/slack"
)

// PostText posts one mrkdwn text (a digest) through the configured webhook
// or bot channel. The caller escapes untrusted parts (EscapeMrkdwn). Errors
// are *DeliveryError, classified like an alert's: through the webhook it
// is the same post (a redirect is not followed as a GET, Slack's reason is
// kept).
func (s *Slack) PostText(ctx context.Context, text string) error {
	if s.api == nil {
		return s.postWebhook(ctx, &webhookMessage{Text: text})
	}
	_, _, err := s.api.PostMessageContext(ctx, s.channel, append(noUnfurl, slack.MsgOptionText(text, false))...)
	return s.deliveryError(err)
}
