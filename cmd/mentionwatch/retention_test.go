package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/demo"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

// TestEmbeddedRetentionDeletes: store.retention_days deletes old mentions
// on the embedded store too, as the TTL does on ClickHouse: `run` deletes
// those published more than that many days ago at start (and every hour)
// and keeps the rest. Before, the key deleted nothing there (only a
// check-config warning said so) and the SQLite file grew for good.
func TestEmbeddedRetentionDeletes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "mw.db")
	now := time.Now().UTC()
	st := openMigrated(t, db)
	ctx := context.Background()
	mention := func(id string, published time.Time) mw.Mention {
		return mw.Mention{ID: id, Brand: "Acme", Source: "old", Type: "rss", NativeID: id, URL: "https://example.com/" + id,
			Text: "acme " + id, Published: published, Collected: published, Label: mw.Neutral}
	}
	if err := st.InsertMentions(ctx, []mw.Mention{
		mention("expired", now.Add(-40*24*time.Hour)),
		mention("kept", now.Add(-20*24*time.Hour)),
	}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	cfgPath := filepath.Join(dir, "config.yaml")
	text := strings.Replace(demo.ConfigYAML("http://127.0.0.1:1", db),
		"  type: embedded\n", "  type: embedded\n  retention_days: 30\n  spool_dir: "+filepath.Join(dir, "spool")+"\n", 1)
	if err := os.WriteFile(cfgPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "check-config", "--strict", "-c", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("check-config --strict with retention_days on the embedded store: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, "run", "-c", cfgPath)
	cmd.Dir = dir
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
	}()
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(out.String(), "deleted expired mentions"); {
		if time.Now().After(deadline) {
			t.Fatalf("run deleted no expired mention within 60s:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "deleted=1") {
		t.Errorf("the retention log line does not count one deletion:\n%s", out.String())
	}
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, err := st.Mentions(ctx, store.MentionQuery{Source: "old", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].ID != "kept" {
		t.Errorf("after retention the store holds %v, want only the mention published 20 days ago", ms)
	}
}

// openMigrated opens the SQLite file at path with this release's schema.
func openMigrated(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		st.Close()
		t.Fatal(err)
	}
	return st
}
