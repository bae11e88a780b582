package routing

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// Policy is when a receiver may be told: its quiet hours, in its time
// zone, and its rate limit. A Policy is owned by its receiver's delivery
// worker (one goroutine at a time): Hold and the bucket are not safe for
// concurrent use.
type Policy struct {
	Loc           *time.Location
	QuietFrom     int  // minutes after local midnight; quiet only when QuietFrom != QuietTo
	QuietTo       int  // end, exclusive; QuietFrom > QuietTo spans midnight
	QuietCritical bool // critical alerts go through quiet hours
	Bucket        *Bucket
}

type policyError struct{ key, msg string }

func newPolicy(c mw.ReceiverConfig, def *time.Location) (*Policy, *policyError) {
	p := &Policy{Loc: def, QuietCritical: c.QuietCritical == nil || *c.QuietCritical}
	if c.TimeZone != "" {
		loc, err := mw.LoadTimezone(c.TimeZone)
		if err != nil {
			return nil, &policyError{"time_zone", err.Error()}
		}
		p.Loc = loc
	}
	if c.QuietHours != "" {
		from, to, ok := parseWindow(c.QuietHours)
		if !ok || from == to {
			return nil, &policyError{"quiet_hours", fmt.Sprintf("%q is not a window such as 22:00-07:00 (local times, start before end, or spanning midnight)", c.QuietHours)}
		}
		p.QuietFrom, p.QuietTo = from, to
	}
	switch {
	case c.RateLimit.Burst < 0:
		return nil, &policyError{"rate_limit.burst", "cannot be negative"}
	case c.RateLimit.Burst > 0 && c.RateLimit.Every.D() <= 0:
		return nil, &policyError{"rate_limit.every", "is required with burst (one more message every this long, such as 10m)"}
	case c.RateLimit.Burst == 0 && c.RateLimit.Every != 0:
		return nil, &policyError{"rate_limit.burst", "is required with every (how many messages may go at once)"}
	case c.RateLimit.Burst > 0:
		p.Bucket = NewBucket(c.RateLimit.Burst, c.RateLimit.Every.D())
	}
	return p, nil
}

func parseWindow(s string) (from, to int, ok bool) {
	a, b, found := strings.Cut(strings.ReplaceAll(s, " ", ""), "-")
	if !found {
		return 0, 0, false
	}
	from, ok1 := clock(a)
	to, ok2 := clock(b)
	return from, to, ok1 && ok2
}

func clock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || hh == 24 && mm != 0 {
		return 0, false
	}
	return hh*60 + mm, true
}

// Quiet reports whether now is in the quiet hours and, if so, when they end.
func (p *Policy) Quiet(now time.Time) (bool, time.Time) {
	if p == nil || p.QuietFrom == p.QuietTo {
		return false, time.Time{}
	}
	l := now.In(p.Loc)
	if !p.quietAt(l) {
		return false, time.Time{}
	}
	end := time.Date(l.Year(), l.Month(), l.Day(), p.QuietTo/60, p.QuietTo%60, 0, 0, p.Loc)
	if !end.After(now) {
		d := l.AddDate(0, 0, 1)
		end = time.Date(d.Year(), d.Month(), d.Day(), p.QuietTo/60, p.QuietTo%60, 0, 0, p.Loc)
	}
	// A clock change before that end: when it skips the end's wall time
	// (Sao Paulo went from 23:59 to 01:00 at its DST start), time.Date
	// gives an instant that may even be before now, or still inside the
	// window (New York's skipped 02:30 is 01:30 EST); when it jumps past
	// the window, the window ends at the change.
	if _, change := l.ZoneBounds(); change.After(now) && (!end.After(now) || change.Before(end) || p.quietAt(end.In(p.Loc))) && !p.quietAt(change.In(p.Loc)) {
		end = change
	}
	return true, end
}

