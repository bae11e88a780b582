package sqlite

import (
	"context"
	"fmt"

	"github.com/mentionwatch/mentionwatch/store"
)

// Totals counts each brand's mentions by label and sums their sentiment
// over [q.From, q.To). A mention is one row (its id is the primary key).
func (s *Store) Totals(ctx context.Context, q store.TotalsQuery) ([]store.BrandTotals, error) {
	var w where
	w.in("brand", q.Brands)
	timeRange(&w, q.From, q.To)
	rows, err := s.db.QueryContext(ctx, `SELECT brand, COUNT(*), SUM(label = 'negative'), SUM(label = 'neutral'), SUM(label = 'positive'),
		TOTAL(sentiment) FROM mentions`+w.String()+` GROUP BY brand ORDER BY brand`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: totals: %w", s.path, err)
	}
	defer rows.Close()
	var out []store.BrandTotals
	for rows.Next() {
		var t store.BrandTotals
		if err := rows.Scan(&t.Brand, &t.Count, &t.Negative, &t.Neutral, &t.Positive, &t.SentimentSum); err != nil {
			return nil, fmt.Errorf("sqlite %s: totals: %w", s.path, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// CountMentions counts the rows of q's filters.
func (s *Store) CountMentions(ctx context.Context, q store.MentionQuery) (uint64, error) {
	if err := store.CheckSearch(q.Search); err != nil {
		return 0, fmt.Errorf("sqlite %s: counting mentions: %w", s.path, err)
	}
	q.After, q.OrderBy = nil, ""
	w, _, err := s.mentionFilter(q)
	if err != nil {
		return 0, err
	}
	var n uint64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mentions`+w.String(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite %s: counting mentions: %w", s.path, err)
	}
	return n, nil
}
