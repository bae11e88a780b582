package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mentionwatch/mentionwatch/store"
)

// Distinct mentions per hour, counted once and kept.
//
// The dashboard counts each brand's distinct mentions (uniqExact of their
// IDs) per hour over 30 days, in total (share of voice), by stage (the
// journey) and by aspect: on ClickHouse 18.16 that is nearly all of the
// page's server time over a million mentions. Rollups fed by a
// materialized view do not make it cheaper on 18.16 (an
// AggregatingMergeTree of uniqExactState per hour, or a SummingMergeTree
// of ID arrays, merged at read time, cost as much as the raw count;
// docs/BENCHMARKS.md), and a count of inserted rows is not a count of
// mentions once one is written twice. So the exact counts of an hour are
// kept once they have been made, with the number of rows inserted into
// that hour when they were made:
//
//   - mentions_hourly_rows (SummingMergeTree, filled by a materialized
//     view on every INSERT into mentions, backfilled from mentions_hourly
//     by migration 9) holds, per brand and hour, the number of rows ever
//     inserted. Merges add rows up and never lower it, so any insert into
//     an hour changes it and nothing else does.
//   - mentions_hourly_distinct keeps, per brand, hour and dimension (a
//     Group* of store.SeriesQuery), the hour's total row (total = 1: all
//     its distinct mentions and negative ones) and one row per key (the
//     figures Series gives), counted when mentions_hourly_rows said inserted.
//     Rows count only while inserted still equals mentions_hourly_rows' sum;
//     otherwise the hour is counted again from mentions and kept anew
//     (ReplacingMergeTree on inserted: the newest count of a key wins).
//     The total row also says that the hour was counted, so an hour with
//     no keys (no aspects) is kept too.
//   - An hour is kept only when its rows held no two versions of a mention
//     (count() = uniqExact over the hour): then no background merge can
//     change what the raw count says, so the kept figures stay the raw
//     figures until the next insert into that hour. An hour with an
//     unmerged rewrite is counted from mentions on every read until a
//     merge removes it.
//
// The insert's main table part is committed before its views' parts, so
// a count read after mentions_hourly_rows sees at least the rows it
// lists. A count made while an insert was half done is kept under the old
// sum and so never used (or not kept at all: more rows than inserted).
// This rests on every insert into mentions reaching mentions_hourly_rows:
// the view is part of the INSERT, and an INSERT whose view failed returns
// an error, so the writer sends the batch again. With a cluster the tables
// are replicated independently (a replica may have the view's part before
// the mentions part), so cluster stores always count from mentions.

// hourKey is one brand's hour, in Unix seconds.
type hourKey struct {
	brand string
	hour  int64
}

// keyHour is one key of a brand's hour.
type keyHour struct {
	hourKey
	key string
}

// hourCount is the distinct mentions and negative ones of a key or hour.
type hourCount struct{ n, neg uint64 }

// hourDistinctColumns are the columns of mentions_hourly_distinct, in
// insert order.
var hourDistinctColumns = []string{"brand", "hour", "dimension", "total", "key", "inserted", "mentions", "negative"}

// maxHourRuns bounds the time ranges one count from mentions names; more
// runs of hours to count are read as one range.
const maxHourRuns = 32

// keepsHours reports whether q is answered from kept hourly counts: one
// bucket or whole-hour buckets of named brands between whole hours, on a
// single server.
func (s *Store) keepsHours(q store.SeriesQuery) bool {
	from, to := q.From.Unix(), q.To.Unix()
	return s.schema.Cluster == "" && len(q.Brands) > 0 && groupKeys(q.GroupBy) != "" &&
		q.Step >= 0 && q.Step%time.Hour == 0 &&
		!q.From.IsZero() && from > 0 && to <= maxDateTime && from < to && from%3600 == 0 && to%3600 == 0
}

// groupKeys is the array of a row's keys for a grouping, "[]" for none,
// "" for an unknown one.
func groupKeys(group string) string {
	switch group {
	case store.GroupNone:
		return "[]"
	case store.GroupLabel, store.GroupStage, store.GroupSource, store.GroupLang, store.GroupBrand:
		return "[toString(" + group + ")]"
	case store.GroupAspect:
		return "arrayDistinct(aspects)"
	}
	return ""
}

