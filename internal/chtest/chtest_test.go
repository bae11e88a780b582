package chtest

import (
	"context"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

func count(t *testing.T, dsn, query string) uint64 {
	t.Helper()
	opts, err := ch.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := ch.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var n uint64
	if err := conn.QueryRow(ctx, query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestWithDatabase(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"clickhouse://127.0.0.1:9000/default", "clickhouse://127.0.0.1:9000/x"},
		{"clickhouse://127.0.0.1:9000", "clickhouse://127.0.0.1:9000/x"},
		{"clickhouse://u:p@h:9000/a?compress=lz4", "clickhouse://u:p@h:9000/x?compress=lz4"},
		{"tcp://h:9000?database=a&debug=false", "tcp://h:9000?database=x&debug=false"},
	} {
		got, err := WithDatabase(tc.in, "x")
		if err != nil || got != tc.want {
			t.Errorf("WithDatabase(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestFreshIsEmptyAndDropped(t *testing.T) {
	base := DSN(t)
	var db string
	t.Run("fresh", func(t *testing.T) {
		dsn := Fresh(t)
		opts, err := ch.ParseDSN(dsn)
		if err != nil {
			t.Fatal(err)
		}
		db = opts.Auth.Database
		if n := count(t, dsn, "SELECT count() FROM system.tables WHERE database = currentDatabase()"); n != 0 {
			t.Fatalf("fresh database %s has %d tables", db, n)
		}
		Exec(t, dsn, "CREATE TABLE t (x UInt8) ENGINE = Memory")
	})
	if db == "" {
		t.Fatal("no database name")
	}
	if n := count(t, base, "SELECT count() FROM system.databases WHERE name = '"+db+"'"); n != 0 {
		t.Fatalf("database %s still exists after the test", db)
	}
}

func TestPrivateServerRestartKeepsData(t *testing.T) {
	srv := StartPrivate(t)
	Exec(t, srv.DSN(), "CREATE TABLE kept (x UInt32) ENGINE = MergeTree ORDER BY x")
	Exec(t, srv.DSN(), "INSERT INTO kept (x) SELECT toUInt32(number + 1) FROM system.numbers LIMIT 3")
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if srv.Running() {
		t.Fatal("Running after Stop")
	}
	opts, _ := ch.ParseDSN(srv.DSN())
	opts.DialTimeout = time.Second
	conn, err := ch.Open(opts)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = conn.Ping(ctx)
		cancel()
		conn.Close()
	}
	if err == nil {
		t.Fatal("stopped server still answers")
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, srv.DSN(), "SELECT count() FROM kept"); n != 3 {
		t.Fatalf("after restart: %d rows, want 3", n)
	}
}
