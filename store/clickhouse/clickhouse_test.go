package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/store"
)

// openFresh opens and migrates a store on a fresh database.
func openFresh(t *testing.T) *Store {
	t.Helper()
	return openDSN(t, chtest.Fresh(t), mw.StoreConfig{})
}

func openDSN(t testing.TB, dsn string, cfg mw.StoreConfig) *Store {
	t.Helper()
	cfg.Type = "clickhouse"
	cfg.DSN = mw.Secret(dsn)
	s, err := Open(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

var t0 = time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC)

// mention builds a scored mention published at t0+offset.
func mention(brand, native string, offset time.Duration, label mw.Label, stage mw.Stage, aspects ...string) mw.Mention {
	sent := float32(0)
	switch label {
	case mw.Negative:
		sent = -0.6
	case mw.Positive:
		sent = 0.5
	}
	return mw.Mention{
		ID: mw.MentionID(brand, "rss", native), Brand: brand, Source: "news", Type: "rss",
		NativeID: native, URL: "https://example.com/" + native, Author: "author-" + native,
		AuthorReach: 10, Title: "title " + native, Text: "text " + native,
		Published: t0.Add(offset), Collected: t0.Add(offset + time.Minute),
		Lang: "en", Sentiment: sent, Label: label, Stage: stage, StageConfidence: 0.75,
		Aspects: aspects, Reach: 1.5,
	}
}

func ids(ms []mw.Mention) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.NativeID
	}
	return out
}

func mustInsert(t *testing.T, s *Store, ms ...mw.Mention) {
	t.Helper()
	if err := s.InsertMentions(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
}

func queryUint(t *testing.T, s *Store, query string) uint64 {
	t.Helper()
	var n uint64
	if err := s.Conn().QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestMigrateIsIdempotent(t *testing.T) {
	s := openFresh(t) // migrated once
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	v, err := s.MigrationVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms := s.Schema().Migrations()
	if want := ms[len(ms)-1].Version; v != want {
		t.Errorf("migration version %d, want %d", v, want)
	}
	if n := queryUint(t, s, "SELECT count() FROM schema_migrations"); n != uint64(len(ms)) {
		t.Errorf("schema_migrations has %d rows after two runs, want %d", n, len(ms))
	}
	for _, table := range []string{"mentions", "mentions_hourly", "mentions_hourly_mv", "aspects_hourly",
		"aspects_hourly_mv", "source_state", "alerts", "silences"} {
		if n := queryUint(t, s, fmt.Sprintf(
			"SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = '%s'", table)); n != 1 {
			t.Errorf("table %s missing after migrate", table)
		}
	}
	// A third store on the same database sees the schema as current.
	if s.ServerVersion() == "" {
		t.Error("no server version")
	}
}

func TestInsertDedupesByID(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	a := mention("acme", "a", 0, mw.Neutral, mw.ZMOT)
	b := mention("acme", "b", time.Hour, mw.Negative, mw.AMOT, "delivery")
	mustInsert(t, s, a, b)

	// Re-scored: same id and published, new label. Then moved: same id,
	// new published (a feed that changed an item's date).
	a2 := a
	a2.Label, a2.Sentiment, a2.Aspects = mw.Negative, -0.9, []string{"price"}
	mustInsert(t, s, a2)
	b2 := b
	b2.Published = b.Published.Add(2 * time.Hour)
	b2.Title = "moved"
	mustInsert(t, s, b2)
	mustInsert(t, s, b2) // and once more, unchanged

	got, err := s.Mentions(ctx, store.MentionQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]mw.Mention{b2, a2}, got); diff != "" {
		t.Errorf("mentions after re-inserts (-want +got):\n%s", diff)
	}
	// Filters apply to the latest version only: a is no longer neutral.
	got, err = s.Mentions(ctx, store.MentionQuery{Label: mw.Neutral})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("neutral filter matched an old version: %v", ids(got))
	}
	n := queryUint(t, s, "SELECT count() FROM (SELECT id FROM mentions FINAL LIMIT 1 BY id)")
	if n != 2 {
		t.Errorf("distinct ids %d, want 2", n)
	}
}

