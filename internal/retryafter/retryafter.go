// Package retryafter reads the wait a service asks for in Retry-After,
// for the collectors and the notifiers alike, and bounds it.
package retryafter

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Max bounds the wait a service may impose. A bogus or hostile value of
// years (or one too large for a Duration) would otherwise stop a source,
// or hold a notification, for good, and a wait that is saved carries across
// restarts; such a service is asked again after a day. A daily quota
// resets within it.
const Max = 24 * time.Hour

// Parse reads a Retry-After value, delay seconds or an HTTP date, as the
// wait from now, at most Max; ok is false when v is empty or neither. A
// negative number or a past date is read as no wait.
func Parse(v string, now time.Time) (d time.Duration, ok bool) {
	d, _, ok = ParseCapped(v, now)
	return d, ok
}

// ParseCapped is Parse, and reports in capped whether v asked for longer
// than Max, so that the caller can say the wait was cut.
func ParseCapped(v string, now time.Time) (d time.Duration, capped, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false, false
	}
	s, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err == nil:
		// Compared in seconds: seconds beyond Max would overflow a Duration.
		return time.Duration(min(max(s, 0), int64(Max/time.Second))) * time.Second, s > int64(Max/time.Second), true
	case errors.Is(err, strconv.ErrRange):
		if strings.HasPrefix(v, "-") {
			return 0, false, true
		}
		return Max, true, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), Max), t.Sub(now) > Max, true
	}
	return 0, false, false
}
