package alerts

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// An episode that resolved because it lasted two days says so: the level
// has not gone away, it is the new baseline.
func TestResolvedAsNewNormalSaysSo(t *testing.T) {
	// The episode walk sets the reason when a series was rebaselined.
	e := newEpisodes(5 * time.Minute)
	start := t0
	fire := []seriesDecision{{scope: ScopeBrand, d: Decision{Onset: true, Firing: true, Score: 9, Threshold: 4}, c: counts{neg: 30, total: 40}}}
	done := []seriesDecision{{scope: ScopeBrand, d: Decision{Resolved: true, Rebaselined: true}, c: counts{neg: 28, total: 40}}}
	view := func(_ string, b time.Time) []seriesDecision {
		if b.Before(start.Add(2 * 24 * time.Hour)) {
			return fire
		}
		return done
	}
	changed := e.walk("Kopi Senja", start, start.Add(2*24*time.Hour+5*time.Minute), view, nil, func(*mw.Alert, *seriesDecision) {})
	if len(changed) != 1 || changed[0].State != mw.Resolved || changed[0].Reason != NewNormalReason {
		b, _ := json.Marshal(changed)
		t.Fatalf("walk: %s", b)
	}

	n := waveNotification()
	n.Alert.State, n.Alert.ResolvedAt, n.Alert.Reason = mw.Resolved, n.Alert.StartedAt.Add(48*time.Hour), NewNormalReason
	text, blocks := SlackMessage(n)
	raw, _ := json.Marshal(blocks)
	if !strings.Contains(string(raw), "now the baseline") {
		t.Errorf("Slack blocks do not say the level is the new baseline: %s (%s)", raw, text)
	}
	if c := ContentOf(Presentation{}, n); !strings.Contains(c.When, "now the baseline") {
		t.Errorf("content: %q", c.When)
	}
}
