package digest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/digest"
	"github.com/mentionwatch/mentionwatch/digest/digesttest"
)

func TestWindowEnding(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	santiago, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		p        digest.Period
		end      time.Time
		loc      *time.Location
		from, to string
		prev     string
		title    string
		hours    float64
	}{
		{"daily", digest.Daily, digesttest.DayEnd, digesttest.Jakarta, "2026-11-25T00:00:00+07:00", "2026-11-26T00:00:00+07:00", "2026-11-24T00:00:00+07:00", "Wed 25 Nov 2026", 24},
		{"weekly", digest.Weekly, digesttest.WeekEnd, digesttest.Jakarta, "2026-11-23T00:00:00+07:00", "2026-11-30T00:00:00+07:00", "2026-11-16T00:00:00+07:00", "23 – 29 Nov 2026", 168},
		// 25 Oct 2026: clocks go back in Berlin, the day has 25 hours.
		{"dst day", digest.Daily, time.Date(2026, 10, 26, 8, 0, 0, 0, berlin), berlin, "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", "2026-10-24T00:00:00+02:00", "Sun 25 Oct 2026", 25},
		// 6 Sep 2026: Santiago's clocks skip midnight (00:00 is 01:00).
		{"skipped midnight", digest.Daily, time.Date(2026, 9, 7, 8, 0, 0, 0, santiago), santiago, "2026-09-06T01:00:00-03:00", "2026-09-07T00:00:00-03:00", "2026-09-05T00:00:00-04:00", "Sun 6 Sep 2026", 23},
		{"skipped midnight, the day after", digest.Daily, time.Date(2026, 9, 6, 8, 0, 0, 0, santiago), santiago, "2026-09-05T00:00:00-04:00", "2026-09-06T01:00:00-03:00", "2026-09-04T00:00:00-04:00", "Sat 5 Sep 2026", 24},
		{"week ending on a skipped midnight", digest.Weekly, time.Date(2026, 9, 6, 8, 0, 0, 0, santiago), santiago, "2026-08-30T00:00:00-04:00", "2026-09-06T01:00:00-03:00", "2026-08-23T00:00:00-04:00", "30 Aug – 5 Sep 2026", 168},
		{"week after a skipped midnight", digest.Weekly, time.Date(2026, 9, 7, 8, 0, 0, 0, santiago), santiago, "2026-08-31T00:00:00-04:00", "2026-09-07T00:00:00-03:00", "2026-08-24T00:00:00-04:00", "31 Aug – 6 Sep 2026", 167},
		{"across months", digest.Weekly, time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC), time.UTC, "2026-11-25T00:00:00Z", "2026-12-02T00:00:00Z", "2026-11-18T00:00:00Z", "25 Nov – 1 Dec 2026", 168},
		{"across years", digest.Weekly, time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC), time.UTC, "2026-12-27T00:00:00Z", "2027-01-03T00:00:00Z", "2026-12-20T00:00:00Z", "27 Dec 2026 – 2 Jan 2027", 168},
	}
	for _, c := range cases {
		w := digest.WindowEnding(c.p, c.end, c.loc)
		if got := w.From.Format(time.RFC3339); got != c.from {
			t.Errorf("%s: from %s, want %s", c.name, got, c.from)
		}
		if got := w.To.Format(time.RFC3339); got != c.to {
			t.Errorf("%s: to %s, want %s", c.name, got, c.to)
		}
		if got := w.PrevFrom.Format(time.RFC3339); got != c.prev {
			t.Errorf("%s: previous from %s, want %s", c.name, got, c.prev)
		}
		if got := w.Title(); got != c.title {
			t.Errorf("%s: title %q, want %q", c.name, got, c.title)
		}
		if h := w.To.Sub(w.From).Hours(); h != c.hours {
			t.Errorf("%s: %v hours, want %v", c.name, h, c.hours)
		}
	}
}

