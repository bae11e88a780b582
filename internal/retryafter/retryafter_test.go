package retryafter

import (
	"net/http"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false}, {"30", 30 * time.Second, true}, {" 7 ", 7 * time.Second, true},
		{"12abc", 0, false}, {"-5", 0, true}, {"0", 0, true},
		{"31536000", Max, true},                // a year
		{"9223372037", Max, true},              // overflows a Duration in nanoseconds
		{"99999999999999999999999", Max, true}, // overflows int64
		{"-99999999999999999999999", 0, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(time.Hour).Format(http.TimeFormat), time.Hour, true},
		{now.AddDate(10, 0, 0).Format(http.TimeFormat), Max, true},
	} {
		if got, ok := Parse(tc.in, now); got != tc.want || ok != tc.ok {
			t.Errorf("Parse(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
