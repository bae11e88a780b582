package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/internal/demo"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

// TestClickHouseSchemaNewerThanBinaryIsRefused: a ClickHouse store whose
// schema_migrations records a version this binary does not know (written
// by a newer mentionwatch) is refused by migrate and run, with a message
// that says what to do, instead of being reported "up to date" and
// written with the old schema's idea of the tables. run does not take it
// for an unreachable server to retry in the background.
func TestClickHouseSchemaNewerThanBinaryIsRefused(t *testing.T) {
	dsn := chtest.Fresh(t)
	ctx := context.Background()
	cfg := &mw.Config{Store: mw.StoreConfig{Type: "clickhouse", DSN: mw.Secret(dsn)}}
	st, err := openStore(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	chtest.Exec(t, dsn, "INSERT INTO schema_migrations (version, name, applied) SELECT toUInt32(1000), 'from the future', now()")

	_, err = openStore(ctx, cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "newer than this binary knows") {
		t.Fatalf("openStore on a newer schema: %v", err)
	}
	st, err = openStoreOrRetry(ctx, cfg, newLogger(mw.LogConfig{Level: "error"}))
	if err == nil {
		st.Close()
		t.Fatal("openStoreOrRetry took a newer schema for an unreachable server")
	}

	out, err := exec.Command(buildBinary(t), "migrate", "-c", clickhouseConfig(t, dsn)).CombinedOutput()
	if err == nil || strings.Contains(string(out), "up to date") {
		t.Fatalf("migrate on a newer schema: %v\n%s", err, out)
	}
	for _, want := range []string{"schema version 1000", "newer than this binary knows", "mentionwatch version"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("migrate's error lacks %q:\n%s", want, out)
		}
	}
}

// clickhouseConfig writes the demo's config with a ClickHouse store at
// dsn and returns its path.
func clickhouseConfig(t *testing.T, dsn string) string {
	t.Helper()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	text := strings.Replace(demo.ConfigYAML("http://127.0.0.1:1", filepath.Join(dir, "unused.db")),
		"  type: embedded\n", "  type: clickhouse\n  dsn: "+dsn+"\n  spool_dir: "+filepath.Join(dir, "spool")+"\n", 1)
	if err := os.WriteFile(cfgPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfgPath
}

// TestEmbeddedUpgradeLogsThroughTheConfiguredLogger: upgrading an
// embedded store logged its progress through Go's default logger, as
// plain text lines among log.format json's, at any log.level.
func TestEmbeddedUpgradeLogsThroughTheConfiguredLogger(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "mw.db")
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	err = st.Migrate(ctx)
	if err == nil { // the file as the previous release left it
		_, err = st.DB().Exec(`ALTER TABLE silences DROP COLUMN alert_id;
			DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`)
	}
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfgPath, []byte(demo.ConfigYAML("http://127.0.0.1:1", db)+"log:\n  format: json\n"), 0o644)
	cmd := exec.Command(buildBinary(t), "migrate", "-c", cfgPath)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), "upgraded the embedded store") {
		t.Fatalf("migrate: %v\n%s%s", err, out, stderr.String())
	}
	if !strings.Contains(stderr.String(), "schema migration applied") {
		t.Errorf("the upgrade logged no progress:\n%s", stderr.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON with log.format json: %s", line)
		}
	}
}

// TestMigrateErrorNamesTheStore: a ClickHouse migration that fails said
// "migrating store: clickhouse: creating schema_migrations: ...", not
// naming the server. (The database is part of store.dsn, a secret, so
// printed errors show it as <secret>.)
func TestMigrateErrorNamesTheStore(t *testing.T) {
	dsn := chtest.Fresh(t)
	addr := strings.TrimPrefix(dsn[:strings.LastIndex(dsn, "/")], "clickhouse://")
	out, err := exec.Command(buildBinary(t), "migrate", "-c", clickhouseConfig(t, dsn+"?readonly=1")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "migrating the clickhouse store at "+addr+": ") || !strings.Contains(string(out), "schema_migrations") {
		t.Fatalf("migrate on a read-only connection: %v\n%s", err, out)
	}
}

// TestRunOnARefusedClickHouseDoesNotCallItUnreachable: run on a server
// that answers but refuses the migration (a read-only user here; a table
// that is not mentionwatch's) logged "store unreachable at start-up",
// sending the operator to the network rather than to the error.
func TestRunOnARefusedClickHouseDoesNotCallItUnreachable(t *testing.T) {
	dsn := chtest.Fresh(t)
	cfg := &mw.Config{Store: mw.StoreConfig{Type: "clickhouse", DSN: mw.Secret(dsn + "?readonly=1")}}
	var buf bytes.Buffer
	st, err := openStoreOrRetry(context.Background(), cfg, slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if out := buf.String(); strings.Contains(out, "unreachable") || !strings.Contains(out, "readonly") {
		t.Errorf("run on a refusing server logged:\n%s", out)
	}
}
