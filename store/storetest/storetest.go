// Package storetest is the conformance suite every store.Store passes: the
// embedded SQLite store and ClickHouse run the same tests, so the alert loop,
// the scheduler and the dashboard can rely on the same behaviour.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// Opener returns a fresh, migrated, empty store for one subtest. It
// registers its own cleanup.
type Opener func(t *testing.T) store.Store

// T0 is the suite's reference time: whole seconds, since ClickHouse
// DateTime keeps seconds.
var T0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// Mention returns a complete mention for tests.
func Mention(brand, native string, at time.Time, label mw.Label) mw.Mention {
	m := mw.Mention{
		Brand: brand, Source: "news", Type: "rss", NativeID: native,
		URL: "https://example.com/" + native, Author: "author-" + native, AuthorReach: 120,
		Title: "Title " + native, Text: "Text about " + brand + " «ünïcode» 'quotes' <b>", Rating: 0,
		Published: at, Collected: at.Add(time.Minute),
		Lang: "en", Sentiment: 0, Label: label, Stage: mw.SMOT, StageConfidence: 0.5,
		Aspects: []string{"quality"}, Reach: 1,
	}
	switch label {
	case mw.Negative:
		m.Sentiment = -0.6
	case mw.Positive:
		m.Sentiment = 0.7
	}
	m.ID = mw.MentionID(brand, m.Type, native)
	return m
}

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	t.Run("MigrateTwice", func(t *testing.T) { testMigrateTwice(t, open) })
	t.Run("InsertRoundTrip", func(t *testing.T) { testInsertRoundTrip(t, open) })
	t.Run("Dedupe", func(t *testing.T) { testDedupe(t, open) })
	t.Run("MentionFilters", func(t *testing.T) { testMentionFilters(t, open) })
	t.Run("ImpactOrder", func(t *testing.T) { testImpactOrder(t, open) })
	t.Run("FiltersSeeLatestVersion", func(t *testing.T) { testFiltersSeeLatestVersion(t, open) })
	t.Run("FiltersAsModel", func(t *testing.T) { testFiltersAsModel(t, open) }) // model.go
	t.Run("Series", func(t *testing.T) { testSeries(t, open) })
	runZones(t, open) // zones.go
	t.Run("SourceState", func(t *testing.T) { testSourceState(t, open) })
	t.Run("Alerts", func(t *testing.T) { testAlerts(t, open) })
	t.Run("Silences", func(t *testing.T) { testSilences(t, open) })
	t.Run("UntrustedText", func(t *testing.T) { testUntrustedText(t, open) })
	t.Run("NonFiniteScores", func(t *testing.T) { testNonFiniteScores(t, open) }) // edges.go
	t.Run("InvalidUTF8", func(t *testing.T) { testInvalidUTF8(t, open) })
	t.Run("HugeValues", func(t *testing.T) { testHugeValues(t, open) })
	t.Run("TimeEdges", func(t *testing.T) { testTimeEdges(t, open) })
	t.Run("SubSecondTimes", func(t *testing.T) { testSubSecondTimes(t, open) })
	t.Run("RepeatedAspects", func(t *testing.T) { testRepeatedAspects(t, open) })
	runInbox(t, open)
	t.Run("CollectedSince", func(t *testing.T) { testCollectedSince(t, open) })
	t.Run("Watermark", func(t *testing.T) { testWatermark(t, open) })
	runUsers(t, open) // users.go
	t.Run("Deliveries", func(t *testing.T) { testDeliveries(t, open) })
	t.Run("DeliveryTies", func(t *testing.T) { testDeliveryTies(t, open) })
	t.Run("Totals", func(t *testing.T) { testTotals(t, open) })
	t.Run("TotalsMovedMention", func(t *testing.T) { testTotalsMovedMention(t, open) })
	t.Run("AlertsUntil", func(t *testing.T) { testAlertsUntil(t, open) })
	t.Run("AuthorKey", func(t *testing.T) { testAuthorKey(t, open) }) // authors.go
	t.Run("AuthorHistoryLatestVersion", func(t *testing.T) { testAuthorHistoryLatestVersion(t, open) })
	t.Run("AuthorHistoryRenamed", func(t *testing.T) { testAuthorHistoryRenamed(t, open) })
	runHostile(t, open)                                                           // hostile.go
	t.Run("SearchAsMatcher", func(t *testing.T) { testSearchAsMatcher(t, open) }) // searchtext.go
}

