package mentionwatch

// AlertsConfig tunes detection and notification.
type AlertsConfig struct {
	Bucket         Duration        `yaml:"bucket"`          // default 5m
	MinCount       int             `yaml:"min_count"`       // below this many negatives in a bucket nothing fires, default 5
	Threshold      int             `yaml:"threshold"`       // fixed detector only: negatives per bucket that fire, default 10
	Detector       string          `yaml:"detector"`        // spike (default: adaptive baseline) | threshold
	Sensitivity    float64         `yaml:"sensitivity"`     // spike detector: higher fires earlier and more often; default 1
	Warmup         Duration        `yaml:"warmup"`          // spike detector: history a series needs before it can fire, default 24h
	MaxLateness    Duration        `yaml:"max_lateness"`    // the horizon: buckets are re-read and re-judged this long after they close (late mentions count in their own bucket); no spike starts in an older bucket, so backfill never fires one; default 2h
	RepeatInterval Duration        `yaml:"repeat_interval"` // re-notify while firing, default 4h
	DashboardURL   string          `yaml:"dashboard_url"`   // linked from notifications
	Critical       CriticalConfig  `yaml:"critical"`
	Drops          DropsConfig     `yaml:"drops"`
	Silences       []SilenceConfig `yaml:"silences"`
}

// DropsConfig turns on the drop watch: an alert when a brand's mention
// volume (all mentions, not only negative ones) falls far below its usual
// level, the sign that a source went silent (a feed moved, a token expired
// without an error, a page changed its layout).
type DropsConfig struct {
	Enabled bool `yaml:"enabled"`
	// MinPerHour: a brand is watched for drops only while it usually gets
	// at least this many mentions an hour; below it silence is normal.
	// Default 12.
	MinPerHour float64 `yaml:"min_per_hour"`
}

// CriticalConfig says which single mentions alert on their own.
type CriticalConfig struct {
	// Keywords (any language) that make a mention critical whatever its
	// sentiment label, on top of the built-in harms (alerts/critical):
	// lawsuit, food poisoning, keracunan, data leak, bocor...
	Keywords []string `yaml:"keywords"`
	// MinReach: a negative mention from an author with at least this many
	// followers is critical. 0 disables.
	MinReach uint32 `yaml:"min_reach"`
	// OneStarSources: a 1-star review on one of these sources is critical.
	OneStarSources []string `yaml:"one_star_sources"`
	// MaxAge: a critical mention alerts when it is first collected if it
	// was published at most this long before; older backfill is stored
	// but never alerts. Default 7 days.
	MaxAge Duration `yaml:"max_age"`
}

// SilenceConfig is a silence written in config.
type SilenceConfig struct {
	Brand  string `yaml:"brand"`
	Scope  string `yaml:"scope"`
	Until  string `yaml:"until"` // RFC 3339
	Reason string `yaml:"reason"`
}
