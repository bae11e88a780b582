package alerts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
)

// PostParts posts a digest's messages (mrkdwn, already split by its
// renderer: digest.SlackParts) through the configured webhook or bot
// channel, in order. The caller escapes untrusted parts (EscapeMrkdwn).
// Errors are *DeliveryError, classified like an alert's: through the
// webhook it is the same post (a redirect is not followed as a GET,
// Slack's reason is kept). A retry of the same parts after a later one
// failed resumes there: the channel does not get the first ones twice.
func (s *Slack) PostParts(ctx context.Context, parts []string) error {
	return s.parts.Send(ctx, PartsKey(parts), parts, func(ctx context.Context, p string) error { return s.post(ctx, p, nil) })
}

// PartsSent remembers, per delivery key, how many of a split message's
// parts were sent, so that a retry after part 2 failed does not send part
// 1 again (Telegram's split alerts and digests, Slack's digests). A key is
// forgotten once all its parts are sent. The zero value is ready.
type PartsSent struct {
	mu   sync.Mutex
	sent map[string]int
}

// Send posts parts in order with post, from the first that key has not
// yet delivered, and forgets key once all are sent.
func (p *PartsSent) Send(ctx context.Context, key string, parts []string, post func(context.Context, string) error) error {
	p.mu.Lock()
	done := p.sent[key]
	p.mu.Unlock()
	for i := done; i < len(parts); i++ {
		if err := post(ctx, parts[i]); err != nil {
			return err
		}
		p.mu.Lock()
		if p.sent == nil {
			p.sent = map[string]int{}
		}
		p.sent[key] = i + 1
		p.mu.Unlock()
	}
	p.mu.Lock()
	delete(p.sent, key)
	p.mu.Unlock()
	return nil
}

// PartsKey names a digest's parts for PartsSent: a hash of them, apart
// from alerts' delivery keys (id:state:n).
func PartsKey(parts []string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	return "digest:" + hex.EncodeToString(h.Sum(nil))
}