func TestLatestDue(t *testing.T) {
	loc := digesttest.Jakarta
	daily := digest.Entry{Period: digest.Daily, Hour: 8}
	weekly := digest.Entry{Period: digest.Weekly, Hour: 8, Minute: 30, Weekday: time.Monday}
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, loc) }
	cases := []struct {
		e        digest.Entry
		now, due time.Time
	}{
		{daily, at(30, 7, 59), at(29, 8, 0)},
		{daily, at(30, 8, 0), at(30, 8, 0)},
		{daily, at(30, 23, 0), at(30, 8, 0)},
		{weekly, at(30, 8, 29), at(23, 8, 30)}, // Monday, just before
		{weekly, at(30, 8, 30), at(30, 8, 30)},
		{weekly, time.Date(2026, 12, 6, 23, 0, 0, 0, loc), at(30, 8, 30)}, // the Sunday after
	}
	for i, c := range cases {
		if got := c.e.LatestDue(c.now, loc); !got.Equal(c.due) {
			t.Errorf("%d: LatestDue(%s) = %s, want %s", i, c.now.Format(time.RFC3339), got.Format(time.RFC3339), c.due.Format(time.RFC3339))
		}
	}
	// A time the clock skips is due when it jumps past it: 03:00 in
	// Berlin and New York, 01:00 in Santiago. time.Date alone takes New
	// York's 02:30 as 01:30 EST and Santiago's midnight as 23:00 the day
	// before.
	for _, c := range []struct {
		zone      string
		e         digest.Entry
		now, want string
	}{
		{"Europe/Berlin", digest.Entry{Period: digest.Daily, Hour: 2, Minute: 30}, "2026-03-29T12:00:00+02:00", "2026-03-29T03:00:00+02:00"},
		{"America/New_York", digest.Entry{Period: digest.Daily, Hour: 2, Minute: 30}, "2026-03-08T12:00:00-04:00", "2026-03-08T03:00:00-04:00"},
		{"America/New_York", digest.Entry{Period: digest.Daily, Hour: 2, Minute: 30}, "2026-03-08T01:45:00-05:00", "2026-03-07T02:30:00-05:00"},
		{"America/Santiago", digest.Entry{Period: digest.Weekly, Weekday: time.Sunday}, "2026-09-06T12:00:00-03:00", "2026-09-06T01:00:00-03:00"},
		{"America/Santiago", digest.Entry{Period: digest.Daily}, "2026-09-05T23:30:00-04:00", "2026-09-05T00:00:00-04:00"},
	} {
		zl, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		now, _ := time.Parse(time.RFC3339, c.now)
		if got := c.e.LatestDue(now, zl).In(zl).Format(time.RFC3339); got != c.want {
			t.Errorf("%s %s %02d:%02d at %s: due %s, want %s", c.zone, c.e.Period, c.e.Hour, c.e.Minute, c.now, got, c.want)
		}
	}
}

// sink records deliveries and fails for receivers listed in fail.
type sink struct {
	got   []string // "to subject"
	texts []string // the plain text of each, in order
	fail  map[string]bool
}

func (s *sink) deliver(_ context.Context, to string, d *digest.Rendered) error {
	if s.fail[to] {
		return errors.New("smtp 451 try later")
	}
	s.got = append(s.got, to+" "+d.Subject)
	s.texts = append(s.texts, d.Text)
	return nil
}

