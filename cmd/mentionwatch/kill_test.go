package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/internal/demo"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
)

// TestKill9ThenRestartLosesNothingClickHouse kills the daemon with SIGKILL
// while it collects into ClickHouse, restarts it, and checks that every
// mention is stored exactly once: cursors are saved only after the writer
// made the items durable, so a killed run's items are collected again and
// deduplicated by id.
func TestKill9ThenRestartLosesNothingClickHouse(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dsn := chtest.Fresh(t)
	bin := buildBinary(t)
	now := time.Now().UTC()
	posts := demo.Posts(now)
	feeds := demo.Handler(func() time.Time { return now }, posts)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".json") {
			time.Sleep(700 * time.Millisecond)
		}
		feeds.ServeHTTP(w, r)
	}))
	defer slow.Close()

	dir := t.TempDir()
	cfgText := demo.ConfigYAML(slow.URL, filepath.Join(dir, "unused.db")) + "log: {level: info}\n"
	cfgText = strings.Replace(cfgText, "  type: embedded\n", "  type: clickhouse\n  dsn: ${MW_TEST_DSN}\n  spool_dir: "+filepath.Join(dir, "spool")+"\n", 1)
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := mw.ParseConfig(cfgPath, []byte(cfgText), func(string) (string, bool) { return dsn, true })
	if err != nil {
		t.Fatal(err)
	}
	want := expectedMentions(t, cfg, posts)

	start := func() (*exec.Cmd, *bytes.Buffer) {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "run", "-c", cfgPath)
		cmd.Env = append(os.Environ(), "MW_TEST_DSN="+dsn)
		cmd.Stderr = &stderr
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &stderr
	}
	// First run: killed with SIGKILL while the JSON feed is being fetched.
	cmd, log1 := start()
	time.Sleep(900 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()

	// Second run: finishes every source, then stops gracefully.
	cmd, log2 := start()
	time.Sleep(5 * time.Second)
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("second run: %v\n%s", err, log2)
	}

	st, err := clickhouse.Open(context.Background(), mw.StoreConfig{DSN: mw.Secret(dsn)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n, uniq uint64
	if err := st.Conn().QueryRow(context.Background(), "SELECT count(), uniqExact(id) FROM "+st.MentionsTable()+" FINAL").Scan(&n, &uniq); err != nil {
		t.Fatal(err)
	}
	if int(n) != want || int(uniq) != want {
		t.Fatalf("count()=%d uniqExact(id)=%d, want %d\nfirst run:\n%s\nsecond run:\n%s", n, uniq, want, log1, log2)
	}
}
