// Package clickhouse is the ClickHouse implementation of store.Store, for
// teams and analysts. It speaks the native protocol with LZ4 compression
// (clickhouse-go/v2) and works with ClickHouse 18.16 as well as current
// releases: newer features (LowCardinality, TTL) are used only once the
// server's version is known to support them. docs/SCHEMA.md describes the
// tables; docs/OPERATIONS.md how to run them on a server or a cluster.
//
// Times are stored as DateTime('UTC'), to the second: sub-second parts are
// dropped, a zero time.Time is stored as 0 and read back as the zero
// time.Time, and times outside 1970..2106 are clamped to that range.
package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

var _ store.Store = (*Store)(nil)

// Store is a ClickHouse-backed store.Store. It is safe for concurrent use:
// the connection pool is shared and every other field is set once in Open.
type Store struct {
	conn     driver.Conn
	log      *slog.Logger
	schema   Schema
	addr     string // the servers' addresses, as store.dsn names them
	version  string // server version, as SELECT version() gives it
	major    int
	minor    int
	lastVers atomic.Uint64 // last row version handed out (see nextVersion)
	keepOff  atomic.Bool   // keeping hourly counts failed once (series_hours.go)
}

// Open connects to the server named by cfg.DSN (clickhouse://user:pass@host:9000/db),
// checks that it answers and detects its version. It does not change the
// schema; call Migrate for that. LZ4 compression is used unless the DSN
// chooses another method.
func Open(ctx context.Context, cfg mw.StoreConfig, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dsn := cfg.DSN.Value()
	if dsn == "" {
		return nil, errors.New("clickhouse: store.dsn is empty")
	}
	opts, err := ch.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: parsing store.dsn: %w", err)
	}
	if opts.Compression == nil || opts.Compression.Method == ch.CompressionNone {
		opts.Compression = &ch.Compression{Method: ch.CompressionLZ4}
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = 10 * time.Second
	}
	// Query values are bound into the query text (clickhouse-go binds on
	// the client), and a text longer than max_query_size (256 KiB by
	// default) fails as a syntax error: a feed's 300 KB author name would
	// break every inbox page showing it, and 4,000 candidate ids come near.
	if _, set := opts.Settings["max_query_size"]; !set {
		if opts.Settings == nil {
			opts.Settings = ch.Settings{}
		}
		opts.Settings["max_query_size"] = maxQuerySize
	}
	opts.ClientInfo.Products = append(opts.ClientInfo.Products, struct{ Name, Version string }{"mentionwatch", "1"})
	db := opts.Auth.Database
	if db == "" {
		db = "default"
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: connecting to %s: %w", strings.Join(opts.Addr, ","), err)
	}
	s := &Store{conn: conn, log: log.With("store", "clickhouse"), addr: strings.Join(opts.Addr, ",")}
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("clickhouse: pinging %s: %w (%s)", strings.Join(opts.Addr, ","), err, pingHint(err))
	}
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&s.version); err != nil {
		conn.Close()
		return nil, fmt.Errorf("clickhouse: reading server version: %w", err)
	}
	s.major, s.minor, err = parseVersion(s.version)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("clickhouse: %w", err)
	}
	lc, ttl := ServerSupport(s.major, s.minor)
	s.schema = Schema{
		Database:       db,
		Cluster:        cfg.Cluster,
		LowCardinality: lc,
		TTL:            ttl,
		RetentionDays:  cfg.RetentionDays,
	}
	if cfg.RetentionDays > 0 && !ttl {
		s.log.Warn("retention_days needs table TTL (ClickHouse >= 19.6); old data will not be dropped automatically: drop old monthly partitions by hand (docs/OPERATIONS.md, \"Retention\")",
			"server_version", s.version, "retention_days", cfg.RetentionDays)
	}
	s.log.Debug("connected", "server_version", s.version, "database", db, "cluster", cfg.Cluster,
		"low_cardinality", lc, "ttl", ttl)
	return s, nil
}

// pingHint says what to do about a failed first contact with the server.
func pingHint(err error) string {
	var exc *ch.Exception
	if errors.As(err, &exc) {
		switch exc.Code {
		case 192, 193, 516: // UNKNOWN_USER, WRONG_PASSWORD, AUTHENTICATION_FAILED
			return "check the user and password in store.dsn"
		case 81: // UNKNOWN_DATABASE
			return "create the database (CREATE DATABASE name) or fix its name in store.dsn"
		}
		return "the server refused the connection; its log says why"
	}
	return "is the server running and reachable at that address? store.dsn must name its native port (9000 by default), not the HTTP port (8123)"
}

// maxQuerySize is the max_query_size the store asks for unless the DSN
// sets one: room for values of several megabytes.
const maxQuerySize = 64 << 20

