package digest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/digest"
	"github.com/mentionwatch/mentionwatch/digest/digesttest"
	"github.com/mentionwatch/mentionwatch/store"
)

// The hostile mention is inert in every format: no tag, link or ping of
// its own survives, and its text still shows.
func TestHostileTextIsInertInEveryFormat(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	d, err := digest.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	raw := []string{"<b>Refund", "</a><a href", "<!channel>", "<i>angry", "<https://evil", "javascript:"}
	formats := map[string]string{"html": d.HTML, "slack": d.Slack, "telegram": strings.Join(d.Telegram, "\n")}
	for name, s := range formats {
		for _, bad := range raw {
			if strings.Contains(s, bad) {
				t.Errorf("%s: hostile %q is live", name, bad)
			}
		}
		if !strings.Contains(s, "Refund NOW") || !strings.Contains(s, "click") {
			t.Errorf("%s: the hostile mention's words are missing", name)
		}
	}
	for name, s := range map[string]string{"html": d.HTML, "telegram": strings.Join(d.Telegram, "\n")} {
		if strings.Contains(s, `href="https://evil.example"`) {
			t.Errorf("%s: the hostile link is live", name)
		}
	}
	if strings.Contains(d.Slack, "*bold*") || strings.Contains(d.Slack, "@here") {
		t.Error("slack: *bold* or @here in a mention would format or ping")
	}
	if !strings.Contains(d.Text, digesttest.Hostile) {
		t.Error("text: the mention is not shown literally")
	}
	// The javascript: mention is listed without a link in every format.
	if strings.Count(d.Text, "Refund still missing") != 1 || strings.Contains(d.Text, "javascript") {
		t.Error("text: the javascript: mention should show once, without its URL")
	}
}

// Near-copies are one entry with a count; the top list is ordered by
// impact.
func TestTopMentionsGroupNearCopies(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	if len(r.Top) != digest.TopMentions {
		t.Fatalf("%d top mentions, want %d", len(r.Top), digest.TopMentions)
	}
	if r.Top[0].Mention.NativeID != "hostile" || r.Top[1].Mention.NativeID != "dup1" || r.Top[1].Similar != 2 {
		t.Errorf("top: %s, then %s with %d similar; want hostile, then dup1 with 2", r.Top[0].Mention.NativeID, r.Top[1].Mention.NativeID, r.Top[1].Similar)
	}
}

// Alerts of the period only; time to first response is ack - start, "n/a"
// when nobody acknowledged.
func TestAlertsAndResponseTimes(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	if r.AlertCount != 3 || r.Acked != 2 {
		t.Fatalf("%d alerts, %d acknowledged; want 3 and 2", r.AlertCount, r.Acked)
	}
	var got []string
	for _, a := range r.Alerts {
		got = append(got, a.ResponseWords())
	}
	if strings.Join(got, ",") != "2 h 5 min,n/a,14 min" {
		t.Errorf("responses %v, want newest first: 2 h 5 min, n/a, 14 min", got)
	}
	// Median of 14 min and 125 min.
	if r.MedianResponse != 69*time.Minute+30*time.Second {
		t.Errorf("median %v, want 1h9m30s", r.MedianResponse)
	}
}

// Volume against the previous period and share of voice, from the fixed
// data's known counts.
func TestTotalsAndShareOfVoice(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	if r.Now.Count != 28 || r.Now.Negative != 8 || r.Prev.Count != 20 || r.Prev.Negative != 4 {
		t.Errorf("now %+v, before %+v; want 28 (8 negative) and 20 (4 negative)", r.Now, r.Prev)
	}
	if len(r.Voice) != 3 || r.Voice[0].Name != "Acme" || r.Voice[0].Count != 28 || r.Voice[1].Count != 15 || r.Voice[2].Count != 5 {
		t.Fatalf("voice %+v", r.Voice)
	}
	if s := r.Voice[0].Share; s < 0.583 || s > 0.584 {
		t.Errorf("Acme's share %v, want 28/48", s)
	}
	var days uint64
	for _, b := range r.Volume {
		days += b.Total()
	}
	if len(r.Volume) != 7 || days != 28 {
		t.Errorf("%d daily buckets holding %d mentions; want 7 and 28", len(r.Volume), days)
	}
	d := build(t, seeded(t), digest.Daily, digesttest.DayEnd)
	if len(d.Volume) != 24 || d.Window.From.Day() != 25 || d.Now.Count != 6 || d.AlertCount != 1 {
		t.Errorf("daily: %d hourly buckets from %v, %d mentions, %d alerts; want 24 from 25 Nov, 6, 1", len(d.Volume), d.Window.From, d.Now.Count, d.AlertCount)
	}
}

