package mentionwatch

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkURLs refuses any URL in the config that is not http(s): every
// source key named url, urls or *_url (a file:// or gopher:// feed would
// read local files or reach odd services), the notifier URLs and
// alerts.dashboard_url. Empty values are left to the feature that needs
// them. Errors never echo the URL, which may carry a secret. It also
// checks http.allow_hosts.
func (c *Config) checkURLs() error {
	for _, s := range c.Sources {
		if s.Node == nil || s.Node.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(s.Node.Content); i += 2 {
			k, v := s.Node.Content[i].Value, s.Node.Content[i+1]
			if k != "url" && k != "urls" && !strings.HasSuffix(k, "_url") && !strings.HasSuffix(k, "_urls") {
				continue
			}
			vals := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				vals = v.Content
			}
			for _, n := range vals {
				if n.Kind != yaml.ScalarNode {
					continue
				}
				if msg := badURL(n.Value); msg != "" {
					return &ConfigError{File: c.File, Line: n.Line, Key: "sources[" + s.Name + "]." + k, Msg: msg}
				}
			}
		}
	}
	var named []struct{ key, val string }
	if sl := c.Notifiers.Slack; sl != nil {
		named = append(named, struct{ key, val string }{"notifiers.slack.webhook_url", sl.WebhookURL.Value()},
			struct{ key, val string }{"notifiers.slack.api_url", sl.APIURL})
	}
	if wh := c.Notifiers.Webhook; wh != nil {
		named = append(named, struct{ key, val string }{"notifiers.webhook.url", wh.URL.Value()})
	}
	named = append(named, struct{ key, val string }{"alerts.dashboard_url", c.Alerts.DashboardURL})
	for _, n := range named {
		if msg := badURL(n.val); msg != "" {
			return &ConfigError{File: c.File, Key: n.key, Msg: msg}
		}
	}
	if u, err := url.Parse(strings.TrimSpace(c.Alerts.DashboardURL)); err == nil && u.User != nil {
		return &ConfigError{File: c.File, Key: "alerts.dashboard_url", Msg: "has a user name or password in it (user:pass@), which every notification " +
			"would show to everyone in its channel: remove it; the dashboard's own login (web.token, web.users) protects it"}
	}
	if i := strings.IndexFunc(c.HTTP.UserAgent, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }); i >= 0 {
		return &ConfigError{File: c.File, Key: "http.user_agent", Msg: "has a control character (a line break?), which no HTTP request may carry: " +
			"every source would fail; write it on one line"}
	}
	for _, h := range c.HTTP.AllowHosts {
		if !validAllowHost(h) {
			return &ConfigError{File: c.File, Key: "http.allow_hosts",
				Msg: fmt.Sprintf("%q is not a host name, IP address or CIDR (for example intranet.example, 10.0.0.5 or 10.0.0.0/8)", h)}
		}
	}
	return nil
}

// badURL says what is wrong with raw, or "" when it is empty or an
// absolute http(s) URL with a host.
func badURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "not a valid URL (want http:// or https://host/...)"
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Sprintf("scheme %q is not allowed: use an http:// or https:// URL", u.Scheme)
	}
	if u.Scheme == "" || u.Host == "" {
		return "not an absolute http(s) URL (want http:// or https://host/...)"
	}
	return ""
}

var hostName = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$`)

func validAllowHost(h string) bool {
	h = strings.TrimSpace(h)
	if _, err := netip.ParsePrefix(h); err == nil {
		return true
	}
	if _, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return true
	}
	return len(h) <= 253 && hostName.MatchString(h)
}
