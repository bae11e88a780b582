package digest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/digest/digesttest"
)

// TestSchedulerSurvivesAClockSteppedBack: the host's clock ran a month
// ahead for one tick (the digest of a week to come was recorded as sent)
// and was stepped back. The digest due at the right time is still sent,
// by this process and by one restarted on the same store, and only once.
func TestSchedulerSurvivesAClockSteppedBack(t *testing.T) {
	for _, restart := range []bool{false, true} {
		st := seeded(t)
		s := &sink{}
		sch := newScheduler(st, s)
		mon := digesttest.WeekEnd
		sch.Tick(ctx, mon.Add(-time.Minute))    // settle the previous week
		sch.Tick(ctx, mon.Add(30*24*time.Hour)) // the clock runs a month ahead
		s.got = nil
		if restart {
			sch = newScheduler(st, s)
		}
		for _, now := range []time.Time{mon, mon.Add(time.Minute), mon.Add(time.Hour)} { // stepped back
			sch.Tick(ctx, now)
		}
		want := []string{"email Acme weekly digest: 23 – 29 Nov 2026", "lead@example.com Acme weekly digest: 23 – 29 Nov 2026"}
		if fmt.Sprint(s.got) != fmt.Sprint(want) {
			t.Fatalf("restart %v: after the clock was stepped back sent %v, want %v", restart, s.got, want)
		}
		s.got = nil
		sch.Tick(ctx, mon.Add(7*24*time.Hour))
		if len(s.got) != 2 {
			t.Fatalf("restart %v: the next week sent %v, want it once per receiver", restart, s.got)
		}
	}
}
