package alerts

import "context"

// PostText posts one mrkdwn text (a digest) through the configured webhook
// or bot channel. The caller escapes untrusted parts (EscapeMrkdwn). Errors
// are *DeliveryError, classified like an alert's: through the webhook it
// is the same post (a redirect is not followed as a GET, Slack's reason is
// kept).
func (s *Slack) PostText(ctx context.Context, text string) error {
	return s.post(ctx, text, nil)
}
