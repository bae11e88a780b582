package alerts

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"30", 30 * time.Second}, {" 7 ", 7 * time.Second}, {"12abc", 0}, {"-5", 0},
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0},
	} {
		if got := RetryAfter(tc.in); got != tc.want {
			t.Errorf("RetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if d := RetryAfter(time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)); d < 58*time.Minute || d > time.Hour {
		t.Errorf("an HTTP date an hour ahead gives %v", d)
	}
}
