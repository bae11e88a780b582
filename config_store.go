package mentionwatch

// StoreConfig chooses and tunes the store.
type StoreConfig struct {
	Type string `yaml:"type"` // embedded (default) | clickhouse
	Path string `yaml:"path"` // embedded: SQLite file, default ./mentionwatch.db

	// ClickHouse.
	DSN           Secret   `yaml:"dsn"`             // clickhouse://user:pass@host:9000/db?compress=lz4
	Cluster       string   `yaml:"cluster"`         // cluster name: ON CLUSTER DDL, Replicated tables, Distributed reads
	RetentionDays int      `yaml:"retention_days"`  // 0 = keep forever; TTL where the server supports it
	BatchSize     int      `yaml:"batch_size"`      // writer flush size, default 10000
	FlushInterval Duration `yaml:"flush_interval"`  // writer flush age, default 2s
	SpoolDir      string   `yaml:"spool_dir"`       // default ./spool
	SpoolMaxBytes int64    `yaml:"spool_max_bytes"` // default 1 GiB
}
