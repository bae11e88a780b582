package alerts

import (
	"fmt"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

const story = "Acme leaked my home address and card number, it is all over a forum now. Check yours!"

// copyOf is the n-th copy of text as people repost it: a retweet prefix,
// a handle, another link, a number.
func copyOf(n int, at time.Time, text string) mw.Mention {
	forms := []string{"RT @sari: %s", "%s https://t.co/x%d", "@acme_id %s", "%s (%d)", "%s"}
	f := forms[n%len(forms)]
	var s string
	if strings.Count(f, "%") == 2 {
		s = fmt.Sprintf(f, text, n)
	} else {
		s = fmt.Sprintf(f, text)
	}
	m := mention(5000+n, at, mw.Neutral, s)
	return m
}

func tickAt(t *testing.T, l *Loop, now time.Time) {
	t.Helper()
	if err := l.Tick(ctx, now); err != nil {
		t.Fatalf("Tick(%s): %v", now, err)
	}
}

func store1(t *testing.T, st store.Store, l *Loop, ms ...mw.Mention) {
	t.Helper()
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	l.Observe(ms)
}

func criticalAlerts(t *testing.T, st store.Store) []mw.Alert {
	t.Helper()
	as, err := st.Alerts(ctx, store.AlertQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []mw.Alert
	for _, a := range as {
		if a.Kind == mw.AlertCritical {
			out = append(out, a)
		}
	}
	return out
}

// TestCriticalCopiesOneAlertThenSpreading: a harm story that 60 accounts
// repost is one critical alert, not 60. Its first message counts the
// copies it came with; it is told again, as spreading, once its copies
// grow tenfold; a restart neither forgets the group nor counts a copy
// twice. Another story, and a short report that shares the story's
// words, alert on their own.
func TestCriticalCopiesOneAlertThenSpreading(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{RepeatInterval: mw.Duration(48 * time.Hour)})
	at := t0
	var first []mw.Mention
	for i := 0; i < 3; i++ {
		first = append(first, copyOf(i, at.Add(time.Duration(i)*time.Second), story))
	}
	other := mention(900, at, mw.Negative, "My Acme heater caught fire in the kitchen last night, the whole wall is black")
	short := mention(901, at, mw.Negative, "Acme leaked my address") // four words: someone's own report
	store1(t, st, l, append(first, other, short)...)
	tickAt(t, l, at.Add(time.Minute))

	msgs := r.messages()
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want 3 (the story with its copies, the fire, the short report):\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
	var storyMsg string
	for _, m := range msgs {
		if strings.Contains(m, "card number") {
			storyMsg = m
		}
	}
	if !strings.Contains(storyMsg, "posted 3 times (the mention and its near-copies)") || strings.Contains(storyMsg, "spreading") {
		t.Errorf("the story's first message does not count its copies:\n%s", storyMsg)
	}
	// It links the copies it came with (before: only the first post).
	for _, want := range []string{"*Copies*", "https://example.com/5001|example.com", "https://example.com/5002|example.com"} {
		if !strings.Contains(storyMsg, want) {
			t.Errorf("the story's first message lacks %q:\n%s", want, storyMsg)
		}
	}
	as := criticalAlerts(t, st)
	if len(as) != 3 {
		t.Fatalf("%d critical alerts, want 3: %+v", len(as), as)
	}

	// 26 more copies over an hour: 29 < 10 × 3, no message.
	for i := 3; i < 29; i++ {
		store1(t, st, l, copyOf(i, at.Add(time.Duration(i)*2*time.Minute), story))
		if i%5 == 0 {
			tickAt(t, l, at.Add(time.Duration(i)*2*time.Minute+time.Second))
		}
	}
	tickAt(t, l, at.Add(time.Hour))
	if n := len(r.messages()); n != 3 {
		t.Fatalf("%d messages after 26 more copies, want still 3", n)
	}

	// A restart: the group is rebuilt from the store; copies it re-reads
	// are not counted again.
	l2 := newLoop(st, l.out.ns, l.cfg)
	l2.Observe([]mw.Mention{copyOf(5, at.Add(10*time.Minute), story), copyOf(28, at.Add(56*time.Minute), story)})
	tickAt(t, l2, at.Add(61*time.Minute))
	a := storyAlert(t, st)
	if a.Count != 29 || len(a.MentionIDs) != 29 || a.ToldCount != 3 || a.NotifyCount != 1 {
		t.Fatalf("after the restart the story's alert is count %v, %d ids, told %v, notified %d; want 29, 29, 3, 1",
			a.Count, len(a.MentionIDs), a.ToldCount, a.NotifyCount)
	}
	// The 30th copy: tenfold the first message's 3.
	store1(t, st, l2, copyOf(29, at.Add(62*time.Minute), story))
	tickAt(t, l2, at.Add(63*time.Minute))
	msgs = r.messages()
	if len(msgs) != 4 {
		t.Fatalf("%d messages, want a 4th: the story spreading", len(msgs))
	}
	last := msgs[3]
	// The spreading message links the latest copies: where the story
	// went since the last message.
	for _, want := range []string{"Critical mention of acme is spreading", "posted 30 times", "card number", "https://example.com/5000",
		"*Copies (the latest 5; 24 more in the dashboard)*", "https://example.com/5029|", "https://example.com/5025|"} {
		if !strings.Contains(last, want) {
			t.Errorf("the spreading message lacks %q:\n%s", want, last)
		}
	}
	a = storyAlert(t, st)
	if a.Count != 30 || a.ToldCount != 30 || a.NotifyCount != 2 || a.MentionIDs[0] != first[0].ID {
		t.Fatalf("story alert %+v", a)
	}
	// Told: the dashboard and digests head it as any critical alert.
	if h := Headline(a); h != "Critical mention of acme" {
		t.Errorf("stored alert's headline %q", h)
	}
	if n := len(criticalAlerts(t, st)); n != 3 {
		t.Fatalf("%d critical alerts, want still 3", n)
	}
	if s, _ := l2.Stats(); s.Pending != 0 {
		t.Errorf("%d notifications owed after the spreading message", s.Pending)
	}

	// A day after its last copy the group is closed: the story told again
	// next week is a new alert.
	later := at.Add(63*time.Minute + copyWindow + time.Hour)
	store1(t, st, l2, copyOf(100, later, story))
	tickAt(t, l2, later.Add(time.Minute))
	if n := len(criticalAlerts(t, st)); n != 4 {
		t.Fatalf("%d critical alerts, want 4: a copy after the window alerts anew", n)
	}
}

func storyAlert(t *testing.T, st store.Store) mw.Alert {
	t.Helper()
	for _, a := range criticalAlerts(t, st) {
		if len(a.MentionIDs) > 0 && a.MentionIDs[0] == mw.MentionID("acme", "rss", "n5000") {
			return a
		}
	}
	t.Fatal("no alert for the story")
	return mw.Alert{}
}

// TestCriticalCopiesSpreadingWhileSilenced: a story that spreads while its
// brand's critical alerts are silenced is not told, and is not owed: the
// silence covered that message. It is told at the next tenfold after the
// silence ends.
func TestCriticalCopiesSpreadingWhileSilenced(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{RepeatInterval: mw.Duration(48 * time.Hour)})
	store1(t, st, l, copyOf(0, t0, story))
	tickAt(t, l, t0.Add(time.Minute))
	if n := len(r.messages()); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
	if err := st.SaveSilence(ctx, mw.Silence{ID: "s", Brand: "acme", Scope: ScopeMention, Until: t0.Add(4 * time.Hour), Reason: "handling it"}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 12; i++ {
		store1(t, st, l, copyOf(i, t0.Add(time.Duration(i)*time.Minute), story))
	}
	tickAt(t, l, t0.Add(15*time.Minute))
	tickAt(t, l, t0.Add(20*time.Minute))
	if n := len(r.messages()); n != 1 {
		t.Fatalf("%d messages while silenced, want 1", n)
	}
	if s, _ := l.Stats(); s.Pending != 0 {
		t.Errorf("%d notifications owed while silenced", s.Pending)
	}
	a := storyAlert(t, st)
	if a.Count != 12 || a.ToldCount != 12 || a.NotifyCount != 1 {
		t.Fatalf("story alert count %v, told %v, notified %d; want 12, 12, 1", a.Count, a.ToldCount, a.NotifyCount)
	}
	var ms []mw.Mention
	for i := 12; i < 120; i++ {
		ms = append(ms, copyOf(i, t0.Add(5*time.Hour+time.Duration(i)*time.Second), story))
	}
	store1(t, st, l, ms...)
	tickAt(t, l, t0.Add(5*time.Hour+3*time.Minute))
	msgs := r.messages()
	if len(msgs) != 2 || !strings.Contains(msgs[1], "is spreading") || !strings.Contains(msgs[1], "posted 120 times") {
		t.Fatalf("after the silence: %d messages, want the spreading one:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
}

// TestCriticalCopiesSpreadingAfterResolved: a critical alert resolves
// quietly after repeat_interval, and copies kept joining it silently: a
// story that went on to be reposted a hundred times was never told
// again. Tenfold copies now fire it again, headed "is spreading", and it
// resolves quietly again after repeat_interval.
func TestCriticalCopiesSpreadingAfterResolved(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{RepeatInterval: mw.Duration(time.Hour)})
	at := t0
	store1(t, st, l, copyOf(0, at, story), copyOf(1, at.Add(time.Second), story))
	tickAt(t, l, at.Add(time.Minute))
	if n := len(r.messages()); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
	tickAt(t, l, at.Add(2*time.Hour))
	if a := storyAlert(t, st); a.State != mw.Resolved || a.ToldCount != 2 {
		t.Fatalf("after repeat_interval the story's alert is %v, told %v; want resolved, told 2", a.State, a.ToldCount)
	}
	// 17 more copies: 19 < 10 × 2, counted without a message.
	for i := 2; i < 19; i++ {
		store1(t, st, l, copyOf(i, at.Add(2*time.Hour+time.Duration(i)*time.Minute), story))
	}
	tickAt(t, l, at.Add(3*time.Hour))
	if a := storyAlert(t, st); a.State != mw.Resolved || a.Count != 19 || len(r.messages()) != 1 {
		t.Fatalf("after 17 more copies: %v, count %v, %d messages; want resolved, 19, 1", a.State, a.Count, len(r.messages()))
	}
	// The 20th: tenfold the message's 2.
	store1(t, st, l, copyOf(19, at.Add(3*time.Hour+time.Minute), story))
	tickAt(t, l, at.Add(3*time.Hour+2*time.Minute))
	msgs := r.messages()
	if len(msgs) != 2 || !strings.Contains(msgs[1], "Critical mention of acme is spreading") || !strings.Contains(msgs[1], "posted 20 times") {
		t.Fatalf("%d messages, want a 2nd headed spreading with 20 posts:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
	if a := storyAlert(t, st); a.State != mw.Firing || a.ToldCount != 20 || a.NotifyCount != 2 {
		t.Fatalf("story alert %v, told %v, notified %d; want firing, 20, 2", a.State, a.ToldCount, a.NotifyCount)
	}
	tickAt(t, l, at.Add(5*time.Hour))
	if a := storyAlert(t, st); a.State != mw.Resolved || len(r.messages()) != 2 {
		t.Fatalf("an hour after the spreading message: %v, %d messages; want resolved quietly, 2", a.State, len(r.messages()))
	}
	if n := len(criticalAlerts(t, st)); n != 1 {
		t.Fatalf("%d critical alerts, want the story's 1", n)
	}
}

// crossPost is the short critical text of author on source kind (its
// own id and link).
func crossPost(kind, author, text string, at time.Time) mw.Mention {
	m := mention(7000, at, mw.Negative, text)
	m.Source, m.Type, m.Author = kind, kind, author
	m.NativeID = kind + "-" + author
	m.URL = "https://" + kind + ".example/" + author + "/1"
	m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
	return m
}

// TestCriticalShortCrossPostAlertsOnce: a short critical post (under six
// words, so never grouped by word pairs) cross-posted by its author on
// another network, or found again by another source, is one alert: the
// same text after folding case, spaces, links, handles and punctuation.
// The later copies join it (its evidence, its count), also after a
// restart. The same short words posted by someone else on the same
// source are that person's own report and alert on their own; so does a
// short text with other numbers.
func TestCriticalShortCrossPostAlertsOnce(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{RepeatInterval: mw.Duration(48 * time.Hour)})
	x := crossPost("x", "sari", "ACME leaked my address!! https://t.co/abc", t0)
	store1(t, st, l, x)
	tickAt(t, l, t0.Add(time.Minute))
	if n := len(r.messages()); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
	masto := crossPost("mastodon", "sari@mastodon.social", "Acme leaked   my address. @acme@mastodon.social https://mastodon.social/@sari/1", t0.Add(2*time.Minute))
	other := crossPost("x", "budi", "Acme leaked my address", t0.Add(3*time.Minute))
	digits := crossPost("reviews", "sari", "Acme leaked my address 2x", t0.Add(3*time.Minute))
	store1(t, st, l, masto, other, digits)
	tickAt(t, l, t0.Add(5*time.Minute))

	// A restart: a third copy, found on a review site, joins it too.
	l2 := newLoop(st, l.out.ns, l.cfg)
	review := crossPost("reviews", "Sari", "Acme leaked my address.", t0.Add(10*time.Minute))
	store1(t, st, l2, review)
	tickAt(t, l2, t0.Add(11*time.Minute))

	if msgs := r.messages(); len(msgs) != 3 {
		t.Fatalf("%d messages, want 3 (the cross-posted text once, budi's own report, the one with a number):\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
	as := criticalAlerts(t, st)
	if len(as) != 3 {
		t.Fatalf("%d critical alerts, want 3: %+v", len(as), as)
	}
	for _, a := range as {
		if a.MentionIDs[0] != x.ID {
			continue
		}
		want := []string{x.ID, masto.ID, review.ID}
		if a.Count != 3 || strings.Join(a.MentionIDs, " ") != strings.Join(want, " ") {
			t.Errorf("the cross-posted alert counts %v with mentions %v; want 3: %v", a.Count, a.MentionIDs, want)
		}
		return
	}
	t.Fatalf("no alert for the first post: %+v", as)
}
