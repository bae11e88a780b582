package web

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
)

// csrfHeader carries the page's token on state-changing requests when no
// credentials are configured (htmx sends it: hx-headers on <body>).
const csrfHeader = "X-CSRF-Token"

// hostSet is the names the dashboard answers to. A DNS-rebinding page
// reaches a loopback dashboard under its own name (Host: evil.example), so
// any other name is refused before auth. IP literals are always served:
// rebinding needs a name.
type hostSet map[string]bool

func newHostSet(cfg mw.WebConfig) hostSet {
	hs := hostSet{"localhost": true}
	if host, _, err := net.SplitHostPort(cfg.Listen); err == nil && host != "" {
		hs[normalizeHost(host)] = true
	}
	for _, h := range cfg.Hosts {
		hs[normalizeHost(h)] = true
	}
	return hs
}

func normalizeHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

// allows reports whether hostport (a Host header or an Origin's host) names
// this dashboard.
func (hs hostSet) allows(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "" {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	return hs[normalizeHost(host)]
}

// newCSRFToken derives the page's token from the action-link key, which
// every member of a cluster shares and a restart keeps: a page served by
// one member may post to another behind a load balancer, and an open tab
// keeps working across a restart. Without a key it is random per process.
func newCSRFToken(links *actionlink.Signer) string {
	if links != nil {
		return links.Token("dashboard-csrf")
	}
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// unsafeMethod: the request may change state.
func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// checkStateChange refuses a state-changing request whose Origin names
// another host, and one that lacks the page's CSRF token when it is
// authenticated by something a browser sends by itself: the session
// cookie, the proxy's identity (its own cookie), or nothing at all
// (loopback without credentials). Logging in needs no token (there is no
// session yet; the Origin checks above and in ServeHTTP apply). It returns
// the reason, or "" to go on.
func (h *Handler) checkStateChange(r *http.Request) string {
	if !unsafeMethod(r.Method) {
		return ""
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host == "" || !h.hosts.allows(u.Host) {
			return "forbidden: cross-origin request"
		}
	}
	// A signed action link (/a/ack, /a/silence from a notification) carries
	// its own credential, an HMAC a rebinding page cannot forge; its
	// handler verifies it (action_links.go).
	if strings.HasPrefix(r.URL.Path, actionlink.PathPrefix) || r.URL.Path == "/login" {
		return ""
	}
	switch actorFrom(r).Via {
	case ViaSession, ViaProxy, ViaLocal:
		if !equal(r.Header.Get(csrfHeader), h.csrfToken) {
			return "forbidden: state-changing requests need the dashboard page's " + csrfHeader +
				" header (reload the page), or an API token as a Bearer token for scripts (mentionwatch user token add NAME)"
		}
	}
	return ""
}