// seriesByHour answers q (keepsHours(q)) from the kept counts of its hours,
// counting from mentions the hours that have none (and keeping them). The
// points are those seriesRaw gives.
func (s *Store) seriesByHour(ctx context.Context, q store.SeriesQuery) ([]store.SeriesPoint, error) {
	from, to := q.From.Unix(), q.To.Unix()
	inserted, counted, kept, err := s.keptHours(ctx, q, from, to)
	if err != nil {
		return nil, err
	}
	todo := map[string][]int64{} // each brand's hours without a kept count, ascending
	var brands []string
	for _, b := range q.Brands {
		if _, dup := todo[b]; dup {
			continue
		}
		todo[b] = nil
		for h := from; h < to; h += 3600 {
			if !counted[hourKey{b, h}] {
				todo[b] = append(todo[b], h)
			}
		}
		if len(todo[b]) > 0 {
			brands = append(brands, b)
		}
	}
	if len(brands) > 0 {
		fresh, keep, err := s.countHours(ctx, q, brands, todo, inserted)
		if err != nil {
			return nil, err
		}
		for k, c := range fresh {
			if !counted[k.hourKey] {
				kept[k] = c
			}
		}
		// A brand's many scattered hours are read as one range: keep only
		// the hours that were not kept already.
		keep = slices.DeleteFunc(keep, func(r []any) bool { return counted[hourKey{r[0].(string), r[1].(int64)}] })
		s.keepHours(ctx, keep)
	}
	return hourPoints(q, kept), nil
}

// keptHours reads, for q's brands and hours in [from, to), the rows
// inserted (mentions_hourly_rows), which hours have current kept counts of
// q.GroupBy, and those counts.
func (s *Store) keptHours(ctx context.Context, q store.SeriesQuery, from, to int64) (inserted map[hourKey]uint64, counted map[hourKey]bool, kept map[keyHour]hourCount, err error) {
	var w where
	w.in("brand", q.Brands)
	w.add("hour >= toDateTime(?)", from)
	w.add("hour < toDateTime(?)", to)
	k := w.and(where{})
	k.add("dimension = ?", q.GroupBy)
	query := fmt.Sprintf(`SELECT toUInt8(2) AS total, brand, toUInt32(hour) AS h, '' AS k, sum(rows) AS a, toUInt64(0) AS b, toUInt64(0) AS c
FROM %s%s
GROUP BY brand, h
UNION ALL
SELECT total, brand, toUInt32(hour) AS h, key AS k, inserted AS a, mentions AS b, negative AS c
FROM %s%s`, s.schema.Read(tableHourRows), w.String(), s.schema.Read(tableHourDistinct), k.String())
	rows, err := s.query(ctx, query, append(append([]any{}, w.args...), k.args...)...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("clickhouse: reading kept hourly counts: %w", err)
	}
	defer rows.Close()
	type keptRow struct {
		keyHour
		total    bool
		inserted uint64
		hourCount
	}
	var found []keptRow
	inserted = map[hourKey]uint64{}
	for rows.Next() {
		var (
			total      uint8
			brand, key string
			h          uint32
			a, b, c    uint64
		)
		if err := rows.Scan(&total, &brand, &h, &key, &a, &b, &c); err != nil {
			return nil, nil, nil, fmt.Errorf("clickhouse: reading kept hourly counts: %w", err)
		}
		hk := hourKey{brand, int64(h)}
		if total == 2 {
			inserted[hk] = a
			continue
		}
		found = append(found, keptRow{keyHour{hk, key}, total == 1, a, hourCount{b, c}})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("clickhouse: reading kept hourly counts: %w", err)
	}
	counted, kept = map[hourKey]bool{}, map[keyHour]hourCount{}
	for _, r := range found {
		if n := inserted[r.hourKey]; n == 0 || r.inserted != n {
			continue
		}
		switch {
		case r.total:
			counted[r.hourKey] = true
			if q.GroupBy == store.GroupNone {
				kept[keyHour{r.hourKey, ""}] = r.hourCount
			}
		case q.GroupBy != store.GroupNone:
			kept[r.keyHour] = r.hourCount
		}
	}
	return inserted, counted, kept, nil
}

