package coord

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/mentionwatch/mentionwatch/internal/zktest"
)

// plant connects a plain client and creates nodes under root the way an
// operator (zkCli) or another program might: persistent, with any data.
func plant(t *testing.T, addr string, nodes ...string) *zk.Conn {
	t.Helper()
	conn, _, err := zk.Connect([]string{addr}, 4*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	waitFor(t, "a session", func() bool { return conn.State() == zk.StateHasSession })
	for _, p := range nodes {
		data, flags := []byte("garbage \xff{not json"), int32(0)
		if strings.HasSuffix(p, "/n_") {
			flags = zk.FlagSequence
		}
		if _, err := conn.Create(p, data, flags, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatalf("creating %s: %v", p, err)
		}
	}
	return conn
}

// within polls cond for d; it reports whether cond came true.
func within(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// TestPersistentMemberNodeIsNotAMember: a persistent node under members/
// (left by hand, with garbage data) is no live member: the sources it
// would own by rendezvous hashing are run by the live members, not left
// to nobody.
func TestPersistentMemberNodeIsNotAMember(t *testing.T) {
	s := zktest.Start(t)
	root := testRoot()
	plant(t, s.Addr, root, root+"/members", root+"/members/ghost", root+"/members/"+strings.Repeat("x", 300))
	a := start(t, s.Addr, root, "a", 4*time.Second, nil)
	waitFor(t, "a registered", func() bool { return len(a.Status().Members) > 0 })
	if !within(5*time.Second, func() bool { return len(a.Status().Members) == 1 }) {
		t.Errorf("members %v: want [a], the persistent nodes are nobody", a.Status().Members)
	}
	if n := notRun(a, 20); n > 0 {
		t.Fatalf("members %v: the only live member does not run %d of 20 sources", a.Status().Members, n)
	}
}

// notRun is how many of n sources m may not run now.
func notRun(m *member, n int) int {
	missed := 0
	for _, src := range keys(n) {
		if r, _, _ := m.Begin(src); r {
			m.End(src)
		} else {
			missed++
		}
	}
	return missed
}

// TestForeignElectionNodesDoNotBlockLeadership: nodes under election/
// that no member made (no sequence suffix, or persistent: created by
// hand with zkCli's create -s) never lead, so they cannot leave the
// cluster without an alert loop.
func TestForeignElectionNodesDoNotBlockLeadership(t *testing.T) {
	s := zktest.Start(t)
	root := testRoot()
	plant(t, s.Addr, root, root+"/election", root+"/election/0", root+"/election/-old", root+"/election/n_")
	a := start(t, s.Addr, root, "a", 4*time.Second, nil)
	waitFor(t, "a registered", func() bool { return len(a.Status().Members) == 1 })
	if !within(10*time.Second, a.IsLeader) {
		t.Fatal("the only member never leads: a foreign election node holds the lead")
	}
}

// TestPersistentLockNodeDoesNotStopTheSource: a persistent node under
// locks/ (no member's lock: members' locks are ephemeral) does not keep
// the source from running forever.
func TestPersistentLockNodeDoesNotStopTheSource(t *testing.T) {
	s := zktest.Start(t)
	root := testRoot()
	plant(t, s.Addr, root, root+"/locks", root+"/locks/"+lockName("src"))
	a := start(t, s.Addr, root, "a", 4*time.Second, nil)
	waitFor(t, "a registered", func() bool { return len(a.Status().Members) == 1 })
	if !within(10*time.Second, func() bool { r, _, _ := a.Begin("src"); return r }) {
		t.Fatal("source src never runs: a persistent lock node blocks it")
	}
	a.End("src")
}

// TestPersistentNodeOfOwnIDIsReplaced: a persistent node under members/
// named like this member (left by hand) does not keep it from registering
// forever: no session holds it, so it is replaced by the member's own.
func TestPersistentNodeOfOwnIDIsReplaced(t *testing.T) {
	s := zktest.Start(t)
	root := testRoot()
	plant(t, s.Addr, root, root+"/members", root+"/members/a")
	a := start(t, s.Addr, root, "a", 4*time.Second, nil)
	if !within(10*time.Second, func() bool { r, _, _ := a.Begin("src"); return r }) {
		t.Fatalf("member a never runs a source (members %v): the persistent node of its id keeps it from registering", a.Status().Members)
	}
	a.End("src")
}

// TestRestrictiveACLsAreExplained: nodes under the root whose ACL keeps
// the member from creating its nodes stop it from registering, or a
// source from running; the log says which node and what to do, at warning
// level (a lock that could not be taken was a debug line).
func TestRestrictiveACLsAreExplained(t *testing.T) {
	s := zktest.Start(t)
	readOnly := func(t *testing.T, conn *zk.Conn, p string) {
		if _, err := conn.Create(p, nil, 0, zk.WorldACL(zk.PermRead)); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("root", func(t *testing.T) {
		root := testRoot()
		readOnly(t, plant(t, s.Addr), root)
		_, lines := runLogged(t, s.Addr, root, 4*time.Second)
		waitLog(t, lines, 10*time.Second, "level=WARN", root+"/members", "ACL")
	})
	t.Run("locks", func(t *testing.T) {
		root := testRoot()
		readOnly(t, plant(t, s.Addr, root), root+"/locks")
		c, lines := runLogged(t, s.Addr, root, 4*time.Second)
		waitFor(t, "a registered", func() bool { return len(c.Status().Members) == 1 })
		if r, _, _ := c.Begin("src"); r {
			t.Fatal("ran src without its lock")
		}
		waitLog(t, lines, 10*time.Second, "level=WARN", "source=src", root+"/locks", "ACL")
	})
}

// TestPrecreatedNodesUnderARestrictedRoot: an operator may make the root
// read-only once members/, election/ and locks/ exist, open, beneath it;
// the member must not need to create what exists.
func TestPrecreatedNodesUnderARestrictedRoot(t *testing.T) {
	s := zktest.Start(t)
	root := testRoot()
	conn := plant(t, s.Addr, root, root+"/members", root+"/election", root+"/locks")
	if _, err := conn.SetACL(root, zk.WorldACL(zk.PermRead), -1); err != nil {
		t.Fatal(err)
	}
	a := start(t, s.Addr, root, "a", 4*time.Second, nil)
	if !within(10*time.Second, func() bool { r, _, _ := a.Begin("src"); return r }) {
		t.Fatalf("member a never runs a source (members %v)", a.Status().Members)
	}
	a.End("src")
}

// TestDeletedMemberNodeIsRegisteredAgain: a member whose node is deleted
// by hand while its session lives registers again (as it joins the
// election again when its election node goes) instead of running nothing
// for the rest of its session.
func TestDeletedMemberNodeIsRegisteredAgain(t *testing.T) {
	s := zktest.Start(t)
	root := testRoot()
	a := start(t, s.Addr, root, "a", 4*time.Second, nil)
	waitFor(t, "a registered", func() bool { return len(a.Status().Members) == 1 })
	conn := plant(t, s.Addr)
	if err := conn.Delete(root+"/members/a", -1); err != nil {
		t.Fatal(err)
	}
	back := func() bool {
		ok, _, err := conn.Exists(root + "/members/a")
		if err != nil || !ok {
			return false
		}
		r, _, _ := a.Begin("src")
		return r
	}
	if !within(10*time.Second, back) {
		t.Fatalf("member a is not registered again and running sources (members %v)", a.Status().Members)
	}
	a.End("src")
}

// TestHugeSourceNameKeepsTheSession: a source whose name makes a lock
// node larger than ZooKeeper takes (1 MB) runs like any other; its
// request used to make the server drop the member's connection, every
// second, taking leadership and every other source's lock operations
// down with it.
func TestHugeSourceNameKeepsTheSession(t *testing.T) {
	s := zktest.Start(t)
	a := start(t, s.Addr, testRoot(), "a", 4*time.Second, nil)
	waitFor(t, "a registered and leading", func() bool { return a.IsLeader() && len(a.Status().Members) == 1 })
	for _, src := range []string{strings.Repeat("y", 1200000), strings.Repeat("ü", 200000), strings.Repeat("y", 1200000) + "z"} {
		r, _, _ := a.Begin(src)
		if !r || !a.Status().Connected || !a.IsLeader() {
			t.Fatalf("source of %d bytes: run=%v connected=%v leader=%v", len(src), r, a.Status().Connected, a.IsLeader())
		}
		a.End(src)
	}
}

// TestForeignLiveMemberNodeIsNotAMember: an ephemeral node under members/
// whose data is not a member's ({"id": its name, ...}), left by another
// program sharing the root, owns no source while its session lives.
func TestForeignLiveMemberNodeIsNotAMember(t *testing.T) {
	s := zktest.Start(t)
	root := testRoot()
	conn := plant(t, s.Addr, root, root+"/members")
	for name, data := range map[string]string{"ghost": "not json", "other": `{"id":"someone-else"}`, "empty": ""} {
		if _, err := conn.Create(root+"/members/"+name, []byte(data), zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatal(err)
		}
	}
	a := start(t, s.Addr, root, "a", 4*time.Second, nil)
	waitFor(t, "a registered", func() bool { return slices.Contains(a.Status().Members, "a") })
	if n := notRun(a, 20); n > 0 {
		t.Fatalf("members %v: the only live member does not run %d of 20 sources", a.Status().Members, n)
	}
}
