package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/demo"
	"github.com/mentionwatch/mentionwatch/scoring"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// buildBinary compiles mentionwatch once per test binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mentionwatch-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "mentionwatch")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// expectedMentions is how many mentions the demo feeds yield once scored.
func expectedMentions(t *testing.T, cfg *mw.Config, posts []demo.Post) int {
	t.Helper()
	p := scoring.NewPipeline(cfg.Brands, scoring.NewScorer(cfg.Brands))
	var raw []mw.Mention
	for _, post := range posts {
		raw = append(raw, mw.Mention{Type: "rss", NativeID: post.ID, Title: post.Title, Text: post.Text})
	}
	return len(p.Process(raw, nil))
}

func countMentions(t *testing.T, db string) (n int, unique int) {
	t.Helper()
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, err := st.Mentions(context.Background(), store.MentionQuery{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range ms {
		ids[m.ID] = true
	}
	return len(ms), len(ids)
}

// TestInterruptFlushesAndLosesNothing runs the daemon, interrupts it in
// the middle of slow fetches, restarts it, and checks that every mention is
// stored exactly once.
func TestInterruptFlushesAndLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	now := time.Now().UTC()
	posts := demo.Posts(now)
	feeds := demo.Handler(func() time.Time { return now }, posts)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".json") {
			time.Sleep(700 * time.Millisecond) // still fetching when SIGINT comes
		}
		feeds.ServeHTTP(w, r)
	}))
	defer slow.Close()

	dir := t.TempDir()
	db := filepath.Join(dir, "mw.db")
	cfgText := demo.ConfigYAML(slow.URL, db) + "log: {level: info}\ntimezone: Asia/Jakarta\n"
	cfgText = strings.Replace(cfgText, "store:\n", "store:\n  spool_dir: "+filepath.Join(dir, "spool")+"\n", 1)
	cfgText = strings.Replace(cfgText, "  type: embedded\n", "", 1) // the default
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := mw.ParseConfig(cfgPath, []byte(cfgText), os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := expectedMentions(t, cfg, posts)

	runFor := func(d time.Duration) string {
		var stderr syncBuffer
		cmd := exec.Command(bin, "run", "-c", cfgPath)
		cmd.Stderr = &stderr
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// SIGINT must find the handler installed: wait for the line run logs
		// once it is up (a loaded machine can take longer than d to get there),
		// then for d more.
		for deadline := time.Now().Add(60 * time.Second); !strings.Contains(stderr.String(), "mentionwatch running"); {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("run did not start within 60s\n%s", stderr.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(d)
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run exited with %v\n%s", err, stderr.String())
			}
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("run did not stop within 60s of SIGINT\n%s", stderr.String())
		}
		return stderr.String()
	}

	// First run: interrupted while the JSON feed is still being fetched.
	log1 := runFor(500 * time.Millisecond)
	if !strings.Contains(log1, "shutting down") || !strings.Contains(log1, "stopped") {
		t.Fatalf("no graceful shutdown in log:\n%s", log1)
	}
	// The start line says where the data goes, the dashboard's address
	// and the time zone, as well as the store.
	for _, want := range []string{"store=embedded", "data=" + db, "spool_dir=" + filepath.Join(dir, "spool"), "listen=off", "time_zone=Asia/Jakarta"} {
		if !strings.Contains(log1, want) {
			t.Errorf("the start line lacks %s:\n%s", want, log1)
		}
	}
	// Second run: long enough for every source to finish, then SIGINT.
	log2 := runFor(4 * time.Second)
	n, unique := countMentions(t, db)
	if n != want || unique != want {
		t.Fatalf("stored %d mentions (%d unique), want %d\nfirst run:\n%s\nsecond run:\n%s", n, unique, want, log1, log2)
	}
}
