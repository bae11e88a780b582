package mentionwatch

import (
	"strings"
	"testing"
)

// TestURLSchemesChecked: a source, notifier or dashboard URL that is not
// http(s) is a config error naming the source (or key) and line, without
// echoing the URL's secrets; allow_hosts entries must be hosts, IPs or
// CIDRs.
func TestURLSchemesChecked(t *testing.T) {
	const head = "brands: [{name: A, keywords: [a]}]\n"
	for _, tc := range []struct{ yml, want string }{
		{"sources:\n  - name: local\n    type: rss\n    url: file:///etc/passwd\n", `c.yaml:5: sources[local].url: scheme "file" is not allowed`},
		{"sources:\n  - name: g\n    type: rss\n    url: gopher://user:hunter2@x.example/feed\n", `c.yaml:5: sources[g].url: scheme "gopher" is not allowed`},
		{"sources:\n  - name: r\n    type: reviews\n    url: //example.com/reviews\n", `sources[r].url: not an absolute http(s) URL`},
		{"sources:\n  - name: n\n    type: rss\n    preset: google_news\n    base_url: ftp://mirror.example/\n", `sources[n].base_url`},
		{"notifiers:\n  slack:\n    webhook_url: file:///tmp/x\n", `notifiers.slack.webhook_url: scheme "file" is not allowed`},
		{"notifiers:\n  webhook:\n    url: javascript:alert(1)\n", `notifiers.webhook.url: scheme "javascript" is not allowed`},
		{"alerts:\n  dashboard_url: data:text/html,hi\n", `alerts.dashboard_url: scheme "data" is not allowed`},
		{"http:\n  allow_hosts: [\"http://intranet.example/\"]\n", `http.allow_hosts: "http://intranet.example/" is not a host name, IP address or CIDR`},
		{"http:\n  allow_hosts: [\"10.0.0.0/33\"]\n", `http.allow_hosts`},
	} {
		_, err := ParseConfig("c.yaml", []byte(head+tc.yml), env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.yml, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("config error echoes a secret: %v", err)
		}
	}
	ok := head + "sources:\n  - name: f\n    type: rss\n    url: https://example.com/feed\n  - name: u\n    type: reviews\n    url: http://shop.example/r?page=1\n" +
		"http:\n  allow_hosts: [intranet.example, 10.0.0.0/8, \"192.168.1.5\", \"fd00::/8\"]\nnotifiers:\n  slack:\n    webhook_url: \"${UNSET}\"\n"
	if _, err := ParseConfig("c.yaml", []byte(ok), env(nil)); err != nil {
		t.Errorf("valid URLs refused: %v", err)
	}
}

// TestDashboardURLCredentialsAndUserAgentRefused: a dashboard_url with
// user:pass@ was linked, credentials and all, from every notification; a
// user_agent with a line break loaded, and every request then failed.
func TestDashboardURLCredentialsAndUserAgentRefused(t *testing.T) {
	const b = "brands: [{name: A, keywords: [a]}]\n"
	for _, tc := range []struct{ yml, want string }{
		{b + "alerts:\n  dashboard_url: https://ops:hunter2@dash.example\n", "c.yaml:3: alerts.dashboard_url: has a user name or password in it"},
		{b + "alerts:\n  dashboard_url: https://ops@dash.example/\n", "c.yaml:3: alerts.dashboard_url: has a user name or password in it"},
		{b + "http:\n  user_agent: \"acme-monitor\\r\\nX-Injected: 1\"\n", "c.yaml:3: http.user_agent: has a control character"},
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.yml), func(string) (string, bool) { return "", false })
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: err = %v, want %q", tc.yml, err, tc.want)
		}
	}
	ok := b + "alerts:\n  dashboard_url: https://dash.example/mw\nhttp:\n  user_agent: \"acme monitor\\t(ops@acme.example)\"\n"
	if _, err := ParseConfig("c.yaml", []byte(ok), func(string) (string, bool) { return "", false }); err != nil {
		t.Errorf("valid: %v", err)
	}
}
