// Package zktest gives tests a real ZooKeeper: Debian's zookeeper package
// (apt-get install zookeeperd) run as a private standalone server on a
// loopback port with its own data directory, never the system service.
//
// Without the package, tests skip locally but fail when CI=true: in CI the
// ZooKeeper tests must run.
package zktest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/internal/chtest"
)

// Jar is the ZooKeeper server jar Debian's package installs.
const Jar = "/usr/share/java/zookeeper.jar"

// Server is a private ZooKeeper server. Stop and Start may be called again
// to restart it on the same port and data directory.
type Server struct {
	Addr string // 127.0.0.1:port
	Dir  string
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// Available reports why ZooKeeper cannot be started here ("" when it can).
func Available() string {
	if _, err := os.Stat(Jar); err != nil {
		return Jar + " is missing (apt-get install zookeeperd)"
	}
	if _, err := exec.LookPath("java"); err != nil {
		return "java is missing (apt-get install zookeeperd brings it)"
	}
	return ""
}

// Start starts a private server for the test and stops it when the test
// ends. It skips the test when ZooKeeper is not installed, or fails it in CI.
func Start(t testing.TB) *Server {
	t.Helper()
	if why := Available(); why != "" {
		if chtest.InCI() {
			t.Fatalf("zktest: %s (CI=true: ZooKeeper tests must run)", why)
		}
		t.Skipf("zktest: %s", why)
	}
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s
}

// New prepares a server in dir on a free loopback port.
func New(dir string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	_, port, _ := net.SplitHostPort(addr)
	s := &Server{Addr: addr, Dir: dir}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return nil, err
	}
	// tickTime 1 s: sessions of 2 s to 60 s are allowed.
	cfg := fmt.Sprintf(`tickTime=1000
dataDir=%s
clientPort=%s
clientPortAddress=127.0.0.1
maxClientCnxns=0
maxSessionTimeout=60000
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,mntr
`, filepath.Join(dir, "data"), port)
	log4j := fmt.Sprintf(`log4j.rootLogger=WARN, F
log4j.appender.F=org.apache.log4j.FileAppender
log4j.appender.F.File=%s
log4j.appender.F.layout=org.apache.log4j.PatternLayout
log4j.appender.F.layout.ConversionPattern=%%d %%p %%c{1} %%m%%n
`, filepath.Join(dir, "zookeeper.log"))
	if err := os.WriteFile(filepath.Join(dir, "zoo.cfg"), []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "log4j.properties"), []byte(log4j), 0o644); err != nil {
		return nil, err
	}
	return s, nil
}

// Start runs the server and waits (up to 60 s) until it answers.
func (s *Server) Start() error {
	out, err := os.OpenFile(filepath.Join(s.Dir, "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command("java", "-Xms32m", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		"-Dzookeeper.log.dir="+s.Dir, "-Dlog4j.configuration=file:"+filepath.Join(s.Dir, "log4j.properties"),
		"-cp", "/etc/zookeeper/conf:"+Jar, "org.apache.zookeeper.server.ZooKeeperServerMain", filepath.Join(s.Dir, "zoo.cfg"))
	cmd.Dir, cmd.Stdout, cmd.Stderr = s.Dir, out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting zookeeper: %w", err)
	}
	s.cmd = cmd
	exited := make(chan struct{})
	s.done = exited
	go func() { cmd.Wait(); close(exited) }()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		select {
		case <-exited:
			b, _ := os.ReadFile(filepath.Join(s.Dir, "stdout.log"))
			return fmt.Errorf("zookeeper exited at start: %s", tail(string(b)))
		default:
		}
		if Ruok(s.Addr) {
			return nil
		}
	}
	s.Stop()
	return fmt.Errorf("zookeeper did not answer on %s within 60 s (see %s)", s.Addr, s.Dir)
}

// Stop kills the server (SIGKILL: its transaction log is already synced,
// so sessions and nodes survive a restart).
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
	}
	s.cmd = nil
}

// Ruok reports whether a ZooKeeper server answers "imok" at addr.
func Ruok(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("ruok")); err != nil {
		return false
	}
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.HasPrefix(line, "imok")
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}
