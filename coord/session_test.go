package coord

import (
	"log/slog"
	"testing"
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
