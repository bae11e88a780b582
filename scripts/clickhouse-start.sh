#!/usr/bin/env bash
# Start a private ClickHouse server on loopback for tests and CI.
#
#   eval "$(bash scripts/clickhouse-start.sh)"
#
# The server gets its own data directory under a temporary directory and
# listens on 127.0.0.1 only. On success the script prints exactly one line on
# stdout:
#
#   export MENTIONWATCH_TEST_CLICKHOUSE_DSN=clickhouse://127.0.0.1:PORT/default
#
# Everything else goes to stderr. Environment:
#   CLICKHOUSE_TCP_PORT   native port (default 19000)
#   CLICKHOUSE_HTTP_PORT  HTTP port (default 18123)
#   CLICKHOUSE_DIR        state directory (default: a new mktemp -d)
#   CLICKHOUSE_WAIT       seconds to wait for the server (default 60)
# Stop it with: kill "$(cat "$CLICKHOUSE_DIR/server.pid")"
set -euo pipefail

log() { echo "clickhouse-start: $*" >&2; }

tcp_port="${CLICKHOUSE_TCP_PORT:-19000}"
http_port="${CLICKHOUSE_HTTP_PORT:-18123}"
wait_s="${CLICKHOUSE_WAIT:-60}"
dir="${CLICKHOUSE_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mentionwatch-clickhouse.XXXXXX")}"

server=""
for c in /usr/bin/clickhouse-server /usr/sbin/clickhouse-server "$(command -v clickhouse-server 2>/dev/null || true)"; do
  if [ -n "$c" ] && [ -x "$c" ]; then server="$c"; break; fi
done
server_args=()
if [ -z "$server" ]; then
  for c in /usr/bin/clickhouse "$(command -v clickhouse 2>/dev/null || true)"; do
    if [ -n "$c" ] && [ -x "$c" ]; then server="$c"; server_args=(server); break; fi
  done
fi
if [ -z "$server" ]; then
  log "no clickhouse-server binary found; install it: apt-get install -y clickhouse-server clickhouse-client"
  exit 1
fi

client=()
if command -v clickhouse-client >/dev/null 2>&1; then
  client=(clickhouse-client)
elif [ "${server_args[*]:-}" = "server" ]; then
  client=("$server" client)
fi

ping_server() {
  if [ ${#client[@]} -gt 0 ]; then
    "${client[@]}" --host 127.0.0.1 --port "$tcp_port" -q 'SELECT 1' >/dev/null 2>&1
  else
    # No client: ask the HTTP interface instead.
    exec 3<>"/dev/tcp/127.0.0.1/$http_port" 2>/dev/null || return 1
    printf 'GET /ping HTTP/1.0\r\n\r\n' >&3
    grep -q 'Ok' <&3
    local rc=$?
    exec 3>&-
    return $rc
  fi
}

if ping_server; then
  log "a server already answers on 127.0.0.1:$tcp_port; using it"
  echo "export MENTIONWATCH_TEST_CLICKHOUSE_DSN=clickhouse://127.0.0.1:$tcp_port/default"
  exit 0
fi

mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$dir/log/clickhouse-server.log</log>
        <errorlog>$dir/log/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>$tcp_port</tcp_port>
    <http_port>$http_port</http_port>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mark_cache_size>268435456</mark_cache_size>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
    <mlock_executable>false</mlock_executable>
</yandex>
XML
cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <load_balancing>random</load_balancing>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
XML

log "starting $server ${server_args[*]:-} in $dir (native 127.0.0.1:$tcp_port, http $http_port)"
cd "$dir"
setsid nohup "$server" "${server_args[@]}" --config-file="$dir/config.xml" \
  >"$dir/log/stdout.log" 2>"$dir/log/stderr.log" </dev/null &
pid=$!
echo "$pid" >"$dir/server.pid"

deadline=$(( $(date +%s) + wait_s ))
until ping_server; do
  if ! kill -0 "$pid" 2>/dev/null; then
    log "server exited early; last log lines:"
    tail -n 20 "$dir/log/stderr.log" "$dir/log/clickhouse-server.err.log" >&2 2>/dev/null || true
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "server did not answer within ${wait_s}s; last log lines:"
    tail -n 20 "$dir/log/clickhouse-server.err.log" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 0.5
done
log "ready (pid $pid, $("${client[@]}" --host 127.0.0.1 --port "$tcp_port" -q 'SELECT version()' 2>/dev/null || echo '?'))"
echo "export MENTIONWATCH_TEST_CLICKHOUSE_DSN=clickhouse://127.0.0.1:$tcp_port/default"
