package clickhouse

import (
	"context"
	"fmt"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

var deliveryColumns = []string{"key", "alert_id", "receiver", "attempt", "status", "error", "at", "next_at", "version"}

// SaveDelivery appends d to the delivery log; a record saved twice (same
// alert, key, receiver, attempt, status) collapses to one on merge and
// under FINAL.
func (s *Store) SaveDelivery(ctx context.Context, d mw.Delivery) error {
	if d.Key == "" || d.Receiver == "" {
		return fmt.Errorf("clickhouse: saving delivery: no key or receiver (alert %q)", d.AlertID)
	}
	err := s.insertRow(ctx, tableDeliveries, deliveryColumns,
		d.Key, d.AlertID, d.Receiver, int64(d.Attempt), d.Status, d.Error, toSec(d.At), toSec(d.NextAt), s.nextVersion(1))
	if err != nil {
		return fmt.Errorf("clickhouse: saving delivery %q to %s: %w", d.Key, d.Receiver, err)
	}
	return nil
}

// Deliveries returns the newest q.Limit records matching q, oldest first.
// Times are whole seconds: records of one second are ordered by attempt,
// status, alert, receiver and key (as in the embedded store).
func (s *Store) Deliveries(ctx context.Context, q store.DeliveryQuery) ([]mw.Delivery, error) {
	var w where
	if len(q.AlertIDs) > 0 {
		w.in("alert_id", q.AlertIDs)
	}
	if !q.Since.IsZero() {
		w.add("at >= toDateTime(?)", toSec(q.Since))
	}
	n := q.Limit
	if n <= 0 {
		n = 1000
	}
	query := fmt.Sprintf(`SELECT key, alert_id, receiver, attempt, status, error, toInt64(toUInt32(at)), toInt64(toUInt32(next_at)) FROM (
    SELECT key, alert_id, receiver, attempt, status, error, at, next_at
    FROM %s FINAL%s
    ORDER BY at DESC, attempt DESC, status DESC, alert_id DESC, receiver DESC, key DESC
    LIMIT %d
)
ORDER BY at, attempt, status, alert_id, receiver, key`, s.schema.Read(tableDeliveries), w.String(), n)
	rows, err := s.query(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: querying deliveries: %w", err)
	}
	defer rows.Close()
	var out []mw.Delivery
	for rows.Next() {
		var (
			d        mw.Delivery
			attempt  int64
			at, next int64
		)
		if err := rows.Scan(&d.Key, &d.AlertID, &d.Receiver, &attempt, &d.Status, &d.Error, &at, &next); err != nil {
			return nil, fmt.Errorf("clickhouse: reading deliveries: %w", err)
		}
		d.Attempt, d.At, d.NextAt = int(attempt), fromSec(at), fromSec(next)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading deliveries: %w", err)
	}
	return out, nil
}