func TestMentionRoundTripAndTimes(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	m := mention("acme", "full", 0, mw.Negative, mw.SMOT, "app", "refund")
	m.Rating, m.AuthorReach, m.Reach = 2, 12345, 3.25
	m.Text = "quotes ' \" back\\slash, emoji 🙂, newline\nand tab\t, NUL \x00 end"
	m.Published = m.Published.Add(700 * time.Millisecond) // dropped: second precision
	z := mention("acme", "zero", time.Hour, mw.Neutral, mw.StageUnknown)
	z.Collected = time.Time{}
	z.Aspects = []string{}
	mustInsert(t, s, m, z)
	got, err := s.Mentions(ctx, store.MentionQuery{IDs: []string{m.ID, z.ID}})
	if err != nil {
		t.Fatal(err)
	}
	wantM := m
	wantM.Published = m.Published.Truncate(time.Second)
	wantZ := z
	wantZ.Aspects = nil
	if diff := cmp.Diff([]mw.Mention{wantZ, wantM}, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if !got[0].Collected.IsZero() {
		t.Errorf("zero collected came back as %v", got[0].Collected)
	}
	if got[1].Published.Location() != time.UTC {
		t.Errorf("published in %v, want UTC", got[1].Published.Location())
	}
}

func TestMentionsFilters(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	ms := []mw.Mention{
		mention("acme", "1", 0, mw.Negative, mw.AMOT, "delivery"),
		mention("acme", "2", time.Hour, mw.Positive, mw.LMOT, "quality"),
		mention("acme", "3", 2*time.Hour, mw.Negative, mw.SMOT, "delivery", "service"),
		mention("globex", "4", 3*time.Hour, mw.Negative, mw.AMOT),
		mention("initech", "5", 4*time.Hour, mw.Neutral, mw.ZMOT),
	}
	ms[2].Source = "reviews"
	ms[3].Author = ms[0].Author // same person, another brand and source
	ms[3].Source = "forum"
	mustInsert(t, s, ms...)

	for _, tc := range []struct {
		name string
		q    store.MentionQuery
		want []string
	}{
		{"all newest first", store.MentionQuery{}, []string{"5", "4", "3", "2", "1"}},
		{"brands", store.MentionQuery{Brands: []string{"acme", "globex"}}, []string{"4", "3", "2", "1"}},
		{"from", store.MentionQuery{From: t0.Add(time.Hour)}, []string{"5", "4", "3", "2"}},
		{"to exclusive", store.MentionQuery{To: t0.Add(2 * time.Hour)}, []string{"2", "1"}},
		{"range", store.MentionQuery{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}, []string{"3", "2"}},
		{"label", store.MentionQuery{Label: mw.Negative}, []string{"4", "3", "1"}},
		{"stage", store.MentionQuery{Stage: mw.AMOT}, []string{"4", "1"}},
		{"aspect", store.MentionQuery{Aspect: "delivery"}, []string{"3", "1"}},
		{"author across sources", store.MentionQuery{Author: ms[0].Author}, []string{"4", "1"}},
		{"source", store.MentionQuery{Source: "reviews"}, []string{"3"}},
		{"ids", store.MentionQuery{IDs: []string{ms[1].ID, ms[4].ID, "missing"}}, []string{"5", "2"}},
		{"limit", store.MentionQuery{Limit: 2}, []string{"5", "4"}},
		{"combined", store.MentionQuery{Brands: []string{"acme"}, Label: mw.Negative, Aspect: "service"}, []string{"3"}},
		{"injection is a value", store.MentionQuery{Author: "x' OR 1=1 --"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Mentions(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, ids(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := s.Mentions(ctx, store.MentionQuery{OrderBy: "random"}); err == nil {
		t.Error("unknown order: no error")
	}
}

func TestMentionsByImpact(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	low := mention("acme", "low", 0, mw.Negative, mw.AMOT)
	low.Sentiment, low.Reach = -0.9, 0.2 // reach below 1 counts as 1: impact 0.9
	big := mention("acme", "big", time.Hour, mw.Negative, mw.AMOT)
	big.Sentiment, big.Reach = -0.3, 10 // impact 3
	mid := mention("acme", "mid", 2*time.Hour, mw.Negative, mw.AMOT)
	mid.Sentiment, mid.Reach = -0.5, 4 // impact 2
	pos := mention("acme", "pos", 3*time.Hour, mw.Positive, mw.AMOT)
	pos.Reach = 100 // impact 0
	neu := mention("acme", "neu", 4*time.Hour, mw.Neutral, mw.AMOT)
	mustInsert(t, s, low, big, mid, pos, neu)
	got, err := s.Mentions(ctx, store.MentionQuery{OrderBy: store.ByImpact})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"big", "mid", "low", "neu", "pos"} // zero impact: newest first
	if diff := cmp.Diff(want, ids(got)); diff != "" {
		t.Errorf("by impact (-want +got):\n%s", diff)
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Impact() < got[i].Impact() {
			t.Errorf("impact order broken at %d: %v < %v", i, got[i-1].Impact(), got[i].Impact())
		}
	}
}

func TestSeries(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	ms := []mw.Mention{
		mention("acme", "1", 5*time.Minute, mw.Negative, mw.AMOT, "delivery", "price"),
		mention("acme", "2", 20*time.Minute, mw.Positive, mw.LMOT, "delivery"),
		mention("acme", "3", 70*time.Minute, mw.Negative, mw.AMOT),
		mention("globex", "4", 10*time.Minute, mw.Negative, mw.SMOT, "app"),
	}
	ms[3].Lang = "id"
	mustInsert(t, s, ms...)
	mustInsert(t, s, ms[0]) // a duplicate must not count twice
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	q := func(step time.Duration, group string, brands ...string) store.SeriesQuery {
		return store.SeriesQuery{Brands: brands, From: t0, To: t0.Add(3 * time.Hour), Step: step, GroupBy: group}
	}
	for _, tc := range []struct {
		name string
		q    store.SeriesQuery
		want []store.SeriesPoint
	}{
		{"one bucket", q(0, store.GroupNone), []store.SeriesPoint{
			{Bucket: t0, Brand: "acme", Count: 3, Negative: 2},
			{Bucket: t0, Brand: "globex", Count: 1, Negative: 1},
		}},
		{"hourly", q(time.Hour, store.GroupNone, "acme"), []store.SeriesPoint{
			{Bucket: h(0), Brand: "acme", Count: 2, Negative: 1},
			{Bucket: h(1), Brand: "acme", Count: 1, Negative: 1},
		}},
		{"quarter hours", q(15*time.Minute, store.GroupNone, "acme"), []store.SeriesPoint{
			{Bucket: t0, Brand: "acme", Count: 1, Negative: 1},
			{Bucket: t0.Add(15 * time.Minute), Brand: "acme", Count: 1},
			{Bucket: t0.Add(60 * time.Minute), Brand: "acme", Count: 1, Negative: 1},
		}},
		{"daily epoch-aligned", q(24*time.Hour, store.GroupNone, "acme"), []store.SeriesPoint{
			{Bucket: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), Brand: "acme", Count: 3, Negative: 2},
		}},
		{"by label", q(0, store.GroupLabel, "acme"), []store.SeriesPoint{
			{Bucket: t0, Brand: "acme", Key: "negative", Count: 2, Negative: 2},
			{Bucket: t0, Brand: "acme", Key: "positive", Count: 1},
		}},
		{"by stage", q(0, store.GroupStage), []store.SeriesPoint{
			{Bucket: t0, Brand: "acme", Key: "amot", Count: 2, Negative: 2},
			{Bucket: t0, Brand: "acme", Key: "lmot", Count: 1},
			{Bucket: t0, Brand: "globex", Key: "smot", Count: 1, Negative: 1},
		}},
		{"by aspect", q(0, store.GroupAspect), []store.SeriesPoint{
			{Bucket: t0, Brand: "acme", Key: "delivery", Count: 2, Negative: 1},
			{Bucket: t0, Brand: "acme", Key: "price", Count: 1, Negative: 1},
			{Bucket: t0, Brand: "globex", Key: "app", Count: 1, Negative: 1},
		}},
		{"by source", q(0, store.GroupSource, "globex"), []store.SeriesPoint{
			{Bucket: t0, Brand: "globex", Key: "news", Count: 1, Negative: 1},
		}},
		{"by lang", q(0, store.GroupLang), []store.SeriesPoint{
			{Bucket: t0, Brand: "acme", Key: "en", Count: 3, Negative: 2},
			{Bucket: t0, Brand: "globex", Key: "id", Count: 1, Negative: 1},
		}},
		{"by brand", q(0, store.GroupBrand), []store.SeriesPoint{
			{Bucket: t0, Brand: "acme", Key: "acme", Count: 3, Negative: 2},
			{Bucket: t0, Brand: "globex", Key: "globex", Count: 1, Negative: 1},
		}},
		{"empty range", store.SeriesQuery{From: h(10), To: h(11)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Series(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []store.SeriesQuery{{Step: -time.Hour}, {Step: 1500 * time.Millisecond}, {GroupBy: "color"}} {
		if _, err := s.Series(ctx, bad); err == nil {
			t.Errorf("Series(%+v): no error", bad)
		}
	}
}

func TestHourlyRollupFollowsInserts(t *testing.T) {
	s := openFresh(t)
	mustInsert(t, s,
		mention("acme", "1", 5*time.Minute, mw.Negative, mw.AMOT, "delivery"),
		mention("acme", "2", 6*time.Minute, mw.Negative, mw.AMOT, "delivery", "price"),
		mention("acme", "3", 70*time.Minute, mw.Positive, mw.LMOT))
	if n := queryUint(t, s, "SELECT sum(mentions) FROM mentions_hourly WHERE label = 'negative' AND stage = 'amot'"); n != 2 {
		t.Errorf("hourly negative amot = %d, want 2", n)
	}
	if n := queryUint(t, s, "SELECT count() FROM (SELECT hour FROM mentions_hourly GROUP BY hour)"); n != 2 {
		t.Errorf("hours in rollup = %d, want 2", n)
	}
	if n := queryUint(t, s, "SELECT sum(mentions) FROM aspects_hourly WHERE aspect = 'delivery'"); n != 2 {
		t.Errorf("aspect rollup delivery = %d, want 2", n)
	}
}

func TestSourceState(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	got, err := s.SourceState(ctx, "never")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(store.SourceState{Source: "never"}, got); diff != "" {
		t.Errorf("state of a source that never ran (-want +got):\n%s", diff)
	}
	st := store.SourceState{
		Source: "hn", Type: "hackernews",
		Cursor: mw.Cursor{LastID: "42", LastTime: t0, ETag: `W/"x"`, LastModified: "Mon, 06 May 2024 10:00:00 GMT",
			Seen: []string{"a", "b"}, Extra: map[string]string{"q:acme": "1714989600"}},
		LastRun: t0.Add(time.Minute), LastSuccess: t0, LastError: "HTTP 503 from hn", LastErrorAt: t0.Add(time.Minute),
		ItemsLastRun: 7, TotalItems: 1 << 40, ConsecutiveErrors: 1,
	}
	if err := s.SaveSourceState(ctx, st); err != nil {
		t.Fatal(err)
	}
	st.ConsecutiveErrors, st.LastRun = 2, t0.Add(2*time.Minute)
	if err := s.SaveSourceState(ctx, st); err != nil {
		t.Fatal(err)
	}
	other := store.SourceState{Source: "feed", Type: "rss"}
	if err := s.SaveSourceState(ctx, other); err != nil {
		t.Fatal(err)
	}
	got, err = s.SourceState(ctx, "hn")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, got); diff != "" {
		t.Errorf("cursor round trip (-want +got):\n%s", diff)
	}
	all, err := s.SourceStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.SourceState{other, st}, all); diff != "" {
		t.Errorf("all states (-want +got):\n%s", diff)
	}
	if err := s.SaveSourceState(ctx, store.SourceState{}); err == nil {
		t.Error("saving a state without a source: no error")
	}
}

func TestAlertLifecycle(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	if _, err := s.Alert(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing alert: err %v, want ErrNotFound", err)
	}
	a := mw.Alert{
		ID: "acme-spike-1", Brand: "acme", Kind: mw.AlertSpike, Scope: "stage:amot", State: mw.Firing,
		StartedAt: t0, UpdatedAt: t0, Count: 12, Baseline: 2.5, Factor: 4.8, NegShare: 0.75,
		Summary: "12 negative mentions at amot", MentionIDs: []string{"m1", "m2"},
		Breakdown: map[string]uint64{"stage:amot": 12, "aspect:delivery": 9},
	}
	if err := s.SaveAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.NotifiedState, a.NotifiedAt, a.NotifyCount = mw.Firing, t0.Add(time.Second), 1
	if err := s.SaveAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	old := mw.Alert{ID: "acme-old", Brand: "acme", Kind: mw.AlertCritical, Scope: "mention", State: mw.Resolved,
		StartedAt: t0.Add(-48 * time.Hour), UpdatedAt: t0.Add(-47 * time.Hour), ResolvedAt: t0.Add(-47 * time.Hour)}
	oldFiring := mw.Alert{ID: "globex-long", Brand: "globex", Kind: mw.AlertSpike, Scope: "brand", State: mw.Firing,
		StartedAt: t0.Add(-72 * time.Hour), UpdatedAt: t0}
	for _, x := range []mw.Alert{old, oldFiring} {
		if err := s.SaveAlert(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Alert(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, got); diff != "" {
		t.Errorf("firing alert (-want +got):\n%s", diff)
	}

	// Resolve and acknowledge it.
	a.State, a.ResolvedAt, a.UpdatedAt = mw.Resolved, t0.Add(time.Hour), t0.Add(time.Hour)
	a.AckedAt, a.AckedBy = t0.Add(30*time.Minute), "ops@acme"
	if err := s.SaveAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		q    store.AlertQuery
		want []string
	}{
		{"all newest first", store.AlertQuery{}, []string{a.ID, old.ID, oldFiring.ID}},
		{"brand", store.AlertQuery{Brand: "globex"}, []string{oldFiring.ID}},
		{"firing uses the latest version", store.AlertQuery{State: mw.Firing}, []string{oldFiring.ID}},
		{"resolved", store.AlertQuery{State: mw.Resolved}, []string{a.ID, old.ID}},
		{"since keeps firing", store.AlertQuery{Since: t0.Add(-time.Hour)}, []string{a.ID, oldFiring.ID}},
		{"limit", store.AlertQuery{Limit: 1}, []string{a.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as, err := s.Alerts(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range as {
				got = append(got, x.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	got, err = s.Alert(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, got); diff != "" {
		t.Errorf("resolved alert (-want +got):\n%s", diff)
	}
	if err := s.SaveAlert(ctx, mw.Alert{}); err == nil {
		t.Error("saving an alert without id: no error")
	}
}

func TestSilences(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	a := mw.Silence{ID: "s1", Brand: "acme", Scope: "stage:amot", Until: t0.Add(time.Hour), Reason: "courier strike",
		CreatedBy: "ops", CreatedAt: t0}
	b := mw.Silence{ID: "s2", Until: t0.Add(10 * time.Minute), CreatedAt: t0.Add(time.Minute)}
	far := mw.Silence{ID: "s3", Brand: "globex", Until: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), CreatedAt: t0.Add(2 * time.Minute)}
	for _, x := range []mw.Silence{a, b, far} {
		if err := s.SaveSilence(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Silences(ctx, t0.Add(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	farStored := far
	farStored.Until = time.Unix(maxDateTime, 0).UTC() // clamped to DateTime's range
	if diff := cmp.Diff([]mw.Silence{b, a, farStored}, got); diff != "" {
		t.Errorf("active silences (-want +got):\n%s", diff)
	}
	// Ending a silence early replaces it.
	a.Until = t0.Add(20 * time.Minute)
	if err := s.SaveSilence(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err = s.Silences(ctx, t0.Add(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]mw.Silence{farStored}, got); diff != "" {
		t.Errorf("silences after ending one (-want +got):\n%s", diff)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, mw.StoreConfig{}, nil); err == nil {
		t.Error("empty DSN: no error")
	}
	if _, err := Open(ctx, mw.StoreConfig{DSN: "clickhouse://[::1"}, nil); err == nil {
		t.Error("malformed DSN: no error")
	}
}

// TestOpenErrorsSayWhatToDo: a server that does not answer, a wrong
// password and a missing database each name what to fix, and the
// password in the DSN is never printed.
func TestOpenErrorsSayWhatToDo(t *testing.T) {
	ctx := context.Background()
	base, err := url.Parse(chtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	wrongPassword := *base
	wrongPassword.User = url.UserPassword("default", "s3cret-pw")
	missingDB := *base
	missingDB.Path = "/no_such_database_here"
	for _, tc := range []struct{ name, dsn, want string }{
		{"nothing listens", "clickhouse://default:s3cret-pw@127.0.0.1:1/default", "is the server running"},
		{"wrong password", wrongPassword.String(), "check the user and password in store.dsn"},
		{"missing database", missingDB.String(), "create the database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(ctx, mw.StoreConfig{Type: "clickhouse", DSN: mw.Secret(tc.dsn)}, nil)
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q: want it to say %q and not to print the password", err, tc.want)
			}
		})
	}
}

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in           string
		major, minor int
		ok           bool
	}{
		{"18.16.1", 18, 16, true},
		{"24.8.4.13", 24, 8, true},
		{"25.3", 25, 3, true},
		{"x.y", 0, 0, false},
		{"25", 0, 0, false},
	} {
		ma, mi, err := parseVersion(tc.in)
		if (err == nil) != tc.ok || ma != tc.major || mi != tc.minor {
			t.Errorf("parseVersion(%q) = %d, %d, %v", tc.in, ma, mi, err)
		}
	}
}