// quietAt reports whether local time l is inside the quiet window.
func (p *Policy) quietAt(l time.Time) bool {
	m := l.Hour()*60 + l.Minute()
	return p.QuietFrom < p.QuietTo && m >= p.QuietFrom && m < p.QuietTo ||
		p.QuietFrom > p.QuietTo && (m >= p.QuietFrom || m < p.QuietTo)
}

// Hold says whether a notification of kind must wait at now, until when,
// and why: quiet hours (critical alerts pass when QuietCritical), then the
// rate limit, which takes a token when it lets the notification go.
func (p *Policy) Hold(now time.Time, kind string) (until time.Time, reason string) {
	if p == nil {
		return time.Time{}, ""
	}
	if q, end := p.Quiet(now); q && !(kind == mw.AlertCritical && p.QuietCritical) {
		return end, fmt.Sprintf("quiet hours until %s", end.In(p.Loc).Format("Mon 15:04 MST"))
	}
	if p.Bucket != nil {
		if ok, next := p.Bucket.Take(now); !ok {
			return next, fmt.Sprintf("over the rate limit of %s at once, then one every %s: waits until %s", messages(p.Bucket.burst), mw.FormatDuration(p.Bucket.every), clockWords(next.In(p.Loc)))
		}
	}
	return time.Time{}, ""
}

// messages is "1 message", "5 messages".
func messages(n int) string {
	if n == 1 {
		return "1 message"
	}
	return fmt.Sprintf("%d messages", n)
}

// clockWords is when a held message goes out, for a responder: the day
// and time in the receiver's zone, with seconds only when they are not
// zero.
func clockWords(t time.Time) string {
	if t.Second() == 0 {
		return t.Format("Mon 15:04 MST")
	}
	return t.Format("Mon 15:04:05 MST")
}

// Refund gives back the rate-limit token that Hold took for a delivery
// that then failed.
func (p *Policy) Refund() {
	if p != nil && p.Bucket != nil {
		p.Bucket.Refund()
	}
}

func (p *Policy) String() string {
	var parts []string
	parts = append(parts, "time zone "+p.Loc.String())
	if p.QuietFrom != p.QuietTo {
		q := fmt.Sprintf("quiet %02d:%02d-%02d:%02d", p.QuietFrom/60, p.QuietFrom%60, p.QuietTo/60, p.QuietTo%60)
		if p.QuietCritical {
			q += " (critical goes through)"
		} else {
			q += " (critical waits too)"
		}
		parts = append(parts, q)
	} else {
		parts = append(parts, "no quiet hours")
	}
	if p.Bucket != nil {
		parts = append(parts, fmt.Sprintf("rate limit burst %d, +1 every %s (over it: delayed)", p.Bucket.burst, mw.FormatDuration(p.Bucket.every)))
	} else {
		parts = append(parts, "no rate limit")
	}
	return strings.Join(parts, ", ")
}

// Bucket is a token bucket: burst tokens, one more every every. Its state
// is in memory: a restart starts it full.
type Bucket struct {
	burst  int
	every  time.Duration
	tokens float64
	last   time.Time
}

// NewBucket returns a full bucket.
func NewBucket(burst int, every time.Duration) *Bucket {
	return &Bucket{burst: burst, every: every, tokens: float64(burst)}
}

// Refund gives back a token taken for a message that did not go out (the
// receiver failed): the limit counts the messages people get, not tries.
func (b *Bucket) Refund() { b.tokens = min(float64(b.burst), b.tokens+1) }

// Take takes a token at now if there is one; otherwise it reports when
// the next one arrives. Time going backwards adds nothing.
func (b *Bucket) Take(now time.Time) (bool, time.Time) {
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens = min(float64(b.burst), b.tokens+float64(now.Sub(b.last))/float64(b.every))
	}
	if b.last.IsZero() || now.After(b.last) {
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, time.Time{}
	}
	next := now.Add(time.Duration((1 - b.tokens) * float64(b.every)))
	if t := next.Truncate(time.Second); !t.Equal(next) { // whole seconds, rounded up
		next = t.Add(time.Second)
	}
	return false, next
}
