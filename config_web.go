package mentionwatch

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// WebConfig serves the dashboard, API and metrics.
type WebConfig struct {
	Listen   string `yaml:"listen"`   // e.g. 127.0.0.1:8080; empty = not served by run
	Token    Secret `yaml:"token"`    // bearer token, required off loopback (or basic auth)
	Username string `yaml:"username"` // basic auth
	Password Secret `yaml:"password"` // basic auth
	// Hosts are the names the dashboard answers to besides the listen
	// host, localhost and IP addresses (DNS-rebinding defence); add the
	// name users and the reverse proxy use.
	Hosts []string `yaml:"hosts"`
	// TLSCert and TLSKey (PEM files) make the dashboard speak HTTPS;
	// check-config loads them. Or terminate TLS at a reverse proxy
	// (docs/OPERATIONS.md).
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
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
	for _, h := range w.Hosts {
		if _, err := netip.ParsePrefix(h); err == nil || !validAllowHost(h) {
			return fmt.Errorf("web.hosts: %q is not a host name (write mentions.example.com, without scheme, port or path)", h)
		}
	}
	if err := w.checkTLS(); err != nil {
		return err
	}
	if w.Token != "" || w.Username != "" || IsLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("web.listen %q is not a loopback address: set web.token (bearer) or web.username and web.password (basic auth), "+
		"or listen on 127.0.0.1", w.Listen)
}

// checkTLS loads web.tls_cert and web.tls_key when either is set.
func (w WebConfig) checkTLS() error {
	switch {
	case w.TLSCert == "" && w.TLSKey == "":
		return nil
	case w.TLSKey == "":
		return errors.New("web.tls_cert is set but web.tls_key is empty (set both, or neither)")
	case w.TLSCert == "":
		return errors.New("web.tls_key is set but web.tls_cert is empty (set both, or neither)")
	}
	if _, err := tls.LoadX509KeyPair(w.TLSCert, w.TLSKey); err != nil {
		return fmt.Errorf("web.tls_cert %q and web.tls_key %q do not load: %w (want a PEM certificate chain and its PEM private key)", w.TLSCert, w.TLSKey, err)
	}
	return nil
}

// IsLoopbackHost reports whether host is localhost or a loopback IP.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
