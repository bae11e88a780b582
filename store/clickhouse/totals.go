package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mentionwatch/mentionwatch/store"
)

// Totals counts each brand's mentions by label and sums their sentiment
// over [q.From, q.To). Each mention counts once, by its latest version
// (argMax over version), so a mention re-scored from neutral to negative
// counts as negative only, even before the background merge; a mention
// whose latest version moved to another time (movedVersions) counts
// where that version lies only (its older row, which never merges with
// it, counted in the old range too).
func (s *Store) Totals(ctx context.Context, q store.TotalsQuery) ([]store.BrandTotals, error) {
	w := brandsPublished(q.Brands, q.From, q.To)
	moved, err := s.movedVersions(ctx, q.Brands, w)
	if err != nil {
		return nil, err
	}
	skipStale(&w, moved)
	query := fmt.Sprintf(`SELECT brand, count() AS n,
    countIf(lbl = 'negative'), countIf(lbl = 'neutral'), countIf(lbl = 'positive'),
    sum(toFloat64(sent))
FROM (
    SELECT brand, id, argMax(toString(label), version) AS lbl, argMax(sentiment, version) AS sent
    FROM %s%s
    GROUP BY brand, id
)
GROUP BY brand
ORDER BY brand`, s.MentionsTable(), w.String())
	rows, err := s.query(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: querying totals: %w", err)
	}
	defer rows.Close()
	var out []store.BrandTotals
	for rows.Next() {
		var t store.BrandTotals
		if err := rows.Scan(&t.Brand, &t.Count, &t.Negative, &t.Neutral, &t.Positive, &t.SentimentSum); err != nil {
			return nil, fmt.Errorf("clickhouse: reading totals: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading totals: %w", err)
	}
	return out, nil
}

// skipStale keeps, of each moved mention (movedVersions), the row of its
// latest version only.
func skipStale(w *where, moved map[string]uint64) {
	if len(moved) == 0 {
		return
	}
	ids, latest := make([]any, 0, len(moved)), make([]any, 0, 2*len(moved))
	for id, v := range moved {
		ids = append(ids, id)
		latest = append(latest, id, v)
	}
	w.add("(id NOT IN ("+placeholders(len(ids))+") OR (id, version) IN ("+strings.TrimSuffix(strings.Repeat("(?, ?), ", len(moved)), ", ")+"))",
		append(ids, latest...)...)
}

// CountMentions counts the ids in q's range whose latest version passes
// q's other filters: one grouping of narrow columns (the id, the version
// and the filters' columns), no FINAL and no sort. It groups by the ids'
// 64-bit hashes, which costs half of grouping the ids (40 against 77 ms
// for 250,000 mentions on 18.16); two ids of a view would have to share a
// hash to count as one (for 10 million ids, a chance of 3 in a million).
// A mention that moved (movedVersions) counts where its latest version
// lies only; only a time range can leave one of its rows outside (an id
// has one brand).
func (s *Store) CountMentions(ctx context.Context, q store.MentionQuery) (uint64, error) {
	if err := store.CheckSearch(q.Search); err != nil {
		return 0, fmt.Errorf("clickhouse: counting mentions: %w", err)
	}
	q.After = nil
	key, rest := s.mentionWhere(q)
	if !q.CollectedFrom.IsZero() {
		rest.add("collected >= toDateTime(?)", toSec(q.CollectedFrom))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		moved, err := s.movedVersions(ctx, q.Brands, key)
		if err != nil {
			return 0, err
		}
		skipStale(&key, moved)
	}
	keep := "1"
	if len(rest.conds) > 0 {
		keep = strings.Join(rest.conds, " AND ")
	}
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT countIf(keep) FROM (
    SELECT argMax(toUInt8(%s), version) AS keep
    FROM %s%s
    GROUP BY cityHash64(id)
)`, keep, s.MentionsTable(), key.String()), append(append([]any{}, rest.args...), key.args...)...)
	if err != nil {
		return 0, fmt.Errorf("clickhouse: counting mentions: %w", err)
	}
	defer rows.Close()
	var n uint64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("clickhouse: counting mentions: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("clickhouse: counting mentions: %w", err)
	}
	return n, nil
}

// brandsPublished filters mentions of brands (all when empty) published
// in [from, to) (a zero bound does not filter).
func brandsPublished(brands []string, from, to time.Time) where {
	var w where
	if len(brands) > 0 {
		w.in("brand", brands)
	}
	if !from.IsZero() {
		w.add("published >= toDateTime(?)", toSec(from))
	}
	if !to.IsZero() {
		w.add("published < toDateTime(?)", toSec(to))
	}
	return w
}
