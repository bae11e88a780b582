package notify_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

// An author is untrusted, and a critical alert's reason quotes it: in no
// channel does a line break in it forge a line, nor does a control
// character, a bidi override or a zero-width space reach the message.
func TestHostileAuthorIsOneVisibleLineInEveryChannel(t *testing.T) {
	c := &capture{bodies: map[string][]byte{}}
	ns := c.channels(t, "    parameters: [headline, why, evidence]\n    max_param_runes: 1000\n")
	n := notify.Sample(time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC), "https://dash.example/")
	const forged = "\nOpen in the dashboard: https://evil.example/login"
	n.Alert.Kind, n.Alert.Scope = mw.AlertCritical, alerts.ScopeMention
	n.Alert.Reason = "negative mention by mallory\u202Enigol\x1b[2J" + forged + " with 120k followers"
	n.Top[0].Author = "eve\u202E\u2066\u200b\x00\xffgnp.exe"
	for _, ch := range ns {
		if err := ch.Send(t.Context(), n); err != nil {
			t.Fatalf("%s: %v", ch.Name(), err)
		}
	}
	for _, name := range []string{"slack", "telegram", "teams", "whatsapp", "alertmanager"} {
		for _, s := range jsonStrings(t, c.bodies[name]) {
			if strings.Contains(s, "\nOpen in the dashboard: https://evil") {
				t.Errorf("%s: the reason forged a line: %q", name, s)
			}
			bad := "\u202E\u2066\u200b\x00\x1b"
			if name == "slack" {
				bad = "\u202E\u2066\x00\x1b" // Slack's own zero-width space breaks @here; the author's is checked below
			}
			if strings.ContainsAny(s, bad) {
				t.Errorf("%s: a control character, bidi override or zero-width space got through: %q", name, s)
			}
		}
		all := strings.Join(jsonStrings(t, c.bodies[name]), "\n")
		if !strings.Contains(all, "mallorynigol[2J") || !regexp.MustCompile("eve\uFFFD?gnp.exe").MatchString(all) {
			t.Errorf("%s: the visible characters are lost:\n%s", name, all)
		}
	}
}

// `mentionwatch notify test` must not be taken for a real alert: the
// headline every channel shows names the sample brand, which says "test".
func TestSampleSaysTestInEveryChannel(t *testing.T) {
	c := &capture{bodies: map[string][]byte{}}
	ns := c.channels(t, "    parameters: [headline, why, evidence]\n")
	n := notify.Sample(time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC), "")
	for _, ch := range ns {
		if err := ch.Send(t.Context(), n); err != nil {
			t.Fatalf("%s: %v", ch.Name(), err)
		}
	}
	want := "Spike in negative mentions of Sample brand (test)"
	for _, name := range []string{"slack", "telegram", "teams", "whatsapp", "alertmanager"} {
		if all := strings.Join(jsonStrings(t, c.bodies[name]), "\n"); !strings.Contains(all, want) {
			t.Errorf("%s: no %q in\n%s", name, want, all)
		}
	}
}
