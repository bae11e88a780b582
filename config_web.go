package mentionwatch

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
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

	// Users turns on named users (stored in the store, managed with
	// `mentionwatch user`): a login page, session cookies and per-user API
	// tokens. Token, Username and Password above keep working as a
	// bootstrap admin.
	Users WebUsersConfig `yaml:"users"`
	// Proxy trusts a reverse proxy (oauth2-proxy and the like) that
	// authenticates users and names them in a header.
	Proxy WebProxyConfig `yaml:"proxy"`
}

// WebUsersConfig configures named users and their sessions.
type WebUsersConfig struct {
	Enabled bool `yaml:"enabled"`
	// SessionTTL is how long a login lasts (default 12h); logging out or
	// disabling the user ends it sooner.
	SessionTTL Duration `yaml:"session_ttl"`
}

// DefaultSessionTTL is how long a login lasts without web.users.session_ttl.
const DefaultSessionTTL = 12 * time.Hour

// WebProxyConfig trusts a reverse proxy in front of the dashboard.
type WebProxyConfig struct {
	// Trusted are the proxy's addresses (IPs or CIDRs). Only requests from
	// them may name a user in UserHeader, and only from them are
	// X-Forwarded-Proto (for the Secure cookie) and X-Forwarded-For (for
	// the login throttle) believed.
	Trusted []string `yaml:"trusted"`
	// UserHeader names the authenticated user, e.g. X-Auth-Request-User
	// (oauth2-proxy) or X-Forwarded-User. Empty: no proxy identity.
	UserHeader string `yaml:"user_header"`
	// DefaultRole is the role of a proxy user who is not in the user
	// store; empty refuses such users (add them with `mentionwatch user add`).
	DefaultRole string `yaml:"default_role"`
}

// TrustedPrefixes parses Trusted (check-config has validated it).
func (p WebProxyConfig) TrustedPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range p.Trusted {
		s = strings.TrimSpace(s)
		if pr, err := netip.ParsePrefix(s); err == nil {
			out = append(out, pr.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("web.proxy.trusted: %q is not an IP address or CIDR (write 10.0.0.5 or 10.0.0.0/24)", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// CheckAccess validates web.users and web.proxy; config loading calls it
// whether or not web.listen is set.
func (w WebConfig) CheckAccess() error {
	if w.Users.SessionTTL != 0 && w.Users.SessionTTL.D() < time.Minute {
		return fmt.Errorf("web.users.session_ttl %s is shorter than a minute (write 8h or 7d)", w.Users.SessionTTL.D())
	}
	p := w.Proxy
	trusted, err := p.TrustedPrefixes()
	if err != nil {
		return err
	}
	if p.UserHeader != "" {
		if len(trusted) == 0 {
			return errors.New("web.proxy.user_header is set but web.proxy.trusted is empty: list the proxy's addresses " +
				"(e.g. [127.0.0.1]), or anyone could name themselves in the header")
		}
		if !validHeaderName(p.UserHeader) {
			return fmt.Errorf("web.proxy.user_header %q is not a header name (e.g. X-Auth-Request-User)", p.UserHeader)
		}
		switch strings.ToLower(p.UserHeader) {
		case "authorization", "cookie", "host", "x-forwarded-for", "x-forwarded-proto":
			return fmt.Errorf("web.proxy.user_header %q carries something else; use the header your proxy sets for the user, e.g. X-Auth-Request-User", p.UserHeader)
		}
	}
	if p.DefaultRole != "" {
		if _, err := ParseRole(p.DefaultRole); err != nil {
			return fmt.Errorf("web.proxy.default_role: %w", err)
		}
		if p.UserHeader == "" {
			return errors.New("web.proxy.default_role is set but web.proxy.user_header is empty (set the header the proxy names users in)")
		}
	}
	return nil
}

// validHeaderName: an HTTP token of letters, digits and '-'.
func validHeaderName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Check refuses a listen address off loopback without credentials: the
// dashboard can acknowledge, resolve and silence alerts. Named users
// (web.users.enabled) or a trusted proxy's user header count as
// credentials; that an admin exists is checked when the dashboard starts.
func (w WebConfig) Check() error {
	if w.Listen == "" {
		return errors.New("no listen address (set web.listen, e.g. 127.0.0.1:8080)")
	}
	host, port, err := net.SplitHostPort(w.Listen)
	if err != nil {
		return fmt.Errorf("web.listen %q: %w (want host:port, e.g. 127.0.0.1:8080)", w.Listen, err)
	}
	if _, err := net.LookupPort("tcp", port); err != nil && port != "" { // a number (0-65535) or a service name
		return fmt.Errorf("web.listen %q: port %q is not a number from 0 to 65535 (want host:port, e.g. 127.0.0.1:8080)", w.Listen, port)
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
	if err := w.CheckAccess(); err != nil {
		return err
	}
	if w.Token != "" || w.Username != "" || w.Users.Enabled || w.Proxy.UserHeader != "" || IsLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("web.listen %q is not a loopback address: set web.token (bearer) or web.username and web.password (basic auth), "+
		"or web.users.enabled (named users: mentionwatch user add), or listen on 127.0.0.1", w.Listen)
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