// An empty store still makes a digest that says so, in every format, and
// shows no share or mean of nothing as a figure: "0% negative", "+0.00"
// and "0% of voice" read as findings. Before, the digest said "0%
// negative (was 0%, ±0 pts); mean sentiment +0.00" and gave every brand
// 0% of voice.
func TestEmptyDigest(t *testing.T) {
	st := emptyStore(t)
	r := build(t, st, digest.Daily, digesttest.DayEnd)
	d, err := digest.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]string{"text": d.Text, "html": d.HTML, "slack": d.Slack, "telegram": strings.Join(d.Telegram, "\n")}
	for name, s := range formats {
		for _, want := range []string{"No mentions of Acme this day, nor the day before.", "No negative mention.", "No aspect was mentioned.", "No alerts.",
			"No mentions of Acme or its competitors this day, nor the day before."} {
			if !strings.Contains(s, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, s)
			}
		}
		for _, bad := range []string{`\b0%`, `\+0\.00`, `±0 pts`} {
			if regexp.MustCompile(bad).MatchString(s) {
				t.Errorf("%s shows %q of no mentions:\n%s", name, bad, s)
			}
		}
	}
}

// A brand quiet this period after mentions in the previous one: the
// digest says so, and its negative share and mean sentiment have no value
// now (n/a), rather than 0% and +0.00 "down" from the previous period's.
func TestDigestOfAQuietPeriod(t *testing.T) {
	st := seeded(t)
	r := build(t, st, digest.Daily, digesttest.WeekEnd.Add(48*time.Hour)) // 1 Dec: nothing; 30 Nov: one
	if r.Now.Count != 0 || r.Prev.Count == 0 {
		t.Fatalf("the seeded data changed: %d mentions now, %d before", r.Now.Count, r.Prev.Count)
	}
	text := digest.Text(r)
	for _, want := range []string{"No mentions of Acme this day (1 the previous day).", "Negative share                  n/a       100%  n/a",
		"Mean sentiment (-1..+1)         n/a      -0.70  n/a"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "+0.00") || strings.Contains(text, "mean sentiment") {
		t.Errorf("text gives a mean sentiment of no mentions:\n%s", text)
	}
}

// Charts are PNGs of the stated size whose bars follow the numbers: the
// busiest day's bar is the full plot height, and each bar's negative part
// is in proportion.
func TestChartsFollowTheNumbers(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	for _, c := range digest.Charts(r) {
		img, err := png.Decode(bytes.NewReader(c.PNG))
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if b := img.Bounds(); b.Dx() != c.W || b.Dy() != c.H {
			t.Errorf("%s: %dx%d, want %dx%d", c.Name, b.Dx(), b.Dy(), c.W, c.H)
		}
	}
	img, _ := png.Decode(bytes.NewReader(digest.VolumeChart(r).PNG))
	var top uint64
	for _, b := range r.Volume {
		top = max(top, b.Total())
	}
	slot := (600 - 8) / len(r.Volume)
	const plot = 160 - 4 - 1 - 4
	for i, b := range r.Volume {
		x := 4 + i*slot + slot/2
		var neg, all int
		for y := 0; y < 160; y++ {
			rr, g, bb, _ := img.At(x, y).RGBA()
			switch {
			case rr>>8 == 0xd9 && g>>8 == 0x3f && bb>>8 == 0x3f:
				neg++
				all++
			case rr>>8 == 0xb8 && g>>8 == 0xb8, rr>>8 == 0x2e && g>>8 == 0x9e:
				all++
			}
		}
		wantAll := int(float64(b.Total())/float64(top)*plot + 0.5)
		if d := all - wantAll; d < -2 || d > 2 {
			t.Errorf("day %d: bar %d px, want about %d (%d of %d mentions)", i, all, wantAll, b.Total(), top)
		}
		wantNeg := int(float64(b.Negative)/float64(top)*plot + 0.5)
		if d := neg - wantNeg; d < -1 || d > 1 {
			t.Errorf("day %d: negative part %d px, want about %d", i, neg, wantNeg)
		}
	}
}

