package telegram

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
	return t.sendParts(ctx, partsKey(parts), parts)
}

// partsKey names a digest's parts in sent: a hash of them, apart from
// alerts' delivery keys (id:state:n).
func partsKey(parts []string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	return "digest:" + hex.EncodeToString(h.Sum(nil))
}
