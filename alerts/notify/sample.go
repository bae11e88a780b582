package notify

import (
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
)

// Hostile is mention text that tries every channel's markup: HTML tags,
// a closing anchor, Markdown emphasis and a Slack broadcast. Every channel
// must show it as the literal text.
const Hostile = `<b>Refund NOW</b> </a><a href="https://evil.example">click</a> *bold* _it_ <!channel> & [x](https://evil.example) &amp; @here`

// SampleBrand is the brand of the sample alert. It says "test" so that the
// headline every channel shows ("Spike in negative mentions of Sample
// brand (test)") cannot be taken for a real alert.
const SampleBrand = "Sample brand (test)"

// Sample is the notification `mentionwatch notify test` sends: a firing
// spike of SampleBrand with two mentions, the first carrying Hostile text,
// the second a javascript: URL that must not become a link. Its summary
// says it is a test too. dashboard may be "".
func Sample(now time.Time, dashboard string) alerts.Notification {
	now = now.UTC().Truncate(time.Minute)
	a := mw.Alert{
		ID: "test-" + now.Format("20060102T1504"), Brand: SampleBrand, Kind: mw.AlertSpike, Scope: alerts.ScopeBrand,
		State: mw.Firing, StartedAt: now.Add(-10 * time.Minute), Count: 40, Baseline: 2, Factor: 20, NegShare: 0.8,
		Summary: "mentionwatch notify test: a sample alert, not a real one",
	}
	top := []mw.Mention{
		{ID: "m1", Source: "sample", Author: "<i>angry</i> customer", Text: "Order late again " + Hostile, URL: "https://example.com/post/1?a=1&b=2", Published: now.Add(-8 * time.Minute)},
		{ID: "m2", Source: "sample", Author: "someone", Text: "Second complaint: the javascript link in the app never loads and support is silent", URL: "javascript:alert(1)", Published: now.Add(-6 * time.Minute)},
	}
	return alerts.Notification{Alert: a, Top: top, DashboardURL: dashboard}
}
