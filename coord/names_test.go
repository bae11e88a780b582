package coord

import (
	"errors"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/mentionwatch/mentionwatch/internal/zktest"
)

// TestCheckNameAgreesWithZooKeeper: a member id passes CheckName exactly
// when ZooKeeper accepts it as a node name, so a bad id is refused at
// start instead of retried forever (the member never registering).
func TestCheckNameAgreesWithZooKeeper(t *testing.T) {
	s := zktest.Start(t)
	conn, _, err := zk.Connect([]string{s.Addr}, 4*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	root := testRoot()
	waitFor(t, "a session", func() bool { return conn.State() == zk.StateHasSession })
	if _, err := conn.Create(root, nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"m1", "m 1", "zookeeper", "-", "mw-ü-中文-\ufffd", "a\u00a0b", "x\uf900", "...",
		"m\U0001F600", "m1\r", "tab\there", "del\x7f", "c1\u0085", "pua\ue000", "spec\ufff0", "m\x00",
	} {
		want := CheckName(name) == nil
		_, err := conn.Create(root+"/"+name, nil, 0, zk.WorldACL(zk.PermAll))
		if got := err == nil; got != want {
			t.Errorf("name %q: CheckName accepts=%v, ZooKeeper accepts=%v (%v)", name, want, got, err)
		}
		if err != nil && !errors.Is(err, zk.ErrInvalidPath) && !errors.Is(err, zk.ErrBadArguments) {
			t.Errorf("name %q: %v", name, err)
		}
	}
	if _, err := New(Config{Servers: []string{s.Addr}, ID: "m\U0001F600"}); err == nil {
		t.Error("New accepted an id ZooKeeper refuses")
	}
	if _, err := New(Config{Servers: []string{s.Addr}, Root: "/mw\U0001F600/x"}); err == nil {
		t.Error("New accepted a root ZooKeeper refuses")
	}
}
