CREATE TABLE IF NOT EXISTS schema_migrations (
    version UInt32,
    name String,
    applied DateTime('UTC')
)
ENGINE = ReplacingMergeTree(applied)
ORDER BY version;

CREATE TABLE IF NOT EXISTS mentions (
    id String,
    brand String,
    source String,
    kind String,
    native_id String,
    url String,
    author String,
    author_reach UInt32,
    title String,
    text String,
    rating Float32,
    published DateTime('UTC'),
    collected DateTime('UTC'),
    lang String,
    sentiment Float32,
    label String,
    stage String,
    stage_confidence Float32,
    aspects Array(String),
    reach Float32,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(published)
ORDER BY (brand, published, id);

CREATE TABLE IF NOT EXISTS mentions_hourly (
    hour DateTime('UTC'),
    brand String,
    label String,
    stage String,
    source String,
    lang String,
    mentions UInt64,
    reach_sum Float64,
    sentiment_sum Float64
)
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(hour)
ORDER BY (brand, hour, label, stage, source, lang);

CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_hourly_mv TO mentions_hourly AS
SELECT
    toStartOfHour(published) AS hour,
    brand, label, stage, source, lang,
    count() AS mentions,
    sum(toFloat64(reach)) AS reach_sum,
    sum(toFloat64(sentiment)) AS sentiment_sum
FROM mentions
GROUP BY hour, brand, label, stage, source, lang;

CREATE TABLE IF NOT EXISTS aspects_hourly (
    hour DateTime('UTC'),
    brand String,
    aspect String,
    label String,
    stage String,
    mentions UInt64
)
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(hour)
ORDER BY (brand, hour, aspect, label, stage);

CREATE MATERIALIZED VIEW IF NOT EXISTS aspects_hourly_mv TO aspects_hourly AS
SELECT
    toStartOfHour(published) AS hour,
    brand, aspect, label, stage,
    count() AS mentions
FROM mentions
ARRAY JOIN arrayDistinct(aspects) AS aspect
GROUP BY hour, brand, aspect, label, stage;

CREATE TABLE IF NOT EXISTS source_state (
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
ENGINE = ReplacingMergeTree(version)
ORDER BY source;

CREATE TABLE IF NOT EXISTS alerts (
    id String,
    brand String,
    kind String,
    scope String,
    state String,
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
    notified_state String,
    notified_at DateTime('UTC'),
    notify_count Int64,
    acked_at DateTime('UTC'),
    acked_by String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(started_at)
ORDER BY id;

CREATE TABLE IF NOT EXISTS silences (
    id String,
    brand String,
    scope String,
    until DateTime('UTC'),
    reason String,
    created_by String,
    created_at DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS watermarks (
    name String,
    at DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY name;

ALTER TABLE alerts ADD COLUMN reason String;

CREATE TABLE IF NOT EXISTS mention_triage (
    mention_id String,
    tags Array(String),
    assignee String,
    state String,
    note String,
    updated_at DateTime('UTC'),
    updated_by String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY mention_id;

CREATE TABLE IF NOT EXISTS mention_audit (
    mention_id String,
    at DateTime('UTC'),
    actor String,
    field String,
    old String,
    new String,
    seq UInt64
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(at)
ORDER BY (mention_id, seq);

CREATE TABLE IF NOT EXISTS users (
    name String,
    role String,
    password_hash String,
    disabled UInt8,
    password_set DateTime('UTC'),
    created DateTime('UTC'),
    updated DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY name;

CREATE TABLE IF NOT EXISTS api_tokens (
    id String,
    user String,
    name String,
    hash String,
    created DateTime('UTC'),
    revoked DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS sessions (
    id String,
    user String,
    created DateTime('UTC'),
    expires DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(created)
ORDER BY id;

CREATE TABLE IF NOT EXISTS deliveries (
    key String,
    alert_id String,
    receiver String,
    attempt Int64,
    status String,
    error String,
    at DateTime('UTC'),
    next_at DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(at)
ORDER BY (alert_id, key, receiver, attempt, status);

CREATE TABLE IF NOT EXISTS mentions_hourly_rows (
    brand String,
    hour DateTime('UTC'),
    rows UInt64
)
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(hour)
ORDER BY (brand, hour);

CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_hourly_rows_mv TO mentions_hourly_rows AS
SELECT brand, toStartOfHour(published) AS hour, count() AS rows
FROM mentions
GROUP BY brand, hour;

INSERT INTO mentions_hourly_rows (brand, hour, rows)
SELECT brand, hour, sum(mentions) FROM mentions_hourly GROUP BY brand, hour;

CREATE TABLE IF NOT EXISTS mentions_hourly_distinct (
    brand String,
    hour DateTime('UTC'),
    dimension String,
    total UInt8,
    key String,
    inserted UInt64,
    mentions UInt64,
    negative UInt64
)
ENGINE = ReplacingMergeTree(inserted)
PARTITION BY toYYYYMM(hour)
ORDER BY (brand, hour, dimension, total, key);

ALTER TABLE alerts ADD COLUMN told_count Float64;

ALTER TABLE alerts ADD COLUMN episode_total Float64;

ALTER TABLE mentions ADD COLUMN lang_hint String;

ALTER TABLE mentions ADD COLUMN lang_by String;

ALTER TABLE silences ADD COLUMN alert_id String;
