package clickhouse

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mentionwatch/mentionwatch/store"
)

// Migrate creates the schema_migrations table, then runs every migration
// not recorded there, in order, recording each once it has run. Every
// statement is idempotent, so concurrent or interrupted runs are safe.
// With retention configured on a server with TTL support, it also brings
// the tables' TTL in line with cfg.RetentionDays.
func (s *Store) Migrate(ctx context.Context) error {
	// schema_migrations first: a store a newer mentionwatch migrated is
	// refused as such, whatever its tables look like.
	if err := s.checkTables(ctx, tableMigrations); err != nil {
		return err
	}
	var exists uint64
	if err := s.conn.QueryRow(ctx, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = ?", tableMigrations).Scan(&exists); err != nil {
		return fmt.Errorf("clickhouse: looking for %s: %w", tableMigrations, err)
	}
	applied := map[uint32]bool{}
	if exists > 0 {
		var err error
		if applied, err = s.appliedMigrations(ctx); err != nil {
			return err
		}
	}
	var known, have uint32
	for _, m := range s.schema.Migrations() {
		known = max(known, m.Version)
	}
	for v := range applied {
		have = max(have, v)
	}
	if have > known {
		// Migrating would report "up to date" and use tables whose shape
		// this binary does not know.
		return fmt.Errorf("clickhouse: schema version %d is newer than this binary knows (%d): %s: %w", have, known, store.SchemaNewerHint, store.ErrSchemaNewer)
	}
	if err := s.checkTables(ctx); err != nil {
		return err
	}
	if err := s.conn.Exec(ctx, s.schema.MigrationsTable()); err != nil {
		return fmt.Errorf("clickhouse: creating %s: %w", tableMigrations, err)
	}
	for _, m := range s.schema.Migrations() {
		if applied[m.Version] {
			continue
		}
		for i, stmt := range m.Statements {
			if err := s.conn.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("clickhouse: migration %d (%s), statement %d: %w", m.Version, m.Name, i+1, err)
			}
		}
		for _, c := range m.Columns {
			if err := s.addColumn(ctx, c); err != nil {
				return fmt.Errorf("clickhouse: migration %d (%s): %w", m.Version, m.Name, err)
			}
		}
		// Inserts go through a native batch: ClickHouse 18.16 waits for a
		// data block after INSERT ... VALUES sent as a plain query.
		if err := s.insertLocal(ctx, tableMigrations, []string{"version", "name", "applied"},
			m.Version, m.Name, toSec(time.Now())); err != nil {
			return fmt.Errorf("clickhouse: recording migration %d (%s): %w", m.Version, m.Name, err)
		}
		s.log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	return s.syncTTL(ctx)
}

// checkTables refuses a database holding a table of one of
// mentionwatch's names (of only the tables named, if any) that lacks
// columns the migration creating it defines: a table created by hand or
// by another program, which the migrations (CREATE TABLE IF NOT EXISTS)
// would take for theirs. Extra columns do no harm: every INSERT names its
// columns.
func (s *Store) checkTables(ctx context.Context, only ...string) error {
	want := s.schema.tableColumns()
	if len(only) > 0 {
		sub := map[string][]string{}
		for _, t := range only {
			sub[t] = want[t]
		}
		want = sub
	}
	rows, err := s.query(ctx, "SELECT table, name FROM system.columns WHERE database = currentDatabase()")
	if err != nil {
		return fmt.Errorf("clickhouse: reading the store's columns: %w", err)
	}
	defer rows.Close()
	have := map[string]map[string]bool{}
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			return fmt.Errorf("clickhouse: reading the store's columns: %w", err)
		}
		if _, ok := want[table]; !ok {
			continue
		}
		if have[table] == nil {
			have[table] = map[string]bool{}
		}
		have[table][column] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("clickhouse: reading the store's columns: %w", err)
	}
	for _, t := range slices.Sorted(maps.Keys(have)) {
		var lacks []string
		for _, c := range want[t] {
			if !have[t][c] {
				lacks = append(lacks, c)
			}
		}
		if len(lacks) > 0 {
			return fmt.Errorf("clickhouse: table %s in the store's database is not mentionwatch's (created by hand or by another program): it lacks the columns %s (docs/SCHEMA.md); nothing was changed: drop or rename it, or point store.dsn at another database",
				t, strings.Join(lacks, ", "))
		}
	}
	return nil
}

