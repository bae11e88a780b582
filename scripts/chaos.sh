#!/usr/bin/env bash
# The fault scenarios of issue 16 against the real daemon (`make chaos`):
# ClickHouse stopped and frozen, the spool's disk full, kill -9 in a loop,
# a 403 storm and a 10,000-item feed. Each prints sent, stored, distinct,
# lost and redelivered counts. Needs clickhouse-server; the disk-full
# scenario mounts a 256 KiB tmpfs and so needs root (it is skipped
# otherwise). CHAOS_PHASE sets each fault's length (default 60s).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHAOS_PHASE="${CHAOS_PHASE:-60s}"
go test -tags chaos -count=1 -timeout 60m -run '^TestChaos$' -v ./cmd/mentionwatch/ 2>&1 | tee "${CHAOS_LOG:-/dev/null}" | grep -E '^(chaos:|--- |=== RUN|FAIL|ok|PASS)|chaos_test.go'