// testCollectedSince: the alert loop pages through what was stored since
// its watermark, oldest collected first, each mention once, whatever its
// published time (a late review published days ago comes in order of
// collection).
func testCollectedSince(t *testing.T, open Opener) {
	s := open(t)
	late := Mention("acme", "late", T0.Add(-72*time.Hour), mw.Positive)
	late.Collected = T0.Add(2 * time.Minute)
	before := Mention("acme", "before", T0, mw.Negative)
	before.Collected = T0.Add(-time.Hour)
	a := Mention("acme", "a", T0, mw.Negative)
	a.Collected = T0.Add(time.Minute)
	other := Mention("globex", "g", T0, mw.Negative)
	other.Collected = T0.Add(3 * time.Minute)
	insert(t, s, late, before, a, other)
	insert(t, s, a) // collected twice
	got := query(t, s, store.MentionQuery{Brands: []string{"acme"}, CollectedFrom: T0, OrderBy: store.ByCollected, Limit: 10})
	if diff := cmp.Diff([]string{"a", "late"}, ids(got)); diff != "" {
		t.Errorf("collected since T0 (-want +got):\n%s", diff)
	}
	got = query(t, s, store.MentionQuery{CollectedFrom: T0, From: T0.Add(-24 * time.Hour), OrderBy: store.ByCollected, Limit: 10})
	if diff := cmp.Diff([]string{"a", "g"}, ids(got)); diff != "" {
		t.Errorf("collected since T0, published in the last day (-want +got):\n%s", diff)
	}
	got = query(t, s, store.MentionQuery{CollectedFrom: T0, Label: mw.Negative})
	if diff := cmp.Diff([]string{"a", "g"}, ids(got)); len(got) != 2 || (diff != "" && cmp.Diff([]string{"g", "a"}, ids(got)) != "") {
		t.Errorf("collected since T0, negative, by published: %v", ids(got))
	}
}

