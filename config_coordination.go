package mentionwatch

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/mentionwatch/mentionwatch/coord"
)

// CoordinationConfig lets several `run` processes share the work through
// ZooKeeper (or ClickHouse Keeper): one leader runs the alert loop, the
// sources are spread over the live members (docs/OPERATIONS.md). Without
// zookeeper servers the process works alone.
type CoordinationConfig struct {
	ZooKeeper      []string `yaml:"zookeeper"`       // host:port of each server
	Root           string   `yaml:"root"`            // ZooKeeper path, default /mentionwatch; one per deployment
	SessionTimeout Duration `yaml:"session_timeout"` // default 10s; a member that vanishes is replaced after about this long
	ID             string   `yaml:"id"`              // member id, unique among live members; default host name and pid
}

// Enabled reports whether coordination is configured.
func (c CoordinationConfig) Enabled() bool { return len(c.ZooKeeper) > 0 }

// check validates the section; store is the configured store type.
func (c CoordinationConfig) check(storeType string) error {
	if !c.Enabled() {
		if c.Root != "" || c.ID != "" || c.SessionTimeout != 0 {
			return fmt.Errorf("root, id or session_timeout is set but zookeeper is empty (list the servers: zookeeper: [zk1:2181, ...])")
		}
		return nil
	}
	for _, s := range c.ZooKeeper {
		if err := checkZooKeeperServer(s); err != nil {
			return fmt.Errorf("zookeeper server %q: %w (want host:port, e.g. zk1:2181)", s, err)
		}
	}
	if c.Root != "" {
		if err := coord.CheckRoot(c.Root); err != nil {
			return fmt.Errorf("root %q: %w", c.Root, err)
		}
	}
	if t := c.SessionTimeout.D(); t != 0 && (t < 2*time.Second || t > 5*time.Minute) {
		return fmt.Errorf("session_timeout %s is out of range: use 2s to 5m (default 10s)", t)
	}
	if c.ID != "" {
		if err := coord.CheckName(c.ID); err != nil {
			return fmt.Errorf("id %q: %w (use a name such as m1)", c.ID, err)
		}
	}
	if storeType != "clickhouse" {
		return fmt.Errorf("coordination needs store.type: clickhouse (the members share the store; an embedded store is one process's file)")
	}
	return nil
}

// checkSharedLinkKey refuses coordination with action links (alerts.dashboard_url)
// but no key every member shares: each member would generate its own key
// file, and the Acknowledge and Silence links one leader signs would be
// refused by every other member's dashboard, and by the next leader's.
func (c *Config) checkSharedLinkKey() error {
	if !c.Coordination.Enabled() || c.Alerts.DashboardURL == "" || c.Web.LinkSecret.Value() != "" || c.Web.LinkSecretFile != "" {
		return nil
	}
	return &ConfigError{File: c.File, Key: "web.link_secret", Msg: "coordination with alerts.dashboard_url needs one action-link key for every member: " +
		"set web.link_secret to the same long random value on each (e.g. ${MENTIONWATCH_LINK_SECRET} from openssl rand -hex 32), " +
		"or web.link_secret_file to a key file each member holds a copy of; a key generated per member would make the " +
		"Acknowledge and Silence links one member signs fail on the others"}
}

// checkZooKeeperServer checks one entry of coordination.zookeeper: the
// client dials it as given, so anything but host:port would be retried
// forever instead of refused here.
func checkZooKeeperServer(s string) error {
	if strings.Contains(s, ",") {
		return fmt.Errorf("a connect string: give one list entry per server, e.g. zookeeper: [zk1:2181, zk2:2181]")
	}
	if strings.Contains(s, "/") {
		return fmt.Errorf("no scheme or chroot path here; to keep the nodes under a path, set coordination.root")
	}
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	return nil
}