func newScheduler(st digest.Store, s *sink) *digest.Scheduler {
	return &digest.Scheduler{Entries: []digest.Entry{{Brand: digesttest.Brand(), Period: digest.Weekly, Hour: 8, Weekday: time.Monday,
		To: []string{"email", "lead@example.com"}}}, Store: st, Deliver: s.deliver, Location: digesttest.Jakarta,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// Each due digest goes to each receiver once: ticks repeat, the process
// restarts (a new scheduler on the same store), and nothing is sent twice.
func TestSchedulerSendsOncePerDue(t *testing.T) {
	st := seeded(t)
	s := &sink{}
	sch := newScheduler(st, s)
	mon := digesttest.WeekEnd // Monday 08:00 WIB
	// No record yet: the latest due digest (the Monday before) is sent.
	if n := sch.Tick(ctx, mon.Add(-time.Minute)); n != 2 || !strings.HasSuffix(s.got[0], "16 – 22 Nov 2026") {
		t.Fatalf("first tick sent %d: %v", n, s.got)
	}
	s.got = nil
	for _, now := range []time.Time{mon, mon.Add(time.Minute), mon.Add(time.Hour)} {
		sch.Tick(ctx, now)
	}
	want := []string{"email Acme weekly digest: 23 – 29 Nov 2026", "lead@example.com Acme weekly digest: 23 – 29 Nov 2026"}
	if fmt.Sprint(s.got) != fmt.Sprint(want) {
		t.Fatalf("sent %v, want %v", s.got, want)
	}
	restarted := newScheduler(st, s)
	if n := restarted.Tick(ctx, mon.Add(2*time.Hour)); n != 0 {
		t.Errorf("after a restart %d digests were sent again", n)
	}
}

// After downtime the latest missed digest is sent once; older ones are
// skipped.
func TestSchedulerCatchesUpOnce(t *testing.T) {
	st := seeded(t)
	s := &sink{}
	sch := newScheduler(st, s)
	sch.Tick(ctx, digesttest.WeekEnd.Add(-7*24*time.Hour)) // sent for 9-15 Nov, then down for three weeks
	s.got = nil
	back := digesttest.WeekEnd.Add(14*24*time.Hour + 3*time.Hour)
	sch.Tick(ctx, back)
	sch.Tick(ctx, back.Add(time.Minute))
	if len(s.got) != 2 || !strings.HasSuffix(s.got[0], "7 – 13 Dec 2026") {
		t.Errorf("after downtime sent %v, want the week of 7 – 13 Dec once per receiver", s.got)
	}
}

// A failing receiver is retried after a backoff and never holds up the
// others, which are not sent twice.
func TestSchedulerRetriesAFailingReceiver(t *testing.T) {
	st := seeded(t)
	s := &sink{fail: map[string]bool{"email": true}}
	sch := newScheduler(st, s)
	mon := digesttest.WeekEnd
	sch.Tick(ctx, mon.Add(-time.Minute)) // settle the previous week
	s.got = nil
	sch.Tick(ctx, mon)
	if fmt.Sprint(s.got) != "[lead@example.com Acme weekly digest: 23 – 29 Nov 2026]" {
		t.Fatalf("sent %v", s.got)
	}
	s.fail = nil
	sch.Tick(ctx, mon.Add(30*time.Second)) // within the first backoff (1 min)
	if len(s.got) != 1 {
		t.Fatalf("retried before the backoff: %v", s.got)
	}
	sch.Tick(ctx, mon.Add(time.Minute))
	if len(s.got) != 2 || !strings.HasPrefix(s.got[1], "email ") {
		t.Fatalf("after the backoff sent %v", s.got)
	}
	sch.Tick(ctx, mon.Add(2*time.Minute))
	if len(s.got) != 2 {
		t.Errorf("sent again: %v", s.got)
	}
}

// A retry sends the digest that failed, not one built again from what the
// store holds by then: every receiver gets the same figures, and a chat
// that took part 1 before part 2 failed (telegram.PostHTML) resumes at
// part 2 instead of getting part 1 again. Before, a mention collected
// late between the attempts changed the digest, so Telegram sent it all
// again.
func TestSchedulerRetrySendsTheSameDigest(t *testing.T) {
	st := seeded(t)
	s := &sink{}
	sch := newScheduler(st, s)
	mon := digesttest.WeekEnd
	sch.Tick(ctx, mon.Add(-time.Minute)) // settle the previous week
	s.got, s.texts = nil, nil
	s.fail = map[string]bool{"email": true}
	sch.Tick(ctx, mon)
	if len(s.texts) != 1 {
		t.Fatalf("sent %v", s.got)
	}
	late := mw.Mention{Brand: "Acme", Source: "news", Type: "rss", NativeID: "late", URL: "https://example.com/late", Author: "w",
		Text: "Acme lost my parcel and support hung up", Published: time.Date(2026, 11, 29, 12, 0, 0, 0, digesttest.Jakarta).UTC(),
		Collected: mon.Add(30 * time.Second).UTC(), Lang: "en", Sentiment: -0.8, Label: mw.Negative, Stage: mw.AMOT, Aspects: []string{"delivery"}, Reach: 1}
	late.ID = mw.MentionID("Acme", "rss", "late")
	if err := st.InsertMentions(ctx, []mw.Mention{late}); err != nil {
		t.Fatal(err)
	}
	if fresh := build(t, st, digest.Weekly, mon); digest.Text(fresh) == s.texts[0] {
		t.Fatal("the late mention does not change the digest: the test shows nothing")
	}
	s.fail = nil
	sch.Tick(ctx, mon.Add(time.Minute))
	if len(s.texts) != 2 || s.texts[1] != s.texts[0] {
		t.Errorf("the retry sent another digest than the first receiver got (%d sent)", len(s.texts))
	}
	// The kept digest does not stand in for the next due one.
	sch.Tick(ctx, mon.Add(7*24*time.Hour))
	if len(s.texts) != 4 || s.texts[2] == s.texts[0] {
		t.Fatalf("next week sent %v", s.got)
	}
}

// A daily digest is sent once for each day, whatever a clock change does
// to its local time: a time skipped in spring (02:30 in Berlin and New
// York, midnight in Santiago, where 00:00 becomes 01:00) is due when the
// clock jumps past it, a time repeated in autumn once. Before, Santiago's
// skipped midnight was taken as 23:00 the day before: the digest of 4 Sep
// went out twice and the one of 5 Sep never.
func TestSchedulerDailyAcrossClockChanges(t *testing.T) {
	st := emptyStore(t)
	for _, c := range []struct {
		zone         string
		day          time.Time // the day of the change, 12:00 UTC
		hour, minute int
	}{
		{"Europe/Berlin", time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC), 2, 30},
		{"Europe/Berlin", time.Date(2026, 10, 25, 12, 0, 0, 0, time.UTC), 2, 30},
		{"America/New_York", time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC), 2, 30},
		{"America/New_York", time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), 1, 30},
		{"Australia/Adelaide", time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC), 2, 30},
		{"Australia/Adelaide", time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC), 2, 30},
		{"America/Santiago", time.Date(2026, 9, 6, 12, 0, 0, 0, time.UTC), 0, 0},
		{"America/Santiago", time.Date(2026, 4, 5, 12, 0, 0, 0, time.UTC), 23, 30},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		s := &sink{}
		sch := &digest.Scheduler{Entries: []digest.Entry{{Brand: digesttest.Brand(), Period: digest.Daily, Hour: c.hour, Minute: c.minute, To: []string{"email"}}},
			Store: st, Deliver: s.deliver, Location: loc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		var sentAt []time.Time
		for now := c.day.Add(-48 * time.Hour); now.Before(c.day.Add(48 * time.Hour)); now = now.Add(time.Minute) {
			if n := sch.Tick(ctx, now); n > 0 {
				sentAt = append(sentAt, now)
			}
		}
		name := fmt.Sprintf("%s daily %02d:%02d around %s", c.zone, c.hour, c.minute, c.day.Format("2 Jan"))
		// Days in order, each once: the first tick sends the latest due
		// digest, each later one the next day's.
		prev := time.Time{}
		for i, got := range s.got {
			title := strings.TrimPrefix(got, "email Acme daily digest: ")
			d, err := time.Parse("Mon 2 Jan 2006", title) // a date: UTC has every midnight
			if err != nil {
				t.Fatalf("%s: subject %q: %v", name, got, err)
			}
			if i > 0 && !d.Equal(prev.AddDate(0, 0, 1)) {
				t.Errorf("%s: sent %s after %s (at %s)", name, title, prev.Format("Mon 2 Jan"), sentAt[i].In(loc).Format("Mon 2 Jan 15:04 MST"))
			}
			prev = d
		}
		if len(s.got) != 5 { // the latest due at the first tick, then one a day
			t.Errorf("%s: sent %d digests, want 5: %v", name, len(s.got), s.got)
		}
	}
}

