package mentionwatch

import (
	"strings"
	"testing"
)

func TestCoordinationConfig(t *testing.T) {
	const head = "brands: [{name: Acme, keywords: [acme]}]\n"
	const ch = "store: {type: clickhouse, dsn: \"clickhouse://127.0.0.1:9000/mw\"}\n"
	for _, tc := range []struct {
		name, yaml, wantErr string
	}{
		{"ok", ch + "coordination: {zookeeper: [\"zk1:2181\", \"zk2:2181\"], root: /mw, session_timeout: 10s, id: m1}\n", ""},
		{"absent", ch, ""},
		{"embedded store", "coordination: {zookeeper: [\"zk1:2181\"]}\n", "needs store.type: clickhouse"},
		{"no port", ch + "coordination: {zookeeper: [zk1]}\n", `zookeeper server "zk1"`},
		{"relative root", ch + "coordination: {zookeeper: [\"zk1:2181\"], root: mw}\n", "absolute ZooKeeper path"},
		{"short session", ch + "coordination: {zookeeper: [\"zk1:2181\"], session_timeout: 1s}\n", "out of range"},
		{"slash in id", ch + "coordination: {zookeeper: [\"zk1:2181\"], id: a/b}\n", "no '/'"},
		{"scheme", ch + "coordination: {zookeeper: [\"http://zk1\"]}\n", `zookeeper server "http://zk1"`},
		{"empty port", ch + "coordination: {zookeeper: [\"zk1:\"]}\n", `zookeeper server "zk1:"`},
		{"chroot suffix", ch + "coordination: {zookeeper: [\"zk1:2181/mw\"]}\n", `zookeeper server "zk1:2181/mw"`},
		{"port out of range", ch + "coordination: {zookeeper: [\"zk1:70000\"]}\n", `zookeeper server "zk1:70000"`},
		{"connect string", ch + "coordination: {zookeeper: [\"zk1:2181,zk2:2181\"]}\n", "one list entry per server"},
		{"emoji in id", ch + "coordination: {zookeeper: [\"zk1:2181\"], id: \"m\U0001F600\"}\n", "ZooKeeper refuses"},
		{"control character in id", ch + "coordination: {zookeeper: [\"zk1:2181\"], id: \"m1\\r\"}\n", "ZooKeeper refuses"},
		{"emoji in root", ch + "coordination: {zookeeper: [\"zk1:2181\"], root: \"/mw\U0001F600\"}\n", "ZooKeeper refuses"},
		{"settings without servers", ch + "coordination: {id: m1}\n", "zookeeper is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig("c.yaml", []byte(head+tc.yaml), func(string) (string, bool) { return "", false })
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			case tc.name == "ok" && (cfg.Coordination.SessionTimeout.D().String() != "10s" || !cfg.Coordination.Enabled()):
				t.Fatalf("parsed %+v", cfg.Coordination)
			}
		})
	}
}
