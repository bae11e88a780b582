package alerts

import (
	"fmt"
	"math"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// StageWords names a moment of truth in plain words, for people who do not
// know the acronyms.
func StageWords(s mw.Stage) string {
	switch s {
	case mw.ZMOT:
		return "researching before buying"
	case mw.FMOT:
		return "first impression"
	case mw.AMOT:
		return "waiting for delivery"
	case mw.SMOT:
		return "using it"
	case mw.LMOT:
		return "after use: reviews and complaints"
	}
	return "stage unknown"
}

// StageLabel is "AMOT: waiting for delivery".
func StageLabel(s mw.Stage) string {
	if s == "" || s == mw.StageUnknown {
		return StageWords(mw.StageUnknown)
	}
	return strings.ToUpper(string(s)) + ": " + StageWords(s)
}

// aspectWords explains the built-in aspects (scoring/cues.go); brands' own
// aspects show under their names.
var aspectWords = map[string]string{
	"delivery": "delivery and shipping",
	"price":    "price and value",
	"service":  "customer service",
	"quality":  "product quality",
	"app":      "the app or website",
	"refund":   "refunds and billing",
}

// AspectLabel is "delivery and shipping" for "delivery".
func AspectLabel(a string) string {
	if w, ok := aspectWords[a]; ok {
		return w
	}
	return a
}

// ScopeLabel renders a scope in plain words: "stage:amot" as "AMOT:
// waiting for delivery", "aspect:delivery" as "delivery and shipping",
// "stage+aspect:amot/delivery" as both, "brand" as "all mentions",
// "mention" as "critical mentions" (a silence of it mutes every critical
// mention of the brand), "volume" as "mention volume (drops)".
func ScopeLabel(scope string) string {
	k, v, ok := strings.Cut(scope, ":")
	switch {
	case scope == ScopeBrand:
		return "all mentions"
	case scope == ScopeMention:
		return "critical mentions"
	case scope == ScopeVolume:
		return "mention volume (drops)"
	case !ok:
		return scope
	case k == "stage":
		return StageLabel(mw.Stage(v))
	case k == "aspect":
		return AspectLabel(v)
	case k == "stage+aspect":
		st, asp, _ := strings.Cut(v, "/")
		return StageLabel(mw.Stage(st)) + " · " + AspectLabel(asp)
	}
	return v
}

// UsualRange is the range a bucket's count stays in about 90% of the time
// when the detector expects `expected`: the 5th and 95th percentiles of a
// Poisson distribution with that mean (exact up to a mean of 500, a normal
// approximation above). It turns a baseline of 0.4 into "usually 0–2".
func UsualRange(expected float64) (lo, hi int) {
	if !(expected > 0) || math.IsInf(expected, 0) {
		return 0, 0
	}
	if expected > 500 {
		sd := math.Sqrt(expected)
		return int(math.Floor(expected - 1.645*sd)), int(math.Ceil(expected + 1.645*sd))
	}
	pmf := math.Exp(-expected)
	cdf := pmf
	k := 0
	lo = -1
	for {
		if lo < 0 && cdf >= 0.05 {
			lo = k
		}
		if cdf >= 0.95 {
			return lo, k
		}
		k++
		pmf *= expected / float64(k)
		cdf += pmf
	}
}

// usualWords says what is usual for a bucket: "usually none", "usually
// about 3", "usually 0–2".
func usualWords(expected float64) string {
	lo, hi := UsualRange(expected)
	switch {
	case hi == 0:
		return "usually none"
	case lo == hi:
		return fmt.Sprintf("usually about %d", lo)
	}
	return fmt.Sprintf("usually %d–%d", lo, hi)
}

// countWords prints a count: whole numbers without decimals, real-valued
// series (shares, reach-weighted volume) with one.
func countWords(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// durWords prints a bucket or an episode length: "5 min", "1 h", "1 h 30 min".
func durWords(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// BaselineWords is the baseline in words: "40 negative in 5 min; usually
// 0–2".
func BaselineWords(count, expected float64, bucket time.Duration) string {
	return fmt.Sprintf("%s negative in %s; %s", countWords(count), durWords(bucket), usualWords(expected))
}

// timeWords prints t in loc: "Wed Dec 2 10:03 WIB". The zone's abbreviation
// is the offset ("+07") where the zone has none.
func timeWords(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon Jan 2 15:04 MST")
}

// clockWords is the time of day only: "10:03 WIB".
func clockWords(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("15:04 MST")
}

// AckedWords says who acknowledged a and when, in loc: "Acknowledged by
// dana at Wed Dec 2 10:20 WIB"; "" when nobody has. The name is the
// operator's, shown as one line (clip).
func AckedWords(a mw.Alert, loc *time.Location) string {
	if a.AckedAt.IsZero() {
		return ""
	}
	by := ""
	if a.AckedBy != "" {
		by = " by " + clip(a.AckedBy, 80)
	}
	return "Acknowledged" + by + " at " + timeWords(a.AckedAt, loc)
}

// EpisodeWords is a resolved alert's episode: "Mon May 4 08:20 WIB →
// 09:35 WIB (1 h 15 min, 47 negative mentions)", the count for a spike
// whose total is known (Alert.EpisodeTotal).
func EpisodeWords(a mw.Alert, loc *time.Location) string {
	span := durWords(a.ResolvedAt.Sub(a.StartedAt))
	if a.Kind == mw.AlertSpike && a.EpisodeTotal > 0 {
		noun := "negative mentions"
		if a.EpisodeTotal == 1 {
			noun = "negative mention"
		}
		span += fmt.Sprintf(", %s %s", countWords(a.EpisodeTotal), noun)
	}
	return fmt.Sprintf("%s → %s (%s)", timeWords(a.StartedAt, loc), clockWords(a.ResolvedAt, loc), span)
}

// closedWords is a resolved alert's episode and, for a spike or a drop,
// why it closed (Alert.Reason: a new normal, or an operator): "Episode:
// ... (25 min, 34 negative mentions); closed by dana in the dashboard
// while it still fired".
func closedWords(a mw.Alert, loc *time.Location) string {
	s := "Episode: " + EpisodeWords(a, loc)
	if a.Kind != mw.AlertCritical && a.Reason != "" {
		s += "; " + a.Reason
	}
	return s
}

// Headline is the one-line title of an alert, shared by every notifier and
// the dashboard. It holds no numbers: the baseline is said in words below.
func Headline(a mw.Alert) string {
	scope := ""
	if a.Scope != ScopeBrand && a.Scope != "" {
		scope = " (" + ScopeLabel(a.Scope) + ")"
	}
	switch {
	case a.Kind == mw.AlertCritical && a.State == mw.Resolved:
		return fmt.Sprintf("Resolved: critical mention of %s", a.Brand)
	case a.Kind == mw.AlertCritical && spreading(a):
		return fmt.Sprintf("Critical mention of %s is spreading", a.Brand)
	case a.Kind == mw.AlertCritical:
		return fmt.Sprintf("Critical mention of %s", a.Brand)
	case a.Kind == mw.AlertDrop && a.State == mw.Resolved:
		return fmt.Sprintf("Resolved: mentions of %s back to their usual level", a.Brand)
	case a.Kind == mw.AlertDrop && a.NotifyCount > 0:
		return fmt.Sprintf("Still firing: mentions of %s far below usual", a.Brand)
	case a.Kind == mw.AlertDrop:
		return fmt.Sprintf("Mentions of %s dropped far below usual", a.Brand)
	case a.State == mw.Resolved:
		return fmt.Sprintf("Resolved: negative mentions of %s%s", a.Brand, scope)
	case a.NotifyCount > 0:
		return fmt.Sprintf("Still firing: negative mentions of %s%s", a.Brand, scope)
	}
	return fmt.Sprintf("Spike in negative mentions of %s%s", a.Brand, scope)
}

// Why says why an alert fired, in one line: the critical reason, or the
// baseline in words.
func Why(a mw.Alert, bucket time.Duration) string {
	if a.Kind == mw.AlertCritical {
		why := a.Reason
		if why == "" {
			why = a.Summary
		}
		if a.Count >= 2 {
			why += fmt.Sprintf("; posted %s times (the mention and its near-copies)", humanCount(uint32(min(a.Count, math.MaxUint32))))
		}
		return why
	}
	if a.Kind == mw.AlertDrop {
		return AmountWords(a, bucket) + ". " + DropAdvice
	}
	return AmountWords(a, bucket)
}

// AmountWords is a spike's or a drop's count against its baseline, in
// words: "40 negative in 5 min; usually 0–2", "3 mentions in 5 min;
// usually 40–52".
func AmountWords(a mw.Alert, bucket time.Duration) string {
	if bucket <= 0 {
		bucket = 5 * time.Minute
	}
	if a.Kind == mw.AlertDrop {
		return DropWords(a.Count, a.Baseline, bucket)
	}
	return BaselineWords(a.Count, a.Baseline, bucket)
}
