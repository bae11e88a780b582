package digest

import (
	"fmt"
	"strings"

	"github.com/mentionwatch/mentionwatch/alerts"
)

// Lines shared by the text, Slack and Telegram renderers, as plain text;
// each renderer escapes them for its format.

func (r *Report) title() string { return r.Subject() }

func (r *Report) zoneNote() string {
	return "Times in " + r.Window.From.Location().String() + "; compared with the previous " + r.Window.Period.Noun() + "."
}

// volumeRows are label, now, before, change.
func (r *Report) volumeRows() [][4]string {
	n, p := r.Now, r.Prev
	return [][4]string{
		{"Mentions", num(n.Count), num(p.Count), change(n.Count, p.Count)},
		{"Negative", num(n.Negative), num(p.Negative), change(n.Negative, p.Negative)},
		{"Neutral", num(n.Neutral), num(p.Neutral), change(n.Neutral, p.Neutral)},
		{"Positive", num(n.Positive), num(p.Positive), change(n.Positive, p.Positive)},
		{"Negative share", share(n.Negative, n.Count), share(p.Negative, p.Count), shareMove(n.Negative, n.Count, p.Negative, p.Count)},
		{"Mean sentiment (-1..+1)", n.meanWords(), p.meanWords(), meanMove(n, p)},
	}
}

// meanMove is how the mean sentiment moved, n/a when either period had
// no mentions.
func meanMove(n, p Totals) string {
	if n.Count == 0 || p.Count == 0 {
		return na
	}
	return fmt.Sprintf("%+.2f", n.Mean-p.Mean)
}

// bucketsLine lists the volume chart's bars in words: every day of a
// weekly digest, the hours that had mentions in a daily one. Mentions
// (negative in brackets).
func (r *Report) bucketsLine() string {
	var parts []string
	for _, b := range r.Volume {
		label := b.Start.Format("Mon 2")
		if r.Window.Period == Daily {
			if b.Total() == 0 {
				continue
			}
			label = clock(b.Start, "15:04")
		}
		parts = append(parts, fmt.Sprintf("%s: %s (%s)", label, num(b.Total()), num(b.Negative)))
	}
	head := "Per day, mentions (negative): "
	if r.Window.Period == Daily {
		head = "Per hour with mentions, mentions (negative): "
		if len(parts) == 0 {
			return "No mentions in any hour."
		}
	}
	return head + strings.Join(parts, " · ")
}

func (s Stage) line() string {
	return fmt.Sprintf("%s (%s): %s negative of %s (was %s, %s)", s.StageName(), s.Words, num(s.Negative), num(s.Count), num(s.PrevNegative), diff(s.Negative, s.PrevNegative))
}

func (a Aspect) line() string {
	return fmt.Sprintf("%s: %s negative of %s (%s), %s; %s negative", a.Words, num(a.Negative), num(a.Count), share(a.Negative, a.Count),
		a.before(), diff(a.Negative, a.PrevNegative))
}

// before is "was 4 of 15 (27%)", or "not mentioned before".
func (a Aspect) before() string {
	if a.PrevCount == 0 {
		return "not mentioned before"
	}
	return fmt.Sprintf("was %s of %s (%s)", num(a.PrevNegative), num(a.PrevCount), pct(ratio(a.PrevNegative, a.PrevCount)))
}

// NoVoice says that neither the brand nor its competitors had a mention
// in either period, when so ("" otherwise): every share would be n/a.
func (r *Report) NoVoice() string {
	if len(r.Voice) == 0 || r.Voice[0].All > 0 || r.Voice[0].PrevAll > 0 {
		return ""
	}
	return fmt.Sprintf("No mentions of %s or its competitors this %s, nor the %s before.", r.Brand, r.Window.Period.Noun(), r.Window.Period.Noun())
}

// voiceRows are the share of voice's rows, none when NoVoice says so.
func (r *Report) voiceRows() []Voice {
	if r.NoVoice() != "" {
		return nil
	}
	return r.Voice
}

func (v Voice) line() string {
	return fmt.Sprintf("%s: %s of voice (was %s, %s), %s mention%s, %s negative", v.Name, v.ShareWords(), v.PrevShareWords(), v.MoveWords(),
		num(v.Count), plural(int(min(v.Count, 2))), v.NegWords())
}

func (a Alert) line() string {
	s := fmt.Sprintf("%s %s: %s; first response %s", when(a.StartedAt), alerts.OneLine(a.Headline), alerts.OneLine(a.Why), a.ResponseWords())
	if by := alerts.OneLine(a.AckedBy); a.Acked && by != "" {
		s += " by " + by
	}
	return s
}

func (r *Report) moreAlerts() string {
	if more := r.AlertCount - len(r.Alerts); more > 0 {
		return fmt.Sprintf("and %d more in the dashboard", more)
	}
	return ""
}

// Text renders the digest as plain text (the mail's text part).
func Text(r *Report) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	head := func(s string) { line("\n%s\n%s", s, strings.Repeat("-", len([]rune(s)))) }
	line("%s", r.title())
	line("%s", r.zoneNote())
	line("")
	for _, h := range r.Highlights() {
		line("* %s", h)
	}
	head("Volume and sentiment")
	line("%-24s %10s %10s  %s", "", r.Window.Period.Noun(), "previous", "change")
	for _, row := range r.volumeRows() {
		line("%-24s %10s %10s  %s", row[0], row[1], row[2], row[3])
	}
	line("%s", r.bucketsLine())
	head("Customer journey: negative mentions by stage")
	for _, s := range r.Journey {
		line("- %s", s.line())
	}
	head("Top aspects and what changed")
	if len(r.Aspects) == 0 {
		line("No aspect was mentioned.")
	}
	for _, a := range r.Aspects {
		line("- %s", a.line())
	}
	if len(r.Voice) > 0 {
		head("Share of voice")
		if n := r.NoVoice(); n != "" {
			line("%s", n)
		}
		for _, v := range r.voiceRows() {
			line("- %s", v.line())
		}
	}
	head("Top negative mentions")
	if len(r.Top) == 0 {
		line("No negative mention.")
	}
	for i, t := range r.Top {
		line("%d. %s", i+1, t.byline())
		line("   %s", mentionText(t.Mention, mentionRunes))
		if u := t.link(); u != "" {
			line("   %s", u)
		}
	}
	head("Alerts and time to first response")
	line("%s", r.AlertSummary())
	for _, a := range r.Alerts {
		line("- %s", a.line())
		if a.Link != "" {
			line("  %s", a.Link)
		}
	}
	if m := r.moreAlerts(); m != "" {
		line("%s", m)
	}
	if r.Dashboard != "" {
		line("\nOpen the dashboard: %s", r.Dashboard)
	}
	return b.String()
}