// parseVersion reads "major.minor[.patch...]".
func parseVersion(v string) (major, minor int, err error) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, fmt.Errorf("unrecognised server version %q", v)
	}
	if major, err = strconv.Atoi(parts[0]); err != nil {
		return 0, 0, fmt.Errorf("unrecognised server version %q", v)
	}
	if minor, err = strconv.Atoi(parts[1]); err != nil {
		return 0, 0, fmt.Errorf("unrecognised server version %q", v)
	}
	return major, minor, nil
}

// ServerVersion is the server's version string, e.g. "18.16.1".
func (s *Store) ServerVersion() string { return s.version }

// Schema is the DDL configuration chosen for this server and config.
func (s *Store) Schema() Schema { return s.schema }

// Addr returns the servers' addresses (host:port, comma-separated) from
// store.dsn, for messages.
func (s *Store) Addr() string { return s.addr }

// Conn is the underlying connection pool, for benchmarks and tools that
// need the raw driver. Inserts must name their columns (MentionColumns).
func (s *Store) Conn() driver.Conn { return s.conn }

// MentionsTable is the table mentions are inserted into and read from:
// mentions, or mentions_all in cluster mode.
func (s *Store) MentionsTable() string { return s.schema.Read(tableMentions) }

// Close closes the connection pool.
func (s *Store) Close() error { return s.conn.Close() }

// nextVersion returns a row version for ReplacingMergeTree tables: the wall
// clock in nanoseconds, but strictly increasing within this process, so the
// last write of a row wins even when two writes share a clock reading.
func (s *Store) nextVersion(n int) uint64 {
	for {
		last := s.lastVers.Load()
		v := uint64(time.Now().UnixNano())
		if v <= last {
			v = last + 1
		}
		if s.lastVers.CompareAndSwap(last, v+uint64(n)-1) {
			return v
		}
	}
}

// writeCtx adds the settings writes need: in cluster mode, inserts into a
// Distributed table are forwarded synchronously so a successful insert is
// stored on its shard (and so visible to the next read).
func (s *Store) writeCtx(ctx context.Context) context.Context {
	if s.schema.Cluster == "" {
		return ctx
	}
	return ch.Context(ctx, ch.WithSettings(ch.Settings{"insert_distributed_sync": 1}))
}

// maxDateTime is the largest value of a DateTime column (2106-02-07).
const maxDateTime = math.MaxUint32

// toSec converts t to DateTime seconds: 0 for the zero time, else the Unix
// time clamped to 1..2106-02-07.
func toSec(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	u := t.Unix()
	switch {
	case u < 1:
		return 1
	case u > maxDateTime:
		return maxDateTime
	}
	return u
}

// fromSec is the inverse of toSec: 0 is the zero time, others are UTC.
func fromSec(u int64) time.Time {
	if u <= 0 {
		return time.Time{}
	}
	return time.Unix(u, 0).UTC()
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// limit applies the store's default of 100, and caps n at maxLimit: the
// candidate counts derived from it (n + n/2 + 16) must not overflow into
// a negative LIMIT, which the server refuses ("Bad get: has Int64").
func limit(n int) int {
	if n <= 0 {
		return 100
	}
	return min(n, maxLimit)
}

// maxLimit is more mentions than one call can hold in memory: a larger
// Limit means "all of them".
const maxLimit = math.MaxInt32

// where collects filter conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) in(column string, values []string) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	w.add(column+" IN ("+placeholders(len(values))+")", args...)
}

// and returns the conditions of w and o together.
func (w where) and(o where) where {
	return where{
		conds: append(append([]string{}, w.conds...), o.conds...),
		args:  append(append([]any{}, w.args...), o.args...),
	}
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return "\nWHERE " + strings.Join(w.conds, "\n  AND ")
}

// insertRow inserts one row into table (its Distributed table in cluster
// mode) as a native batch naming its columns.
func (s *Store) insertRow(ctx context.Context, table string, columns []string, values ...any) error {
	return s.insertLocal(s.writeCtx(ctx), s.schema.Read(table), columns, values...)
}

// insertLocal inserts one row into exactly the table named.
func (s *Store) insertLocal(ctx context.Context, table string, columns []string, values ...any) error {
	return s.insertRowsLocal(ctx, table, columns, [][]any{values})
}

// insertRows inserts rows into table (its Distributed table in cluster
// mode) in one native batch naming its columns.
func (s *Store) insertRows(ctx context.Context, table string, columns []string, rows [][]any) error {
	return s.insertRowsLocal(s.writeCtx(ctx), s.schema.Read(table), columns, rows)
}

func (s *Store) insertRowsLocal(ctx context.Context, table string, columns []string, rows [][]any) error {
	batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+table+" ("+strings.Join(columns, ", ")+")")
	if err != nil {
		return err
	}
	defer batch.Abort()
	for _, values := range rows {
		if err := batch.Append(values...); err != nil {
			return err
		}
	}
	return batch.Send()
}
