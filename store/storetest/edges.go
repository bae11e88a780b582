package storetest

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// testNonFiniteScores: scores that are NaN or infinite (a scorer's
// division by zero) are stored as store.Clean maps them, in both stores:
// the batch is not refused (SQLite reads NaN as NULL), a ranking by impact
// pages through every mention, and sums stay numbers.
func testNonFiniteScores(t *testing.T, open Opener) {
	s := open(t)
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	a := Mention("acme", "nan", T0, mw.Negative)
	a.Sentiment, a.Reach, a.Rating, a.StageConfidence = nan, nan, nan, nan
	b := Mention("acme", "inf", T0.Add(time.Minute), mw.Negative)
	b.Sentiment, b.Reach, b.Rating, b.StageConfidence = -inf, inf, inf, -inf
	c := Mention("acme", "plain", T0.Add(2*time.Minute), mw.Negative)
	if err := s.InsertMentions(ctx, []mw.Mention{a, b, c}); err != nil {
		t.Fatalf("InsertMentions with NaN and infinite scores: %v", err)
	}
	got := query(t, s, store.MentionQuery{IDs: []string{a.ID, b.ID}, OrderBy: store.ByImpact})
	want := []mw.Mention{b, a}
	want[0].Sentiment, want[0].Reach, want[0].Rating, want[0].StageConfidence = -math.MaxFloat32, math.MaxFloat32, math.MaxFloat32, -math.MaxFloat32
	want[1].Sentiment, want[1].Reach, want[1].Rating, want[1].StageConfidence = 0, 0, 0, 0
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored scores (-want +got):\n%s", diff)
	}
	// Page through the impact ranking one mention at a time.
	var seen []string
	q := store.MentionQuery{OrderBy: store.ByImpact, Limit: 1}
	for len(seen) < 5 {
		page := query(t, s, q)
		if len(page) == 0 {
			break
		}
		m := page[0]
		seen = append(seen, m.NativeID)
		q.After = &store.Cursor{Published: m.Published, Impact: m.Impact(), ID: m.ID}
	}
	if diff := cmp.Diff([]string{"inf", "plain", "nan"}, seen); diff != "" {
		t.Errorf("paging by impact (-want +got):\n%s", diff)
	}
	tot, err := s.Totals(ctx, store.TotalsQuery{})
	if err != nil {
		t.Fatalf("Totals: %v", err)
	}
	if len(tot) != 1 || tot[0].Count != 3 || math.IsNaN(tot[0].SentimentSum) || math.IsInf(tot[0].SentimentSum, 0) {
		t.Errorf("totals: %+v, want 3 mentions and a finite sum", tot)
	}
}

// testInvalidUTF8: text that is not valid UTF-8 (a feed in another
// encoding) is stored with U+FFFD for each bad sequence, as the JSON API
// shows it, so the search finds the words after it and a filter on the
// author as the API gave it finds the mention, in both stores.
func testInvalidUTF8(t *testing.T, open Opener) {
	s := open(t)
	m := Mention("acme", "latin1", T0, mw.Negative)
	m.Author = "Jos\xe9"
	m.Title = "caf\xe9 \xff"
	m.Text = "pedido \xff\xfe atrasado, e\u0301 👩\u200d👩\u200d👧"
	m.Aspects = []string{"deliv\xe9ry"}
	insert(t, s, m)
	want := m
	want.Author = "Jos\uFFFD"
	want.Title = "caf\uFFFD \uFFFD"
	want.Text = "pedido \uFFFD\uFFFD atrasado, e\u0301 👩\u200d👩\u200d👧"
	want.Aspects = []string{"deliv\uFFFDry"}
	got := query(t, s, store.MentionQuery{IDs: []string{m.ID}})
	if len(got) != 1 {
		t.Fatalf("got %d mentions, want 1", len(got))
	}
	if diff := cmp.Diff(want, got[0], floatOpt); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
	search := []store.SearchClause{{{Words: []string{"atrasado"}}}}
	if got := query(t, s, store.MentionQuery{Search: search}); len(got) != 1 {
		t.Errorf("search for a word after invalid bytes: %d mentions, want 1", len(got))
	}
	if got := query(t, s, store.MentionQuery{Author: want.Author}); len(got) != 1 {
		t.Errorf("filter on the author as the API shows it: %d mentions, want 1", len(got))
	}
}

