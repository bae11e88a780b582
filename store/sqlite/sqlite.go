// Package sqlite is the embedded store: one SQLite file (modernc.org/sqlite,
// pure Go, WAL mode) with the same logical schema as the ClickHouse store.
// It is the default, so that the quick start needs no server, and it suits a
// single machine watching a few brands.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	sqlitedrv "modernc.org/sqlite" // database/sql driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// Store is the embedded store. It is safe for concurrent use: SQLite
// serialises writers, and busy_timeout makes them wait for each other.
type Store struct {
	db   *sql.DB
	path string
	log  *slog.Logger // nil: slog.Default()
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the SQLite file at path. Call Migrate
// before use.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty path (set store.path)")
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("sqlite %s: the path is a directory: set store.path to a file in it, such as %s", path, filepath.Join(path, "mentionwatch.db"))
	} else if dir := filepath.Dir(path); err != nil {
		if di, derr := os.Stat(dir); errors.Is(derr, fs.ErrNotExist) {
			return nil, fmt.Errorf("sqlite %s: the directory %s does not exist: create it, or set store.path to a file in an existing directory", path, dir)
		} else if derr == nil && !di.IsDir() {
			return nil, fmt.Errorf("sqlite %s: %s is not a directory: set store.path to a file in an existing directory", path, dir)
		}
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	// The path is escaped: in a file: URI "?" starts the parameters, "#"
	// a fragment and "%" an escape, so "data#2.db" would open "data".
	uriPath := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	db, err := sql.Open("sqlite", "file:"+uriPath+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	// One writer at a time avoids SQLITE_BUSY storms; readers share the
	// remaining connections (WAL lets them run beside the writer).
	db.SetMaxOpenConns(4)
	if err := db.Ping(); err != nil {
		db.Close()
		hint := "is the directory writable?"
		if msg := err.Error(); strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed") {
			hint = "the file is not an intact mentionwatch database: restore it from a backup (docs/OPERATIONS.md) or point store.path at a new file"
		}
		return nil, fmt.Errorf("sqlite %s: %w (%s)", path, err, hint)
	}
	return &Store{db: db, path: path}, nil
}

// SetLogger makes the store log (migration progress) to log rather than
// to slog.Default(). Call it before Migrate.
func (s *Store) SetLogger(log *slog.Logger) { s.log = log }

func (s *Store) logger() *slog.Logger {
	if s.log == nil {
		return slog.Default()
	}
	return s.log
}

