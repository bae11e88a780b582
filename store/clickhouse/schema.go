package clickhouse

import (
	"fmt"
	"strings"
)

// Schema describes the DDL to generate: the database, whether tables are
// replicated across a cluster, and which newer server features may be used.
// Building DDL from a Schema is pure, so tests can check the text without a
// server.
type Schema struct {
	Database       string // database the tables live in; used in replication paths
	Cluster        string // "" = single server; else ON CLUSTER, Replicated*MergeTree, Distributed reads
	LowCardinality bool   // LowCardinality(String) for repetitive columns (server >= 20.1)
	TTL            bool   // the server supports table TTL (>= 19.6)
	RetentionDays  int    // > 0 with TTL: drop mentions and rollups older than this
}

// Migration is one schema version: statements run in order, each idempotent
// (IF NOT EXISTS), so a migration interrupted half-way can run again.
// Columns are added after the statements, each only when system.columns
// lacks it: ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS.
type Migration struct {
	Version    uint32
	Name       string
	Statements []string
	Columns    []AddColumn
}

// AddColumn adds one column to a table (and to its Distributed table in
// cluster mode, sharded by ShardKey).
type AddColumn struct {
	Table, Name, Type string
	ShardKey          string
}

// addColumn returns the statements that add c: the ALTER of the local
// table, then in cluster mode the Distributed table dropped and created
// again over the altered table. ClickHouse 18.16 refuses ALTER ... ON
// CLUSTER on a table that is not replicated when the cluster's shards use
// internal_replication ("Table alerts_all isn't replicated, but shard #2
// is replicated according to its cluster definition"); a Distributed
// table holds no rows (the store inserts synchronously), so recreating it
// loses nothing.
func (s Schema) addColumn(c AddColumn) []string {
	stmts := []string{fmt.Sprintf("ALTER TABLE %s%s ADD COLUMN %s %s", c.Table, s.onCluster(), c.Name, c.Type)}
	if s.Cluster != "" {
		stmts = append(stmts,
			fmt.Sprintf("DROP TABLE IF EXISTS %s%s", quoteIdent(c.Table+DistributedSuffix), s.onCluster()),
			s.distributed(c.Table, c.ShardKey))
	}
	return stmts
}

// Table names. In cluster mode reads and writes go to the Distributed table
// named <table>_all; each node keeps its shard in the local table.
const (
	tableMigrations    = "schema_migrations"
	tableMentions      = "mentions"
	tableHourly        = "mentions_hourly"
	viewHourly         = "mentions_hourly_mv"
	tableAspectsHourly = "aspects_hourly"
	viewAspectsHourly  = "aspects_hourly_mv"
	tableSourceState   = "source_state"
	tableAlerts        = "alerts"
	tableSilences      = "silences"
	tableWatermarks    = "watermarks"
	tableTriage        = "mention_triage"
	tableAudit         = "mention_audit"
	tableUsers         = "users"
	tableAPITokens     = "api_tokens"
	tableSessions      = "sessions"
	tableDeliveries    = "deliveries"
	tableHourDistinct  = "mentions_hourly_distinct"
	tableHourRows      = "mentions_hourly_rows"
	viewHourRows       = "mentions_hourly_rows_mv"
)

// DistributedSuffix names the Distributed table over a local table.
const DistributedSuffix = "_all"

// ServerSupport returns which optional features a server of the given
// version supports: LowCardinality without the experimental flag (20.1)
// and table TTL (19.6).
func ServerSupport(major, minor int) (lowCardinality, ttl bool) {
	atLeast := func(ma, mi int) bool { return major > ma || (major == ma && minor >= mi) }
	return atLeast(20, 1), atLeast(19, 6)
}

// Read returns the table that queries read from (and writes go to): the
// Distributed table in cluster mode, else the table itself.
func (s Schema) Read(table string) string {
	if s.Cluster != "" {
		return table + DistributedSuffix
	}
	return table
}

func (s Schema) onCluster() string {
	if s.Cluster == "" {
		return ""
	}
	return " ON CLUSTER " + quoteIdent(s.Cluster)
}

// engine returns "<Kind>MergeTree(args)" or its Replicated form with the
// ZooKeeper path /clickhouse/tables/{shard}/<db>/<table> and {replica}.
func (s Schema) engine(kind, table string, args ...string) string {
	if s.Cluster == "" {
		return kind + "MergeTree(" + strings.Join(args, ", ") + ")"
	}
	path := quoteString("/clickhouse/tables/{shard}/" + s.Database + "/" + table)
	all := append([]string{path, "'{replica}'"}, args...)
	return "Replicated" + kind + "MergeTree(" + strings.Join(all, ", ") + ")"
}

