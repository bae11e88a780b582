package clickhouse

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestUpgradeAddsAlertReason: a database at schema version 4 (before
// Alert.Reason and the watermarks) holding an alert migrates to the
// current version on the server under test (18.16 in CI): the alert reads
// back with an empty reason, a new one keeps its reason, and adding the
// column again (a migration interrupted after its ALTER) is a no-op.
func TestUpgradeAddsAlertReason(t *testing.T) {
	ctx := context.Background()
	s := openAtVersion(t, 4)
	var added []AddColumn
	for _, m := range s.schema.Migrations() {
		if m.Version > 4 {
			added = append(added, m.Columns...)
		}
	}
	old := []string{"id", "brand", "kind", "scope", "state", "started_at", "updated_at", "resolved_at",
		"count", "baseline", "factor", "neg_share", "summary", "mention_ids", "breakdown_keys", "breakdown_values",
		"notified_state", "notified_at", "notify_count", "acked_at", "acked_by", "version"}
	if err := s.insertLocal(ctx, tableAlerts, old, "v4", "acme", mw.AlertCritical, "mention", "firing", toSec(t0), toSec(t0), int64(0),
		1.0, 0.0, 1.0, 1.0, "mentions \"lawsuit\"", []string{"m1"}, []string{}, []uint64{}, "firing", toSec(t0), int64(1), int64(0), "", uint64(1)); err != nil {
		t.Fatalf("inserting a version-4 alert: %v", err)
	}
	if v, err := s.MigrationVersion(ctx); err != nil || v != 4 {
		t.Fatalf("before: version %d, %v", v, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate from version 4: %v", err)
	}
	if v, err := s.MigrationVersion(ctx); err != nil || v != uint32(len(s.schema.Migrations())) {
		t.Fatalf("after: version %d, %v", v, err)
	}
	a, err := s.Alert(ctx, "v4")
	if err != nil || a.Reason != "" || a.Summary != "mentions \"lawsuit\"" {
		t.Fatalf("old alert after the upgrade: %+v, %v", a, err)
	}
	a.ID, a.Reason = "v5", `mentions "lawsuit" (legal)`
	if err := s.SaveAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Alert(ctx, "v5"); err != nil || got.Reason != a.Reason {
		t.Fatalf("new alert: reason %q, %v", got.Reason, err)
	}
	for _, c := range added {
		if err := s.addColumn(ctx, c); err != nil {
			t.Fatalf("adding %s.%s again: %v", c.Table, c.Name, err)
		}
	}
}

// openAtVersion opens a fresh database whose schema stops at migration
// version: its statements and added columns applied and recorded, as a
// server last migrated by that release left it.
func openAtVersion(t *testing.T, version uint32) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, mw.StoreConfig{Type: "clickhouse", DSN: mw.Secret(chtest.Fresh(t))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.conn.Exec(ctx, s.schema.MigrationsTable()); err != nil {
		t.Fatal(err)
	}
	for _, m := range s.schema.Migrations() {
		if m.Version > version {
			break
		}
		for _, stmt := range m.Statements {
			if err := s.conn.Exec(ctx, stmt); err != nil {
				t.Fatalf("migration %d: %v", m.Version, err)
			}
		}
		for _, c := range m.Columns {
			if err := s.addColumn(ctx, c); err != nil {
				t.Fatalf("migration %d: %v", m.Version, err)
			}
		}
		if err := s.insertLocal(ctx, tableMigrations, []string{"version", "name", "applied"}, m.Version, m.Name, toSec(time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestMigrateWhileAnotherProcessMigrates: two processes starting at once
// on an older database both find alerts.reason missing; the one whose
// ALTER comes second must not fail (ClickHouse 18.16: "column with this
// name already exists"), as the column it wanted is there.
func TestMigrateWhileAnotherProcessMigrates(t *testing.T) {
	ctx := context.Background()
	s := openAtVersion(t, 4)
	defer func() { beforeAddColumn = nil }()
	beforeAddColumn = func(table, column string) {
		beforeAddColumn = nil
		// The other process's ALTER, between this one's check and its own.
		if err := s.conn.Exec(ctx, "ALTER TABLE "+table+" ADD COLUMN "+column+" String"); err != nil {
			t.Errorf("the other process's ALTER: %v", err)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate beside another process's: %v", err)
	}
	if v, err := s.MigrationVersion(ctx); err != nil || v != uint32(len(s.schema.Migrations())) {
		t.Fatalf("after: version %d, %v", v, err)
	}
}

// TestMigrateRefusesANewerSchema: a database whose schema_migrations
// records a version this binary does not know (a newer mentionwatch
// migrated it) was reported up to date and used with this binary's idea
// of the tables. Migrate now refuses it with store.ErrSchemaNewer.
func TestMigrateRefusesANewerSchema(t *testing.T) {
	dsn := chtest.Fresh(t)
	s := openDSN(t, dsn, mw.StoreConfig{})
	chtest.Exec(t, dsn, "INSERT INTO schema_migrations (version, name, applied) SELECT toUInt32(1000), 'from the future', now()")
	err := s.Migrate(context.Background())
	if !errors.Is(err, store.ErrSchemaNewer) || !strings.Contains(err.Error(), "schema version 1000") || !strings.Contains(err.Error(), "restore a backup") {
		t.Fatalf("Migrate on a newer schema: %v; want store.ErrSchemaNewer with what to do", err)
	}
}

// TestMigrateRefusesTablesItDidNotCreate: a table of mentionwatch's name
// created by hand or by another program, lacking columns mentionwatch
// uses, failed the migration with "Unknown identifier: lang" (mentions),
// was taken as mentionwatch's and failed every later write (alerts), or
// failed with "Storage TinyLog doesn't support FINAL" (another tool's
// schema_migrations). Migrate now names the table, the columns it lacks
// and what to do, before changing anything; extra columns are fine.
func TestMigrateRefusesTablesItDidNotCreate(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ table, ddl, lacks string }{
		{"mentions", "CREATE TABLE mentions (ts DateTime, msg String) ENGINE = Log", "brand"},
		{"alerts", "CREATE TABLE alerts (id String, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY id", "started_at"},
		{"schema_migrations", "CREATE TABLE schema_migrations (version Int64, dirty UInt8, sequence UInt64) ENGINE = TinyLog", "applied"},
	} {
		dsn := chtest.Fresh(t)
		chtest.Exec(t, dsn, tc.ddl)
		s, err := Open(ctx, mw.StoreConfig{Type: "clickhouse", DSN: mw.Secret(dsn)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		err = s.Migrate(ctx)
		if err == nil || !strings.Contains(err.Error(), "table "+tc.table) || !strings.Contains(err.Error(), tc.lacks) || !strings.Contains(err.Error(), "another database") {
			t.Errorf("%s: Migrate: %v; want it to name the table, what it lacks and what to do", tc.table, err)
		}
		if n := queryUint(t, s, "SELECT count() FROM system.tables WHERE database = currentDatabase()"); n != 1 {
			t.Errorf("%s: %d tables after the refused Migrate, want the 1 there was", tc.table, n)
		}
	}
	// Extra columns are no reason to refuse.
	dsn := chtest.Fresh(t)
	s := openDSN(t, dsn, mw.StoreConfig{})
	chtest.Exec(t, dsn, "ALTER TABLE mentions ADD COLUMN note String")
	if err := s.Migrate(ctx); err != nil {
		t.Errorf("Migrate with an extra column: %v", err)
	}
}

// TestNewerSchemaIsNotTakenForAForeignTable: a store a newer mentionwatch
// migrated may lack a column this binary's tables had (a later migration
// dropped it). It is refused as newer (store.ErrSchemaNewer), not as a
// table that is not mentionwatch's, to be dropped.
func TestNewerSchemaIsNotTakenForAForeignTable(t *testing.T) {
	dsn := chtest.Fresh(t)
	s := openDSN(t, dsn, mw.StoreConfig{})
	chtest.Exec(t, dsn, "INSERT INTO schema_migrations (version, name, applied) SELECT toUInt32(1000), 'from the future', now()")
	chtest.Exec(t, dsn, "ALTER TABLE alerts DROP COLUMN acked_by")
	if err := s.Migrate(context.Background()); !errors.Is(err, store.ErrSchemaNewer) {
		t.Fatalf("Migrate on a newer schema without alerts.acked_by: %v; want store.ErrSchemaNewer", err)
	}
}

// TestMigrationsTableRecreatedByHand: schema_migrations recreated by hand
// (after damage) with the right columns but another engine, holding
// duplicate rows, failed every Migrate with "Storage MergeTree doesn't
// support FINAL"; which versions are applied needs no FINAL.
func TestMigrationsTableRecreatedByHand(t *testing.T) {
	dsn := chtest.Fresh(t)
	s := openDSN(t, dsn, mw.StoreConfig{})
	chtest.Exec(t, dsn, "RENAME TABLE schema_migrations TO schema_migrations_old")
	chtest.Exec(t, dsn, "CREATE TABLE schema_migrations (version UInt32, name String, applied DateTime('UTC')) ENGINE = MergeTree ORDER BY version")
	chtest.Exec(t, dsn, "INSERT INTO schema_migrations SELECT * FROM schema_migrations_old")
	chtest.Exec(t, dsn, "INSERT INTO schema_migrations SELECT * FROM schema_migrations_old")
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if v, err := s.MigrationVersion(ctx); err != nil || v != uint32(len(s.schema.Migrations())) {
		t.Fatalf("version %d, %v", v, err)
	}
}

// insertV10 writes ms with the mentions columns of schema version 10
// (before lang_hint and lang_by), as an older binary did.
func insertV10(t *testing.T, s *Store, ms ...mw.Mention) {
	t.Helper()
	ctx := context.Background()
	cols := MentionColumns[:len(MentionColumns)-2]
	b, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+s.MentionsTable()+" ("+strings.Join(cols, ", ")+")")
	if err != nil {
		t.Fatal(err)
	}
	v := s.nextVersion(len(ms))
	for i, m := range ms {
		asp := m.Aspects
		if asp == nil {
			asp = []string{}
		}
		if err := b.Append(m.ID, m.Brand, m.Source, m.Type, m.NativeID, m.URL, m.Author, m.AuthorReach,
			m.Title, m.Text, m.Rating, m.Published, m.Collected, m.Lang, m.Sentiment,
			string(m.Label), string(m.Stage), m.StageConfidence, asp, m.Reach, v+uint64(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeAddsLangHint: mentions stored before migration 12 read back
// with no language hint and no lang_by once the store is upgraded; new
// ones keep theirs.
func TestUpgradeAddsLangHint(t *testing.T) {
	ctx := context.Background()
	s := openAtVersion(t, 11)
	old := mention("acme", "old", time.Minute, mw.Negative, mw.AMOT)
	insertV10(t, s, old) // the mention columns of versions 10 and 11
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate from version 11: %v", err)
	}
	m := mention("acme", "new", 2*time.Minute, mw.Negative, mw.AMOT)
	m.LangHint, m.LangBy = "id", mw.LangByHint
	mustInsert(t, s, m)
	got, err := s.Mentions(ctx, store.MentionQuery{IDs: []string{old.ID, m.ID}})
	if err != nil || len(got) != 2 {
		t.Fatalf("%d mentions, %v", len(got), err)
	}
	for _, g := range got {
		want := [2]string{}
		if g.ID == m.ID {
			want = [2]string{"id", mw.LangByHint}
		}
		if have := [2]string{g.LangHint, g.LangBy}; have != want {
			t.Errorf("%s: lang_hint, lang_by = %q, want %q", g.NativeID, have, want)
		}
	}
}
