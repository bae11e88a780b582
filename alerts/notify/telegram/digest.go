package telegram

import (
	"context"
	"fmt"

	"github.com/mentionwatch/mentionwatch/alerts"
)

// PostHTML sends messages already in Telegram HTML (a digest's parts, each
// within MaxRunes, untrusted text escaped with Escape), in order. Errors
// are *alerts.DeliveryError. A retry with the same parts, after part 2
// failed say, resumes at the part that failed: the chat does not get
// part 1 twice. Once every part is sent, the same parts are sent again in
// full if asked.
func (t *Telegram) PostHTML(ctx context.Context, parts []string) error {
	for i, p := range parts {
		if size(p) > MaxRunes {
			return fmt.Errorf("telegram: part %d has %d characters, more than %d", i+1, size(p), MaxRunes)
		}
	}
	return t.sendParts(ctx, alerts.PartsKey(parts), parts)
}