// testHugeValues: a hostile feed's megabyte text, a 300 KB author name
// and an id as long (ids are hashes, but the store does not rely on it)
// are stored, read back, and usable as filters. The author and the id
// are query values, which ClickHouse used to refuse beyond its default
// max_query_size (256 KiB) with a syntax error, breaking the inbox page
// that showed such a mention.
func testHugeValues(t *testing.T, open Opener) {
	s := open(t)
	big := Mention("acme", "big", T0, mw.Negative)
	big.Author = strings.Repeat("a", 300_000)
	big.Text = strings.Repeat("kata ", 400_000)
	long := Mention("acme", "longid", T0.Add(time.Minute), mw.Negative)
	long.ID = strings.Repeat("f", 300_000)
	insert(t, s, big, long, Mention("acme", "small", T0.Add(2*time.Minute), mw.Negative))
	if got := query(t, s, store.MentionQuery{}); len(got) != 3 {
		t.Errorf("every mention: got %d, want 3", len(got))
	}
	got := query(t, s, store.MentionQuery{Author: big.Author})
	if len(got) != 1 || got[0].Text != big.Text {
		t.Errorf("filter on the huge author: %d mentions, want it with its text", len(got))
	}
	if got := query(t, s, store.MentionQuery{IDs: []string{long.ID}}); len(got) != 1 || got[0].ID != long.ID {
		t.Errorf("filter on the long id: %d mentions, want 1", len(got))
	}
	h, err := s.AuthorHistory(ctx, []string{big.Author, "author-small"}, 2)
	if err != nil {
		t.Fatalf("AuthorHistory of the huge author: %v", err)
	}
	if h[big.Author].Count != 1 || h["author-small"].Count != 1 {
		t.Errorf("AuthorHistory: %d and %d mentions, want 1 and 1", h[big.Author].Count, h["author-small"].Count)
	}
	tr := store.Triage{MentionID: long.ID, State: store.StateHandled, UpdatedAt: T0, UpdatedBy: "ops"}
	if err := s.SaveTriage(ctx, []store.Triage{tr}, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Triage(ctx, []string{long.ID}); err != nil || got[long.ID].State != store.StateHandled {
		t.Errorf("triage of the long id: %+v, %v", got, err)
	}
}

// testTimeEdges: times are kept alike in both stores (store.Clean): to the
// second, and within 1970-01-01 00:00:01 .. 2106-02-07 06:28:15 (ClickHouse
// DateTime's range; the zero time stays unset). SQLite kept milliseconds
// and any date, so the same mentions came back with other times, sorted
// otherwise within a second, and fell on the other side of a From or To
// inside a second.
func testTimeEdges(t *testing.T, open Opener) {
	s := open(t)
	in := func(native string, at time.Time) mw.Mention {
		m := Mention("acme", native, at, mw.Negative)
		m.Collected = at
		return m
	}
	ms := []mw.Mention{
		in("b-late", T0.Add(900*time.Millisecond)), // sorts by id within its second
		in("a-early", T0.Add(100*time.Millisecond)),
		in("moon", time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC)),
		in("epoch", time.Unix(0, 0).UTC()),
		in("far", time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)),
	}
	insert(t, s, ms...)
	first, last := time.Unix(1, 0).UTC(), time.Unix(math.MaxUint32, 0).UTC()
	want := map[string]time.Time{"b-late": T0, "a-early": T0, "moon": first, "epoch": first, "far": last}
	got := query(t, s, store.MentionQuery{})
	order := []string{"far", "a-early", "b-late", "epoch", "moon"}
	if ms[3].ID > ms[2].ID { // one second: by id
		order[3], order[4] = "moon", "epoch"
	}
	if diff := cmp.Diff(order, ids(got)); diff != "" {
		t.Errorf("newest first (-want +got):\n%s", diff)
	}
	for _, m := range got {
		if !m.Published.Equal(want[m.NativeID]) || !m.Collected.Equal(want[m.NativeID]) {
			t.Errorf("%s: published %v, collected %v; want %v", m.NativeID, m.Published, m.Collected, want[m.NativeID])
		}
	}
	// A bound inside a second takes the whole second, as the stored time.
	got = query(t, s, store.MentionQuery{From: T0.Add(500 * time.Millisecond), To: T0.Add(time.Hour)})
	if diff := cmp.Diff([]string{"a-early", "b-late"}, ids(got)); diff != "" {
		t.Errorf("from inside the second (-want +got):\n%s", diff)
	}
	pts, err := s.Series(ctx, store.SeriesQuery{Brands: []string{"acme"}, From: time.Unix(0, 0), To: T0.Add(time.Hour), Step: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	wantPts := []store.SeriesPoint{
		{Bucket: time.Unix(0, 0).UTC(), Brand: "acme", Count: 2, Negative: 2},
		{Bucket: T0.Truncate(24 * time.Hour), Brand: "acme", Count: 2, Negative: 2},
	}
	if diff := cmp.Diff(wantPts, pts); diff != "" {
		t.Errorf("series from 1970 (-want +got):\n%s", diff)
	}
}

// testRepeatedAspects: a mention whose aspects name one twice counts once
// under it, in both stores (ClickHouse counted distinct aspects, SQLite
// each element, so the dashboard's aspect chart showed more there).
func testRepeatedAspects(t *testing.T, open Opener) {
	s := open(t)
	a := Mention("acme", "a", T0, mw.Negative)
	a.Aspects = []string{"price", "delivery", "price"}
	b := Mention("acme", "b", T0.Add(time.Minute), mw.Positive)
	b.Aspects = []string{"price"}
	insert(t, s, a, b)
	for _, step := range []time.Duration{0, time.Minute, time.Hour} {
		pts, err := s.Series(ctx, store.SeriesQuery{Brands: []string{"acme"}, From: T0, To: T0.Add(time.Hour), Step: step, GroupBy: store.GroupAspect})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]uint64{}
		for _, p := range pts {
			got[p.Key] += p.Count
		}
		if diff := cmp.Diff(map[string]uint64{"price": 2, "delivery": 1}, got); diff != "" {
			t.Errorf("mentions per aspect, step %s (-want +got):\n%s", step, diff)
		}
	}
	if got := query(t, s, store.MentionQuery{IDs: []string{a.ID}}); len(got) != 1 || !slices.Equal(got[0].Aspects, a.Aspects) {
		t.Errorf("aspects read back: %+v, want them as written", got)
	}
}

