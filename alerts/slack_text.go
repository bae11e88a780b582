package alerts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxTextPart is the most characters PostText sends in one Slack message.
// Slack splits a longer text into several messages wherever its 4,000th
// character falls, which can be inside an escape (&amp;) or a link
// (<url|label>) and shows the rest as raw markup; PostText splits it
// itself, at line ends.
const MaxTextPart = 3900

// PostText posts one mrkdwn text (a digest) through the configured webhook
// or bot channel: in one message, or, when it is longer than MaxTextPart,
// in several split at line ends, in order. The caller escapes untrusted
// parts (EscapeMrkdwn). Errors are *DeliveryError, classified like an
// alert's: through the webhook it is the same post (a redirect is not
// followed as a GET, Slack's reason is kept). A retry of the same text
// after a later message failed resumes at that message: the channel does
// not get the first ones twice.
func (s *Slack) PostText(ctx context.Context, text string) error {
	parts := SplitLines(text, MaxTextPart)
	key := textKey(text)
	done := s.textSent.get(key)
	for i := done; i < len(parts); i++ {
		if err := s.post(ctx, parts[i], nil); err != nil {
			return err
		}
		s.textSent.set(key, i+1)
	}
	s.textSent.set(key, 0)
	return nil
}

// partsSent remembers, per text, how many of its messages were sent, for
// a retry to resume; at most a few texts fail at once, and it forgets
// them all past 64.
type partsSent struct {
	mu   sync.Mutex
	sent map[string]int
}

func (p *partsSent) get(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent[key]
}

func (p *partsSent) set(key string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n == 0 {
		delete(p.sent, key)
		return
	}
	if p.sent == nil || len(p.sent) >= 64 {
		p.sent = map[string]int{}
	}
	p.sent[key] = n
}

func textKey(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}

// SplitLines cuts s into parts of at most max characters, each ending at
// a line end (the newlines between parts are dropped, and blank lines at
// a part's start or end trimmed). A line longer than max is cut at the
// last space before max, else at a character boundary (CutRunes). Linear in len(s).
func SplitLines(s string, max int) []string {
	if utf8.RuneCountInString(s) <= max {
		return []string{s}
	}
	var parts []string
	var b strings.Builder
	n := 0
	flush := func() {
		if p := strings.Trim(b.String(), "\n"); p != "" {
			parts = append(parts, p)
		}
		b.Reset()
		n = 0
	}
	for _, line := range strings.SplitAfter(s, "\n") {
		w := utf8.RuneCountInString(line)
		if n+w > max && n > 0 {
			flush()
		}
		for w > max { // one line longer than a message
			cut := len(CutRunes(line, max))
			if sp := strings.LastIndexByte(line[:cut], ' '); sp > 0 {
				cut = sp + 1
			}
			b.WriteString(line[:cut])
			flush()
			line = line[cut:]
			w = utf8.RuneCountInString(line)
		}
		b.WriteString(line)
		n += w
	}
	flush()
	return parts
}