// lc wraps a String type in LowCardinality when the server supports it.
func (s Schema) lc(typ string) string {
	if s.LowCardinality {
		return "LowCardinality(" + typ + ")"
	}
	return typ
}

func (s Schema) ttl(column string) string {
	if !s.TTL || s.RetentionDays <= 0 {
		return ""
	}
	return fmt.Sprintf("\nTTL %s + toIntervalDay(%d)", column, s.RetentionDays)
}

// TTLClause is the TTL expression of mentions and the rollups ("" without
// retention), as system.tables.engine_full shows it.
func (s Schema) TTLClause(column string) string {
	return strings.TrimSpace(s.ttl(column))
}

// distributed creates <table>_all over the local table, sharded by key.
func (s Schema) distributed(table, shardKey string) string {
	return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s%s AS %s\nENGINE = Distributed(%s, %s, %s, %s)",
		quoteIdent(table+DistributedSuffix), s.onCluster(), quoteIdent(table),
		quoteIdent(s.Cluster), quoteIdent(s.Database), quoteIdent(table), shardKey)
}

// withDistributed appends the Distributed table in cluster mode.
func (s Schema) withDistributed(stmts []string, table, shardKey string) []string {
	if s.Cluster != "" {
		stmts = append(stmts, s.distributed(table, shardKey))
	}
	return stmts
}