func testWatermark(t *testing.T, open Opener) {
	s := open(t)
	got, err := s.Watermark(ctx, "alerts.collected")
	if err != nil || !got.IsZero() {
		t.Fatalf("unset watermark: %v, %v; want the zero time", got, err)
	}
	for _, at := range []time.Time{T0, T0.Add(90 * time.Second)} {
		if err := s.SaveWatermark(ctx, "alerts.collected", at); err != nil {
			t.Fatalf("SaveWatermark: %v", err)
		}
	}
	if err := s.SaveWatermark(ctx, "other", T0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err = s.Watermark(ctx, "alerts.collected")
	if err != nil || !got.Equal(T0.Add(90*time.Second)) {
		t.Fatalf("watermark: %v, %v; want the last saved %v", got, err, T0.Add(90*time.Second))
	}
}

// testDeliveries: the delivery log keeps every record, once, with its
// fields; filters by alert and time; the newest Limit records, oldest first.
func testDeliveries(t *testing.T, open Opener) {
	s := open(t)
	recs := []mw.Delivery{
		{Key: "a1:firing:1", AlertID: "a1", Receiver: "slack", Status: mw.DeliveryQueued, At: T0},
		{Key: "a1:firing:1", AlertID: "a1", Receiver: "telegram", Status: mw.DeliveryQueued, At: T0},
		{Key: "a1:firing:1", AlertID: "a1", Receiver: "slack", Attempt: 1, Status: mw.DeliverySent, At: T0.Add(time.Second)},
		{Key: "a1:firing:1", AlertID: "a1", Receiver: "telegram", Attempt: 1, Status: mw.DeliveryRetrying,
			Error: "telegram: rate limited (HTTP 429, retry after 5s) <b>x</b> 'quote", At: T0.Add(2 * time.Second), NextAt: T0.Add(7 * time.Second)},
		{Key: "a2:firing:1", AlertID: "a2", Receiver: "email", Status: mw.DeliveryDelayed, Error: "quiet hours", At: T0.Add(3 * time.Second), NextAt: T0.Add(8 * time.Hour)},
	}
	for _, d := range recs {
		if err := s.SaveDelivery(ctx, d); err != nil {
			t.Fatalf("SaveDelivery: %v", err)
		}
	}
	if err := s.SaveDelivery(ctx, recs[2]); err != nil { // saved twice: kept once
		t.Fatal(err)
	}
	got, err := s.Deliveries(ctx, store.DeliveryQuery{AlertIDs: []string{"a1"}})
	if err != nil {
		t.Fatalf("Deliveries: %v", err)
	}
	if len(got) != 4 {
		t.Fatalf("%d records of a1, want 4: %+v", len(got), got)
	}
	if !reflect.DeepEqual(got[3], recs[3]) {
		t.Errorf("last record of a1:\n got %+v\nwant %+v", got[3], recs[3])
	}
	if got[2].Status != mw.DeliverySent || got[0].Status != mw.DeliveryQueued {
		t.Errorf("not oldest first: %+v", got)
	}
	all, err := s.Deliveries(ctx, store.DeliveryQuery{Since: T0.Add(2 * time.Second)})
	if err != nil || len(all) != 2 || all[1].AlertID != "a2" {
		t.Fatalf("since T0+2s: %+v, %v", all, err)
	}
	newest, err := s.Deliveries(ctx, store.DeliveryQuery{Limit: 2})
	if err != nil || len(newest) != 2 || newest[0].Receiver != "telegram" || newest[1].Receiver != "email" {
		t.Fatalf("limit 2: %+v, %v", newest, err)
	}
}

var ctx = context.Background()

func insert(t *testing.T, s store.Store, ms ...mw.Mention) {
	t.Helper()
	if err := s.InsertMentions(ctx, ms); err != nil {
		t.Fatalf("InsertMentions: %v", err)
	}
}

func query(t *testing.T, s store.Store, q store.MentionQuery) []mw.Mention {
	t.Helper()
	got, err := s.Mentions(ctx, q)
	if err != nil {
		t.Fatalf("Mentions(%+v): %v", q, err)
	}
	return got
}

func ids(ms []mw.Mention) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.NativeID
	}
	return out
}

var floatOpt = cmpopts.EquateApprox(0, 1e-5)

func testMigrateTwice(t *testing.T, open Opener) {
	s := open(t)
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	insert(t, s, Mention("acme", "a", T0, mw.Neutral))
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("third Migrate: %v", err)
	}
	if got := query(t, s, store.MentionQuery{}); len(got) != 1 {
		t.Fatalf("after re-migrating: %d mentions, want 1 (migrations must keep data)", len(got))
	}
}

func testInsertRoundTrip(t *testing.T, open Opener) {
	s := open(t)
	m := Mention("acme", "rt", T0, mw.Negative)
	m.Rating = 2
	m.AuthorReach = 4_000_000_000
	m.Aspects = []string{"delivery", "price"}
	m.Title = "Paket belum sampai 😡 — kecewa"
	m.Stage = mw.AMOT
	m.Lang, m.LangHint, m.LangBy = "id", "id", mw.LangByHint
	none := Mention("acme", "noaspect", T0.Add(time.Second), mw.Neutral)
	none.Aspects = nil
	insert(t, s, m, none)
	got := query(t, s, store.MentionQuery{IDs: []string{m.ID}})
	if len(got) != 1 {
		t.Fatalf("got %d mentions, want 1", len(got))
	}
	if diff := cmp.Diff(m, got[0], floatOpt); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	got = query(t, s, store.MentionQuery{IDs: []string{none.ID}})
	if len(got) != 1 || len(got[0].Aspects) != 0 {
		t.Fatalf("mention without aspects: got %+v", got)
	}
}

