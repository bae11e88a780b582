package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mentionwatch/mentionwatch/store"
)

var sourceStateColumns = []string{"source", "kind", "cursor", "last_run", "last_success", "last_error", "last_error_at",
	"items_last_run", "total_items", "consecutive_errors", "version"}

const stateSelect = `SELECT source, kind, cursor, last_run, last_success, last_error, last_error_at,
    items_last_run, total_items, consecutive_errors`

// SourceState returns a source's cursor and health, or a zero state with
// Source set when the source never ran.
func (s *Store) SourceState(ctx context.Context, source string) (store.SourceState, error) {
	sts, err := s.sourceStates(ctx, "\nWHERE source = ?", source)
	if err != nil {
		return store.SourceState{}, err
	}
	if len(sts) == 0 {
		return store.SourceState{Source: source}, nil
	}
	return sts[0], nil
}

// SourceStates returns every source's state, ordered by source name.
func (s *Store) SourceStates(ctx context.Context) ([]store.SourceState, error) {
	return s.sourceStates(ctx, "")
}

func (s *Store) sourceStates(ctx context.Context, where string, args ...any) ([]store.SourceState, error) {
	query := fmt.Sprintf(`SELECT * FROM (
%s, version
FROM %s FINAL%s
ORDER BY version DESC
LIMIT 1 BY source
)
ORDER BY source`, stateSelect, s.schema.Read(tableSourceState), where)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: querying source state: %w", err)
	}
	defer rows.Close()
	var out []store.SourceState
	for rows.Next() {
		var (
			st                              store.SourceState
			cursor                          string
			lastRun, lastSuccess, lastError int64
			itemsLastRun, consecutive       int64
			version                         uint64
		)
		if err := rows.Scan(&st.Source, &st.Type, &cursor, &lastRun, &lastSuccess, &st.LastError, &lastError,
			&itemsLastRun, &st.TotalItems, &consecutive, &version); err != nil {
			return nil, fmt.Errorf("clickhouse: reading source state: %w", err)
		}
		if cursor != "" {
			if err := json.Unmarshal([]byte(cursor), &st.Cursor); err != nil {
				return nil, fmt.Errorf("clickhouse: reading the cursor of source %q: %w", st.Source, err)
			}
		}
		st.LastRun, st.LastSuccess, st.LastErrorAt = fromSec(lastRun), fromSec(lastSuccess), fromSec(lastError)
		st.ItemsLastRun, st.ConsecutiveErrors = int(itemsLastRun), int(consecutive)
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading source state: %w", err)
	}
	return out, nil
}

// SaveSourceState replaces the state of st.Source. The cursor is stored as
// JSON text.
func (s *Store) SaveSourceState(ctx context.Context, st store.SourceState) error {
	return s.SaveSourceStates(ctx, []store.SourceState{st})
}

// SaveSourceStates replaces the states of several sources in one insert
// (the scheduler gathers the saves of concurrent runs). A source listed
// twice keeps the later entry.
func (s *Store) SaveSourceStates(ctx context.Context, sts []store.SourceState) error {
	if len(sts) == 0 {
		return nil
	}
	v := s.nextVersion(len(sts))
	rows := make([][]any, 0, len(sts))
	for i, st := range sts {
		if st.Source == "" {
			return fmt.Errorf("clickhouse: saving source state: no source name")
		}
		cursor, err := json.Marshal(st.Cursor)
		if err != nil {
			return fmt.Errorf("clickhouse: encoding the cursor of source %q: %w", st.Source, err)
		}
		rows = append(rows, []any{st.Source, st.Type, string(cursor), toSec(st.LastRun), toSec(st.LastSuccess), st.LastError, toSec(st.LastErrorAt),
			int64(st.ItemsLastRun), st.TotalItems, int64(st.ConsecutiveErrors), v + uint64(i)})
	}
	if err := s.insertRows(ctx, tableSourceState, sourceStateColumns, rows); err != nil {
		if len(sts) == 1 {
			return fmt.Errorf("clickhouse: saving the state of source %q: %w", sts[0].Source, err)
		}
		return fmt.Errorf("clickhouse: saving the state of %d sources: %w", len(sts), err)
	}
	return nil
}