// DB exposes the handle for tools (bench, tests).
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// migrations are applied in order; each runs once, recorded in
// schema_migrations. Never edit a released migration: add one.
var migrations = []string{
	// 1: the logical schema shared with ClickHouse (docs/SCHEMA.md).
	`CREATE TABLE IF NOT EXISTS mentions (
		id               TEXT PRIMARY KEY,
		brand            TEXT NOT NULL,
		source           TEXT NOT NULL,
		kind             TEXT NOT NULL,
		native_id        TEXT NOT NULL,
		url              TEXT NOT NULL,
		author           TEXT NOT NULL,
		author_reach     INTEGER NOT NULL,
		title            TEXT NOT NULL,
		text             TEXT NOT NULL,
		rating           REAL NOT NULL,
		published        INTEGER NOT NULL, -- Unix milliseconds, UTC
		collected        INTEGER NOT NULL,
		lang             TEXT NOT NULL,
		sentiment        REAL NOT NULL,
		label            TEXT NOT NULL,
		stage            TEXT NOT NULL,
		stage_confidence REAL NOT NULL,
		aspects          TEXT NOT NULL,    -- JSON array of strings
		reach            REAL NOT NULL
	);
	CREATE INDEX IF NOT EXISTS mentions_brand_published ON mentions (brand, published);
	CREATE INDEX IF NOT EXISTS mentions_published ON mentions (published);
	CREATE INDEX IF NOT EXISTS mentions_author ON mentions (author);
	CREATE TABLE IF NOT EXISTS source_state (
		source             TEXT PRIMARY KEY,
		kind               TEXT NOT NULL,
		cursor             TEXT NOT NULL, -- JSON
		last_run           INTEGER NOT NULL,
		last_success       INTEGER NOT NULL,
		last_error         TEXT NOT NULL,
		last_error_at      INTEGER NOT NULL,
		items_last_run     INTEGER NOT NULL,
		total_items        INTEGER NOT NULL,
		consecutive_errors INTEGER NOT NULL
	);
	CREATE TABLE IF NOT EXISTS alerts (
		id             TEXT PRIMARY KEY,
		brand          TEXT NOT NULL,
		kind           TEXT NOT NULL,
		scope          TEXT NOT NULL,
		state          TEXT NOT NULL,
		started_at     INTEGER NOT NULL,
		updated_at     INTEGER NOT NULL,
		resolved_at    INTEGER NOT NULL,
		count          REAL NOT NULL,
		baseline       REAL NOT NULL,
		factor         REAL NOT NULL,
		neg_share      REAL NOT NULL,
		summary        TEXT NOT NULL,
		mention_ids    TEXT NOT NULL, -- JSON array
		breakdown      TEXT NOT NULL, -- JSON object
		notified_state TEXT NOT NULL,
		notified_at    INTEGER NOT NULL,
		notify_count   INTEGER NOT NULL,
		acked_at       INTEGER NOT NULL,
		acked_by       TEXT NOT NULL
	);
	CREATE INDEX IF NOT EXISTS alerts_started ON alerts (started_at);
	CREATE TABLE IF NOT EXISTS silences (
		id         TEXT PRIMARY KEY,
		brand      TEXT NOT NULL,
		scope      TEXT NOT NULL,
		until      INTEGER NOT NULL,
		reason     TEXT NOT NULL,
		created_by TEXT NOT NULL,
		created_at INTEGER NOT NULL
	);`,
	// 2: why a critical alert fired (Alert.Reason); the alert loop's
	// watermarks; mentions by collected time (the loop reads what was
	// stored since its watermark).
	`ALTER TABLE alerts ADD COLUMN reason TEXT NOT NULL DEFAULT '';
	CREATE TABLE IF NOT EXISTS watermarks (
		name TEXT PRIMARY KEY,
		at   INTEGER NOT NULL
	);
	CREATE INDEX IF NOT EXISTS mentions_collected ON mentions (collected);`,
	// 3: the inbox (docs/SCHEMA.md): triage state and its audit trail, and
	// full-text search over title and text (FTS5, kept in step by
	// triggers; InsertMentions upserts, so a rewrite is an UPDATE).
	migrationInbox,
	// 4: the dashboard's named users, their API tokens and login sessions
	// (users.go). Only digests of secrets are stored.
	`CREATE TABLE IF NOT EXISTS users (
		name          TEXT PRIMARY KEY,
		role          TEXT NOT NULL,
		password_hash TEXT NOT NULL,
		disabled      INTEGER NOT NULL,
		password_set  INTEGER NOT NULL,
		created       INTEGER NOT NULL,
		updated       INTEGER NOT NULL
	);
	CREATE TABLE IF NOT EXISTS api_tokens (
		id      TEXT PRIMARY KEY,
		user    TEXT NOT NULL,
		name    TEXT NOT NULL,
		hash    TEXT NOT NULL,
		created INTEGER NOT NULL,
		revoked INTEGER NOT NULL
	);
	CREATE TABLE IF NOT EXISTS sessions (
		id      TEXT PRIMARY KEY,
		user    TEXT NOT NULL,
		created INTEGER NOT NULL,
		expires INTEGER NOT NULL
	);
	CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires);`,
	// 5: the delivery log: each alert notification's way to each receiver
	// (queued, attempts, holds, sent), for retries that survive a restart
	// and for the dashboard.
	`CREATE TABLE IF NOT EXISTS deliveries (
		key      TEXT NOT NULL,
		alert_id TEXT NOT NULL,
		receiver TEXT NOT NULL,
		attempt  INTEGER NOT NULL,
		status   TEXT NOT NULL,
		error    TEXT NOT NULL,
		at       INTEGER NOT NULL, -- Unix milliseconds, UTC
		next_at  INTEGER NOT NULL,
		PRIMARY KEY (key, receiver, attempt, status)
	);
	CREATE INDEX IF NOT EXISTS deliveries_alert ON deliveries (alert_id);
	CREATE INDEX IF NOT EXISTS deliveries_at ON deliveries (at);`,
	// 6: authors match by store.AuthorKey (inbox.go, authorKeyExpr): an
	// index on the key replaces the one on the exact author.
	migrationAuthorKey,
	// 7: a critical alert's copies when its last message was due
	// (Alert.ToldCount).
	`ALTER TABLE alerts ADD COLUMN told_count REAL NOT NULL DEFAULT 0;`,
	// 8: the search index holds folded text (inbox.go); foldExisting
	// folds the stored mentions and creates it.
	migrationFold,
	// 9: a resolved spike's negative mentions over its episode
	// (Alert.EpisodeTotal).
	`ALTER TABLE alerts ADD COLUMN episode_total REAL NOT NULL DEFAULT 0;`,
	// 10: the language the service gave a mention and what decided its
	// lang (Mention.LangHint, LangBy).
	`ALTER TABLE mentions ADD COLUMN lang_hint TEXT NOT NULL DEFAULT '';
	ALTER TABLE mentions ADD COLUMN lang_by TEXT NOT NULL DEFAULT '';`,
	// 11: the alert a silence was made from (Silence.AlertID).
	`ALTER TABLE silences ADD COLUMN alert_id TEXT NOT NULL DEFAULT '';`,
}