// testSubSecondTimes: the times of alerts, silences, deliveries,
// watermarks, source states and triage come back alike from both stores:
// to the second (SQLite kept milliseconds, ClickHouse seconds), and a
// silence ending inside a second has ended at its start in both.
func testSubSecondTimes(t *testing.T, open Opener) {
	s := open(t)
	at := T0.Add(700 * time.Millisecond)
	a := mw.Alert{ID: "a1", Brand: "acme", Kind: mw.AlertCritical, Scope: "mention", State: mw.Firing,
		StartedAt: at, UpdatedAt: at, NotifiedAt: at, AckedAt: at, AckedBy: "rina"}
	if err := s.SaveAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.Alert(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	for name, tm := range map[string]time.Time{"started": got.StartedAt, "updated": got.UpdatedAt, "notified": got.NotifiedAt, "acked": got.AckedAt} {
		if !tm.Equal(T0) {
			t.Errorf("alert %s at %v, want %v", name, tm, T0)
		}
	}
	if as, err := s.Alerts(ctx, store.AlertQuery{Since: T0.Add(500 * time.Millisecond), State: mw.Resolved}); err != nil || len(as) != 0 {
		t.Errorf("alerts since inside the second: %v, %v", as, err)
	}
	if err := s.SaveSilence(ctx, mw.Silence{ID: "s1", Brand: "acme", Until: T0.Add(500 * time.Millisecond), CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if ss, err := s.Silences(ctx, T0.Add(200*time.Millisecond)); err != nil || len(ss) != 0 {
		t.Errorf("silence until %v, active at %v: %+v, %v; want ended", T0.Add(500*time.Millisecond), T0.Add(200*time.Millisecond), ss, err)
	}
	if ss, err := s.Silences(ctx, T0.Add(-time.Second)); err != nil || len(ss) != 1 || !ss[0].Until.Equal(T0) || !ss[0].CreatedAt.Equal(T0) {
		t.Errorf("silence a second before: %+v, %v; want it, until and created %v", ss, err, T0)
	}
	if err := s.SaveWatermark(ctx, "w", at); err != nil {
		t.Fatal(err)
	}
	if w, err := s.Watermark(ctx, "w"); err != nil || !w.Equal(T0) {
		t.Errorf("watermark %v, %v; want %v", w, err, T0)
	}
	if err := s.SaveDelivery(ctx, mw.Delivery{Key: "k", AlertID: "a1", Receiver: "slack", Status: mw.DeliverySent, At: at, NextAt: at}); err != nil {
		t.Fatal(err)
	}
	if ds, err := s.Deliveries(ctx, store.DeliveryQuery{}); err != nil || len(ds) != 1 || !ds[0].At.Equal(T0) || !ds[0].NextAt.Equal(T0) {
		t.Errorf("deliveries %+v, %v; want one at %v", ds, err, T0)
	}
	if err := s.SaveSourceState(ctx, store.SourceState{Source: "news", Type: "rss", LastRun: at, LastSuccess: at, LastErrorAt: at}); err != nil {
		t.Fatal(err)
	}
	if st, err := s.SourceState(ctx, "news"); err != nil || !st.LastRun.Equal(T0) || !st.LastSuccess.Equal(T0) || !st.LastErrorAt.Equal(T0) {
		t.Errorf("source state %+v, %v; want its times at %v", st, err, T0)
	}
	m := Mention("acme", "m", T0, mw.Negative)
	insert(t, s, m)
	if err := s.SaveTriage(ctx, []store.Triage{{MentionID: m.ID, State: store.StateHandled, UpdatedAt: at, UpdatedBy: "rina"}},
		[]store.AuditEntry{{MentionID: m.ID, At: at, Actor: "rina", Field: "state", Old: "new", New: "handled"}}); err != nil {
		t.Fatal(err)
	}
	if tr, err := s.Triage(ctx, []string{m.ID}); err != nil || !tr[m.ID].UpdatedAt.Equal(T0) {
		t.Errorf("triage %+v, %v; want updated at %v", tr, err, T0)
	}
	if au, err := s.Audit(ctx, []string{m.ID}); err != nil || len(au) != 1 || !au[0].At.Equal(T0) {
		t.Errorf("audit %+v, %v; want one at %v", au, err, T0)
	}
}

// testDeliveryTies: records of one second, attempt and status come in one
// order in both stores (by alert, receiver, key), and a limit keeps the
// same ones: the last in that order. Each store broke such ties its own
// way (SQLite by insertion, ClickHouse by its parts), so the alert page
// listed one alert's receivers in another order on each.
func testDeliveryTies(t *testing.T, open Opener) {
	s := open(t)
	for _, r := range []string{"telegram", "email", "slack", "webhook"} {
		if err := s.SaveDelivery(ctx, mw.Delivery{Key: "a1:firing:1", AlertID: "a1", Receiver: r, Status: mw.DeliveryQueued, At: T0}); err != nil {
			t.Fatal(err)
		}
	}
	receivers := func(limit int) []string {
		ds, err := s.Deliveries(ctx, store.DeliveryQuery{AlertIDs: []string{"a1"}, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(ds))
		for i, d := range ds {
			out[i] = d.Receiver
		}
		return out
	}
	if diff := cmp.Diff([]string{"email", "slack", "telegram", "webhook"}, receivers(0)); diff != "" {
		t.Errorf("records of one second (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"telegram", "webhook"}, receivers(2)); diff != "" {
		t.Errorf("the newest 2 (-want +got):\n%s", diff)
	}
}