// Moving a digest's at: later in the day after it was sent (08:00 to
// 09:00, then a restart) does not send the same period again: what was
// sent is the day it covers, not only the time it went out. Before, the
// record (today 08:00) was earlier than the new due time (today 09:00),
// so yesterday's digest went out twice.
func TestSchedulerAtMovedLaterDoesNotResend(t *testing.T) {
	st := seeded(t)
	s := &sink{}
	entry := func(hour int) *digest.Scheduler {
		return &digest.Scheduler{Entries: []digest.Entry{{Brand: digesttest.Brand(), Period: digest.Daily, Hour: hour, To: []string{"email"}}},
			Store: st, Deliver: s.deliver, Location: digesttest.Jakarta, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	}
	day := digesttest.DayEnd // 26 Nov 08:00 WIB
	entry(8).Tick(ctx, day)
	if len(s.got) != 1 {
		t.Fatalf("sent %v", s.got)
	}
	moved := entry(9) // at: "09:00", restarted at 08:30
	for _, now := range []time.Time{day.Add(30 * time.Minute), day.Add(time.Hour), day.Add(2 * time.Hour)} {
		moved.Tick(ctx, now)
	}
	if len(s.got) != 1 {
		t.Fatalf("the day's digest went out again after at: moved: %v", s.got)
	}
	moved.Tick(ctx, day.Add(25*time.Hour)) // the next day at 09:00
	if len(s.got) != 2 || s.got[1] != "email Acme daily digest: Thu 26 Nov 2026" {
		t.Errorf("the next day sent %v", s.got)
	}
}

// A receiver that answers 429 with Retry-After is tried again when it
// said, not at the first backoff step: Slack and Telegram (retry_after)
// tell how long a rate limit lasts. Before, the scheduler retried after a
// minute whatever the receiver asked.
func TestSchedulerHonoursRetryAfter(t *testing.T) {
	st := seeded(t)
	attempts := 0
	limited := true
	sch := &digest.Scheduler{Entries: []digest.Entry{{Brand: digesttest.Brand(), Period: digest.Weekly, Hour: 8, Weekday: time.Monday, To: []string{"slack"}}},
		Store: st, Location: digesttest.Jakarta, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Deliver: func(context.Context, string, *digest.Rendered) error {
			attempts++
			if limited {
				return &alerts.DeliveryError{Notifier: "slack", Status: 429, RetryAfter: 10 * time.Minute, Err: errors.New("rate_limited")}
			}
			return nil
		}}
	mon := digesttest.WeekEnd
	for now := mon; now.Before(mon.Add(10 * time.Minute)); now = now.Add(time.Minute) {
		sch.Tick(ctx, now)
	}
	if attempts != 1 {
		t.Fatalf("%d attempts within the 10 minutes Retry-After asked for, want 1", attempts)
	}
	limited = false
	if n := sch.Tick(ctx, mon.Add(10*time.Minute)); n != 1 || attempts != 2 {
		t.Errorf("after Retry-After: delivered %d in %d attempts", n, attempts)
	}
}

// TestSchedulerDoesNotRetryARefusal: a receiver that refuses a digest for
// good (a removed webhook: Slack's 404 no_service) is not asked again for
// that digest, and the next period's digest is tried once (before: it was
// retried every hour all week, each time logged as "retry_in" next to an
// error saying it would not be retried).
func TestSchedulerDoesNotRetryARefusal(t *testing.T) {
	st := seeded(t)
	attempts := 0
	sch := &digest.Scheduler{Entries: []digest.Entry{{Brand: digesttest.Brand(), Period: digest.Daily, Hour: 8, To: []string{"slack"}}},
		Store: st, Location: digesttest.Jakarta, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Deliver: func(context.Context, string, *digest.Rendered) error {
			attempts++
			return &alerts.DeliveryError{Notifier: "slack", Status: 404, Permanent: true, Err: errors.New("no_service")}
		}}
	mon := digesttest.WeekEnd
	for now := mon; now.Before(mon.Add(23 * time.Hour)); now = now.Add(10 * time.Minute) {
		sch.Tick(ctx, now)
	}
	if attempts != 1 {
		t.Fatalf("%d attempts at one refused digest over a day; want 1", attempts)
	}
	for now := mon.Add(24 * time.Hour); now.Before(mon.Add(30 * time.Hour)); now = now.Add(10 * time.Minute) {
		sch.Tick(ctx, now)
	}
	if attempts != 2 {
		t.Errorf("%d attempts after the next day's digest fell due; want 2 (one each)", attempts)
	}
}
