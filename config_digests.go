package mentionwatch

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// DigestConfig is one scheduled digest (digests: in config.yaml): a
// brand's daily or weekly summary, sent at a local time (timezone:) to
// receivers. See docs/DIGESTS.md.
type DigestConfig struct {
	Brand   string   `yaml:"brand"`
	Period  string   `yaml:"period"`  // daily | weekly
	At      string   `yaml:"at"`      // "08:00", local time of timezone:; default 08:00
	Weekday string   `yaml:"weekday"` // weekly: monday (default) … sunday
	To      []string `yaml:"to"`      // receivers: email, slack or telegram (a configured notifier), or mail addresses

	Line int `yaml:"-"` // line of the entry, for errors
}

// DigestReceivers are the notifiers a digest can go to by name; a mail
// address goes through notifiers.email.
var DigestReceivers = []string{"email", "slack", "telegram"}

// Clock returns the hour and minute of At (08:00 when unset).
func (d DigestConfig) Clock() (hour, minute int, err error) {
	at := strings.TrimSpace(d.At)
	if at == "" {
		return 8, 0, nil
	}
	t, err := time.Parse("15:04", at)
	if err != nil {
		return 0, 0, fmt.Errorf("at %q is not a time of day such as 08:00 or 17:30 (24-hour, local to timezone:)", d.At)
	}
	return t.Hour(), t.Minute(), nil
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// Day returns the weekday a weekly digest is sent on (Monday when unset).
func (d DigestConfig) Day() (time.Weekday, error) {
	w := strings.ToLower(strings.TrimSpace(d.Weekday))
	if w == "" {
		return time.Monday, nil
	}
	if wd, ok := weekdays[w]; ok {
		return wd, nil
	}
	if len(w) >= 3 {
		for name, wd := range weekdays {
			if strings.HasPrefix(name, w) {
				return wd, nil
			}
		}
	}
	return 0, fmt.Errorf("weekday %q: want monday, tuesday, … sunday", d.Weekday)
}

// IsAddress reports whether a digest receiver is a mail address rather
// than a notifier's name.
func IsAddress(to string) bool { return strings.Contains(to, "@") }

// hasNotifier reports whether notifiers.<name> is configured.
func (c *Config) hasNotifier(name string) bool {
	switch name {
	case "slack":
		s := c.Notifiers.Slack
		return s != nil && (s.WebhookURL.Value() != "" || s.BotToken.Value() != "")
	case "webhook":
		return c.Notifiers.Webhook != nil && c.Notifiers.Webhook.URL.Value() != ""
	}
	n, ok := c.Notifiers.Channels[name]
	return ok && n != nil && !(n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == ""))
}

// validateDigests checks each digest: a known brand, the period, at and
// weekday, and receivers that exist.
func (c *Config) validateDigests() error {
	seen := map[string]bool{}
	for i, d := range c.Digests {
		key := fmt.Sprintf("digests[%d]", i)
		fail := func(k, msg string) error {
			return &ConfigError{File: c.File, Line: d.Line, Key: key + k, Msg: msg}
		}
		if !c.HasBrand(d.Brand) {
			return fail(".brand", fmt.Sprintf("unknown brand %q: name one of brands:", d.Brand))
		}
		switch d.Period {
		case "daily", "weekly":
		default:
			return fail(".period", fmt.Sprintf("period %q: want daily or weekly", d.Period))
		}
		if _, _, err := d.Clock(); err != nil {
			return fail(".at", err.Error())
		}
		if d.Weekday != "" && d.Period != "weekly" {
			return fail(".weekday", "weekday is for weekly digests; drop it or set period: weekly")
		}
		if _, err := d.Day(); err != nil {
			return fail(".weekday", err.Error())
		}
		if len(d.To) == 0 {
			return fail(".to", "at least one receiver: email, slack, telegram, or a mail address")
		}
		for _, to := range d.To {
			id := d.Brand + "/" + d.Period + "/" + to
			if seen[id] {
				return fail(".to", fmt.Sprintf("%s gets the %s digest of %s twice", to, d.Period, d.Brand))
			}
			seen[id] = true
			if IsAddress(to) {
				if _, err := mail.ParseAddress(to); err != nil {
					return fail(".to", fmt.Sprintf("%q is not a mail address", to))
				}
				if !c.hasNotifier("email") {
					return fail(".to", fmt.Sprintf("%s needs notifiers.email (the SMTP server digests are sent through)", to))
				}
				continue
			}
			known := false
			for _, r := range DigestReceivers {
				known = known || r == to
			}
			if !known {
				return fail(".to", fmt.Sprintf("receiver %q: digests go to email, slack, telegram or a mail address", to))
			}
			if !c.hasNotifier(to) {
				return fail(".to", fmt.Sprintf("receiver %q is not configured: add notifiers.%s (docs/ALERTS.md)", to, to))
			}
		}
	}
	return nil
}

// setDigestLines records each digest entry's line from the digests node.
func setDigestLines(cfg *Config, n *yaml.Node) {
	if n == nil || n.Kind != yaml.SequenceNode {
		return
	}
	for i, e := range n.Content {
		if i < len(cfg.Digests) {
			cfg.Digests[i].Line = e.Line
		}
	}
}
