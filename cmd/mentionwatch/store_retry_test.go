package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
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

// The store opened in the background serves every call once it answers;
// before that every call fails with the opening error.
func TestRetryStoreOpensLater(t *testing.T) {
	r := &retryStore{lastErr: errors.New("connection refused"), stop: make(chan struct{}), done: make(chan struct{})}
	attempts := 0
	go r.retry(func(ctx context.Context) (store.Store, error) {
		attempts++
		if attempts < 2 {
			return nil, errors.New("connection refused")
		}
		st, err := sqlite.Open(filepath.Join(t.TempDir(), "late.db"))
		if err == nil {
			err = st.Migrate(ctx)
		}
		return st, err
	}, slog.New(slog.DiscardHandler))
	defer r.Close()
	if _, err := r.SourceStates(context.Background()); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("before the store opened: %v, want the opening error", err)
	}
	<-r.done
	if err := r.InsertMentions(context.Background(), []mw.Mention{{ID: "m1", Brand: "Acme", Published: time.Now()}}); err != nil {
		t.Fatalf("after the store opened: %v", err)
	}
}

// A store that answers at last but was written by a newer mentionwatch
// stops the retries: retrying cannot help, and the background opener kept
// trying it every 30 s for ever, logging it as unreachable.
func TestRetryStoreStopsOnANewerSchema(t *testing.T) {
	r := &retryStore{lastErr: errors.New("connection refused"), stop: make(chan struct{}), done: make(chan struct{})}
	var buf bytes.Buffer
	attempts := 0
	go r.retry(func(ctx context.Context) (store.Store, error) {
		attempts++
		if attempts < 2 {
			return nil, errors.New("connection refused")
		}
		return nil, fmt.Errorf("clickhouse: schema version 1000 is newer: %w", store.ErrSchemaNewer)
	}, slog.New(slog.NewTextHandler(&buf, nil)))
	select {
	case <-r.done:
	case <-time.After(20 * time.Second):
		r.Close()
		t.Fatalf("still retrying a newer schema after %d attempts", attempts)
	}
	defer r.Close()
	if _, err := r.SourceStates(context.Background()); !errors.Is(err, store.ErrSchemaNewer) {
		t.Errorf("calls fail with %v; want the refusal", err)
	}
	if !strings.Contains(buf.String(), "newer mentionwatch") {
		t.Errorf("no word of what to do:\n%s", buf.String())
	}
}

// The daemon starts, collects and spools while ClickHouse does not answer
// (it used to refuse to start), and stops cleanly.
func TestRunStartsWithoutStore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close() // nothing listens there now
	now := time.Now().UTC()
	posts := demo.Posts(now)
	srv := httptest.NewServer(demo.Handler(func() time.Time { return now }, posts))
	defer srv.Close()

	dir := t.TempDir()
	spool := filepath.Join(dir, "spool")
	cfgText := demo.ConfigYAML(srv.URL, filepath.Join(dir, "unused.db")) + "log: {level: info}\n"
	cfgText = strings.Replace(cfgText, "  type: embedded\n", "  type: clickhouse\n  dsn: clickhouse://"+dead+"/default?dial_timeout=200ms\n  spool_dir: "+spool+"\n  flush_interval: 200ms\n", 1)
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := mw.ParseConfig(cfgPath, []byte(cfgText), os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := expectedMentions(t, cfg, posts)

	var stderr bytes.Buffer
	cmd := exec.Command(bin, "run", "-c", cfgPath)
	cmd.Stderr = &stderr
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	spooled := func() int {
		n := 0
		files, _ := filepath.Glob(filepath.Join(spool, "*.batch"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			sc := bufio.NewScanner(bytes.NewReader(b))
			sc.Buffer(nil, 1<<24)
			for sc.Scan() {
				n++
			}
		}
		return n
	}
	for deadline := time.Now().Add(60 * time.Second); spooled() < want && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("run without a store exited with %v\n%s", err, stderr.String())
	}
	if got := spooled(); got != want {
		t.Fatalf("%d mentions spooled while the store was away, want %d\n%s", got, want, stderr.String())
	}
	states, _ := filepath.Glob(filepath.Join(spool, "sources", "*.json"))
	if len(states) == 0 {
		t.Errorf("no source state files in %s", filepath.Join(spool, "sources"))
	}
}
