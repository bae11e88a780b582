package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/internal/demo"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestDropAdviceCommandExists: the command a drop alert tells the
// responder to run exists (before: `mentionwatch source list` was an
// unknown command).
func TestDropAdviceCommandExists(t *testing.T) {
	ms := regexp.MustCompile("`mentionwatch ([^`]+)`").FindAllStringSubmatch(alerts.DropAdvice, -1)
	if len(ms) == 0 {
		t.Fatalf("DropAdvice names no command: %s", alerts.DropAdvice)
	}
	for _, m := range ms {
		if err := checkDocCommand(docCommand{where: "alerts.DropAdvice", line: m[1]}); err != nil {
			t.Errorf("alerts.DropAdvice: %v", err)
		}
	}
}

// TestSourceList: `source list` shows each configured source's last run,
// items and last error from the store, in timezone:, a failing source as
// failing, one that never ran as such, and a source only the store knows.
func TestSourceList(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "mw.db")
	cfgPath := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfgPath, []byte("timezone: Asia/Jakarta\n"+demo.ConfigYAML("http://127.0.0.1:1", db)), 0o644)
	st := openMigrated(t, db)
	last := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	err := st.SaveSourceStates(context.Background(), []store.SourceState{
		{Source: "demo-news", Type: "rss", LastRun: last, LastSuccess: last, ItemsLastRun: 3, TotalItems: 47},
		{Source: "demo-ulasan", Type: "rss", LastRun: last, LastSuccess: last.Add(-2 * time.Hour), LastError: "GET feed: 410 Gone\n\x1b[2Jgone", LastErrorAt: last, ConsecutiveErrors: 4, TotalItems: 9},
		{Source: "old-feed", Type: "rss", LastRun: last.Add(-24 * time.Hour), TotalItems: 5},
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "source", "list", "-c", cfgPath).CombinedOutput()
	if err != nil {
		t.Fatalf("source list: %v\n%s", err, out)
	}
	lines := strings.Split(string(out), "\n")
	find := func(name string) string {
		for _, l := range lines {
			if strings.HasPrefix(l, name+" ") {
				return l
			}
		}
		t.Fatalf("no line for %s:\n%s", name, out)
		return ""
	}
	for name, wants := range map[string][]string{
		"demo-news":      {"ok", "2026-11-30 15:00 WIB", "3 / 47"},
		"demo-ulasan":    {"failing (4 runs in a row)", "2026-11-30 13:00 WIB", "2026-11-30 15:00 WIB: GET feed: 410 Gone [2Jgone"},
		"demo-community": {"never run", "0 / 0"},
		"old-feed":       {"not in the config", "0 / 5"},
	} {
		line := find(name)
		for _, w := range wants {
			if !strings.Contains(line, w) {
				t.Errorf("%s: line lacks %q:\n%s", name, w, line)
			}
		}
	}
	if strings.Contains(string(out), "\x1b") {
		t.Errorf("a stored error's control characters reached the terminal:\n%q", out)
	}
}
