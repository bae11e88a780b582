package mentionwatch

// AlertsConfig tunes detection and notification.
type AlertsConfig struct {
	Bucket         Duration        `yaml:"bucket"`          // default 5m
	MinCount       int             `yaml:"min_count"`       // below this many negatives in a bucket nothing fires, default 5
	Threshold      int             `yaml:"threshold"`       // skeleton detector: negatives per bucket that fire, default 10
	RepeatInterval Duration        `yaml:"repeat_interval"` // re-notify while firing, default 4h
	DashboardURL   string          `yaml:"dashboard_url"`   // linked from notifications
	Silences       []SilenceConfig `yaml:"silences"`
}

// SilenceConfig is a silence written in config.
type SilenceConfig struct {
	Brand  string `yaml:"brand"`
	Scope  string `yaml:"scope"`
	Until  string `yaml:"until"` // RFC 3339
	Reason string `yaml:"reason"`
}
