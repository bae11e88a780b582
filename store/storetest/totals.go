package storetest

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// testTotals: per brand, over [From, To), each mention once by its latest
// version (a re-scored mention moves from neutral to negative), with the
// sum of sentiment; brands with no mention in range are absent.
func testTotals(t *testing.T, open Opener) {
	s := open(t)
	rescored := Mention("acme", "r", T0.Add(time.Minute), mw.Neutral)
	insert(t, s,
		Mention("acme", "a", T0, mw.Negative),                     // -0.6
		Mention("acme", "b", T0.Add(59*time.Minute), mw.Positive), // +0.7
		rescored, // 0, then -0.5 below
		Mention("acme", "late", T0.Add(time.Hour), mw.Negative),      // outside To
		Mention("acme", "early", T0.Add(-time.Second), mw.Negative),  // outside From
		Mention("globex", "g", T0.Add(30*time.Minute), mw.Positive),  // +0.7
		Mention("initech", "i", T0.Add(30*time.Minute), mw.Negative), // not asked for
	)
	rescored.Label, rescored.Sentiment = mw.Negative, -0.5
	insert(t, s, rescored)
	insert(t, s, Mention("acme", "a", T0, mw.Negative)) // the same mention again

	got, err := s.Totals(ctx, store.TotalsQuery{Brands: []string{"acme", "globex", "nobody"}, From: T0, To: T0.Add(time.Hour)})
	if err != nil {
		t.Fatalf("Totals: %v", err)
	}
	want := []store.BrandTotals{
		{Brand: "acme", Count: 3, Negative: 2, Neutral: 0, Positive: 1, SentimentSum: -0.6 + 0.7 - 0.5},
		{Brand: "globex", Count: 1, Positive: 1, SentimentSum: 0.7},
	}
	// Sentiment is a Float32 column: compare sums to float32 precision.
	approx := cmpopts.EquateApprox(0, 1e-6)
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("Totals (-want +got):\n%s", diff)
	}
	if m := got[0].Mean(); math.Abs(m-(-0.4/3)) > 1e-6 {
		t.Errorf("acme mean sentiment %v, want %v", m, -0.4/3)
	}
	all, err := s.Totals(ctx, store.TotalsQuery{})
	if err != nil {
		t.Fatalf("Totals(all): %v", err)
	}
	var n uint64
	for _, b := range all {
		n += b.Count
	}
	if len(all) != 3 || n != 7 {
		t.Errorf("Totals without filters: %d brands, %d mentions; want 3 brands, 7 mentions: %+v", len(all), n, all)
	}
	if (store.BrandTotals{}).Mean() != 0 {
		t.Error("Mean of no mentions is not 0")
	}
}

// testAlertsUntil: Until keeps alerts that started before it, so a digest
// reads exactly the alerts of its period.
func testAlertsUntil(t *testing.T, open Opener) {
	s := open(t)
	for i, off := range []time.Duration{-time.Hour, 0, 23 * time.Hour, 24 * time.Hour} {
		a := mw.Alert{ID: "u" + string(rune('a'+i)), Brand: "acme", Kind: mw.AlertSpike, Scope: "brand", State: mw.Resolved,
			StartedAt: T0.Add(off), UpdatedAt: T0.Add(off), ResolvedAt: T0.Add(off + time.Minute)}
		if err := s.SaveAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Alerts(ctx, store.AlertQuery{Brand: "acme", Since: T0, Until: T0.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	if diff := cmp.Diff([]string{"uc", "ub"}, ids); diff != "" {
		t.Errorf("alerts in [T0, T0+24h) (-want +got):\n%s", diff)
	}
}

// testTotalsMovedMention: a mention whose source changed its date counts
// where its latest version lies, in both stores (ClickHouse keeps the
// older row apart, and counted it in the old range too: a digest of that
// week counted a mention the inbox no longer shows there).
func testTotalsMovedMention(t *testing.T, open Opener) {
	s := open(t)
	m := Mention("acme", "moved", T0, mw.Negative)
	insert(t, s, m, Mention("acme", "stays", T0.Add(time.Minute), mw.Positive))
	m.Published, m.Label, m.Sentiment = T0.Add(2*time.Hour), mw.Neutral, 0
	insert(t, s, m)
	for _, c := range []struct {
		from, to time.Time
		want     []store.BrandTotals
	}{
		{T0, T0.Add(time.Hour), []store.BrandTotals{{Brand: "acme", Count: 1, Positive: 1, SentimentSum: 0.7}}},
		{T0.Add(time.Hour), T0.Add(3 * time.Hour), []store.BrandTotals{{Brand: "acme", Count: 1, Neutral: 1}}},
		{T0, T0.Add(3 * time.Hour), []store.BrandTotals{{Brand: "acme", Count: 2, Neutral: 1, Positive: 1, SentimentSum: 0.7}}},
	} {
		got, err := s.Totals(ctx, store.TotalsQuery{Brands: []string{"acme"}, From: c.from, To: c.to})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, got, cmpopts.EquateApprox(0, 1e-6), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Totals %s .. %s (-want +got):\n%s", c.from.Format(time.Kitchen), c.to.Format(time.Kitchen), diff)
		}
	}
}
