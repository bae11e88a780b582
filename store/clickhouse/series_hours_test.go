package clickhouse

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestKeptHoursMatchMentions checks that Series answered from the kept
// hourly counts gives what the mentions table alone gives, through late
// mentions, a mention written twice, a rewrite that changes the label,
// a version that moves to another hour, and the merge that collapses
// versions.
func TestKeptHoursMatchMentions(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	var ms []mw.Mention
	for i := 0; i < 40; i++ {
		brand := []string{"acme", "globex"}[i%2]
		label := []mw.Label{mw.Negative, mw.Neutral, mw.Positive}[i%3]
		// Hours 0..7 of t0, hour 5 left empty.
		off := time.Duration(i%8)*time.Hour + time.Duration(i)*time.Minute
		if i%8 == 5 {
			off += time.Hour
		}
		stage := []mw.Stage{mw.AMOT, mw.SMOT, mw.LMOT}[i%5%3]
		aspects := [][]string{{"delivery"}, {"price", "delivery"}, nil, {"app"}}[i%4]
		ms = append(ms, mention(brand, fmt.Sprintf("m%d", i), off, label, stage, aspects...))
	}
	mustInsert(t, s, ms...)

	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	queries := []store.SeriesQuery{
		{Brands: []string{"acme"}, From: h(0), To: h(8), Step: time.Hour},
		{Brands: []string{"acme", "globex"}, From: h(0), To: h(8), Step: 6 * time.Hour},
		{Brands: []string{"globex", "nobody"}, From: h(-2), To: h(10)},
		{Brands: []string{"acme", "globex"}, From: h(2), To: h(5), Step: 24 * time.Hour},
	}
	for _, g := range []string{store.GroupStage, store.GroupAspect, store.GroupLabel, store.GroupSource, store.GroupLang, store.GroupBrand} {
		queries = append(queries,
			store.SeriesQuery{Brands: []string{"acme"}, From: h(0), To: h(8), GroupBy: g},
			store.SeriesQuery{Brands: []string{"acme", "globex"}, From: h(-1), To: h(9), Step: 2 * time.Hour, GroupBy: g})
	}
	check := func(stage string) {
		t.Helper()
		for _, q := range queries {
			if !s.keepsHours(q) {
				t.Fatalf("%s: %+v is not answered from kept hours", stage, q)
			}
			keptMatchesRaw(t, s, q, fmt.Sprintf("%s: %v %v..%v step %v", stage, q.Brands, q.From, q.To, q.Step))
		}
	}
	check("first read")
	for _, g := range []string{store.GroupNone, store.GroupStage, store.GroupAspect} {
		if n := queryUint(t, s, "SELECT count() FROM mentions_hourly_distinct WHERE total = 1 AND dimension = '"+g+"'"); n == 0 {
			t.Fatalf("the first read kept no hours of dimension %q", g)
		}
	}
	check("second read, from kept counts")

	// A late mention in an hour already kept: the hour is counted again.
	two := store.SeriesQuery{Brands: []string{"acme"}, From: h(2), To: h(3)}
	before, err := s.Series(ctx, two)
	if err != nil || len(before) != 1 {
		t.Fatalf("hour 2 before the late mention: %+v, %v", before, err)
	}
	mustInsert(t, s, mention("acme", "late", 2*time.Hour+50*time.Minute, mw.Negative, mw.AMOT))
	check("late mention")
	after, err := s.Series(ctx, two)
	if err != nil || len(after) != 1 || after[0].Count != before[0].Count+1 || after[0].Negative != before[0].Negative+1 {
		t.Fatalf("hour 2 after a late negative mention: %+v (%v), before %+v", after, err, before)
	}

	// A mention written twice counts once; its hour is not kept while both
	// rows are there.
	mustInsert(t, s, ms[2])
	check("mention written twice")
	// A rewrite that turns a negative mention neutral and changes its stage
	// and aspects: until the merge the hour counts it negative and under
	// both stages and all aspects (its older version too), after it not.
	re := ms[6]
	re.Label, re.Sentiment, re.Stage, re.Aspects = mw.Neutral, 0, mw.ZMOT, []string{"refund"}
	mustInsert(t, s, re)
	// A version that moves a mention to another hour counts in both until
	// it is written again in one.
	moved := ms[4]
	moved.Published = moved.Published.Add(2 * time.Hour)
	mustInsert(t, s, moved)
	check("rewrites before the merge")
	if err := s.Conn().Exec(ctx, "OPTIMIZE TABLE mentions FINAL"); err != nil {
		t.Fatal(err)
	}
	check("after the merge")
	check("after the merge, again")
}

