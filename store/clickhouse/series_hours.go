package clickhouse

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mentionwatch/mentionwatch/store"
)

// Distinct mentions per hour, counted once and kept.
//
// The dashboard's share of voice counts each brand's distinct mentions per
// hour over 30 days: a uniqExact of a million IDs, about 40 % of the page's
// server time on ClickHouse 18.16. Rollups fed by a materialized view do not
// make that cheaper on 18.16 (an AggregatingMergeTree of uniqExactState
// per hour, or a SummingMergeTree of ID arrays, merged at read time, cost
// as much as the raw count; docs/BENCHMARKS.md), and a count of inserted
// rows is not a count of mentions once one is written twice. So the exact
// count of an hour is kept once it has been made, with the number of rows
// inserted into that hour when it was made:
//
//   - mentions_hourly (SummingMergeTree, filled by a materialized view on
//     every INSERT into mentions) holds, per brand and hour, the number of
//     rows ever inserted. Merges add rows up and never lower it, so any
//     insert into an hour changes it and nothing else does.
//   - mentions_hourly_distinct keeps (brand, hour, inserted, mentions,
//     negative): the distinct mentions and negative ones of the hour,
//     counted when mentions_hourly said inserted. A kept row counts only
//     while inserted still equals mentions_hourly's sum; otherwise the hour
//     is counted again from mentions and kept anew (ReplacingMergeTree on
//     inserted: the newest count of an hour wins).
//   - An hour is kept only when its rows held no two versions of a mention
//     (count() = uniqExact): then no background merge can change what the
//     raw count says, so the kept figure stays the raw figure until the
//     next insert into that hour. An hour with an unmerged rewrite is
//     counted from mentions on every read until a merge removes it.
//
// The insert's main table part is committed before its view's part, so a
// count read after mentions_hourly sees at least the rows it lists. A
// count made while an insert was half done is kept under the old sum and
// so never used. With a cluster the tables are replicated independently
// (a replica may have the view's part before the mentions part), so
// cluster stores always count from mentions.

// hourKey is one brand's hour, in Unix seconds.
type hourKey struct {
	brand string
	hour  int64
}

// hourCount is an hour's distinct mentions and negative ones.
type hourCount struct{ n, neg uint64 }

// hourDistinctColumns are the columns of mentions_hourly_distinct, in
// insert order.
var hourDistinctColumns = []string{"brand", "hour", "inserted", "mentions", "negative"}

// maxHourRuns bounds the time ranges one count from mentions names; more
// runs of hours to count are read as one range.
const maxHourRuns = 32

// keepsHours reports whether q is answered from kept hourly counts: one
// bucket or whole-hour buckets of all mentions (no grouping) of named
// brands between whole hours, on a single server.
func (s *Store) keepsHours(q store.SeriesQuery) bool {
	from, to := q.From.Unix(), q.To.Unix()
	return s.schema.Cluster == "" && q.GroupBy == store.GroupNone && len(q.Brands) > 0 &&
		q.Step >= 0 && q.Step%time.Hour == 0 &&
		!q.From.IsZero() && from > 0 && to <= maxDateTime && from < to && from%3600 == 0 && to%3600 == 0
}

// seriesByHour answers q (keepsHours(q)) from the kept counts of its hours,
// counting from mentions the hours that have none (and keeping them). The
// points are those Series gives from mentions alone.
func (s *Store) seriesByHour(ctx context.Context, q store.SeriesQuery) ([]store.SeriesPoint, error) {
	from, to := q.From.Unix(), q.To.Unix()
	inserted, kept, err := s.keptHours(ctx, q.Brands, from, to)
	if err != nil {
		return nil, err
	}
	counts := make(map[hourKey]hourCount, len(kept))
	var todo []int64 // hours some brand has no kept count for, ascending
	for h := from; h < to; h += 3600 {
		missing := false
		for _, b := range q.Brands {
			k := hourKey{b, h}
			if c, ok := kept[k]; ok {
				counts[k] = c
			} else {
				missing = true
			}
		}
		if missing {
			todo = append(todo, h)
		}
	}
	if len(todo) > 0 {
		fresh, keep, err := s.countHours(ctx, q.Brands, todo, inserted)
		if err != nil {
			return nil, err
		}
		for k, c := range fresh {
			if _, ok := kept[k]; !ok {
				counts[k] = c
			}
		}
		s.keepHours(ctx, keep)
	}
	return hourPoints(q, counts), nil
}

