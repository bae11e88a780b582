#!/usr/bin/env bash
# The cluster scenarios of issue 20 (`make cluster-test`): a private
# ZooKeeper (Debian's zookeeperd package, run on its own loopback port and
# directory, never the system service), four ClickHouse servers (2 shards x
# 2 replicas) and `mentionwatch run` members on loopback; kill -9 the
# leader, stop a replica, add members, restart ZooKeeper. Prints one
# `cluster:` line per step, the failover time and the final counts. About
# five minutes on two cores. Every server it starts is killed at the end.
#
# It also runs coord's ZooKeeper-restart test, which is built without the
# race detector (the ZooKeeper client races on reconnection; see
# coord/zkloss_test.go).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -f /usr/share/java/zookeeper.jar ] || need+=(zookeeperd)
command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/sbin/clickhouse-server ] || [ -x /usr/bin/clickhouse ] || need+=(clickhouse-server clickhouse-client)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "cluster-test: missing ${need[*]}; install them: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "cluster-test: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# zookeeperd's postinst may start the system service on port 2181; the
# tests use their own server on a free port, so it is left alone.

go test -count=1 -run 'TestLosingZooKeeper' ./coord/
go test -tags cluster -count=1 -timeout 20m -run '^TestCluster$' -v ./cmd/mentionwatch/ 2>&1 |
  tee "${CLUSTER_LOG:-/dev/null}" | grep -E '^(cluster:|--- |=== RUN|FAIL|ok|PASS)|cluster_test.go|chtest:'
