package coord

import (
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
