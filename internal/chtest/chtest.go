// Package chtest gives tests a real ClickHouse server: the shared one named
// by $MENTIONWATCH_TEST_CLICKHOUSE_DSN (scripts/clickhouse-start.sh starts
// one and prints the variable), a fresh database on it per test, or a
// private server the test can stop and restart.
//
// Without a server, tests skip locally but fail when CI=true: in CI the
// ClickHouse tests must run.
package chtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// EnvDSN names the variable holding the shared test server's DSN.
const EnvDSN = "MENTIONWATCH_TEST_CLICKHOUSE_DSN"

// InCI reports whether tests run in CI (CI=true), where a missing server
// is a failure rather than a reason to skip.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

// unavailable skips the test locally and fails it in CI.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("chtest: %s (CI=true: ClickHouse tests must run; see scripts/clickhouse-start.sh)", msg)
	}
	t.Skipf("chtest: %s", msg)
}

// DSN returns the shared test server's DSN from $MENTIONWATCH_TEST_CLICKHOUSE_DSN.
// When it is empty the test is skipped, or fails in CI.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		unavailable(t, "%s is not set; start a server with: eval \"$(bash scripts/clickhouse-start.sh)\"", EnvDSN)
	}
	return dsn
}

// Fresh creates a database with a unique name on the shared test server
// and returns a DSN pointing at it. The database is dropped when the test
// ends.
func Fresh(t testing.TB) string {
	t.Helper()
	return FreshOn(t, DSN(t))
}

// FreshOn creates a unique database on the server named by dsn, dropped at
// cleanup, and returns a DSN pointing at it.
func FreshOn(t testing.TB, dsn string) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("chtest: random database name: %v", err)
	}
	db := "mwtest_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := execDSN(ctx, dsn, "CREATE DATABASE "+db); err != nil {
		t.Fatalf("chtest: creating database %s: %v", db, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := execDSN(ctx, dsn, "DROP DATABASE IF EXISTS "+db); err != nil {
			t.Logf("chtest: dropping database %s: %v", db, err)
		}
	})
	out, err := WithDatabase(dsn, db)
	if err != nil {
		t.Fatalf("chtest: %v", err)
	}
	return out
}

// WithDatabase returns dsn with its database replaced by db. Both forms are
// handled: clickhouse://host:port/db and ...?database=db.
func WithDatabase(dsn, db string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("parsing test DSN: %w", err)
	}
	q := u.Query()
	if q.Has("database") {
		q.Set("database", db)
		u.RawQuery = q.Encode()
	} else {
		u.Path = "/" + db
	}
	return u.String(), nil
}

// Exec runs one statement on the server named by dsn, on a connection of
// its own. Tests use it for setup that is no business of the store.
func Exec(t testing.TB, dsn, stmt string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := execDSN(ctx, dsn, stmt); err != nil {
		t.Fatalf("chtest: %s: %v", stmt, err)
	}
}

func execDSN(ctx context.Context, dsn, stmt string) error {
	opts, err := ch.ParseDSN(dsn)
	if err != nil {
		return fmt.Errorf("parsing DSN: %w", err)
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Exec(ctx, stmt)
}
