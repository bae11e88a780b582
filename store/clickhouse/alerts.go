package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

var alertColumns = []string{
	"id", "brand", "kind", "scope", "state", "started_at", "updated_at", "resolved_at",
	"count", "baseline", "factor", "neg_share", "summary",
	"mention_ids", "breakdown_keys", "breakdown_values",
	"notified_state", "notified_at", "notify_count", "acked_at", "acked_by", "reason", "told_count", "episode_total", "version",
}

// SaveAlert inserts a new version of alert a.ID; reads see the latest.
// The breakdown is stored as two arrays, keys sorted. When a has no
// acknowledgement, the latest stored one is read and kept
// (store.Store.SaveAlert): ClickHouse has no conditional update, so an
// acknowledgement saved between that read and this insert can still be
// lost, a window of one query where the loop's was a whole tick.
func (s *Store) SaveAlert(ctx context.Context, a mw.Alert) error {
	if a.ID == "" {
		return fmt.Errorf("clickhouse: saving alert: no id (brand %q, kind %q)", a.Brand, a.Kind)
	}
	if a.AckedAt.IsZero() {
		stored, err := s.Alert(ctx, a.ID)
		switch {
		case err == nil:
			a.AckedAt, a.AckedBy = stored.AckedAt, stored.AckedBy
		case !errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("clickhouse: saving alert %q: reading its acknowledgement: %w", a.ID, err)
		}
	}
	keys := make([]string, 0, len(a.Breakdown))
	for k := range a.Breakdown {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	values := make([]uint64, len(keys))
	for i, k := range keys {
		values[i] = a.Breakdown[k]
	}
	ids := a.MentionIDs
	if ids == nil {
		ids = []string{}
	}
	err := s.insertRow(ctx, tableAlerts, alertColumns,
		a.ID, a.Brand, a.Kind, a.Scope, string(a.State), toSec(a.StartedAt), toSec(a.UpdatedAt), toSec(a.ResolvedAt),
		a.Count, a.Baseline, a.Factor, a.NegShare, a.Summary,
		ids, keys, values,
		string(a.NotifiedState), toSec(a.NotifiedAt), int64(a.NotifyCount), toSec(a.AckedAt), a.AckedBy, a.Reason, a.ToldCount, a.EpisodeTotal, s.nextVersion(1))
	if err != nil {
		return fmt.Errorf("clickhouse: saving alert %q: %w", a.ID, err)
	}
	return nil
}

// Alert returns the latest version of alert id, or store.ErrNotFound.
func (s *Store) Alert(ctx context.Context, id string) (mw.Alert, error) {
	var w where
	w.add("id = ?", id)
	as, err := s.alerts(ctx, w, 1)
	if err != nil {
		return mw.Alert{}, err
	}
	if len(as) == 0 {
		return mw.Alert{}, fmt.Errorf("clickhouse: alert %q: %w", id, store.ErrNotFound)
	}
	return as[0], nil
}

// Alerts returns the latest version of each alert matching q, newest
// StartedAt first. Since keeps alerts started at or after it and alerts
// still firing.
func (s *Store) Alerts(ctx context.Context, q store.AlertQuery) ([]mw.Alert, error) {
	var w where
	if q.Brand != "" {
		w.add("brand = ?", q.Brand)
	}
	if q.State != "" {
		w.add("state = ?", string(q.State))
	}
	if !q.Since.IsZero() {
		w.add("(started_at >= toDateTime(?) OR state = ?)", toSec(q.Since), string(mw.Firing))
	}
	if !q.Until.IsZero() {
		w.add("started_at < toDateTime(?)", toSec(q.Until))
	}
	return s.alerts(ctx, w, limit(q.Limit))
}

// alerts filters the latest version of each alert: the filters apply after
// picking the latest version, so an alert that has since resolved does not
// match State firing through an older version.
func (s *Store) alerts(ctx context.Context, w where, n int) ([]mw.Alert, error) {
	query := fmt.Sprintf(`SELECT * FROM (
    SELECT id, brand, kind, scope, state, started_at, updated_at, resolved_at,
        count, baseline, factor, neg_share, summary,
        mention_ids, breakdown_keys, breakdown_values,
        notified_state, notified_at, notify_count, acked_at, acked_by, reason, told_count, episode_total, version
    FROM %s FINAL
    ORDER BY version DESC
    LIMIT 1 BY id
)%s
ORDER BY started_at DESC, id
LIMIT %d`, s.schema.Read(tableAlerts), w.String(), n)
	rows, err := s.query(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: querying alerts: %w", err)
	}
	defer rows.Close()
	var out []mw.Alert
	for rows.Next() {
		var (
			a                                           mw.Alert
			state, notified                             string
			started, updated, resolved, notifiedAt, ack int64
			keys                                        []string
			values                                      []uint64
			notifyCount                                 int64
			version                                     uint64
		)
		if err := rows.Scan(&a.ID, &a.Brand, &a.Kind, &a.Scope, &state, &started, &updated, &resolved,
			&a.Count, &a.Baseline, &a.Factor, &a.NegShare, &a.Summary,
			&a.MentionIDs, &keys, &values,
			&notified, &notifiedAt, &notifyCount, &ack, &a.AckedBy, &a.Reason, &a.ToldCount, &a.EpisodeTotal, &version); err != nil {
			return nil, fmt.Errorf("clickhouse: reading alerts: %w", err)
		}
		if len(keys) != len(values) {
			return nil, fmt.Errorf("clickhouse: reading alert %q: breakdown has %d keys but %d values", a.ID, len(keys), len(values))
		}
		a.State, a.NotifiedState = mw.AlertState(state), mw.AlertState(notified)
		a.StartedAt, a.UpdatedAt, a.ResolvedAt = fromSec(started), fromSec(updated), fromSec(resolved)
		a.NotifiedAt, a.AckedAt = fromSec(notifiedAt), fromSec(ack)
		a.NotifyCount = int(notifyCount)
		if len(a.MentionIDs) == 0 {
			a.MentionIDs = nil
		}
		if len(keys) > 0 {
			a.Breakdown = make(map[string]uint64, len(keys))
			for i, k := range keys {
				a.Breakdown[k] = values[i]
			}
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading alerts: %w", err)
	}
	return out, nil
}

var silenceColumns = []string{"id", "brand", "scope", "alert_id", "until", "reason", "created_by", "created_at", "version"}

// SaveSilence inserts or replaces the silence with s.ID.
func (s *Store) SaveSilence(ctx context.Context, sl mw.Silence) error {
	if sl.ID == "" {
		return errors.New("clickhouse: saving silence: no id")
	}
	err := s.insertRow(ctx, tableSilences, silenceColumns,
		sl.ID, sl.Brand, sl.Scope, sl.AlertID, toSec(sl.Until), sl.Reason, sl.CreatedBy, toSec(sl.CreatedAt), s.nextVersion(1))
	if err != nil {
		return fmt.Errorf("clickhouse: saving silence %q: %w", sl.ID, err)
	}
	return nil
}

// Silences returns the latest version of each silence still active at
// activeAt (Until after it), the first to end first.
func (s *Store) Silences(ctx context.Context, activeAt time.Time) ([]mw.Silence, error) {
	query := fmt.Sprintf(`SELECT * FROM (
    SELECT id, brand, scope, alert_id, until, reason, created_by, created_at, version
    FROM %s FINAL
    ORDER BY version DESC
    LIMIT 1 BY id
)
WHERE until > toDateTime(?)
ORDER BY until, id`, s.schema.Read(tableSilences))
	rows, err := s.query(ctx, query, toSec(activeAt))
	if err != nil {
		return nil, fmt.Errorf("clickhouse: querying silences: %w", err)
	}
	defer rows.Close()
	var out []mw.Silence
	for rows.Next() {
		var (
			sl             mw.Silence
			until, created int64
			version        uint64
		)
		if err := rows.Scan(&sl.ID, &sl.Brand, &sl.Scope, &sl.AlertID, &until, &sl.Reason, &sl.CreatedBy, &created, &version); err != nil {
			return nil, fmt.Errorf("clickhouse: reading silences: %w", err)
		}
		sl.Until, sl.CreatedAt = fromSec(until), fromSec(created)
		out = append(out, sl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading silences: %w", err)
	}
	return out, nil
}

var watermarkColumns = []string{"name", "at", "version"}

// Watermark returns the latest time saved under name, or the zero time.
func (s *Store) Watermark(ctx context.Context, name string) (time.Time, error) {
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT toInt64(toUInt32(at)) FROM %s FINAL
WHERE name = ?
ORDER BY version DESC
LIMIT 1`, s.schema.Read(tableWatermarks)), name)
	if err != nil {
		return time.Time{}, fmt.Errorf("clickhouse: reading watermark %q: %w", name, err)
	}
	defer rows.Close()
	var at int64
	if rows.Next() {
		if err := rows.Scan(&at); err != nil {
			return time.Time{}, fmt.Errorf("clickhouse: reading watermark %q: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return time.Time{}, fmt.Errorf("clickhouse: reading watermark %q: %w", name, err)
	}
	return fromSec(at), nil
}

// SaveWatermark saves t under name (a new version; reads see the latest).
func (s *Store) SaveWatermark(ctx context.Context, name string, t time.Time) error {
	if err := s.insertRow(ctx, tableWatermarks, watermarkColumns, name, toSec(t), s.nextVersion(1)); err != nil {
		return fmt.Errorf("clickhouse: saving watermark %q: %w", name, err)
	}
	return nil
}
