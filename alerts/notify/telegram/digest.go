package telegram

import (
	"context"
	"fmt"
)

// PostHTML sends messages already in Telegram HTML (a digest's parts, each
// within MaxRunes, untrusted text escaped with Escape), in order. Errors
// are *alerts.DeliveryError; a retry sends every part again.
func (t *Telegram) PostHTML(ctx context.Context, parts []string) error {
	for i, p := range parts {
		if size(p) > MaxRunes {
			return fmt.Errorf("telegram: part %d has %d characters, more than %d", i+1, size(p), MaxRunes)
		}
		if err := t.post(ctx, p); err != nil {
			return err
		}
	}
	return nil
}