// TestKeptHoursAreRead checks that a kept count is what Series returns for
// its hour while the rows inserted into that hour match, and that an
// insert into the hour makes Series count from mentions again.
func TestKeptHoursAreRead(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	mustInsert(t, s, mention("acme", "1", 5*time.Minute, mw.Negative, mw.AMOT),
		mention("acme", "2", 6*time.Minute, mw.Positive, mw.AMOT))
	inserted := queryUint(t, s, "SELECT sum(rows) FROM mentions_hourly_rows WHERE brand = 'acme'")
	// A kept row that disagrees with mentions, to tell which was read.
	if err := s.insertRows(ctx, tableHourDistinct, hourDistinctColumns, [][]any{
		{"acme", t0.Unix(), "", uint8(1), "", inserted, uint64(7), uint64(5)},
		{"acme", t0.Unix(), "stage", uint8(1), "", inserted, uint64(7), uint64(5)},
		{"acme", t0.Unix(), "stage", uint8(0), "zmot", inserted, uint64(7), uint64(5)},
	}); err != nil {
		t.Fatal(err)
	}
	q := store.SeriesQuery{Brands: []string{"acme"}, From: t0, To: t0.Add(time.Hour)}
	got, err := s.Series(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.SeriesPoint{{Bucket: t0, Brand: "acme", Count: 7, Negative: 5}}; !cmp.Equal(want, got) {
		t.Errorf("with a kept count: %+v, want %+v", got, want)
	}
	byStage := q
	byStage.GroupBy = store.GroupStage
	got, err = s.Series(ctx, byStage)
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.SeriesPoint{{Bucket: t0, Brand: "acme", Key: "zmot", Count: 7, Negative: 5}}; !cmp.Equal(want, got) {
		t.Errorf("with kept counts by stage: %+v, want %+v", got, want)
	}
	mustInsert(t, s, mention("acme", "3", 7*time.Minute, mw.Negative, mw.AMOT))
	got, err = s.Series(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.SeriesPoint{{Bucket: t0, Brand: "acme", Count: 3, Negative: 2}}; !cmp.Equal(want, got) {
		t.Errorf("after an insert into the hour: %+v, want %+v", got, want)
	}
	got, err = s.Series(ctx, byStage)
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.SeriesPoint{{Bucket: t0, Brand: "acme", Key: "amot", Count: 3, Negative: 2}}; !cmp.Equal(want, got) {
		t.Errorf("by stage after an insert into the hour: %+v, want %+v", got, want)
	}
}

// TestUpgradeBackfillsHourRows: mentions stored before migration 9 are
// counted in mentions_hourly_rows by its backfill, so their hours are kept
// like new ones, and the answers equal the raw path's.
func TestUpgradeBackfillsHourRows(t *testing.T) {
	ctx := context.Background()
	s := openAtVersion(t, 8)
	old := []mw.Mention{
		mention("acme", "1", 5*time.Minute, mw.Negative, mw.AMOT, "delivery"),
		mention("acme", "2", 65*time.Minute, mw.Positive, mw.LMOT),
		mention("globex", "3", 10*time.Minute, mw.Negative, mw.SMOT, "app"),
	}
	insertV10(t, s, old...)
	insertV10(t, s, old[1]) // written twice
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate from version 8: %v", err)
	}
	if n := queryUint(t, s, "SELECT sum(rows) FROM mentions_hourly_rows"); n != 4 {
		t.Fatalf("rows counted by the backfill: %d, want 4", n)
	}
	mustInsert(t, s, mention("acme", "4", 70*time.Minute, mw.Negative, mw.AMOT))
	if n := queryUint(t, s, "SELECT sum(rows) FROM mentions_hourly_rows"); n != 5 {
		t.Fatalf("rows after an insert: %d, want 5", n)
	}
	for _, g := range []string{store.GroupNone, store.GroupStage, store.GroupAspect} {
		q := store.SeriesQuery{Brands: []string{"acme", "globex"}, From: t0, To: t0.Add(2 * time.Hour), Step: time.Hour, GroupBy: g}
		for i := 0; i < 2; i++ { // counted, then kept
			keptMatchesRaw(t, s, q, fmt.Sprintf("group %q, read %d", g, i+1))
		}
	}
	if n := queryUint(t, s, "SELECT count() FROM mentions_hourly_distinct WHERE total = 1 AND dimension = ''"); n == 0 {
		t.Error("no hour of the old mentions was kept")
	}
}

// TestKeptHoursScatteredLateMentions: late mentions in more scattered hours
// than one count names as ranges (maxHourRuns) are counted over one range
// that also spans kept hours; the answers still equal the raw path's.
func TestKeptHoursScatteredLateMentions(t *testing.T) {
	s := openFresh(t)
	var ms []mw.Mention
	for i := 0; i < 4*maxHourRuns; i++ {
		ms = append(ms, mention("acme", fmt.Sprintf("m%d", i), time.Duration(i)*time.Hour, []mw.Label{mw.Negative, mw.Positive}[i%2], mw.AMOT, "delivery"))
	}
	mustInsert(t, s, ms...)
	q := store.SeriesQuery{Brands: []string{"acme"}, From: t0, To: t0.Add(time.Duration(4*maxHourRuns) * time.Hour), Step: 6 * time.Hour, GroupBy: store.GroupAspect}
	check := func(stage string) {
		t.Helper()
		keptMatchesRaw(t, s, q, stage)
	}
	check("first read")
	var late []mw.Mention
	for i := 0; i < 4*maxHourRuns; i += 2 { // every other hour: 2*maxHourRuns runs
		late = append(late, mention("acme", fmt.Sprintf("late%d", i), time.Duration(i)*time.Hour+30*time.Minute, mw.Negative, mw.AMOT, "price"))
	}
	mustInsert(t, s, late...)
	check("late mentions in scattered hours")
	check("read again, kept")
}

// keptMatchesRaw fails the test unless Series (which reads kept hours
// where it can) answers q as the mentions table alone does.
func keptMatchesRaw(t *testing.T, s *Store, q store.SeriesQuery, what string) {
	t.Helper()
	ctx := context.Background()
	want, err := s.seriesRaw(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Series(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-mentions +kept):\n%s", what, diff)
	}
}
