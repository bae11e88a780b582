package chtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// Server is a private clickhouse-server a test owns: its own data directory
// and free loopback ports, so the test can stop and restart it (fault
// tests) without disturbing other tests. Data survives Stop and Start.
type Server struct {
	dir      string
	tcpPort  int
	httpPort int
	bin      []string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd exits
}

// StartWait bounds how long Start waits for the server to answer.
const StartWait = 60 * time.Second

// Binary returns the command that runs a ClickHouse server, or nil when
// none is installed: clickhouse-server, or the single `clickhouse` binary
// with the server subcommand.
func Binary() []string {
	for _, p := range []string{"/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server"} {
		if isExecutable(p) {
			return []string{p}
		}
	}
	if p, err := exec.LookPath("clickhouse-server"); err == nil {
		return []string{p}
	}
	for _, p := range []string{"/usr/bin/clickhouse"} {
		if isExecutable(p) {
			return []string{p, "server"}
		}
	}
	if p, err := exec.LookPath("clickhouse"); err == nil {
		return []string{p, "server"}
	}
	return nil
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// StartPrivate starts a private server on free loopback ports with its
// data under t.TempDir(), waits until it answers, and stops it when the
// test ends. Without a ClickHouse binary the test is skipped, or fails in CI.
func StartPrivate(t testing.TB) *Server {
	t.Helper()
	bin := Binary()
	if bin == nil {
		unavailable(t, "no clickhouse-server binary; install it: apt-get install -y clickhouse-server clickhouse-client")
	}
	s := &Server{dir: t.TempDir(), bin: bin}
	var err error
	if s.tcpPort, err = freePort(); err != nil {
		t.Fatalf("chtest: %v", err)
	}
	if s.httpPort, err = freePort(); err != nil {
		t.Fatalf("chtest: %v", err)
	}
	if err := s.writeConfig(); err != nil {
		t.Fatalf("chtest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Logf("chtest: stopping private server: %v", err)
		}
	})
	if err := s.Start(); err != nil {
		t.Fatalf("chtest: %v", err)
	}
	return s
}

// DSN is the native-protocol DSN of the server's default database.
func (s *Server) DSN() string {
	return fmt.Sprintf("clickhouse://127.0.0.1:%d/default", s.tcpPort)
}

// Port is the native-protocol port.
func (s *Server) Port() int { return s.tcpPort }

// Dir is the server's state directory (data, logs, config).
func (s *Server) Dir() string { return s.dir }

// Running reports whether the server process is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

// Start starts the server (again) on the same ports and data, and waits
// until it answers a query. Starting a running server does nothing.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	args := append(append([]string(nil), s.bin[1:]...), "--config-file="+filepath.Join(s.dir, "config.xml"))
	cmd := exec.Command(s.bin[0], args...)
	cmd.Dir = s.dir
	logf, err := os.OpenFile(filepath.Join(s.dir, "log", "stderr.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("opening server log: %w", err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", strings.Join(s.bin, " "), err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	if err := s.waitReady(done); err != nil {
		s.stopLocked(syscall.SIGKILL)
		return fmt.Errorf("private server on port %d: %w\n%s", s.tcpPort, err, s.logTail())
	}
	return nil
}

func (s *Server) waitReady(done <-chan struct{}) error {
	opts, err := ch.ParseDSN(s.DSN())
	if err != nil {
		return err
	}
	opts.DialTimeout = 2 * time.Second
	deadline := time.Now().Add(StartWait)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return errors.New("server exited during start-up")
		default:
		}
		conn, err := ch.Open(opts)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			err = conn.Exec(ctx, "SELECT 1")
			cancel()
			conn.Close()
			if err == nil {
				return nil
			}
		}
		last = err
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("not answering after %s: %v", StartWait, last)
}

// Stop shuts the server down gracefully (SIGTERM, then SIGKILL after 30 s)
// and waits for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked(syscall.SIGTERM)
}

// Kill stops the server with SIGKILL, as a crash would.
func (s *Server) Kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked(syscall.SIGKILL)
}

// Freeze stops the server's process with SIGSTOP (a hung server: its
// connections stay open and nothing answers); Thaw resumes it (SIGCONT).
func (s *Server) Freeze() error { return s.signal(syscall.SIGSTOP) }

// Thaw resumes a frozen server.
func (s *Server) Thaw() error { return s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return errors.New("server not running")
	}
	return s.cmd.Process.Signal(sig)
}

func (s *Server) stopLocked(sig syscall.Signal) error {
	if s.cmd == nil {
		return nil
	}
	defer func() { s.cmd, s.done = nil, nil }()
	if err := s.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signalling server: %w", err)
	}
	select {
	case <-s.done:
		return nil
	case <-time.After(30 * time.Second):
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	return nil
}

func (s *Server) logTail() string {
	var b strings.Builder
	for _, name := range []string{"stderr.log", "clickhouse-server.err.log"} {
		data, err := os.ReadFile(filepath.Join(s.dir, "log", name))
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) > 15 {
			lines = lines[len(lines)-15:]
		}
		fmt.Fprintf(&b, "--- %s\n%s\n", name, strings.Join(lines, "\n"))
	}
	return b.String()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// writeConfig writes the minimal config.xml and users.xml a server needs
// (the same as scripts/clickhouse-start.sh), valid for 18.16 and later.
func (s *Server) writeConfig() error {
	for _, d := range []string{"data", "tmp", "user_files", "format_schemas", "log"} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o755); err != nil {
			return fmt.Errorf("creating server directory: %w", err)
		}
	}
	config := fmt.Sprintf(`<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>%[1]s/log/clickhouse-server.log</log>
        <errorlog>%[1]s/log/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>1</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>%[2]d</tcp_port>
    <http_port>%[3]d</http_port>
    <path>%[1]s/data/</path>
    <tmp_path>%[1]s/tmp/</tmp_path>
    <user_files_path>%[1]s/user_files/</user_files_path>
    <format_schema_path>%[1]s/format_schemas/</format_schema_path>
    <users_config>%[1]s/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mark_cache_size>134217728</mark_cache_size>
    <uncompressed_cache_size>134217728</uncompressed_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
    <mlock_executable>false</mlock_executable>
</yandex>
`, s.dir, s.tcpPort, s.httpPort)
	users := `<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>2000000000</max_memory_usage>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
`
	if err := os.WriteFile(filepath.Join(s.dir, "config.xml"), []byte(config), 0o644); err != nil {
		return fmt.Errorf("writing server config: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "users.xml"), []byte(users), 0o644); err != nil {
		return fmt.Errorf("writing server users: %w", err)
	}
	return nil
}
