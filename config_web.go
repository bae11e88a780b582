package mentionwatch

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// WebConfig serves the dashboard, API and metrics.
type WebConfig struct {
	Listen   string `yaml:"listen"`   // e.g. 127.0.0.1:8080; empty = not served by run
	Token    Secret `yaml:"token"`    // bearer token, required off loopback (or basic auth)
	Username string `yaml:"username"` // basic auth
	Password Secret `yaml:"password"` // basic auth
	// LinkSecret keys the signed, expiring action links in notifications
	// (Acknowledge, Silence 4 h). Empty: a random key is generated once and
	// kept in LinkSecretFile, so run and serve share it.
	LinkSecret     Secret `yaml:"link_secret"`
	LinkSecretFile string `yaml:"link_secret_file"` // default mentionwatch.linkkey, next to the working directory's database
}

// Check refuses a listen address off loopback without credentials: the
// dashboard can acknowledge, resolve and silence alerts.
func (w WebConfig) Check() error {
	if w.Listen == "" {
		return errors.New("no listen address (set web.listen, e.g. 127.0.0.1:8080)")
	}
	host, _, err := net.SplitHostPort(w.Listen)
	if err != nil {
		return fmt.Errorf("web.listen %q: %w (want host:port, e.g. 127.0.0.1:8080)", w.Listen, err)
	}
	if w.Username != "" && w.Password == "" {
		return errors.New("web.username is set but web.password is empty")
	}
	if w.Token != "" || w.Username != "" || IsLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("web.listen %q is not a loopback address: set web.token (bearer) or web.username and web.password (basic auth), "+
		"or listen on 127.0.0.1", w.Listen)
}

// IsLoopbackHost reports whether host is localhost or a loopback IP.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
