package chtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Cluster is shards × replicas private servers on loopback that form one
// ClickHouse cluster over a ZooKeeper: remote_servers names every node,
// macros give each its {shard} and {replica}, and distributed_ddl lets ON
// CLUSTER statements run. Memory-light settings keep four of them on a
// small machine.
type Cluster struct {
	Name  string
	Nodes [][]*Server // [shard][replica]
}

// StartCluster starts the cluster's servers (in parallel) and stops them
// when the test ends. zkAddr is ZooKeeper's host:port. Without a
// ClickHouse binary the test is skipped, or fails in CI.
func StartCluster(t testing.TB, zkAddr, name string, shards, replicas int) *Cluster {
	t.Helper()
	bin := Binary()
	if bin == nil {
		unavailable(t, "no clickhouse-server binary; install it: apt-get install -y clickhouse-server clickhouse-client")
	}
	c := &Cluster{Name: name, Nodes: make([][]*Server, shards)}
	// One directory for the servers' data, removed after they are killed
	// (the cleanups run last registered first); the time it takes is
	// logged, as thousands of small part files can take a while.
	base, err := os.MkdirTemp("", "mentionwatch-chcluster-")
	if err != nil {
		t.Fatalf("chtest: %v", err)
	}
	t.Cleanup(func() {
		at := time.Now()
		os.RemoveAll(base)
		t.Logf("chtest: removing the cluster's data took %s", time.Since(at).Round(time.Millisecond))
	})
	for s := range c.Nodes {
		for r := 0; r < replicas; r++ {
			dir := filepath.Join(base, fmt.Sprintf("s%dr%d", s+1, r+1))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatalf("chtest: %v", err)
			}
			srv := &Server{dir: dir, bin: bin}
			if srv.tcpPort, err = freePort(); err != nil {
				t.Fatalf("chtest: %v", err)
			}
			if srv.httpPort, err = freePort(); err != nil {
				t.Fatalf("chtest: %v", err)
			}
			c.Nodes[s] = append(c.Nodes[s], srv)
		}
	}
	zkHost, zkPort, _ := strings.Cut(zkAddr, ":")
	remote := c.RemoteServers()
	for s, reps := range c.Nodes {
		for r, srv := range reps {
			interserver, err := freePort()
			if err != nil {
				t.Fatalf("chtest: %v", err)
			}
			extra := fmt.Sprintf(`    <interserver_http_host>127.0.0.1</interserver_http_host>
    <interserver_http_port>%d</interserver_http_port>
    <zookeeper>
        <node><host>%s</host><port>%s</port></node>
        <session_timeout_ms>30000</session_timeout_ms>
    </zookeeper>
%s
    <macros>
        <shard>%02d</shard>
        <replica>r%d</replica>
    </macros>
    <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
    <merge_tree><old_parts_lifetime>10</old_parts_lifetime></merge_tree>
`, interserver, zkHost, zkPort, remote, s+1, r+1)
			if err := srv.writeConfig(); err != nil {
				t.Fatalf("chtest: %v", err)
			}
			if err := c.lighten(srv, extra); err != nil {
				t.Fatalf("chtest: %v", err)
			}
			t.Cleanup(func() {
				at := time.Now()
				srv.Kill()
				if d := time.Since(at); d > 5*time.Second {
					t.Logf("chtest: killing the server on port %d took %s", srv.tcpPort, d.Round(time.Millisecond))
				}
			})
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, shards*replicas)
	for _, srv := range c.All() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Start(); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("chtest: starting cluster: %v", err)
	}
	return c
}

// All lists the servers, shard by shard.
func (c *Cluster) All() []*Server {
	var out []*Server
	for _, reps := range c.Nodes {
		out = append(out, reps...)
	}
	return out
}

// DSN names every server, so a client fails over when one stops.
func (c *Cluster) DSN() string {
	var hosts []string
	for _, s := range c.All() {
		hosts = append(hosts, fmt.Sprintf("127.0.0.1:%d", s.tcpPort))
	}
	return "clickhouse://" + strings.Join(hosts, ",") + "/default"
}

// RemoteServers is the <remote_servers> section every node carries.
func (c *Cluster) RemoteServers() string {
	var b strings.Builder
	fmt.Fprintf(&b, "    <remote_servers>\n        <%s>\n", c.Name)
	for _, reps := range c.Nodes {
		b.WriteString("            <shard>\n                <internal_replication>true</internal_replication>\n")
		for _, srv := range reps {
			fmt.Fprintf(&b, "                <replica><host>127.0.0.1</host><port>%d</port></replica>\n", srv.tcpPort)
		}
		b.WriteString("            </shard>\n")
	}
	fmt.Fprintf(&b, "        </%s>\n    </remote_servers>", c.Name)
	return b.String()
}

// lighten adds the cluster sections to a node's config.xml and makes it
// lighter: small caches, few background threads, reads and writes to the
// first live replica (load_balancing in_order), so a reader sees what the
// writer just wrote while both replicas are up.
func (c *Cluster) lighten(srv *Server, extra string) error {
	p := filepath.Join(srv.dir, "config.xml")
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	s := strings.Replace(string(b), "<mark_cache_size>134217728</mark_cache_size>", "<mark_cache_size>33554432</mark_cache_size>", 1)
	s = strings.Replace(s, "<uncompressed_cache_size>134217728</uncompressed_cache_size>", "<uncompressed_cache_size>33554432</uncompressed_cache_size>", 1)
	s = strings.Replace(s, "</yandex>", extra+"</yandex>", 1)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		return err
	}
	u := filepath.Join(srv.dir, "users.xml")
	b, err = os.ReadFile(u)
	if err != nil {
		return err
	}
	s = strings.Replace(string(b), "<max_memory_usage>2000000000</max_memory_usage>",
		"<max_memory_usage>1000000000</max_memory_usage>\n            <background_pool_size>4</background_pool_size>\n            <load_balancing>in_order</load_balancing>", 1)
	return os.WriteFile(u, []byte(s), 0o644)
}
