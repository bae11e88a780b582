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
	Routing        RoutingConfig   `yaml:"routing"`
}

// RoutingConfig sends each alert to named receivers: the notifiers under
// notifiers:, by name (slack, webhook, telegram, email...). Routes are
// tried in order; the first that matches decides, unless it says continue:
// true, when the next ones are tried too (Alertmanager's semantics). An
// alert no route matched goes to Default. Without routing: every alert
// goes to every configured notifier. alerts/routing checks and resolves
// it; docs/ALERTS.md has examples.
type RoutingConfig struct {
	Routes []RouteConfig `yaml:"routes"`
	// Default are the receivers of an alert no route matched; empty means
	// every configured notifier.
	Default []string `yaml:"default"`
	// Receivers holds each receiver's delivery settings, by name.
	Receivers map[string]ReceiverConfig `yaml:"receivers"`
}

// RouteConfig is one routing rule. Empty lists match everything; a list
// matches when any of its values does.
type RouteConfig struct {
	Name     string   `yaml:"name"`     // shown by check-config and in logs
	Brands   []string `yaml:"brands"`   // brand names, exact
	Scopes   []string `yaml:"scopes"`   // brand, stage:amot, aspect:delivery, mention, volume; * globs (stage:*)
	Severity []string `yaml:"severity"` // spike | critical | drop
	Langs    []string `yaml:"langs"`    // en, id, other: the critical mention's language, a spike's most common one
	// Receivers get the alerts this route matches.
	Receivers []string `yaml:"receivers"`
	// Continue: after a match, try the next routes too.
	Continue bool `yaml:"continue"`
}

// ReceiverConfig is one receiver's delivery settings.
type ReceiverConfig struct {
	// TimeZone of QuietHours, an IANA name; default timezone:.
	TimeZone string `yaml:"time_zone"`
	// QuietHours "22:00-07:00": spike alerts wait until they end (they are
	// delayed, not dropped).
	QuietHours string `yaml:"quiet_hours"`
	// QuietCritical: critical alerts go through quiet hours; default true.
	QuietCritical *bool `yaml:"quiet_critical"`
	// RateLimit: a token bucket of Burst messages, one more every Every.
	// What is over it waits for a token (delayed, never dropped).
	RateLimit RateLimitConfig `yaml:"rate_limit"`
}

// RateLimitConfig is a token bucket; Burst 0 is no limit.
type RateLimitConfig struct {
	Burst int      `yaml:"burst"`
	Every Duration `yaml:"every"`
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
	// ListsOnly turns off the learned harm model: only the phrase lists
	// and Keywords make a mention critical by its words.
	ListsOnly bool `yaml:"lists_only"`
}

// SilenceConfig is a silence written in config.
type SilenceConfig struct {
	Brand  string `yaml:"brand"`
	Scope  string `yaml:"scope"`
	Until  string `yaml:"until"` // RFC 3339
	Reason string `yaml:"reason"`
}