// MigrationsTable returns the DDL of the table that records applied
// migrations. It is created before any migration runs.
func (s Schema) MigrationsTable() string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    version UInt32,
    name String,
    applied DateTime('UTC')
)
ENGINE = %s
ORDER BY version`, tableMigrations, s.onCluster(), s.engine("Replacing", tableMigrations, "applied"))
}

// tableColumns returns the columns of each table the migrations create
// with a column list (not views or Distributed tables), as created:
// columns added later by AddColumn are left out, as an older store
// lacks them until it is migrated.
func (s Schema) tableColumns() map[string][]string {
	stmts := []string{s.MigrationsTable()}
	for _, m := range s.Migrations() {
		stmts = append(stmts, m.Statements...)
	}
	out := map[string][]string{}
	for _, stmt := range stmts {
		rest, ok := strings.CutPrefix(stmt, "CREATE TABLE IF NOT EXISTS ")
		open := strings.Index(rest, " (\n")
		end := strings.Index(rest, "\n)")
		if !ok || open < 0 || end < open {
			continue
		}
		table := strings.Fields(rest)[0]
		for _, line := range strings.Split(rest[open+3:end], "\n") {
			if f := strings.Fields(line); len(f) > 0 {
				out[table] = append(out[table], f[0])
			}
		}
	}
	return out
}

// Migrations returns every schema version in order. Versions are never
// renumbered or edited once released: a change is a new migration.
func (s Schema) Migrations() []Migration {
	str := s.lc("String")
	return []Migration{
		{Version: 1, Name: "mentions", Statements: s.withDistributed([]string{fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    id String,
    brand %s,
    source %s,
    kind %s,
    native_id String,
    url String,
    author String,
    author_reach UInt32,
    title String,
    text String,
    rating Float32,
    published DateTime('UTC'),
    collected DateTime('UTC'),
    lang %s,
    sentiment Float32,
    label %s,
    stage %s,
    stage_confidence Float32,
    aspects Array(%s),
    reach Float32,
    version UInt64
)
ENGINE = %s
PARTITION BY toYYYYMM(published)
ORDER BY (brand, published, id)%s`, tableMentions, s.onCluster(), str, str, str, str, str, str, str,
			s.engine("Replacing", tableMentions, "version"), s.ttl("published"))}, tableMentions, "cityHash64(id)")},

		{Version: 2, Name: "hourly rollups", Statements: s.withDistributed(s.withDistributed([]string{
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    hour DateTime('UTC'),
    brand %s,
    label %s,
    stage %s,
    source %s,
    lang %s,
    mentions UInt64,
    reach_sum Float64,
    sentiment_sum Float64
)
ENGINE = %s
PARTITION BY toYYYYMM(hour)
ORDER BY (brand, hour, label, stage, source, lang)%s`, tableHourly, s.onCluster(), str, str, str, str, str,
				s.engine("Summing", tableHourly), s.ttl("hour")),
			fmt.Sprintf(`CREATE MATERIALIZED VIEW IF NOT EXISTS %s%s TO %s AS
SELECT
    toStartOfHour(published) AS hour,
    brand, label, stage, source, lang,
    count() AS mentions,
    sum(toFloat64(reach)) AS reach_sum,
    sum(toFloat64(sentiment)) AS sentiment_sum
FROM %s
GROUP BY hour, brand, label, stage, source, lang`, viewHourly, s.onCluster(), tableHourly, tableMentions),
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    hour DateTime('UTC'),
    brand %s,
    aspect %s,
    label %s,
    stage %s,
    mentions UInt64
)
ENGINE = %s
PARTITION BY toYYYYMM(hour)
ORDER BY (brand, hour, aspect, label, stage)%s`, tableAspectsHourly, s.onCluster(), str, str, str, str,
				s.engine("Summing", tableAspectsHourly), s.ttl("hour")),
			fmt.Sprintf(`CREATE MATERIALIZED VIEW IF NOT EXISTS %s%s TO %s AS
SELECT
    toStartOfHour(published) AS hour,
    brand, aspect, label, stage,
    count() AS mentions
FROM %s
ARRAY JOIN arrayDistinct(aspects) AS aspect
GROUP BY hour, brand, aspect, label, stage`, viewAspectsHourly, s.onCluster(), tableAspectsHourly, tableMentions),
		}, tableHourly, "rand()"), tableAspectsHourly, "rand()")},

		{Version: 3, Name: "source_state", Statements: s.withDistributed([]string{fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    source String,
    kind String,
    cursor String,
    last_run DateTime('UTC'),
    last_success DateTime('UTC'),
    last_error String,
    last_error_at DateTime('UTC'),
    items_last_run Int64,
    total_items UInt64,
    consecutive_errors Int64,
    version UInt64
)
ENGINE = %s
ORDER BY source`, tableSourceState, s.onCluster(), s.engine("Replacing", tableSourceState, "version"))}, tableSourceState, "cityHash64(source)")},

		{Version: 4, Name: "alerts and silences", Statements: s.withDistributed(s.withDistributed([]string{
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    id String,
    brand %s,
    kind %s,
    scope %s,
    state %s,
    started_at DateTime('UTC'),
    updated_at DateTime('UTC'),
    resolved_at DateTime('UTC'),
    count Float64,
    baseline Float64,
    factor Float64,
    neg_share Float64,
    summary String,
    mention_ids Array(String),
    breakdown_keys Array(String),
    breakdown_values Array(UInt64),
    notified_state %s,
    notified_at DateTime('UTC'),
    notify_count Int64,
    acked_at DateTime('UTC'),
    acked_by String,
    version UInt64
)
ENGINE = %s
PARTITION BY toYYYYMM(started_at)
ORDER BY id`, tableAlerts, s.onCluster(), str, str, str, str, str, s.engine("Replacing", tableAlerts, "version")),
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    id String,
    brand String,
    scope String,
    until DateTime('UTC'),
    reason String,
    created_by String,
    created_at DateTime('UTC'),
    version UInt64
)
ENGINE = %s
ORDER BY id`, tableSilences, s.onCluster(), s.engine("Replacing", tableSilences, "version")),
		}, tableAlerts, "cityHash64(id)"), tableSilences, "cityHash64(id)")},

		{Version: 5, Name: "alert reason and watermarks", Statements: s.withDistributed([]string{fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    name String,
    at DateTime('UTC'),
    version UInt64
)
ENGINE = %s
ORDER BY name`, tableWatermarks, s.onCluster(), s.engine("Replacing", tableWatermarks, "version"))}, tableWatermarks, "cityHash64(name)"),
			Columns: []AddColumn{{Table: tableAlerts, Name: "reason", Type: "String", ShardKey: "cityHash64(id)"}}},

		{Version: 6, Name: "inbox triage and audit", Statements: s.withDistributed(s.withDistributed([]string{
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    mention_id String,
    tags Array(String),
    assignee String,
    state %s,
    note String,
    updated_at DateTime('UTC'),
    updated_by String,
    version UInt64
)
ENGINE = %s
ORDER BY mention_id`, tableTriage, s.onCluster(), str, s.engine("Replacing", tableTriage, "version")),
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    mention_id String,
    at DateTime('UTC'),
    actor String,
    field %s,
    old String,
    new String,
    seq UInt64
)
ENGINE = %s
PARTITION BY toYYYYMM(at)
ORDER BY (mention_id, seq)`, tableAudit, s.onCluster(), str, s.engine("", tableAudit)),
		}, tableTriage, "cityHash64(mention_id)"), tableAudit, "cityHash64(mention_id)")},
		{Version: 7, Name: "users, API tokens and sessions", Statements: s.withDistributed(s.withDistributed(s.withDistributed([]string{
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    name String,
    role String,
    password_hash String,
    disabled UInt8,
    password_set DateTime('UTC'),
    created DateTime('UTC'),
    updated DateTime('UTC'),
    version UInt64
)
ENGINE = %s
ORDER BY name`, tableUsers, s.onCluster(), s.engine("Replacing", tableUsers, "version")),
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    id String,
    user String,
    name String,
    hash String,
    created DateTime('UTC'),
    revoked DateTime('UTC'),
    version UInt64
)
ENGINE = %s
ORDER BY id`, tableAPITokens, s.onCluster(), s.engine("Replacing", tableAPITokens, "version")),
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    id String,
    user String,
    created DateTime('UTC'),
    expires DateTime('UTC'),
    version UInt64
)
ENGINE = %s
PARTITION BY toYYYYMM(created)
ORDER BY id`, tableSessions, s.onCluster(), s.engine("Replacing", tableSessions, "version")),
		}, tableUsers, "cityHash64(name)"), tableAPITokens, "cityHash64(id)"), tableSessions, "cityHash64(id)")},
		{Version: 8, Name: "delivery log", Statements: s.withDistributed([]string{fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    key String,
    alert_id String,
    receiver %s,
    attempt Int64,
    status %s,
    error String,
    at DateTime('UTC'),
    next_at DateTime('UTC'),
    version UInt64
)
ENGINE = %s
PARTITION BY toYYYYMM(at)
ORDER BY (alert_id, key, receiver, attempt, status)`, tableDeliveries, s.onCluster(), str, str,
			s.engine("Replacing", tableDeliveries, "version"))}, tableDeliveries, "cityHash64(alert_id)")},
		{Version: 9, Name: "distinct mentions per hour", Statements: s.hourDistinct(str)},
		{Version: 10, Name: "critical alert copies told", Columns: []AddColumn{{Table: tableAlerts, Name: "told_count", Type: "Float64", ShardKey: "cityHash64(id)"}}},
		{Version: 11, Name: "spike episode total", Columns: []AddColumn{{Table: tableAlerts, Name: "episode_total", Type: "Float64", ShardKey: "cityHash64(id)"}}},
		{Version: 12, Name: "mention language hint", Columns: []AddColumn{
			{Table: tableMentions, Name: "lang_hint", Type: str, ShardKey: "cityHash64(id)"},
			{Table: tableMentions, Name: "lang_by", Type: str, ShardKey: "cityHash64(id)"}}},
		{Version: 13, Name: "silence of an alert", Columns: []AddColumn{{Table: tableSilences, Name: "alert_id", Type: "String", ShardKey: "cityHash64(id)"}}},
	}
}

