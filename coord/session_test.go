package coord

import (
	"log/slog"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/internal/zktest"
)

// An election outcome read by a session that has since expired must not
// make the member leader in the new session, whose election node may not
// even exist yet: two members would lead at once.
func TestElectionOfAnEndedSessionIsDropped(t *testing.T) {
	c := &Coordinator{log: slog.New(slog.DiscardHandler), changed: make(chan struct{}), session: 2}
	c.setElected(1, true) // the old session's elect goroutine, late
	if c.IsLeader() {
		t.Fatal("leader in session 2 on session 1's election")
	}
	c.setElected(2, true)
	if !c.IsLeader() {
		t.Fatal("not leader on the current session's election")
	}
	c.setElected(1, false) // a late step-down of the old session changes nothing
	if !c.IsLeader() {
		t.Fatal("the old session's step-down unseated the current leader")
	}
}

// TestStepDownFollowsTheNegotiatedTimeout: ZooKeeper caps the session
// timeout (maxSessionTimeout, 40 s by default); a leader that counted on
// the configured one would keep leading after its session expired and
// another member was elected.
func TestStepDownFollowsTheNegotiatedTimeout(t *testing.T) {
	s := zktest.Start(t) // maxSessionTimeout=60000
	a := start(t, s.Addr, testRoot(), "a", 150*time.Second, nil)
	waitFor(t, "a session", func() bool { return a.Status().Connected })
	if !within(5*time.Second, func() bool { return a.stepDownAfter() == 20*time.Second }) {
		t.Fatalf("step down after %s, want 20s: a third of the 60s the server granted, not of the 150s asked", a.stepDownAfter())
	}
}