// migrationSteps are the parts of migrations written in Go, run after the
// version's SQL in the same transaction.
var migrationSteps = map[int]func(context.Context, *sql.Tx) error{8: foldExisting}

// MigrationVersion returns the schema version recorded in the file, 0
// before the first Migrate.
func (s *Store) MigrationVersion(ctx context.Context) (uint32, error) {
	var tables int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables); err != nil {
		return 0, fmt.Errorf("sqlite %s: reading schema version: %w", s.path, err)
	}
	if tables == 0 {
		return 0, nil
	}
	var v uint32
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite %s: reading schema version: %w", s.path, err)
	}
	return v, nil
}

// beforeMigration, when set (tests), runs before the transaction of each
// migration: where another process starting at once may apply it.
var beforeMigration func(v int)

// Migrate applies the migrations not applied yet. It is idempotent, and
// safe while another process migrates the same file.
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.checkOurs(ctx); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite %s: creating schema_migrations: %w", s.path, err)
	}
	var have int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("sqlite %s: reading schema version: %w", s.path, err)
	}
	if have > len(migrations) {
		return fmt.Errorf("sqlite %s: schema version %d is newer than this binary knows (%d): %s: %w", s.path, have, len(migrations), store.SchemaNewerHint, store.ErrSchemaNewer)
	}
	for v := have + 1; v <= len(migrations); v++ {
		if beforeMigration != nil {
			beforeMigration(v)
		}
		tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
		if err != nil {
			return fmt.Errorf("sqlite %s: migration %d: %w%s", s.path, v, err, busyHint(err))
		}
		// Another process may have applied it since the version was read
		// (two starting at once): its migrations are not idempotent.
		var done int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, v).Scan(&done); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite %s: migration %d: reading schema version: %w", s.path, v, err)
		}
		if done > 0 {
			tx.Rollback()
			continue
		}
		// Some migrations rebuild an index over every mention: minutes on
		// a large file, so say what start-up is doing.
		start := time.Now()
		if have > 0 {
			s.logger().Info("sqlite: applying a schema migration (on a large file this can take minutes)", "path", s.path, "version", v)
		}
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite %s: migration %d: %w", s.path, v, err)
		}
		if step := migrationSteps[v]; step != nil {
			if err := step(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("sqlite %s: migration %d: %w", s.path, v, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, time.Now().UnixMilli()); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite %s: recording migration %d: %w", s.path, v, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite %s: migration %d: %w", s.path, v, err)
		}
		if have > 0 {
			s.logger().Info("sqlite: schema migration applied", "path", s.path, "version", v, "took", time.Since(start).Round(time.Millisecond))
		}
	}
	return nil
}

