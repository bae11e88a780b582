package sqlite

import (
	"context"
	"fmt"
	"time"
)

// retentionChunk is how many mentions one delete transaction removes, so
// that the writer's inserts, which wait for the write lock (busy_timeout,
// 10 s), never wait long behind a purge.
const retentionChunk = 5000

// DeleteMentionsBefore deletes the mentions published before cutoff (as
// store.retention_days does by TTL on ClickHouse), a chunk per
// transaction, and returns how many it deleted. The full-text index
// follows (a trigger). Alerts, deliveries, triage and the audit trail are
// kept. The file does not shrink: SQLite reuses the freed pages.
func (s *Store) DeleteMentionsBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	var total int64
	for {
		res, err := s.db.ExecContext(ctx, `DELETE FROM mentions WHERE rowid IN
			(SELECT rowid FROM mentions WHERE published < ? LIMIT ?)`, cutoff.UnixMilli(), retentionChunk)
		if err != nil {
			return total, fmt.Errorf("sqlite %s: deleting mentions published before %s (store.retention_days): %w",
				s.path, cutoff.UTC().Format(time.RFC3339), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("sqlite %s: deleting old mentions: %w", s.path, err)
		}
		total += n
		if n < retentionChunk {
			return total, nil
		}
	}
}
