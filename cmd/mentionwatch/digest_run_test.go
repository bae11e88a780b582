package main

import (
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// relay is a local SMTP relay (no TLS, no auth: security none) that keeps
// the messages it receives.
type relay struct {
	mu   sync.Mutex
	msgs []string
}

type relaySession struct{ r *relay }

func (s relaySession) Mail(string, *smtp.MailOptions) error { return nil }
func (s relaySession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.r.mu.Lock()
	s.r.msgs = append(s.r.msgs, string(b))
	s.r.mu.Unlock()
	return err
}
func (s relaySession) Reset()        {}
func (s relaySession) Logout() error { return nil }

func (r *relay) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// TestRunSendsDigestOnceAcrossRestarts: `run` sends the configured daily
// digest through SMTP at its first tick (nothing was recorded yet), and a
// restarted `run` finds it recorded in the store and sends nothing.
func TestRunSendsDigestOnceAcrossRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	rl := &relay{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return relaySession{rl}, nil }))
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)

	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	db := seededDB(t, dir)
	text := strings.ReplaceAll(digestConfig, "store: {type: embedded, path: %DB%}\n", "") +
		"store:\n  type: embedded\n  path: " + db + "\n  spool_dir: " + filepath.Join(dir, "spool") + "\n" +
		"notifiers:\n  email: {host: 127.0.0.1, port: " + port + ", security: none, from: digests@example.com, to: [lead@example.com]}\n" +
		"digests:\n  - {brand: Acme, period: daily, at: \"00:00\", to: [email]}\n" +
		"log: {level: debug}\n"
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}

	// runUntil starts run, waits for a log line, then stops it gracefully.
	runUntil := func(line string) string {
		var stderr syncBuffer
		cmd := exec.Command(bin, "run", "-c", cfg)
		cmd.Stderr = &stderr
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(90 * time.Second); !strings.Contains(stderr.String(), line); {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("no %q within 90s\n%s", line, stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGINT)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("run exited with %v\n%s", err, stderr.String())
		}
		return stderr.String()
	}

	log1 := runUntil("digest sent")
	if rl.count() != 1 {
		t.Fatalf("%d mails after the first run, want 1\n%s", rl.count(), log1)
	}
	rl.mu.Lock()
	first := rl.msgs[0]
	rl.mu.Unlock()
	if !strings.Contains(first, "Acme daily digest") || !strings.Contains(first, "multipart/related") {
		t.Errorf("the mail is not the digest:\n%.600s", first)
	}
	log2 := runUntil("digests checked")
	if rl.count() != 1 || strings.Contains(log2, "digest sent") {
		t.Errorf("the restarted run sent the digest again (%d mails)\n%s", rl.count(), log2)
	}
}
