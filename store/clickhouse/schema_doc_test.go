package clickhouse

import (
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

var sqlBlock = regexp.MustCompile("(?s)```sql\n(.*?)```")

// docQueries returns every ```sql block of docs/SCHEMA.md with the heading
// above it.
func docQueries(t *testing.T) (titles, queries []string) {
	t.Helper()
	doc, err := os.ReadFile("../../docs/SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, m := range sqlBlock.FindAllStringSubmatchIndex(text, -1) {
		title := "query"
		if i := strings.LastIndex(text[:m[0]], "\n### "); i >= 0 {
			title = strings.TrimSpace(strings.SplitN(text[i+5:], "\n", 2)[0])
		}
		titles = append(titles, title)
		queries = append(queries, text[m[2]:m[3]])
	}
	return titles, queries
}

// sampleData fills s with mentions of acme and two competitors over the
// last days, alerts and source states, so every documented query has rows
// to return.
func sampleData(t *testing.T, s *Store, now time.Time) {
	t.Helper()
	ctx := context.Background()
	hour := now.Truncate(time.Hour)
	brands := []string{"acme", "globex", "initech"}
	sources := []struct{ name, kind string }{{"news", "rss"}, {"reviews-acme", "reviews"}, {"hn", "hackernews"}}
	stages := mw.Stages
	aspects := [][]string{{"delivery"}, {"price", "delivery"}, {"service"}, {"app", "refund"}, nil}
	labels := []mw.Label{mw.Negative, mw.Neutral, mw.Negative, mw.Positive}
	var ms []mw.Mention
	for i := 0; i < 240; i++ {
		brand := brands[i%len(brands)]
		if i%5 == 0 {
			brand = "acme" // the tracked brand is talked about most
		}
		src := sources[i%len(sources)]
		label := labels[i%len(labels)]
		m := mw.Mention{
			Brand: brand, Source: src.name, Type: src.kind, NativeID: fmt.Sprintf("post-%d", i),
			URL: fmt.Sprintf("https://example.com/%d", i), Author: fmt.Sprintf("user%d", i%7),
			AuthorReach: uint32(i * 13 % 5000), Title: fmt.Sprintf("Post %d", i),
			Text:      fmt.Sprintf("%s was %s again, post %d", brand, label, i),
			Published: hour.Add(-time.Duration(i%40) * time.Hour).Add(time.Duration(i%50) * time.Minute),
			Lang:      []string{"en", "id", "en", "other"}[i%4],
			Label:     label, Stage: stages[i%len(stages)], StageConfidence: 0.8,
			Aspects: aspects[i%len(aspects)], Reach: float32(i%9) + 0.5,
		}
		if m.Published.After(now) {
			m.Published = m.Published.Add(-time.Hour)
		}
		m.Collected = m.Published.Add(2 * time.Minute)
		switch label {
		case mw.Negative:
			m.Sentiment = -0.2 - float32(i%8)/10
		case mw.Positive:
			m.Sentiment = 0.6
		}
		if src.kind == "reviews" {
			m.Rating = float32(1 + i%5)
		}
		// The language the service gave (lang_hint), and what decided
		// lang: the hint for a short text, else the words.
		m.LangHint, m.LangBy = []string{"", "en", "id", "pt"}[i%4], mw.LangByText
		if i%8 == 2 {
			m.Lang, m.LangBy = m.LangHint, mw.LangByHint
		}
		m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
		ms = append(ms, m)
	}
	if err := s.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	// The dashboard's share of voice, which keeps the hours it counts in
	// mentions_hourly_distinct.
	if _, err := s.Series(ctx, store.SeriesQuery{Brands: brands, From: hour.Add(-48 * time.Hour), To: hour.Add(time.Hour), Step: 6 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	var neg []string
	for _, m := range ms {
		if m.Brand == "acme" && m.Label == mw.Negative && len(neg) < 5 {
			neg = append(neg, m.ID)
		}
	}
	firing := ms[0].Published.Truncate(time.Hour) // an hour with negative acme mentions
	for _, a := range []mw.Alert{
		{ID: "acme-spike-amot", Brand: "acme", Kind: mw.AlertSpike, Scope: "stage:amot", State: mw.Firing,
			StartedAt: firing, UpdatedAt: firing.Add(10 * time.Minute), Count: 14, Baseline: 3, Factor: 4.7, NegShare: 0.8,
			Summary: "14 negative mentions at amot", MentionIDs: neg,
			Breakdown:     map[string]uint64{"stage:amot": 14, "aspect:delivery": 11},
			NotifiedState: mw.Firing, NotifiedAt: firing.Add(11 * time.Minute), NotifyCount: 1},
		{ID: "acme-critical-1", Brand: "acme", Kind: mw.AlertCritical, Scope: "mention", State: mw.Resolved,
			StartedAt: hour.Add(-20 * time.Hour), UpdatedAt: hour.Add(-18 * time.Hour), ResolvedAt: hour.Add(-18 * time.Hour),
			Count: 1, Baseline: 0, Factor: 1, NegShare: 1, Summary: "high-reach complaint", MentionIDs: neg[:1],
			Breakdown: map[string]uint64{"aspect:refund": 1}, AckedAt: hour.Add(-19 * time.Hour), AckedBy: "ops"},
		{ID: "acme-spike-brand", Brand: "acme", Kind: mw.AlertSpike, Scope: "brand", State: mw.Resolved,
			StartedAt: hour.Add(-30 * time.Hour), UpdatedAt: hour.Add(-27 * time.Hour), ResolvedAt: hour.Add(-27 * time.Hour),
			Count: 21, Baseline: 4, Factor: 5.25, NegShare: 0.7, EpisodeTotal: 58, Summary: "21 negative mentions of acme",
			MentionIDs: neg, Breakdown: map[string]uint64{"aspect:delivery": 9}, NotifiedState: mw.Resolved, NotifyCount: 2},
	} {
		if err := s.SaveAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []mw.Delivery{
		{Key: "acme-spike-amot:firing:1", AlertID: "acme-spike-amot", Receiver: "slack", Status: mw.DeliveryQueued, At: firing.Add(11 * time.Minute)},
		{Key: "acme-spike-amot:firing:1", AlertID: "acme-spike-amot", Receiver: "slack", Attempt: 1, Status: mw.DeliverySent, At: firing.Add(11 * time.Minute)},
		{Key: "acme-spike-amot:firing:1", AlertID: "acme-spike-amot", Receiver: "telegram", Status: mw.DeliveryQueued, At: firing.Add(11 * time.Minute)},
		{Key: "acme-spike-amot:firing:1", AlertID: "acme-spike-amot", Receiver: "telegram", Attempt: 1, Status: mw.DeliveryRetrying,
			Error: "telegram: rate limited (HTTP 429, retry after 5s)", At: firing.Add(12 * time.Minute), NextAt: firing.Add(13 * time.Minute)},
	} {
		if err := s.SaveDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []store.SourceState{
		{Source: "news", Type: "rss", Cursor: mw.Cursor{ETag: `"abc"`, LastTime: hour}, LastRun: hour, LastSuccess: hour, ItemsLastRun: 12, TotalItems: 400},
		{Source: "hn", Type: "hackernews", Cursor: mw.Cursor{LastID: "40123"}, LastRun: hour, LastSuccess: hour.Add(-time.Hour),
			LastError: "HTTP 503 from hn.algolia.com", LastErrorAt: hour, ConsecutiveErrors: 2, TotalItems: 90},
	} {
		if err := s.SaveSourceState(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSchemaDocQueries runs every query of docs/SCHEMA.md against a
// migrated database with sample data: each must run and return rows.
func TestSchemaDocQueries(t *testing.T) {
	titles, queries := docQueries(t)
	if len(queries) < 10 {
		t.Fatalf("docs/SCHEMA.md has %d sql examples, want at least 10", len(queries))
	}
	s := openFresh(t)
	sampleData(t, s, time.Now().UTC())
	for i, q := range queries {
		t.Run(fmt.Sprintf("%02d %s", i+1, titles[i]), func(t *testing.T) {
			rows, err := s.Conn().Query(context.Background(), q)
			if err != nil {
				t.Fatalf("query fails on ClickHouse %s: %v\n%s", s.ServerVersion(), err, q)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatalf("reading rows on ClickHouse %s: %v\n%s", s.ServerVersion(), err, q)
			}
			if n == 0 {
				t.Errorf("query returns no rows from the sample data:\n%s", q)
			}
		})
	}
}

// docQuery returns the first sql block of docs/SCHEMA.md under the heading
// that starts with prefix ("18.").
func docQuery(t *testing.T, prefix string) string {
	t.Helper()
	titles, queries := docQueries(t)
	for i, title := range titles {
		if strings.HasPrefix(title, prefix) {
			return queries[i]
		}
	}
	t.Fatalf("docs/SCHEMA.md has no example %q", prefix)
	return ""
}

// dayCounts runs q, whose rows are (day, brand, mentions, negative), into
// a map keyed by "day brand".
func dayCounts(t *testing.T, s *Store, q string) map[string][2]uint64 {
	t.Helper()
	rows, err := s.Conn().Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	out := map[string][2]uint64{}
	for rows.Next() {
		var (
			day    time.Time
			brand  string
			n, neg uint64
		)
		if err := rows.Scan(&day, &brand, &n, &neg); err != nil {
			t.Fatal(err)
		}
		out[day.Format("2006-01-02")+" "+brand] = [2]uint64{n, neg}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSchemaDocKeptCountsExact checks that example 18 gives the distinct
// mentions per day that mentions itself gives, also when two dashboards
// kept the same hour at once (two rows of one key and one inserted in
// mentions_hourly_distinct until ClickHouse merges them).
func TestSchemaDocKeptCountsExact(t *testing.T) {
	s := openFresh(t)
	sampleData(t, s, time.Now().UTC())
	ctx := context.Background()
	// A second dashboard (a serve next to run, or two requests at once)
	// counted and kept the same hours.
	if err := s.Conn().Exec(ctx, `INSERT INTO mentions_hourly_distinct (brand, hour, dimension, total, key, inserted, mentions, negative)
SELECT brand, hour, dimension, total, key, inserted, mentions, negative FROM mentions_hourly_distinct`); err != nil {
		t.Fatal(err)
	}
	want := dayCounts(t, s, `SELECT toDate(published) AS day, brand, uniqExact(id), uniqExactIf(id, label = 'negative')
FROM mentions
WHERE brand IN ('acme', 'globex', 'initech') AND published >= toStartOfDay(now()) - INTERVAL 2 DAY
GROUP BY day, brand`)
	got := dayCounts(t, s, docQuery(t, "18."))
	if len(want) == 0 {
		t.Fatal("no sample mentions in the window")
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: example 18 gives %d mentions, %d negative; mentions holds %d, %d", k, got[k][0], got[k][1], w[0], w[1])
		}
	}
	if len(got) != len(want) {
		t.Errorf("example 18 gives %d days × brands, mentions %d", len(got), len(want))
	}
}

// docTable runs q and returns its column names and its rows, each value
// printed as fmt prints it (a Nullable's value, not its pointer).
func docTable(t *testing.T, s *Store, q string) (cols []string, out [][]string) {
	t.Helper()
	rows, err := s.Conn().Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	cts := rows.ColumnTypes()
	for rows.Next() {
		vals := make([]any, len(cts))
		for i, ct := range cts {
			vals[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			e := reflect.ValueOf(v).Elem()
			for e.Kind() == reflect.Pointer && !e.IsNil() {
				e = e.Elem()
			}
			row[i] = fmt.Sprint(e.Interface())
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return rows.Columns(), out
}

// docRows runs q and returns its rows, each as its values joined by " | ",
// sorted: a query's answer, compared whole.
func docRows(t *testing.T, s *Store, q string) []string {
	t.Helper()
	_, rows := docTable(t, s, q)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.Join(r, " | ")
	}
	sort.Strings(out)
	return out
}

// TestSchemaDocQueriesAnswerBeforeMerges checks that every example of
// docs/SCHEMA.md gives, while mentions written again (re-scored: another
// label, stage and aspects; or re-sent unchanged) still have their older
// rows, the answer it gives once ClickHouse has merged them: the examples
// over mentions count each mention once, as it is now. The rollups count
// inserted rows by design (their section says so) and are the same
// before and after a merge. now() is pinned to the sample's clock, so a
// mention at a window's edge cannot cross it between the two runs.
func TestSchemaDocQueriesAnswerBeforeMerges(t *testing.T) {
	titles, queries := docQueries(t)
	s := openFresh(t)
	now := time.Now().UTC().Truncate(time.Second)
	sampleData(t, s, now)
	ctx := context.Background()
	ms, err := s.Mentions(ctx, store.MentionQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var again []mw.Mention
	latest := map[string]mw.Mention{}
	for i, m := range ms {
		switch i % 5 {
		case 0: // re-scored
			if m.Label == mw.Negative {
				m.Label, m.Sentiment = mw.Positive, 0.7
			} else {
				m.Label, m.Sentiment = mw.Negative, -0.7
			}
			m.Stage, m.Aspects = mw.LMOT, []string{"price"}
			again = append(again, m)
		case 1: // re-sent as it was
			again = append(again, m)
		}
		latest[m.ID] = m
	}
	if err := s.InsertMentions(ctx, again); err != nil {
		t.Fatal(err)
	}
	pin := func(q string) string {
		return strings.ReplaceAll(q, "now()", fmt.Sprintf("toDateTime(%d)", now.Unix()))
	}
	before := make([][]string, len(queries))
	for i, q := range queries {
		before[i] = docRows(t, s, pin(q))
	}

	// Example 4 gives each brand's mentions over 30 days, its share of
	// them all and its negative share, each mention counted once with
	// its label as it is now.
	type sov struct{ n, neg int }
	byBrand := map[string]sov{}
	all := 0
	for _, m := range latest {
		if m.Published.Before(now.Add(-30 * 24 * time.Hour)) {
			continue
		}
		b := byBrand[m.Brand]
		b.n++
		if m.Label == mw.Negative {
			b.neg++
		}
		byBrand[m.Brand] = b
		all++
	}
	cols, rows := docTable(t, s, pin(docQuery(t, "4.")))
	if len(rows) != len(byBrand) || !slices.Equal(cols, []string{"brand", "mentions", "share_of_voice", "negative_share"}) {
		t.Fatalf("example 4 gives %q %v; want a row for each of %d brands", cols, rows, len(byBrand))
	}
	for _, r := range rows {
		b := byBrand[r[0]]
		voice, _ := strconv.ParseFloat(r[2], 64)
		negShare, _ := strconv.ParseFloat(r[3], 64)
		if r[1] != strconv.Itoa(b.n) || math.Abs(voice-float64(b.n)/float64(all)) > 0.0005 || math.Abs(negShare-float64(b.neg)/float64(b.n)) > 0.0005 {
			t.Errorf("example 4 gives %v; the sample holds %d of %d mentions for %s, %d negative", r, b.n, all, r[0], b.neg)
		}
	}

	// Example 19 counts each mention once per local day, with its label
	// as it is now.
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	y, mo, d := now.In(jakarta).Date()
	from := time.Date(y, mo, d, 0, 0, 0, 0, jakarta).AddDate(0, 0, -7)
	want := map[string][2]int{}
	for _, m := range latest {
		if m.Published.Before(from) {
			continue
		}
		k := m.Published.In(jakarta).Format("2006-01-02") + " " + m.Brand
		c := want[k]
		c[0]++
		if m.Label == mw.Negative {
			c[1]++
		}
		want[k] = c
	}
	got := map[string][2]int{}
	for _, r := range before[slices.IndexFunc(titles, func(s string) bool { return strings.HasPrefix(s, "19.") })] {
		f := strings.Split(r, " | ") // day, day_start, brand, mentions, negative
		n, _ := strconv.Atoi(f[3])
		neg, _ := strconv.Atoi(f[4])
		got[f[0][:10]+" "+f[2]] = [2]int{n, neg}
	}
	if !maps.Equal(got, want) {
		t.Errorf("example 19 gives (mentions, negative) per Jakarta day\n%v\nthe mentions as they are now give\n%v", got, want)
	}

	for _, tb := range []string{"mentions", "mentions_hourly", "aspects_hourly", "mentions_hourly_rows", "mentions_hourly_distinct"} {
		if err := s.Conn().Exec(ctx, "OPTIMIZE TABLE "+tb+" FINAL"); err != nil {
			t.Fatal(err)
		}
	}
	for i, q := range queries {
		after := docRows(t, s, pin(q))
		if !slices.Equal(before[i], after) {
			t.Errorf("%s: before ClickHouse merges the rows of mentions written again it answers\n%s\nafter\n%s",
				titles[i], strings.Join(before[i], "\n"), strings.Join(after, "\n"))
		}
	}
}

// TestSchemaDocShowsNewColumns: the examples show the columns an analyst
// looks for after migrations 11 and 12: example 10 a resolved spike's
// episode_total, example 20 lang_hint and lang_by, counted as the sample
// has them. Before, no example used them.
func TestSchemaDocShowsNewColumns(t *testing.T) {
	s := openFresh(t)
	now := time.Now().UTC().Truncate(time.Second)
	sampleData(t, s, now)
	pin := func(q string) string {
		return strings.ReplaceAll(q, "now()", fmt.Sprintf("toDateTime(%d)", now.Unix()))
	}

	cols, rows := docTable(t, s, pin(docQuery(t, "10.")))
	total, summary := slices.Index(cols, "episode_total"), slices.Index(cols, "summary")
	if total < 0 {
		t.Fatalf("example 10 has no episode_total column: %q", cols)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r[summary]] = r[total]
	}
	if got["21 negative mentions of acme"] != "58" || got["14 negative mentions at amot"] != "0" {
		t.Errorf("example 10's episode_total by summary: %v; want 58 for the resolved spike, 0 for the firing one", got)
	}

	ms, err := s.Mentions(context.Background(), store.MentionQuery{Brands: []string{"acme"}, From: now.Add(-7 * 24 * time.Hour), Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{} // source hint lang: mentions, from the hint
	for _, m := range ms {
		hint := m.LangHint
		if hint == "" {
			hint = "(none)"
		}
		c := want[m.Source+" "+hint+" "+m.Lang]
		c[0]++
		if m.LangBy == mw.LangByHint {
			c[1]++
		}
		want[m.Source+" "+hint+" "+m.Lang] = c
	}
	cols, rows = docTable(t, s, pin(docQuery(t, "20.")))
	idx := func(name string) int {
		i := slices.Index(cols, name)
		if i < 0 {
			t.Fatalf("example 20 has no column %s: %q", name, cols)
		}
		return i
	}
	src, hint, lang, n, fromHint := idx("source"), idx("hint"), idx("lang"), idx("mentions"), idx("from_hint")
	counts := map[string][2]int{}
	for _, r := range rows {
		a, _ := strconv.Atoi(r[n])
		b, _ := strconv.Atoi(r[fromHint])
		counts[r[src]+" "+r[hint]+" "+r[lang]] = [2]int{a, b}
	}
	if len(want) == 0 || !maps.Equal(counts, want) {
		t.Errorf("example 20 gives (mentions, from the hint) by source, hint and lang\n%v\nthe sample holds\n%v", counts, want)
	}
}
