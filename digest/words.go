package digest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
)

// num prints a count with thousands separators: 12,345.
func num(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// pct prints a share as a whole percentage: 23%.
func pct(f float64) string { return fmt.Sprintf("%.0f%%", math.Round(f*100)) }

// change prints how a count moved against the previous period: "+12%",
// "-8%", "no change", "new" (from zero), "-100%".
func change(cur, prev uint64) string {
	switch {
	case cur == prev:
		return "no change"
	case prev == 0:
		return "new"
	}
	d := (float64(cur) - float64(prev)) / float64(prev) * 100
	return fmt.Sprintf("%+.0f%%", math.Round(d))
}

// diff prints a count's difference: "+8", "-3", "±0".
func diff(cur, prev uint64) string {
	if cur == prev {
		return "±0"
	}
	return fmt.Sprintf("%+d", int64(cur)-int64(prev))
}

// points prints a change in share in percentage points: "+5 pts", the
// difference of the whole percentages pct shows (22% after 29% is -7
// pts, though the shares differ by 6.35 points).
func points(cur, prev float64) string {
	d := math.Round(cur*100) - math.Round(prev*100)
	if d == 0 {
		return "±0 pts"
	}
	return fmt.Sprintf("%+.0f pts", d)
}

// na stands for a share or a mean of no mentions, which has no value:
// "0%" or "+0.00" would read as a finding.
const na = "n/a"

// share prints part of all as pct, n/a when all is 0.
func share(part, all uint64) string {
	if all == 0 {
		return na
	}
	return pct(ratio(part, all))
}

// shareMove prints how the share part/all moved against the previous
// period, in points; n/a when either period had none.
func shareMove(cur, curAll, prev, prevAll uint64) string {
	if curAll == 0 || prevAll == 0 {
		return na
	}
	return points(ratio(cur, curAll), ratio(prev, prevAll))
}

// meanWords prints the mean sentiment score, n/a without mentions.
func (t Totals) meanWords() string {
	if t.Count == 0 {
		return na
	}
	return score(t.Mean)
}

// score prints a mean sentiment score: "+0.12", "-0.05".
func score(f float64) string {
	s := fmt.Sprintf("%+.2f", f)
	if s == "-0.00" {
		s = "+0.00"
	}
	return s
}

// Dur prints a time to first response: "45 s", "14 min", "2 h 5 min",
// "1 d 3 h".
func Dur(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 {
		return fmt.Sprintf("%d d", days)
	}
	return fmt.Sprintf("%d d %d h", days, h)
}

// ResponseWords is an alert's time to first response, or "n/a" when nobody
// acknowledged it.
func (a Alert) ResponseWords() string {
	if !a.Acked {
		return "n/a"
	}
	return Dur(a.Response)
}

// StageName is "AMOT" ("unknown" for mentions without a stage).
func (s Stage) StageName() string {
	if s.Stage == mw.StageUnknown || s.Stage == "" {
		return "unknown"
	}
	return strings.ToUpper(string(s.Stage))
}

// Subject is the mail subject: "Acme daily digest: Tue 1 Dec 2026".
func (r *Report) Subject() string {
	return fmt.Sprintf("%s %s digest: %s", r.Brand, r.Window.Period, r.Window.Title())
}

// Highlights are the digest's main findings as plain sentences, in the
// order the sections follow. Renderers escape them for their format.
func (r *Report) Highlights() []string {
	noun := r.Window.Period.Noun()
	n, p := r.Now, r.Prev
	var out []string
	switch {
	case n.Count == 0 && p.Count == 0:
		out = append(out, fmt.Sprintf("No mentions of %s this %s, nor the %s before.", r.Brand, noun, noun))
	case n.Count == 0:
		out = append(out, fmt.Sprintf("No mentions of %s this %s (%s the previous %s).", r.Brand, noun, num(p.Count), noun))
	case p.Count == 0:
		out = append(out, fmt.Sprintf("%s mentions (none the previous %s).", num(n.Count), noun))
		out = append(out, fmt.Sprintf("%s negative; mean sentiment %s.", share(n.Negative, n.Count), n.meanWords()))
	default:
		out = append(out, fmt.Sprintf("%s mentions (%s on the previous %s, %s).", num(n.Count), change(n.Count, p.Count), noun, num(p.Count)))
		out = append(out, fmt.Sprintf("%s negative (was %s, %s); mean sentiment %s (was %s).",
			share(n.Negative, n.Count), share(p.Negative, p.Count), shareMove(n.Negative, n.Count, p.Negative, p.Count), n.meanWords(), p.meanWords()))
	}
	if s, ok := r.worstStage(); ok {
		out = append(out, fmt.Sprintf("Most negatives at %s (%s): %s, was %s.", s.StageName(), s.Words, num(s.Negative), num(s.PrevNegative)))
	}
	if a, ok := r.biggestAspectMove(); ok {
		dir := "up"
		if a.Negative < a.PrevNegative {
			dir = "down"
		}
		out = append(out, fmt.Sprintf("Biggest change: %s, %s negative, %s from %s.", a.Words, num(a.Negative), dir, num(a.PrevNegative)))
	}
	if len(r.Voice) > 1 && r.Voice[0].All > 0 {
		v := r.Voice[0]
		out = append(out, fmt.Sprintf("Share of voice %s (was %s) against %d competitor%s.", v.ShareWords(), v.PrevShareWords(), len(r.Voice)-1, plural(len(r.Voice)-1)))
	}
	out = append(out, r.AlertSummary())
	return out
}

// AlertSummary is "3 alerts; 2 acknowledged, median first response 14
// min" or "No alerts.".
func (r *Report) AlertSummary() string {
	if r.AlertCount == 0 {
		return "No alerts."
	}
	med := "n/a"
	if r.Acked > 0 {
		med = Dur(r.MedianResponse)
	}
	return fmt.Sprintf("%d alert%s; %d acknowledged; median time to first response %s.", r.AlertCount, plural(r.AlertCount), r.Acked, med)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (r *Report) worstStage() (Stage, bool) {
	var best Stage
	for _, s := range r.Journey {
		if s.Negative > best.Negative {
			best = s
		}
	}
	return best, best.Negative > 0
}

func (r *Report) biggestAspectMove() (Aspect, bool) {
	var best Aspect
	var bestD int64
	for _, a := range r.Aspects {
		d := int64(a.Negative) - int64(a.PrevNegative)
		if d < 0 {
			d = -d
		}
		if d > bestD {
			best, bestD = a, d
		}
	}
	return best, bestD > 0
}

// when prints a mention's or alert's time: "Tue 1 Dec 14:03".
func when(t time.Time) string { return clock(t, "Mon 2 Jan 15:04") }

// clock formats t with layout, and the zone's abbreviation after it when
// the local time happens twice (the hour clocks go back): "02:10 CEST",
// then "02:10 CET".
func clock(t time.Time, layout string) string {
	if repeated(t) {
		layout += " MST"
	}
	return t.Format(layout)
}

// repeated says whether t's local clock reading happens twice: a change
// of offset just before or after t sets the clock back over it.
func repeated(t time.Time) bool {
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	if !start.IsZero() {
		if _, prev := start.Add(-time.Second).Zone(); prev > off && t.Sub(start) < time.Duration(prev-off)*time.Second {
			return true
		}
	}
	if !end.IsZero() {
		if _, next := end.Zone(); next < off && end.Sub(t) <= time.Duration(off-next)*time.Second {
			return true
		}
	}
	return false
}

// mentionText is a mention's title and text on one line, cut to n runes.
func mentionText(m mw.Mention, n int) string {
	return alerts.Clip(alerts.MentionBody(m), n)
}

// byline is "@author on playstore, Tue 1 Dec 14:03 (+2 similar)".
func (t Top) byline() string {
	m := t.Mention
	s := alerts.OneLine(m.Source)
	if a := alerts.OneLine(m.Author); a != "" {
		s = a + " on " + s
	}
	s += ", " + when(m.Published)
	if m.Rating > 0 {
		s += fmt.Sprintf(", %.0f★", m.Rating)
	}
	if t.Similar > 0 {
		s += fmt.Sprintf(" (+%d similar)", t.Similar)
	}
	return s
}

// link is the mention's http(s) URL, cleaned (alerts.CleanURL), or "".
func (t Top) link() string { return alerts.CleanURL(t.Mention.URL) }

// mentionRunes bounds a mention's text in a digest.
const mentionRunes = 280