// keptHours reads, for brands' hours in [from, to), the rows inserted
// (mentions_hourly) and the kept counts that are still current.
func (s *Store) keptHours(ctx context.Context, brands []string, from, to int64) (inserted map[hourKey]uint64, kept map[hourKey]hourCount, err error) {
	var w where
	w.in("brand", brands)
	w.add("hour >= toDateTime(?)", from)
	w.add("hour < toDateTime(?)", to)
	query := fmt.Sprintf(`SELECT toUInt8(0) AS kind, brand, toUInt32(hour) AS h, sum(mentions) AS a, toUInt64(0) AS b, toUInt64(0) AS c
FROM %s%s
GROUP BY brand, h
UNION ALL
SELECT toUInt8(1) AS kind, brand, toUInt32(hour) AS h, inserted AS a, mentions AS b, negative AS c
FROM %s%s`, s.schema.Read(tableHourly), w.String(), s.schema.Read(tableHourDistinct), w.String())
	rows, err := s.query(ctx, query, append(append([]any{}, w.args...), w.args...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("clickhouse: reading kept hourly counts: %w", err)
	}
	defer rows.Close()
	type keptRow struct {
		inserted uint64
		hourCount
	}
	inserted = map[hourKey]uint64{}
	var rowsKept []struct {
		k hourKey
		keptRow
	}
	for rows.Next() {
		var (
			kind    uint8
			brand   string
			h       uint32
			a, b, c uint64
		)
		if err := rows.Scan(&kind, &brand, &h, &a, &b, &c); err != nil {
			return nil, nil, fmt.Errorf("clickhouse: reading kept hourly counts: %w", err)
		}
		k := hourKey{brand, int64(h)}
		if kind == 0 {
			inserted[k] = a
			continue
		}
		rowsKept = append(rowsKept, struct {
			k hourKey
			keptRow
		}{k, keptRow{a, hourCount{b, c}}})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("clickhouse: reading kept hourly counts: %w", err)
	}
	kept = map[hourKey]hourCount{}
	for _, r := range rowsKept {
		if n, ok := inserted[r.k]; ok && n > 0 && r.inserted == n {
			kept[r.k] = r.hourCount
		}
	}
	return inserted, kept, nil
}

// countHours counts the distinct mentions of brands in the given hours
// (ascending Unix seconds) from mentions, and returns with them the rows
// worth keeping: hours with rows inserted per mentions_hourly and no two
// versions of a mention among their rows.
func (s *Store) countHours(ctx context.Context, brands []string, hours []int64, inserted map[hourKey]uint64) (map[hourKey]hourCount, [][]any, error) {
	type run struct{ from, to int64 }
	var runs []run
	for _, h := range hours {
		if n := len(runs); n > 0 && runs[n-1].to == h {
			runs[n-1].to = h + 3600
			continue
		}
		runs = append(runs, run{h, h + 3600})
	}
	if len(runs) > maxHourRuns {
		runs = []run{{runs[0].from, runs[len(runs)-1].to}}
	}
	var w where
	w.in("brand", brands)
	conds := make([]string, len(runs))
	var args []any
	for i, r := range runs {
		conds[i] = "(published >= toDateTime(?) AND published < toDateTime(?))"
		args = append(args, r.from, r.to)
	}
	w.add("("+strings.Join(conds, " OR ")+")", args...)
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT toUInt32(toStartOfHour(published)) AS hour, brand, count() AS stored,
    uniqExact(cityHash64(id)) AS n, uniqExactIf(cityHash64(id), label = 'negative') AS neg
FROM %s%s
GROUP BY hour, brand`, s.MentionsTable(), w.String()), w.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
	}
	defer rows.Close()
	counts := map[hourKey]hourCount{}
	var keep [][]any
	for rows.Next() {
		var (
			h              uint32
			brand          string
			stored, n, neg uint64
		)
		if err := rows.Scan(&h, &brand, &stored, &n, &neg); err != nil {
			return nil, nil, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
		}
		k := hourKey{brand, int64(h)}
		counts[k] = hourCount{n, neg}
		if ins := inserted[k]; ins > 0 && stored == n && stored <= ins {
			keep = append(keep, []any{brand, int64(h), ins, n, neg})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
	}
	return counts, keep, nil
}

// keepHours stores counted hours in mentions_hourly_distinct. A failure
// (a read-only user, say) costs only speed: it is logged once and keeping
// stops for the life of the store.
func (s *Store) keepHours(ctx context.Context, rows [][]any) {
	if len(rows) == 0 || s.keepOff.Load() {
		return
	}
	if err := s.insertRows(ctx, tableHourDistinct, hourDistinctColumns, rows); err != nil && ctx.Err() == nil {
		if s.keepOff.CompareAndSwap(false, true) {
			s.log.Warn("not keeping hourly mention counts: every dashboard read counts from mentions; grant INSERT on the table or run the migrations",
				"table", tableHourDistinct, "err", err)
		}
	}
}

// hourPoints adds hours up into q's buckets, ordered by bucket and brand,
// as Series does.
func hourPoints(q store.SeriesQuery, counts map[hourKey]hourCount) []store.SeriesPoint {
	type bucketKey struct {
		bucket int64
		brand  string
	}
	step := int64(q.Step / time.Second)
	sums := map[bucketKey]hourCount{}
	for k, c := range counts {
		if c.n == 0 {
			continue
		}
		b := bucketKey{0, k.brand}
		if step > 0 {
			b.bucket = k.hour / step * step
		}
		s := sums[b]
		sums[b] = hourCount{s.n + c.n, s.neg + c.neg}
	}
	out := make([]store.SeriesPoint, 0, len(sums))
	for b, c := range sums {
		p := store.SeriesPoint{Brand: b.brand, Count: c.n, Negative: c.neg, Bucket: q.From}
		if step > 0 {
			p.Bucket = time.Unix(b.bucket, 0).UTC()
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Bucket.Equal(out[j].Bucket) {
			return out[i].Bucket.Before(out[j].Bucket)
		}
		return out[i].Brand < out[j].Brand
	})
	return out
}