func testDedupe(t *testing.T, open Opener) {
	s := open(t)
	a := Mention("acme", "dup", T0, mw.Neutral)
	insert(t, s, a, Mention("acme", "other", T0, mw.Neutral))
	a2 := a
	a2.Text = "edited"
	a2.Collected = a.Collected.Add(time.Hour)
	insert(t, s, a2)
	insert(t, s, a2) // a replayed batch
	got := query(t, s, store.MentionQuery{})
	if len(got) != 2 {
		t.Fatalf("got %d mentions after re-inserting, want 2 (dedupe by id)", len(got))
	}
	got = query(t, s, store.MentionQuery{IDs: []string{a.ID}})
	if len(got) != 1 || got[0].Text != "edited" {
		t.Fatalf("re-inserted mention: got %+v, want the latest text", got)
	}
	// The same post for two brands is two mentions.
	b := Mention("globex", "dup", T0, mw.Neutral)
	insert(t, s, b)
	if got := query(t, s, store.MentionQuery{}); len(got) != 3 {
		t.Fatalf("same native id, two brands: %d mentions, want 3", len(got))
	}
}

func testMentionFilters(t *testing.T, open Opener) {
	s := open(t)
	var all []mw.Mention
	for i := 0; i < 6; i++ {
		m := Mention("acme", fmt.Sprintf("m%d", i), T0.Add(time.Duration(i)*time.Hour), []mw.Label{mw.Negative, mw.Positive, mw.Neutral}[i%3])
		if i%2 == 0 {
			m.Stage, m.Aspects = mw.AMOT, []string{"delivery"}
		}
		if i == 5 {
			m.Author, m.Source = "pat", "forum"
		}
		all = append(all, m)
	}
	g := Mention("globex", "g0", T0.Add(90*time.Minute), mw.Negative)
	g.Author = "pat"
	all = append(all, g)
	insert(t, s, all...)

	cases := []struct {
		name string
		q    store.MentionQuery
		want []string // newest first
	}{
		{"all", store.MentionQuery{}, []string{"m5", "m4", "m3", "m2", "g0", "m1", "m0"}},
		{"brand", store.MentionQuery{Brands: []string{"globex"}}, []string{"g0"}},
		{"brands", store.MentionQuery{Brands: []string{"globex", "acme"}, Limit: 2}, []string{"m5", "m4"}},
		{"range", store.MentionQuery{From: T0.Add(time.Hour), To: T0.Add(3 * time.Hour)}, []string{"m2", "g0", "m1"}},
		{"label", store.MentionQuery{Label: mw.Negative}, []string{"m3", "g0", "m0"}},
		{"stage", store.MentionQuery{Stage: mw.AMOT}, []string{"m4", "m2", "m0"}},
		{"aspect", store.MentionQuery{Aspect: "delivery", Label: mw.Negative}, []string{"m0"}},
		{"author across brands", store.MentionQuery{Author: "pat"}, []string{"m5", "g0"}},
		{"source", store.MentionQuery{Source: "forum"}, []string{"m5"}},
		{"ids", store.MentionQuery{IDs: []string{all[1].ID, all[3].ID}}, []string{"m3", "m1"}},
		{"none", store.MentionQuery{Brands: []string{"nobody"}}, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ids(query(t, s, c.q))
			if diff := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Filters and ranking see only the latest version of a mention, even when
// many older versions would rank first, when the latest moved out of the
// time range, or when it changed author.
func testFiltersSeeLatestVersion(t *testing.T, open Opener) {
	s := open(t)
	var first, later []mw.Mention
	for i := 0; i < 60; i++ {
		m := Mention("acme", fmt.Sprintf("v%02d", i), T0.Add(time.Duration(i)*time.Minute), mw.Negative)
		m.Reach = float32(100 - i) // v00 has the highest impact
		m.Author = "old-author"
		first = append(first, m)
		if i < 50 { // rescored: no longer negative, and by another author
			m.Label, m.Sentiment, m.Author = mw.Positive, 0.5, "new-author"
			later = append(later, m)
		}
	}
	insert(t, s, first...)
	insert(t, s, later...)
	got := ids(query(t, s, store.MentionQuery{Brands: []string{"acme"}, Label: mw.Negative, OrderBy: store.ByImpact, Limit: 3}))
	if diff := cmp.Diff([]string{"v50", "v51", "v52"}, got); diff != "" {
		t.Errorf("top negative by impact after rescoring (-want +got):\n%s", diff)
	}
	got = ids(query(t, s, store.MentionQuery{Author: "old-author", Limit: 100}))
	if len(got) != 10 || got[0] != "v59" || got[9] != "v50" {
		t.Errorf("old author's mentions: %v, want v59..v50", got)
	}
	if n := len(query(t, s, store.MentionQuery{Author: "new-author", Limit: 100})); n != 50 {
		t.Errorf("new author's mentions: %d, want 50", n)
	}
	// The latest version of v59 moved a day later: a range that holds only
	// its old time no longer finds it.
	moved := first[59]
	moved.Published = moved.Published.Add(24 * time.Hour)
	insert(t, s, moved)
	got = ids(query(t, s, store.MentionQuery{From: T0.Add(59 * time.Minute), To: T0.Add(time.Hour)}))
	if len(got) != 0 {
		t.Errorf("range holding only an old version's time: got %v, want none", got)
	}
	got = ids(query(t, s, store.MentionQuery{From: T0.Add(24 * time.Hour), To: T0.Add(25 * time.Hour)}))
	if diff := cmp.Diff([]string{"v59"}, got); diff != "" {
		t.Errorf("range holding the latest version's time (-want +got):\n%s", diff)
	}
}

func testImpactOrder(t *testing.T, open Opener) {
	s := open(t)
	small := Mention("acme", "small", T0, mw.Negative) // -0.6 × 1
	big := Mention("acme", "big", T0.Add(-time.Hour), mw.Negative)
	big.Reach = 10 // -0.6 × 10
	angry := Mention("acme", "angry", T0.Add(-2*time.Hour), mw.Negative)
	angry.Sentiment = -0.95 // -0.95 × 1
	happy := Mention("acme", "happy", T0.Add(time.Hour), mw.Positive)
	happy.Reach = 100
	insert(t, s, small, big, angry, happy)
	got := ids(query(t, s, store.MentionQuery{OrderBy: store.ByImpact}))
	want := []string{"big", "angry", "small", "happy"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("impact order (-want +got):\n%s", diff)
	}
}

func testSeries(t *testing.T, open Opener) {
	s := open(t)
	var ms []mw.Mention
	// Bucket 10:00 holds 3 (2 negative, one about delivery+price), 10:05 holds 1, 10:15 holds 2.
	add := func(native string, off time.Duration, l mw.Label, brand string, aspects ...string) {
		m := Mention(brand, native, T0.Add(off), l)
		m.Aspects = aspects
		ms = append(ms, m)
	}
	add("a", 0, mw.Negative, "acme", "delivery", "price")
	add("b", 2*time.Minute, mw.Negative, "acme", "delivery")
	add("c", 4*time.Minute+59*time.Second, mw.Positive, "acme")
	add("d", 5*time.Minute, mw.Neutral, "acme", "price")
	add("e", 15*time.Minute, mw.Negative, "acme")
	add("f", 16*time.Minute, mw.Negative, "globex", "delivery")
	add("late", 30*time.Minute, mw.Negative, "acme") // outside To
	insert(t, s, ms...)

	series := func(q store.SeriesQuery) []store.SeriesPoint {
		t.Helper()
		got, err := s.Series(ctx, q)
		if err != nil {
			t.Fatalf("Series(%+v): %v", q, err)
		}
		return got
	}
	p := func(off time.Duration, brand, key string, n, neg uint64) store.SeriesPoint {
		return store.SeriesPoint{Bucket: T0.Add(off), Brand: brand, Key: key, Count: n, Negative: neg}
	}
	to := T0.Add(20 * time.Minute)
	got := series(store.SeriesQuery{Brands: []string{"acme"}, From: T0, To: to, Step: 5 * time.Minute})
	want := []store.SeriesPoint{p(0, "acme", "", 3, 2), p(5*time.Minute, "acme", "", 1, 0), p(15*time.Minute, "acme", "", 1, 1)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("5m buckets (-want +got):\n%s", diff)
	}

	got = series(store.SeriesQuery{From: T0, To: to, GroupBy: store.GroupBrand})
	want = []store.SeriesPoint{p(0, "acme", "acme", 5, 3), p(0, "globex", "globex", 1, 1)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("one bucket by brand (-want +got):\n%s", diff)
	}

	got = series(store.SeriesQuery{Brands: []string{"acme"}, From: T0, To: to, GroupBy: store.GroupAspect})
	want = []store.SeriesPoint{p(0, "acme", "delivery", 2, 2), p(0, "acme", "price", 2, 1)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("by aspect (-want +got):\n%s", diff)
	}

	got = series(store.SeriesQuery{Brands: []string{"acme"}, From: T0, To: to, Step: time.Hour, GroupBy: store.GroupLabel})
	want = []store.SeriesPoint{p(0, "acme", "negative", 3, 3), p(0, "acme", "neutral", 1, 0), p(0, "acme", "positive", 1, 0)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hourly by label (-want +got):\n%s", diff)
	}

	for _, g := range []string{store.GroupStage, store.GroupSource, store.GroupLang} {
		got = series(store.SeriesQuery{Brands: []string{"acme"}, From: T0, To: to, GroupBy: g})
		if len(got) != 1 || got[0].Count != 5 || got[0].Negative != 3 {
			t.Errorf("group %s: got %+v, want one key with 5 mentions, 3 negative", g, got)
		}
	}
	// Buckets wider than an hour (the dashboard's 6h steps over 30 days,
	// and one bucket over the range) count a mention written twice once,
	// whichever way the store adds them up.
	insert(t, s, ms[0], ms[1]) // collected again
	day := T0.Truncate(6 * time.Hour)
	got = series(store.SeriesQuery{Brands: []string{"acme", "globex"}, From: day, To: to, Step: 6 * time.Hour})
	want = []store.SeriesPoint{{Bucket: day, Brand: "acme", Count: 5, Negative: 3}, {Bucket: day, Brand: "globex", Count: 1, Negative: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("6h buckets, two mentions written twice (-want +got):\n%s", diff)
	}
	got = series(store.SeriesQuery{From: T0, To: to, GroupBy: store.GroupBrand})
	want = []store.SeriesPoint{p(0, "acme", "acme", 5, 3), p(0, "globex", "globex", 1, 1)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("one bucket by brand, two mentions written twice (-want +got):\n%s", diff)
	}

	if _, err := s.Series(ctx, store.SeriesQuery{From: T0, To: to, GroupBy: "nonsense"}); err == nil {
		t.Error("unknown group: no error")
	}
}

func testSourceState(t *testing.T, open Opener) {
	s := open(t)
	st, err := s.SourceState(ctx, "never")
	if err != nil {
		t.Fatalf("SourceState of a source that never ran: %v", err)
	}
	if diff := cmp.Diff(store.SourceState{Source: "never"}, st, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("never ran (-want +got):\n%s", diff)
	}
	want := store.SourceState{
		Source: "news", Type: "rss",
		Cursor: mw.Cursor{LastID: "42", LastTime: T0, ETag: `W/"abc"`, LastModified: "Mon, 02 Mar 2026 10:00:00 GMT",
			Seen: []string{"a", "b"}, Extra: map[string]string{"q:acme": "17"}},
		LastRun: T0.Add(time.Minute), LastSuccess: T0, LastError: "HTTP 500 from example.com", LastErrorAt: T0.Add(time.Minute),
		ItemsLastRun: 3, TotalItems: 1 << 40, ConsecutiveErrors: 2,
	}
	if err := s.SaveSourceState(ctx, want); err != nil {
		t.Fatalf("SaveSourceState: %v", err)
	}
	got, err := s.SourceState(ctx, "news")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// A later save replaces the earlier one.
	want.Cursor.LastID, want.ConsecutiveErrors, want.LastError = "43", 0, ""
	if err := s.SaveSourceState(ctx, want); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSourceState(ctx, store.SourceState{Source: "appstore", Type: "appstore"}); err != nil {
		t.Fatal(err)
	}
	all, err := s.SourceStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Source != "appstore" || all[1].Source != "news" || all[1].Cursor.LastID != "43" {
		t.Fatalf("SourceStates: got %+v, want appstore then news with the latest cursor", all)
	}
	// Several sources in one write; a source listed twice keeps the later
	// entry.
	batch := []store.SourceState{
		{Source: "news", Type: "rss", Cursor: mw.Cursor{LastID: "44"}, ItemsLastRun: 1},
		{Source: "hn", Type: "hackernews", Cursor: mw.Cursor{LastID: "9"}},
		{Source: "news", Type: "rss", Cursor: mw.Cursor{LastID: "45"}, ItemsLastRun: 2},
	}
	if err := s.SaveSourceStates(ctx, batch); err != nil {
		t.Fatalf("SaveSourceStates: %v", err)
	}
	all, err = s.SourceStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].Source != "appstore" || all[1].Source != "hn" || all[1].Cursor.LastID != "9" ||
		all[2].Source != "news" || all[2].Cursor.LastID != "45" || all[2].ItemsLastRun != 2 {
		t.Fatalf("after SaveSourceStates: got %+v, want appstore, hn, then news with the later entry", all)
	}
}

func testAlerts(t *testing.T, open Opener) {
	s := open(t)
	if _, err := s.Alert(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Alert(missing): %v, want ErrNotFound", err)
	}
	a := mw.Alert{
		ID: "acme-spike-1", Brand: "acme", Kind: mw.AlertSpike, Scope: "aspect:delivery", State: mw.Firing,
		StartedAt: T0, UpdatedAt: T0, Count: 12, Baseline: 2.5, Factor: 4.8, NegShare: 0.75,
		Summary: "12 negative mentions about delivery", MentionIDs: []string{"x", "y"},
		Breakdown: map[string]uint64{"stage:amot": 10, "aspect:delivery": 12},
		Reason:    `mentions "keracunan" (poisoning)`,
	}
	if err := s.SaveAlert(ctx, a); err != nil {
		t.Fatalf("SaveAlert: %v", err)
	}
	a.NotifiedState, a.NotifiedAt, a.NotifyCount, a.ToldCount = mw.Firing, T0.Add(time.Second), 1, 12
	a.UpdatedAt, a.EpisodeTotal = T0.Add(time.Second), 47
	if err := s.SaveAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.Alert(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, got); diff != "" {
		t.Errorf("latest version (-want +got):\n%s", diff)
	}
	old := mw.Alert{ID: "old", Brand: "acme", Kind: mw.AlertCritical, Scope: "mention", State: mw.Resolved,
		StartedAt: T0.Add(-48 * time.Hour), UpdatedAt: T0.Add(-47 * time.Hour), ResolvedAt: T0.Add(-47 * time.Hour)}
	oldFiring := mw.Alert{ID: "old-firing", Brand: "acme", Kind: mw.AlertSpike, Scope: "brand", State: mw.Firing,
		StartedAt: T0.Add(-72 * time.Hour), UpdatedAt: T0}
	other := mw.Alert{ID: "globex", Brand: "globex", Kind: mw.AlertSpike, Scope: "brand", State: mw.Firing,
		StartedAt: T0.Add(time.Hour), UpdatedAt: T0.Add(time.Hour)}
	for _, x := range []mw.Alert{old, oldFiring, other} {
		if err := s.SaveAlert(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	alertIDs := func(q store.AlertQuery) []string {
		t.Helper()
		as, err := s.Alerts(ctx, q)
		if err != nil {
			t.Fatalf("Alerts(%+v): %v", q, err)
		}
		var out []string
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	cases := []struct {
		name string
		q    store.AlertQuery
		want []string
	}{
		{"all newest first", store.AlertQuery{}, []string{"globex", "acme-spike-1", "old", "old-firing"}},
		{"brand", store.AlertQuery{Brand: "acme"}, []string{"acme-spike-1", "old", "old-firing"}},
		{"firing", store.AlertQuery{State: mw.Firing}, []string{"globex", "acme-spike-1", "old-firing"}},
		{"since keeps firing", store.AlertQuery{Since: T0.Add(-time.Hour)}, []string{"globex", "acme-spike-1", "old-firing"}},
		{"limit", store.AlertQuery{Limit: 1}, []string{"globex"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, alertIDs(c.q)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// Resolving replaces the firing version.
	a.State, a.ResolvedAt, a.UpdatedAt = mw.Resolved, T0.Add(time.Hour), T0.Add(time.Hour)
	if err := s.SaveAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"globex", "old-firing"}, alertIDs(store.AlertQuery{State: mw.Firing})); diff != "" {
		t.Errorf("after resolving (-want +got):\n%s", diff)
	}
	// An operator acknowledges; the alert loop then saves the version it
	// held, read before the acknowledgement: the acknowledgement stays.
	acked := other
	acked.AckedAt, acked.AckedBy = T0.Add(2*time.Hour), "dina"
	if err := s.SaveAlert(ctx, acked); err != nil {
		t.Fatal(err)
	}
	held := other
	held.Count, held.UpdatedAt = 40, T0.Add(3*time.Hour)
	if err := s.SaveAlert(ctx, held); err != nil {
		t.Fatal(err)
	}
	got, err = s.Alert(ctx, other.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := held
	want.AckedAt, want.AckedBy = acked.AckedAt, acked.AckedBy
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("a save without an acknowledgement after one (-want +got):\n%s", diff)
	}
}

func testSilences(t *testing.T, open Opener) {
	s := open(t)
	// a was made from an alert: it keeps the alert's id (Silence.AlertID).
	a := mw.Silence{ID: "s1", Brand: "acme", Scope: "aspect:delivery", AlertID: "spike-acme-1", Until: T0.Add(2 * time.Hour), Reason: "known courier outage", CreatedBy: "ops", CreatedAt: T0}
	b := mw.Silence{ID: "s2", Until: T0.Add(time.Hour), Reason: "maintenance", CreatedAt: T0}
	for _, x := range []mw.Silence{a, b} {
		if err := s.SaveSilence(ctx, x); err != nil {
			t.Fatalf("SaveSilence: %v", err)
		}
	}
	got, err := s.Silences(ctx, T0.Add(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]mw.Silence{b, a}, got); diff != "" {
		t.Errorf("active at +30m (-want +got):\n%s", diff)
	}
	got, err = s.Silences(ctx, T0.Add(90*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]mw.Silence{a}, got); diff != "" {
		t.Errorf("active at +90m (-want +got):\n%s", diff)
	}
	// Lifting a silence early replaces it.
	a.Until = T0.Add(45 * time.Minute)
	if err := s.SaveSilence(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Silences(ctx, T0.Add(90*time.Minute))
	if len(got) != 0 {
		t.Errorf("lifted silence still active: %+v", got)
	}
}

// testUntrustedText checks that SQL metacharacters in values are data.
func testUntrustedText(t *testing.T, open Opener) {
	s := open(t)
	m := Mention("acme", "evil", T0, mw.Negative)
	m.Author = `x'); DROP TABLE mentions; --`
	m.Text = `'; DELETE FROM mentions WHERE '1'='1 \' \\ ` + "\x00 nul"
	insert(t, s, m)
	got := query(t, s, store.MentionQuery{Author: m.Author})
	if len(got) != 1 || got[0].Text != m.Text {
		t.Fatalf("untrusted text did not round-trip: %+v", got)
	}
	if got := query(t, s, store.MentionQuery{Brands: []string{"acme' OR '1'='1"}}); len(got) != 0 {
		t.Fatalf("brand filter with quotes matched %d mentions", len(got))
	}
}