// hourDistinct is migration 9: the rows ever inserted per brand and hour
// (mentions_hourly_rows, a SummingMergeTree fed by a materialized view,
// backfilled from mentions_hourly) and the exact counts kept per hour
// (mentions_hourly_distinct); series_hours.go reads both. The view is
// created before the backfill, so an insert in between counts twice and
// none is missed; the counts only have to change on every insert, so a
// backfill run twice (an interrupted migration) does no harm. Cluster
// stores do not read the tables (series_hours.go), so they are not
// backfilled: an INSERT would reach one shard only.
func (s Schema) hourDistinct(str string) []string {
	stmts := []string{
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    brand %s,
    hour DateTime('UTC'),
    rows UInt64
)
ENGINE = %s
PARTITION BY toYYYYMM(hour)
ORDER BY (brand, hour)%s`, tableHourRows, s.onCluster(), str, s.engine("Summing", tableHourRows), s.ttl("hour")),
		fmt.Sprintf(`CREATE MATERIALIZED VIEW IF NOT EXISTS %s%s TO %s AS
SELECT brand, toStartOfHour(published) AS hour, count() AS rows
FROM %s
GROUP BY brand, hour`, viewHourRows, s.onCluster(), tableHourRows, tableMentions),
	}
	if s.Cluster == "" {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO %s (brand, hour, rows)
SELECT brand, hour, sum(mentions) FROM %s GROUP BY brand, hour`, tableHourRows, tableHourly))
	}
	stmts = append(stmts, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s%s (
    brand %s,
    hour DateTime('UTC'),
    dimension %s,
    total UInt8,
    key String,
    inserted UInt64,
    mentions UInt64,
    negative UInt64
)
ENGINE = %s
PARTITION BY toYYYYMM(hour)
ORDER BY (brand, hour, dimension, total, key)%s`, tableHourDistinct, s.onCluster(), str, str,
		s.engine("Replacing", tableHourDistinct, "inserted"), s.ttl("hour")))
	return s.withDistributed(s.withDistributed(stmts, tableHourRows, "rand()"), tableHourDistinct, "cityHash64(brand)")
}

// quoteIdent quotes an identifier with backticks when it is not a plain
// name. Database and cluster names come from configuration, never from
// users of the API, but are quoted anyway.
func quoteIdent(name string) string {
	plain := name != ""
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return "`" + strings.NewReplacer("\\", "\\\\", "`", "\\`").Replace(name) + "`"
}

// quoteString quotes a string literal for DDL.
func quoteString(s string) string {
	return "'" + strings.NewReplacer("\\", "\\\\", "'", "\\'").Replace(s) + "'"
}
