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
	if len(moved) > 0 {
		ids, latest := make([]any, 0, len(moved)), make([]any, 0, 2*len(moved))
		for id, v := range moved {
			ids = append(ids, id)
			latest = append(latest, id, v)
		}
		w.add("(id NOT IN ("+placeholders(len(ids))+") OR (id, version) IN ("+strings.TrimSuffix(strings.Repeat("(?, ?), ", len(moved)), ", ")+"))",
			append(ids, latest...)...)
	}
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