// beforeAddColumn, when set (tests), runs between the check for a column
// and the ALTER that adds it: where another process's ALTER may land.
var beforeAddColumn func(table, column string)

// addColumn adds c unless the table has it already (a migration that was
// interrupted after its ALTER). When the ALTER fails, the column may have
// been added since the check by another process migrating at the same
// time; then there is nothing left to do.
func (s *Store) addColumn(ctx context.Context, c AddColumn) error {
	tables := []string{c.Table}
	if s.schema.Cluster != "" {
		tables = append(tables, c.Table+DistributedSuffix)
	}
	stmts := s.schema.addColumn(c)
	for i, t := range tables {
		has, err := s.hasColumn(ctx, t, c.Name)
		if err != nil {
			return err
		}
		if has {
			continue
		}
		if beforeAddColumn != nil {
			beforeAddColumn(t, c.Name)
		}
		// The local table's ALTER, then the Distributed table's
		// statements (schema.addColumn).
		todo := stmts[:1]
		if i > 0 {
			todo = stmts[1:]
		}
		for _, stmt := range todo {
			if err := s.conn.Exec(ctx, stmt); err != nil {
				if has, cerr := s.hasColumn(ctx, t, c.Name); cerr == nil && has {
					break // another process added it meanwhile
				}
				return fmt.Errorf("adding column %s.%s: %w", t, c.Name, err)
			}
		}
	}
	return nil
}

// hasColumn reports whether table (in the store's database) has column.
func (s *Store) hasColumn(ctx context.Context, table, column string) (bool, error) {
	var n uint64
	err := s.conn.QueryRow(ctx, "SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = ? AND name = ?", table, column).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("checking for column %s.%s: %w", table, column, err)
	}
	return n > 0, nil
}

func (s *Store) appliedMigrations(ctx context.Context) (map[uint32]bool, error) {
	rows, err := s.query(ctx, "SELECT DISTINCT version FROM "+tableMigrations) // a set: no FINAL, which some engines lack
	if err != nil {
		return nil, fmt.Errorf("clickhouse: reading %s: %w", tableMigrations, err)
	}
	defer rows.Close()
	applied := map[uint32]bool{}
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("clickhouse: reading %s: %w", tableMigrations, err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading %s: %w", tableMigrations, err)
	}
	return applied, nil
}

// MigrationVersion returns the highest migration recorded as applied, 0
// before the first Migrate.
func (s *Store) MigrationVersion(ctx context.Context) (uint32, error) {
	var v uint32
	err := s.conn.QueryRow(ctx, "SELECT max(version) FROM "+tableMigrations).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("clickhouse: reading %s: %w", tableMigrations, err)
	}
	return v, nil
}

// ttlTables are the local tables retention applies to, with their time column.
var ttlTables = []struct{ table, column string }{
	{tableMentions, "published"},
	{tableHourly, "hour"},
	{tableAspectsHourly, "hour"},
	{tableHourDistinct, "hour"},
	{tableHourRows, "hour"},
}

// syncTTL sets the tables' TTL to the configured retention when it differs
// (the retention was changed after the tables were created). Turning
// retention off again is left to an operator (ALTER TABLE ... REMOVE TTL),
// as it is a deliberate decision about keeping data.
func (s *Store) syncTTL(ctx context.Context) error {
	if !s.schema.TTL || s.schema.RetentionDays <= 0 {
		return nil
	}
	for _, t := range ttlTables {
		var engine string
		err := s.conn.QueryRow(ctx, "SELECT engine_full FROM system.tables WHERE database = ? AND name = ?",
			s.schema.Database, t.table).Scan(&engine)
		if err != nil {
			return fmt.Errorf("clickhouse: reading the TTL of %s: %w", t.table, err)
		}
		want := s.schema.TTLClause(t.column)
		if strings.Contains(engine, want) {
			continue
		}
		stmt := fmt.Sprintf("ALTER TABLE %s%s MODIFY %s", t.table, s.schema.onCluster(), want)
		if err := s.conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("clickhouse: setting retention on %s: %w", t.table, err)
		}
		s.log.Info("retention changed", "table", t.table, "retention_days", s.schema.RetentionDays)
	}
	return nil
}
