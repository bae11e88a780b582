package coord

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/internal/zktest"
)

// TestStartsWithAnUnresolvableServer: a server name that does not resolve
// (yet: a container not started; or one server retired from DNS) does not
// keep the member from starting: it joins through the servers that answer.
func TestStartsWithAnUnresolvableServer(t *testing.T) {
	s := zktest.Start(t)
	c, err := New(Config{Servers: []string{"zk-missing.invalid:2181", s.Addr}, Root: testRoot(), ID: "a", SessionTimeout: 4 * time.Second})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer c.Close()
	waitFor(t, "a session", func() bool { return c.Status().Connected })
}

// TestNoServerResolvesNoHang: with no server resolving, New still returns
// (the member waits for ZooKeeper like for a server that is down) and
// Close does not hang.
func TestNoServerResolvesNoHang(t *testing.T) {
	c, err := New(Config{Servers: []string{"zk-missing.invalid:2181"}, Root: testRoot(), ID: "a", SessionTimeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	time.Sleep(1500 * time.Millisecond)
	start := time.Now()
	c.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Close took %s", d)
	}
}

// TestUnreachableAtStartIsReported: a member that gets no session (no
// ZooKeeper at the configured address) says so in its log, with the
// cause, instead of collecting nothing in silence.
func TestUnreachableAtStartIsReported(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	_, lines := runLogged(t, dead, testRoot(), 2*time.Second)
	waitLog(t, lines, 6*time.Second, "level=WARN", "no zookeeper session", dead, "connection refused")
}

// runLogged runs member a (Run only) with its log, at info level and up,
// on the returned channel; it stops when the test ends.
func runLogged(t *testing.T, addr, root string, timeout time.Duration) (*Coordinator, lineWriter) {
	t.Helper()
	lines := make(lineWriter, 100)
	c, err := New(Config{Servers: []string{addr}, Root: root, ID: "a", SessionTimeout: timeout,
		Log: slog.New(slog.NewTextHandler(lines, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; c.Close() })
	return c, lines
}

// waitLog waits up to d for a log record holding every one of parts.
func waitLog(t *testing.T, lines lineWriter, d time.Duration, parts ...string) {
	t.Helper()
	timeout := time.After(d)
	var log []string
	for {
		select {
		case l := <-lines:
			log = append(log, l)
			found := true
			for _, p := range parts {
				found = found && strings.Contains(l, p)
			}
			if found {
				return
			}
		case <-timeout:
			t.Fatalf("no log record with %q; the log:\n%s", parts, strings.Join(log, ""))
		}
	}
}

// lineWriter hands each log record to a channel (dropped when it is full).
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	select {
	case w <- string(p):
	default:
	}
	return len(p), nil
}

// TestCloseIsNotReportedAsALoss: a clean shutdown does not log that
// ZooKeeper was lost (a warning an operator would chase).
func TestCloseIsNotReportedAsALoss(t *testing.T) {
	s := zktest.Start(t)
	c, lines := runLogged(t, s.Addr, testRoot(), 4*time.Second)
	waitFor(t, "a registered", func() bool { return len(c.Status().Members) == 1 })
	c.Close()
	time.Sleep(500 * time.Millisecond)
	for len(lines) > 0 {
		if l := <-lines; strings.Contains(l, "level=WARN") {
			t.Errorf("warning at a clean close: %s", l)
		}
	}
}

// TestNestedRootIsCreated: a root whose parents do not exist yet
// (/mentionwatch/prod on a fresh ZooKeeper) is created with them; the
// member used to retry "node does not exist" forever.
func TestNestedRootIsCreated(t *testing.T) {
	s := zktest.Start(t)
	a := start(t, s.Addr, testRoot()+"/prod/eu", "a", 4*time.Second, nil)
	if !within(10*time.Second, func() bool { r, _, _ := a.Begin("src"); return r }) {
		t.Fatalf("member a never runs a source (members %v)", a.Status().Members)
	}
	a.End("src")
}