// busyHint says what to do when the write lock stayed taken longer than
// busy_timeout: another process (run and serve started together) is
// migrating the file, which on a large one takes minutes.
func busyHint(err error) string {
	var se *sqlitedrv.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY {
		return " (another process holds the file's write lock, perhaps mentionwatch run, serve or migrate upgrading it: start this one again once that one is up)"
	}
	return ""
}

// checkOurs refuses a file holding tables but no schema_migrations:
// another program's database, which migrating would add mentionwatch's
// tables to (or fail on a table of the same name). Migrate creates
// schema_migrations before any other table, so every mentionwatch file
// that has tables has it.
func (s *Store) checkOurs(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return fmt.Errorf("sqlite %s: reading the tables: %w", s.path, err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("sqlite %s: reading the tables: %w", s.path, err)
		}
		if name == "schema_migrations" {
			return nil
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite %s: reading the tables: %w", s.path, err)
	}
	if len(tables) == 0 {
		return nil
	}
	if len(tables) > 5 {
		tables = append(tables[:5], "...")
	}
	return fmt.Errorf("sqlite %s: the file is a SQLite database but not a mentionwatch store (it has tables %s and no schema_migrations); it was left as it was: set store.path to a new file, which is created", s.path, strings.Join(tables, ", "))
}

// ms and fromMS map times to Unix milliseconds; the zero time is 0.
// Times are kept as ClickHouse keeps them (store.StoredTime: whole
// seconds, 1970..2106), so that both stores give the same answers: a
// silence ending inside a second has ended at its start in both.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return store.StoredTime(t).UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

const mentionCols = `id, brand, source, kind, native_id, url, author, author_reach, title, text, rating,
	published, collected, lang, sentiment, label, stage, stage_confidence, aspects, reach, lang_hint, lang_by`

