package main

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/demo"
)

// TestRunFailsWhenWebListenIsTaken: `run` with web.listen on a port in use
// exits non-zero at start, naming web.listen and the cause, instead of
// logging an error and running on without its dashboard, /metrics and
// health checks.
func TestRunFailsWhenWebListenIsTaken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	text := demo.ConfigYAML("http://127.0.0.1:1", filepath.Join(dir, "mw.db")) + "web:\n  listen: " + taken.Addr().String() + "\n"
	text = strings.Replace(text, "store:\n", "store:\n  spool_dir: "+filepath.Join(dir, "spool")+"\n", 1)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "-c", cfg)
	cmd.Dir = dir
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("run kept running without its dashboard:\n%s", out.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("run exited with %v:\n%s", err, out.String())
	}
	if want := "web.listen"; !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "address already in use") {
		t.Errorf("output does not name %s and the cause:\n%s", want, out.String())
	}
}

// TestStartLineNamesClickHouseWithoutCredentials: the start line's data
// field names the ClickHouse servers and database, never the DSN's user,
// password or settings.
func TestStartLineNamesClickHouseWithoutCredentials(t *testing.T) {
	for dsn, want := range map[string]string{
		"clickhouse://mw:hunter2@ch1:9000,ch2:9000/mentions?compress=lz4": "ch1:9000,ch2:9000/mentions",
		"clickhouse://127.0.0.1:9000":                                     "127.0.0.1:9000/default",
		"not a dsn":                                                       "store.dsn",
	} {
		cfg := &mw.Config{Store: mw.StoreConfig{Type: "clickhouse", DSN: mw.Secret(dsn)}}
		if got := storeLocation(cfg); got != want {
			t.Errorf("storeLocation(%q) = %q, want %q", dsn, got, want)
		}
	}
}