// countHours counts q's figures from mentions in the given hours of each
// brand (ascending Unix seconds), and returns with them the rows worth
// keeping: hours with rows inserted per mentions_hourly_rows and no two versions
// of a mention among their rows.
func (s *Store) countHours(ctx context.Context, q store.SeriesQuery, brands []string, hours map[string][]int64, inserted map[hourKey]uint64) (map[keyHour]hourCount, [][]any, error) {
	var w where
	w.in("brand", brands)
	conds := make([]string, len(brands))
	var args []any
	for i, b := range brands {
		type run struct{ from, to int64 }
		var runs []run
		for _, h := range hours[b] {
			if n := len(runs); n > 0 && runs[n-1].to == h {
				runs[n-1].to = h + 3600
				continue
			}
			runs = append(runs, run{h, h + 3600})
		}
		if len(runs) > maxHourRuns {
			runs = []run{{runs[0].from, runs[len(runs)-1].to}}
		}
		rs := make([]string, len(runs))
		args = append(args, b)
		for j, r := range runs {
			rs[j] = "published >= toDateTime(?) AND published < toDateTime(?)"
			args = append(args, r.from, r.to)
		}
		conds[i] = "brand = ? AND (" + strings.Join(rs, " OR ") + ")"
	}
	w.add("(("+strings.Join(conds, ") OR (")+"))", args...)
	// Each row counts once in its hour's total and once under each key.
	keys := "toUInt8(1) AS total, '' AS k"
	from := s.MentionsTable()
	if q.GroupBy != store.GroupNone {
		keys = "tupleElement(g, 1) AS total, tupleElement(g, 2) AS k"
		from += fmt.Sprintf("\nARRAY JOIN arrayPushFront(arrayMap(x -> (toUInt8(0), toString(x)), %s), (toUInt8(1), '')) AS g", groupKeys(q.GroupBy))
	}
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT toUInt32(toStartOfHour(published)) AS hour, brand, %s, count() AS stored,
    uniqExact(cityHash64(id)) AS n, uniqExactIf(cityHash64(id), label = 'negative') AS neg
FROM %s%s
GROUP BY hour, brand, total, k`, keys, from, w.String()), w.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
	}
	defer rows.Close()
	type counted struct {
		keyHour
		total          bool
		stored, n, neg uint64
	}
	var all []counted
	keepable := map[hourKey]bool{}
	for rows.Next() {
		var (
			c     counted
			h     uint32
			total uint8
		)
		if err := rows.Scan(&h, &c.brand, &total, &c.key, &c.stored, &c.n, &c.neg); err != nil {
			return nil, nil, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
		}
		c.hour, c.total = int64(h), total == 1
		if ins := inserted[c.hourKey]; c.total && ins > 0 && c.stored == c.n && c.stored <= ins {
			keepable[c.hourKey] = true
		}
		all = append(all, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
	}
	figures := map[keyHour]hourCount{}
	var keep [][]any
	for _, c := range all {
		if c.total == (q.GroupBy == store.GroupNone) {
			figures[c.keyHour] = hourCount{c.n, c.neg}
		}
		if keepable[c.hourKey] {
			keep = append(keep, []any{c.brand, c.hour, q.GroupBy, b2u(c.total), c.key, inserted[c.hourKey], c.n, c.neg})
		}
	}
	return figures, keep, nil
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
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

// hourPoints adds hours up into q's buckets, ordered by bucket, brand and
// key, as seriesRaw does.
func hourPoints(q store.SeriesQuery, counts map[keyHour]hourCount) []store.SeriesPoint {
	type bucketKey struct {
		bucket     int64
		brand, key string
	}
	step := int64(q.Step / time.Second)
	sums := map[bucketKey]hourCount{}
	for k, c := range counts {
		if c.n == 0 {
			continue
		}
		b := bucketKey{0, k.brand, k.key}
		if step > 0 {
			b.bucket = k.hour / step * step
		}
		s := sums[b]
		sums[b] = hourCount{s.n + c.n, s.neg + c.neg}
	}
	out := make([]store.SeriesPoint, 0, len(sums))
	for b, c := range sums {
		p := store.SeriesPoint{Brand: b.brand, Key: b.key, Count: c.n, Negative: c.neg, Bucket: q.From}
		if step > 0 {
			p.Bucket = time.Unix(b.bucket, 0).UTC()
		}
		out = append(out, p)
	}
	store.SortPoints(out)
	return out
}