// Control characters and bidirectional overrides do not reach any format.
func TestControlCharactersDropped(t *testing.T) {
	st := seeded(t)
	m := digesttest.Mentions()[0]
	m.NativeID, m.ID = "ctl", mw.MentionID("Acme", "rss", "ctl")
	m.Text, m.Reach = "Bad \x1b[31mred\x1b[0m \u202Eevil\u202C end", 1000
	if err := st.InsertMentions(ctx, []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	r := build(t, st, digest.Weekly, digesttest.WeekEnd)
	d, err := digest.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{d.Text, d.HTML, d.Slack, strings.Join(d.Telegram, "")} {
		if strings.ContainsAny(s, "\x1b\u202E\u202C") {
			t.Error("a control character or bidi override reached the output")
		}
	}
	if !strings.Contains(d.Text, "Bad [31mred[0m evil end") {
		t.Errorf("text should keep the visible characters:\n%s", d.Text)
	}
}

// Telegram parts each fit the limit and together hold every section.
func TestTelegramParts(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	parts := digest.Telegram(r)
	all := strings.Join(parts, "\n\n")
	for _, p := range parts {
		if n := len([]rune(p)); n > 4096 {
			t.Errorf("part of %d characters", n)
		}
	}
	for _, h := range []string{"Volume and sentiment", "Customer journey", "Top aspects", "Share of voice", "Top negative mentions", "Alerts and time to first response"} {
		if !strings.Contains(all, h) {
			t.Errorf("telegram lacks %q", h)
		}
	}
}

// A store error names what was being read.
func TestStoreErrorsAreWrapped(t *testing.T) {
	_, err := digest.Build(ctx, failing{}, digest.Options{Brand: digesttest.Brand(), Period: digest.Daily, End: digesttest.DayEnd})
	if err == nil || !strings.Contains(err.Error(), "building the daily digest of Acme: reading totals: store down") {
		t.Errorf("error %v", err)
	}
}

type failing struct{ digest.Reader }

func (failing) Totals(context.Context, store.TotalsQuery) ([]store.BrandTotals, error) {
	return nil, errors.New("store down")
}

// A digest longer than one Telegram message is split between sections,
// each part within the limit, nothing lost.
func TestTelegramSplitsLongDigests(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	long := strings.Repeat("Sangat panjang nama merek ", 20) // 520 characters
	r.Alerts = nil
	for i := 0; i < 10; i++ {
		r.Alerts = append(r.Alerts, digest.Alert{Headline: long, Why: long, StartedAt: r.Window.From})
	}
	parts := digest.Telegram(r)
	if len(parts) < 2 {
		t.Fatalf("%d part(s) for a digest of %d characters", len(parts), len([]rune(strings.Join(parts, ""))))
	}
	for i, p := range parts {
		if n := len([]rune(p)); n > 4096 {
			t.Errorf("part %d has %d characters", i, n)
		}
		if strings.Count(p, "<b>") != strings.Count(p, "</b>") {
			t.Errorf("part %d splits a tag", i)
		}
	}
	// Each alert line is cut to 600 characters: its headline whole, its
	// reason clipped (one line: the trailing space folded away).
	if got := strings.Count(strings.Join(parts, ""), strings.TrimSpace(long)); got != 10 {
		t.Errorf("%d of 10 long headlines survived", got)
	}
}

// TestDailyHoursInAHalfHourZone: the daily digest's hours are the
// reader's hours. In India (+5:30) hourly counts aligned to UTC straddle
// two local hours, so a mention at 10:15 was counted in the 09:00 bar.
func TestDailyHoursInAHalfHourZone(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	st := emptyStore(t)
	at := time.Date(2026, 11, 25, 10, 15, 0, 0, kolkata)
	m := mw.Mention{ID: "k1", Brand: "Acme", Source: "news", Type: "rss", NativeID: "k1", Text: "Acme parcel late", Published: at, Collected: at, Label: mw.Negative, Lang: "en"}
	if err := st.InsertMentions(ctx, []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	r, err := digest.Build(ctx, st, digest.Options{Brand: digesttest.Brand(), Period: digest.Daily, End: time.Date(2026, 11, 26, 8, 0, 0, 0, kolkata), Location: kolkata})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range r.Volume {
		local := b.Start.In(kolkata).Hour()
		if want := uint64(0); local == 10 {
			want = 1
			if b.Total() != want || b.Negative != 1 {
				t.Errorf("the 10:00 bar holds %d (negative %d); want the 10:15 mention", b.Total(), b.Negative)
			}
		} else if b.Total() != want {
			t.Errorf("the %02d:00 bar holds %d; want 0", local, b.Total())
		}
	}
}

// On the day clocks go back, 02:00 to 03:00 happens twice: the digest
// tells the two apart by the zone's abbreviation (CEST, then CET), in the
// hours under the chart and at the times of mentions and alerts; other
// times carry none.
func TestRepeatedHourIsTold(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	st := emptyStore(t)
	var ms []mw.Mention
	for i, c := range []struct {
		at   time.Time
		text string
	}{
		{time.Date(2026, 10, 25, 0, 10, 0, 0, time.UTC), "Acme lost my parcel"},                  // 02:10 CEST
		{time.Date(2026, 10, 25, 1, 10, 0, 0, time.UTC), "Support at Acme never answers"},        // 02:10 CET
		{time.Date(2026, 10, 25, 9, 0, 0, 0, time.UTC), "The Acme app crashes when I check out"}, // 10:00 CET
	} {
		id, at := string(rune('a'+i)), c.at
		m := mw.Mention{Brand: "Acme", Source: "news", Type: "rss", NativeID: id, URL: "https://example.com/" + id, Author: "w",
			Text: c.text, Published: at, Collected: at, Lang: "en", Sentiment: -0.8, Label: mw.Negative, Stage: mw.AMOT, Reach: 1}
		m.ID = mw.MentionID("Acme", "rss", id)
		ms = append(ms, m)
	}
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	r, err := digest.Build(ctx, st, digest.Options{Brand: digesttest.Brand(), Period: digest.Daily, End: time.Date(2026, 10, 26, 8, 0, 0, 0, berlin),
		Location: berlin, AlertBucket: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	text := digest.Text(r)
	for _, want := range []string{"02:00 CEST: 1 (1)", "02:00 CET: 1 (1)", "10:00: 1 (1)", "Sun 25 Oct 02:10 CEST", "Sun 25 Oct 02:10 CET\n", "Sun 25 Oct 10:00\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("the digest lacks %q:\n%s", want, text)
		}
	}
}

// A change in points is the difference of the two percentages the digest
// shows beside it: "22% (was 29%, -7 pts)", never "-6 pts" from the
// unrounded shares, which a reader checking the sum takes for an error.
func TestPointsMatchTheShownPercentages(t *testing.T) {
	shown := regexp.MustCompile(`(\d+)% (?:of voice |negative )?\(was (\d+)%, ([+-]\d+|±0) pts\)`)
	for _, c := range []struct {
		p   digest.Period
		end time.Time
	}{{digest.Daily, digesttest.DayEnd}, {digest.Daily, digesttest.DayEnd.Add(24 * time.Hour)}, {digest.Weekly, digesttest.WeekEnd}} {
		text := digest.Text(build(t, seeded(t), c.p, c.end))
		found := shown.FindAllStringSubmatch(text, -1)
		if len(found) < 4 {
			t.Fatalf("%d shares with a change in %s digest ending %s:\n%s", len(found), c.p, c.end, text)
		}
		for _, m := range found {
			now, _ := strconv.Atoi(m[1])
			was, _ := strconv.Atoi(m[2])
			want := fmt.Sprintf("%+d", now-was)
			if now == was {
				want = "±0"
			}
			if m[3] != want {
				t.Errorf("%q: the change is %s pts by the percentages shown", m[0], want)
			}
		}
	}
}