// InsertMentions stores ms, as store.Clean maps them, in one transaction;
// an existing id is replaced.
func (s *Store) InsertMentions(ctx context.Context, batch []mw.Mention) error {
	if len(batch) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO mentions (`+mentionCols+`, title_fold, text_fold)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+upsertMention)
	if err != nil {
		return fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	defer stmt.Close()
	for i := range batch {
		c := store.Clean(batch[i])
		m := &c
		asp, _ := json.Marshal(nonNil(m.Aspects))
		if _, err := stmt.ExecContext(ctx, m.ID, m.Brand, m.Source, m.Type, m.NativeID, m.URL, m.Author,
			int64(m.AuthorReach), m.Title, m.Text, float64(m.Rating), ms(m.Published), ms(m.Collected),
			m.Lang, float64(m.Sentiment), string(m.Label), string(m.Stage), float64(m.StageConfidence),
			string(asp), float64(m.Reach), m.LangHint, m.LangBy, searchFold(m.Title), searchFold(m.Text)); err != nil {
			return fmt.Errorf("sqlite %s: inserting mention %s: %w", s.path, m.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// where builds the shared filter of mention queries.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	w.add(col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")", anys(vals)...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func anys(vals []string) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

func timeRange(w *where, from, to time.Time) {
	if !from.IsZero() {
		w.add("published >= ?", bound(from))
	}
	if !to.IsZero() {
		w.add("published < ?", bound(to))
	}
}

// bound is a time a query compares stored times with, in Unix
// milliseconds, mapped as the times stored are (store.StoredTime): a bound
// inside a second is that second, as in ClickHouse.
func bound(t time.Time) int64 { return store.StoredTime(t).UnixMilli() }

// Mentions returns the mentions matching q.
func (s *Store) Mentions(ctx context.Context, q store.MentionQuery) ([]mw.Mention, error) {
	var out []mw.Mention
	if q.Limit <= 0 {
		q.Limit = 100
	}
	err := s.EachMention(ctx, q, func(m mw.Mention) error {
		out = append(out, m)
		return nil
	})
	return out, err
}

var groupCols = map[string]string{
	store.GroupNone:   "''",
	store.GroupLabel:  "label",
	store.GroupStage:  "stage",
	store.GroupSource: "source",
	store.GroupLang:   "lang",
	store.GroupBrand:  "brand",
	store.GroupAspect: "json_each.value",
}

// Series counts mentions per bucket, brand and key.
func (s *Store) Series(ctx context.Context, q store.SeriesQuery) ([]store.SeriesPoint, error) {
	key, ok := groupCols[q.GroupBy]
	if !ok {
		return nil, fmt.Errorf("series: unknown group %q (want label, stage, aspect, source, lang or brand)", q.GroupBy)
	}
	var w where
	w.in("brand", q.Brands)
	timeRange(&w, q.From, q.To)
	from, counts := "mentions", "COUNT(*), SUM(label = 'negative')"
	if q.GroupBy == store.GroupAspect {
		// A mention counts once per aspect, even when its aspects name
		// one twice (as ClickHouse's arrayDistinct counts it).
		from = "mentions, json_each(mentions.aspects)"
		counts = "COUNT(DISTINCT mentions.id), COUNT(DISTINCT CASE WHEN mentions.label = 'negative' THEN mentions.id END)"
	}
	bucket := "?"
	bargs := []any{q.From.UnixMilli()}
	if q.Step > 0 {
		step := q.Step.Milliseconds()
		if step <= 0 {
			return nil, fmt.Errorf("series: step %s is below a millisecond", q.Step)
		}
		bucket = "(published / ?) * ?"
		bargs = []any{step, step}
	}
	zoned := q.Zone != nil && q.Step > 0
	if zoned {
		// Count in UTC-aligned buckets that each lie inside one local
		// bucket, and fold them in Go (store/zones.go): exact for every
		// zone, SQLite having no zone database of its own.
		if err := store.CheckZoneStep(q.Step); err != nil {
			return nil, fmt.Errorf("series: %w", err)
		}
		first, end, ok, err := s.seriesSpan(ctx, q, w)
		if err != nil || !ok {
			return nil, err
		}
		g := store.FoldGrid(q.Zone, first, end, q.Step).Milliseconds()
		bucket = "(published - (published % ? + ?) % ?)"
		bargs = []any{g, g, g}
	}
	query := `SELECT ` + bucket + ` AS b, brand, ` + key + ` AS k, ` + counts + `
		FROM ` + from + w.String() + ` GROUP BY b, brand, k ORDER BY b, brand, k`
	rows, err := s.db.QueryContext(ctx, query, append(bargs, w.args...)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: series: %w", s.path, err)
	}
	defer rows.Close()
	var out []store.SeriesPoint
	for rows.Next() {
		var (
			p store.SeriesPoint
			b int64
		)
		if err := rows.Scan(&b, &p.Brand, &p.Key, &p.Count, &p.Negative); err != nil {
			return nil, fmt.Errorf("sqlite %s: series: %w", s.path, err)
		}
		p.Bucket = time.UnixMilli(b).UTC()
		if q.Step == 0 {
			p.Bucket = q.From.UTC()
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil || !zoned {
		return out, err
	}
	return store.FoldSeries(q, out), nil
}

// seriesSpan is q's range, its open ends closed by the mentions it
// selects (w); ok is false when it selects none.
func (s *Store) seriesSpan(ctx context.Context, q store.SeriesQuery, w where) (from, to time.Time, ok bool, err error) {
	from, to = q.From, q.To
	if !from.IsZero() && !to.IsZero() {
		return from, to, true, nil
	}
	var lo, hi sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(published), MAX(published) FROM mentions`+w.String(), w.args...).Scan(&lo, &hi); err != nil {
		return from, to, false, fmt.Errorf("sqlite %s: series: %w", s.path, err)
	}
	if !lo.Valid {
		return from, to, false, nil
	}
	if from.IsZero() {
		from = time.UnixMilli(lo.Int64)
	}
	if to.IsZero() {
		to = time.UnixMilli(hi.Int64 + 1)
	}
	return from, to, true, nil
}

const stateCols = `source, kind, cursor, last_run, last_success, last_error, last_error_at, items_last_run, total_items, consecutive_errors`

// SourceState returns a source's state, zero with Source set if it never ran.
func (s *Store) SourceState(ctx context.Context, source string) (store.SourceState, error) {
	sts, err := s.sourceStates(ctx, " WHERE source = ?", source)
	if err != nil {
		return store.SourceState{}, err
	}
	if len(sts) == 0 {
		return store.SourceState{Source: source}, nil
	}
	return sts[0], nil
}

// SourceStates returns every source's state, by name.
func (s *Store) SourceStates(ctx context.Context) ([]store.SourceState, error) {
	return s.sourceStates(ctx, "")
}

func (s *Store) sourceStates(ctx context.Context, where string, args ...any) ([]store.SourceState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+stateCols+` FROM source_state`+where+` ORDER BY source`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: source state: %w", s.path, err)
	}
	defer rows.Close()
	var out []store.SourceState
	for rows.Next() {
		var (
			st                       store.SourceState
			cur                      string
			run, succ, errAt, total  int64
			items, consecutiveErrors int64
		)
		if err := rows.Scan(&st.Source, &st.Type, &cur, &run, &succ, &st.LastError, &errAt, &items, &total, &consecutiveErrors); err != nil {
			return nil, fmt.Errorf("sqlite %s: source state: %w", s.path, err)
		}
		if err := json.Unmarshal([]byte(cur), &st.Cursor); err != nil {
			return nil, fmt.Errorf("sqlite %s: source %s: bad cursor: %w", s.path, st.Source, err)
		}
		st.LastRun, st.LastSuccess, st.LastErrorAt = fromMS(run), fromMS(succ), fromMS(errAt)
		st.ItemsLastRun, st.TotalItems, st.ConsecutiveErrors = int(items), uint64(total), int(consecutiveErrors)
		out = append(out, st)
	}
	return out, rows.Err()
}

// SaveSourceState replaces a source's state.
func (s *Store) SaveSourceState(ctx context.Context, st store.SourceState) error {
	return s.SaveSourceStates(ctx, []store.SourceState{st})
}

// SaveSourceStates replaces the states of several sources in one
// transaction (the scheduler gathers the saves of concurrent runs).
func (s *Store) SaveSourceStates(ctx context.Context, sts []store.SourceState) error {
	if len(sts) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite %s: saving source state: %w", s.path, err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO source_state (`+stateCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("sqlite %s: saving source state: %w", s.path, err)
	}
	defer stmt.Close()
	for _, st := range sts {
		cur, err := json.Marshal(st.Cursor)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, st.Source, st.Type, string(cur), ms(st.LastRun), ms(st.LastSuccess), st.LastError, ms(st.LastErrorAt),
			st.ItemsLastRun, int64(st.TotalItems), st.ConsecutiveErrors); err != nil {
			return fmt.Errorf("sqlite %s: saving state of source %s: %w", s.path, st.Source, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite %s: saving source state: %w", s.path, err)
	}
	return nil
}

const alertCols = `id, brand, kind, scope, state, started_at, updated_at, resolved_at, count, baseline, factor, neg_share,
	summary, mention_ids, breakdown, notified_state, notified_at, notify_count, acked_at, acked_by, reason, told_count, episode_total`

// SaveAlert inserts or replaces the alert with a.ID. An acknowledgement
// stored is kept when a has none (store.Store.SaveAlert), in the same
// statement.
func (s *Store) SaveAlert(ctx context.Context, a mw.Alert) error {
	ids, _ := json.Marshal(nonNil(a.MentionIDs))
	bd := a.Breakdown
	if bd == nil {
		bd = map[string]uint64{}
	}
	breakdown, _ := json.Marshal(bd)
	_, err := s.db.ExecContext(ctx, `INSERT INTO alerts (`+alertCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET brand = excluded.brand, kind = excluded.kind, scope = excluded.scope,
			state = excluded.state, started_at = excluded.started_at, updated_at = excluded.updated_at,
			resolved_at = excluded.resolved_at, count = excluded.count, baseline = excluded.baseline,
			factor = excluded.factor, neg_share = excluded.neg_share, summary = excluded.summary,
			mention_ids = excluded.mention_ids, breakdown = excluded.breakdown,
			notified_state = excluded.notified_state, notified_at = excluded.notified_at,
			notify_count = excluded.notify_count, reason = excluded.reason, told_count = excluded.told_count,
			episode_total = excluded.episode_total,
			acked_by = CASE WHEN excluded.acked_at = 0 THEN alerts.acked_by ELSE excluded.acked_by END,
			acked_at = CASE WHEN excluded.acked_at = 0 THEN alerts.acked_at ELSE excluded.acked_at END`,
		a.ID, a.Brand, a.Kind, a.Scope, string(a.State), ms(a.StartedAt), ms(a.UpdatedAt), ms(a.ResolvedAt),
		a.Count, a.Baseline, a.Factor, a.NegShare, a.Summary, string(ids), string(breakdown),
		string(a.NotifiedState), ms(a.NotifiedAt), a.NotifyCount, ms(a.AckedAt), a.AckedBy, a.Reason, a.ToldCount, a.EpisodeTotal)
	if err != nil {
		return fmt.Errorf("sqlite %s: saving alert %s: %w", s.path, a.ID, err)
	}
	return nil
}

// Alert returns one alert or store.ErrNotFound.
func (s *Store) Alert(ctx context.Context, id string) (mw.Alert, error) {
	as, err := s.alerts(ctx, " WHERE id = ?", []any{id}, 1)
	if err != nil {
		return mw.Alert{}, err
	}
	if len(as) == 0 {
		return mw.Alert{}, fmt.Errorf("alert %s: %w", id, store.ErrNotFound)
	}
	return as[0], nil
}

// Alerts returns alerts matching q, newest first.
func (s *Store) Alerts(ctx context.Context, q store.AlertQuery) ([]mw.Alert, error) {
	var w where
	if q.Brand != "" {
		w.add("brand = ?", q.Brand)
	}
	if q.State != "" {
		w.add("state = ?", string(q.State))
	}
	if !q.Since.IsZero() {
		w.add("(started_at >= ? OR state = ?)", bound(q.Since), string(mw.Firing))
	}
	if !q.Until.IsZero() {
		w.add("started_at < ?", bound(q.Until))
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	return s.alerts(ctx, w.String(), w.args, limit)
}

func (s *Store) alerts(ctx context.Context, where string, args []any, limit int) ([]mw.Alert, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+alertCols+` FROM alerts`+where+` ORDER BY started_at DESC, id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: alerts: %w", s.path, err)
	}
	defer rows.Close()
	var out []mw.Alert
	for rows.Next() {
		var (
			a                                   mw.Alert
			state, nstate, ids, bd              string
			started, updated, resolved, nat, ak int64
		)
		if err := rows.Scan(&a.ID, &a.Brand, &a.Kind, &a.Scope, &state, &started, &updated, &resolved,
			&a.Count, &a.Baseline, &a.Factor, &a.NegShare, &a.Summary, &ids, &bd, &nstate, &nat,
			&a.NotifyCount, &ak, &a.AckedBy, &a.Reason, &a.ToldCount, &a.EpisodeTotal); err != nil {
			return nil, fmt.Errorf("sqlite %s: alerts: %w", s.path, err)
		}
		a.State, a.NotifiedState = mw.AlertState(state), mw.AlertState(nstate)
		a.StartedAt, a.UpdatedAt, a.ResolvedAt = fromMS(started), fromMS(updated), fromMS(resolved)
		a.NotifiedAt, a.AckedAt = fromMS(nat), fromMS(ak)
		if err := json.Unmarshal([]byte(ids), &a.MentionIDs); err != nil {
			return nil, fmt.Errorf("sqlite %s: alert %s: bad mention ids: %w", s.path, a.ID, err)
		}
		if err := json.Unmarshal([]byte(bd), &a.Breakdown); err != nil {
			return nil, fmt.Errorf("sqlite %s: alert %s: bad breakdown: %w", s.path, a.ID, err)
		}
		if len(a.MentionIDs) == 0 {
			a.MentionIDs = nil
		}
		if len(a.Breakdown) == 0 {
			a.Breakdown = nil
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveSilence inserts or replaces a silence.
func (s *Store) SaveSilence(ctx context.Context, sl mw.Silence) error {
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO silences (id, brand, scope, alert_id, until, reason, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sl.ID, sl.Brand, sl.Scope, sl.AlertID, ms(sl.Until), sl.Reason, sl.CreatedBy, ms(sl.CreatedAt))
	if err != nil {
		return fmt.Errorf("sqlite %s: saving silence %s: %w", s.path, sl.ID, err)
	}
	return nil
}

// Silences returns the silences still active at t.
func (s *Store) Silences(ctx context.Context, activeAt time.Time) ([]mw.Silence, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, brand, scope, alert_id, until, reason, created_by, created_at
		FROM silences WHERE until > ? ORDER BY until, id`, bound(activeAt))
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: silences: %w", s.path, err)
	}
	defer rows.Close()
	var out []mw.Silence
	for rows.Next() {
		var (
			sl        mw.Silence
			until, at int64
		)
		if err := rows.Scan(&sl.ID, &sl.Brand, &sl.Scope, &sl.AlertID, &until, &sl.Reason, &sl.CreatedBy, &at); err != nil {
			return nil, fmt.Errorf("sqlite %s: silences: %w", s.path, err)
		}
		sl.Until, sl.CreatedAt = fromMS(until), fromMS(at)
		out = append(out, sl)
	}
	return out, rows.Err()
}

// Watermark returns the time saved under name, or the zero time.
func (s *Store) Watermark(ctx context.Context, name string) (time.Time, error) {
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT at FROM watermarks WHERE name = ?`, name).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite %s: reading watermark %s: %w", s.path, name, err)
	}
	return fromMS(at), nil
}

// SaveWatermark replaces the time saved under name.
func (s *Store) SaveWatermark(ctx context.Context, name string, t time.Time) error {
	if _, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO watermarks (name, at) VALUES (?, ?)`, name, ms(t)); err != nil {
		return fmt.Errorf("sqlite %s: saving watermark %s: %w", s.path, name, err)
	}
	return nil
}

// SaveDelivery appends d to the delivery log (the same key, receiver,
// attempt and status replace each other).
func (s *Store) SaveDelivery(ctx context.Context, d mw.Delivery) error {
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO deliveries (key, alert_id, receiver, attempt, status, error, at, next_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.Key, d.AlertID, d.Receiver, d.Attempt, d.Status, d.Error, ms(d.At), ms(d.NextAt))
	if err != nil {
		return fmt.Errorf("sqlite %s: saving delivery %s to %s: %w", s.path, d.Key, d.Receiver, err)
	}
	return nil
}

// Deliveries returns the newest q.Limit records matching q, oldest first;
// records of one time by attempt, status, alert, receiver and key, as in
// ClickHouse.
func (s *Store) Deliveries(ctx context.Context, q store.DeliveryQuery) ([]mw.Delivery, error) {
	var w where
	if len(q.AlertIDs) > 0 {
		w.in("alert_id", q.AlertIDs)
	}
	if !q.Since.IsZero() {
		w.add("at >= ?", bound(q.Since))
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT key, alert_id, receiver, attempt, status, error, at, next_at FROM (
		SELECT * FROM deliveries`+w.String()+` ORDER BY at DESC, attempt DESC, status DESC, alert_id DESC, receiver DESC, key DESC LIMIT ?)
		ORDER BY at, attempt, status, alert_id, receiver, key`, append(w.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: deliveries: %w", s.path, err)
	}
	defer rows.Close()
	var out []mw.Delivery
	for rows.Next() {
		var (
			d        mw.Delivery
			at, next int64
		)
		if err := rows.Scan(&d.Key, &d.AlertID, &d.Receiver, &d.Attempt, &d.Status, &d.Error, &at, &next); err != nil {
			return nil, fmt.Errorf("sqlite %s: deliveries: %w", s.path, err)
		}
		d.At, d.NextAt = fromMS(at), fromMS(next)
		out = append(out, d)
	}
	return out, rows.Err()
}
