//go:build !race

// The go-zookeeper client has a known data race on reconnection (its
// lastZxid field, read by sendSetWatches while recvLoop writes it:
// go-zookeeper/zk pull request 35, samuel/go-zookeeper issue 260), so
// this test, which restarts ZooKeeper under live sessions, is built
// without the race detector; scripts/cluster-test.sh runs it.

package coord

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/internal/zktest"
)

// The session timeout is 30 s so that the restart (about 3 s, but 44 s
// once on a loaded machine) ends well within the session.
//
// TestLosingZooKeeperStopsAlertingKeepsCollecting: while ZooKeeper is down
// the leader steps down but every member still runs the sources it holds;
// after a restart within the session the same sessions lead and hold again.
func TestLosingZooKeeperStopsAlertingKeepsCollecting(t *testing.T) {
	zk := zktest.Start(t)
	root := testRoot()
	var mu sync.Mutex
	terms := map[string][]bool{} // member -> resumed flag of each term
	lead := func(id string) func(context.Context, bool) {
		return func(ctx context.Context, resumed bool) {
			mu.Lock()
			terms[id] = append(terms[id], resumed)
			mu.Unlock()
			<-ctx.Done()
		}
	}
	a := start(t, zk.Addr, root, "a", 30*time.Second, lead("a"))
	b := start(t, zk.Addr, root, "b", 30*time.Second, lead("b"))
	waitFor(t, "two members and a leader", func() bool {
		n, _ := leaders(a, b)
		return n == 1 && seeMembers(2, a, b)()
	})
	_, leader := leaders(a, b)
	var mine []string
	for _, s := range keys(10) {
		if r, _, _ := a.Begin(s); r {
			a.End(s)
			mine = append(mine, s)
		}
	}
	if len(mine) == 0 {
		t.Fatal("a owns none of 10 sources")
	}

	zk.Stop()
	waitFor(t, "the leader to step down", func() bool { return !leader.IsLeader() && !leader.Status().Connected })
	if d := leader.Status().Detail(); d == "" {
		t.Fatal("no status detail while ZooKeeper is down")
	}
	for _, s := range mine {
		if r, _, _ := a.Begin(s); !r {
			t.Fatalf("source %s: a stopped collecting while ZooKeeper is down", s)
		}
		a.End(s)
	}
	if r, _, _ := a.Begin("never-held"); r {
		t.Fatal("a took a new source while ZooKeeper is down")
	}

	if err := zk.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the same leader again", func() bool { return leader.IsLeader() && leader.Status().Connected })
	waitFor(t, "the leader's second term", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(terms[leader.ID()]) == 2
	})
	mu.Lock()
	got := terms[leader.ID()]
	mu.Unlock()
	if got[0] || !got[1] {
		t.Fatalf("leader's terms resumed=%v, want [false true]: the same session kept its node, so nobody else led", got)
	}
	for _, s := range mine {
		if r, fresh, _ := a.Begin(s); !r || fresh {
			t.Fatalf("source %s: after the restart run=%v fresh=%v, want the lock kept", s, r, fresh)
		}
		a.End(s)
	}
}
