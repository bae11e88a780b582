package mentionwatch

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // zone names resolve on hosts without /usr/share/zoneinfo
)

// Location returns the time zone of timezone: (UTC when unset). Slack and
// webhook texts, the dashboard and the API show times in it; the store and
// the detector stay in UTC. Config loading has checked the name.
func (c *Config) Location() *time.Location {
	loc, err := LoadTimezone(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// LoadTimezone resolves an IANA zone name such as Asia/Jakarta; "" and
// "UTC" give UTC. "Local" is refused: it would change with the host.
func LoadTimezone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "" || name == "UTC":
		return time.UTC, nil
	case strings.EqualFold(name, "local"):
		return nil, fmt.Errorf("%q depends on the host; name the zone, e.g. Asia/Jakarta or Europe/Berlin", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: use an IANA name such as Asia/Jakarta, Europe/Berlin or UTC", name)
	}
	return loc, nil
}

// validateTimezone checks timezone: and, with it, the action-link key
// that notifications sign with (alerts/actionlink).
func (c *Config) validateTimezone() error {
	if _, err := LoadTimezone(c.Timezone); err != nil {
		return &ConfigError{File: c.File, Key: "timezone", Msg: err.Error()}
	}
	if s := c.Web.LinkSecret.Value(); s != "" && len(s) < 16 {
		return &ConfigError{File: c.File, Key: "web.link_secret", Msg: "shorter than 16 characters: use a long random value (openssl rand -hex 32)"}
	}
	return nil
}
