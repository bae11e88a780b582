package collectors

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrBlockedAddress is wrapped by every refusal of the dial guard.
var ErrBlockedAddress = errors.New("address not allowed")

// BlockedAddrError says which address the dial guard refused and why.
type BlockedAddrError struct {
	Host   string     // the host name dialled ("" when the dial named an IP)
	IP     netip.Addr // the address it resolved to
	Reason string     // "loopback", "private", "cloud metadata", ...
}

func (e *BlockedAddrError) Error() string {
	who := e.IP.String()
	if e.Host != "" && e.Host != who {
		who = fmt.Sprintf("%s (%s)", e.Host, e.IP)
	}
	fix := "list the host or its network in http.allow_hosts if this source really is internal"
	switch e.Reason {
	case "loopback":
		fix = "set http.allow_loopback: true for local tests and demos, or list it in http.allow_hosts"
	case "cloud metadata":
		fix = "cloud metadata endpoints are never fetched"
	}
	return fmt.Sprintf("refusing to connect to %s: %s address (%s)", who, e.Reason, fix)
}

func (e *BlockedAddrError) Unwrap() error { return ErrBlockedAddress }

// metadataAddrs are cloud instance-metadata endpoints: refused even when an
// allow-list entry covers them (metadata.google.internal resolves to the
// first).
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, DigitalOcean, ...
	netip.MustParseAddr("169.254.170.2"),   // AWS ECS task metadata
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("fd00:ec2::254"),   // AWS over IPv6
	netip.MustParseAddr("fd20:ce::254"),    // GCP over IPv6
	netip.MustParseAddr("169.254.0.23"),    // Tencent Cloud (metadata.tencentyun.com)
	netip.MustParseAddr("192.0.0.192"),     // Oracle Cloud's and Azure's legacy endpoint
	// Azure WireServer: a public address every Azure VM reaches, serving
	// the VM's goal state, certificates and extension settings; no
	// private-range check catches it.
	netip.MustParseAddr("168.63.129.16"),
}

// reservedNets are refused besides what netip's predicates name.
var reservedNets = []struct {
	p      netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"}, // and 255.255.255.255
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("100::/64"), "discard"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible"},           // deprecated; ::1 and :: are judged before
	{netip.MustParsePrefix("::ffff:0:0:0/96"), "IPv4-translated"}, // SIIT
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
}

// embeddedV4 are IPv6 prefixes that carry an IPv4 address in their last
// (NAT64) or second and third (6to4) words; the IPv4 address is judged.
var (
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
)

// blockedReason says why ip may not be dialled, or "" when it may.
// allowLoopback lets loopback addresses (127.0.0.0/8, ::1) through.
func blockedReason(ip netip.Addr, allowLoopback bool) string {
	ip = ip.Unmap()
	for _, m := range metadataAddrs {
		if ip == m {
			return "cloud metadata"
		}
	}
	if ip.Is6() && nat64.Contains(ip) {
		b := ip.As16()
		return blockedReason(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), allowLoopback)
	}
	if ip.Is6() && sixTo4.Contains(ip) {
		b := ip.As16()
		return blockedReason(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), allowLoopback)
	}
	switch {
	case ip.IsLoopback():
		if allowLoopback {
			return ""
		}
		return "loopback"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case ip.IsPrivate():
		return "private"
	case ip.IsMulticast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, r := range reservedNets {
		if r.p.Contains(ip) {
			return r.reason
		}
	}
	return ""
}

// dialGuard is the collectors' dialer: it resolves a host itself, judges
// every address it is about to connect to, and connects to that very
// address, so a redirect to an internal address or a DNS answer that
// changes between checks (rebinding) cannot reach loopback, private,
// link-local or cloud-metadata addresses. The same check runs again in the
// socket's Control hook, just before connect(2).
//
// Allowed are: loopback when allowLoopback; addresses inside nets; every
// address of a host named in names. Metadata addresses never. Dials to the
// HTTP proxy the environment names are not judged (the proxy resolves the
// target; it must enforce its own egress policy).
//
// It is safe for concurrent use; its fields are set before first use.
type dialGuard struct {
	allowLoopback bool
	nets          []netip.Prefix
	names         map[string]bool // lower case, no trailing dot
	dialer        net.Dialer
	// lookup resolves a host name; tests replace it so no real name is
	// resolved and no metadata address is dialled.
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// envProxy picks the proxy for a request (http.ProxyFromEnvironment;
	// tests replace it, as the environment is read only once).
	envProxy func(*http.Request) (*url.URL, error)

	mu      sync.Mutex
	proxies map[string]bool // host:port of proxies in use
}

// newDialGuard builds the guard from http.allow_loopback and
// http.allow_hosts (host names, IP addresses and CIDR prefixes; invalid
// entries are reported by config validation and ignored here).
func newDialGuard(allowLoopback bool, allowHosts []string, connect time.Duration) *dialGuard {
	g := &dialGuard{allowLoopback: allowLoopback, names: map[string]bool{}, proxies: map[string]bool{}}
	for _, h := range allowHosts {
		h = strings.TrimSpace(h)
		if p, err := netip.ParsePrefix(h); err == nil {
			g.nets = append(g.nets, p.Masked())
		} else if ip, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
			g.nets = append(g.nets, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
		} else if h != "" {
			g.names[normalizeHost(h)] = true
		}
	}
	g.dialer = net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second, Control: g.control}
	g.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
		return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}
	g.envProxy = http.ProxyFromEnvironment
	return g
}

func normalizeHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

// check judges ip, dialled for host ("" for an IP literal).
func (g *dialGuard) check(host string, ip netip.Addr) error {
	ip = ip.Unmap()
	reason := blockedReason(ip, g.allowLoopback)
	if reason == "" || reason == "cloud metadata" {
		if reason == "" {
			return nil
		}
		return &BlockedAddrError{Host: host, IP: ip, Reason: reason}
	}
	if host != "" && g.names[normalizeHost(host)] {
		return nil
	}
	for _, p := range g.nets {
		if p.Contains(ip) {
			return nil
		}
	}
	return &BlockedAddrError{Host: host, IP: ip, Reason: reason}
}

// control runs just before connect(2) on the address actually dialled: a
// second check of what DialContext judged, which also covers any dial that
// did not go through it. Hosts allowed by name are dialled without it.
func (g *dialGuard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial guard: unexpected address %q: %w", address, ErrBlockedAddress)
	}
	return g.check("", ap.Addr())
}

// DialContext is the transport's dialer.
func (g *dialGuard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dialing %s: %w", addr, err)
	}
	if g.isProxy(addr) {
		d := g.dialer
		d.Control = nil
		return d.DialContext(ctx, network, addr)
	}
	var ips []netip.Addr
	name := ""
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		ips = []netip.Addr{ip}
	} else {
		name = host
		if ips, err = g.lookup(ctx, host); err != nil {
			return nil, fmt.Errorf("resolving %s: %w", host, err)
		}
	}
	allowedName := name != "" && g.names[normalizeHost(name)]
	var firstErr error
	for _, ip := range ips {
		ip = ip.Unmap()
		if (network == "tcp4" && !ip.Is4()) || (network == "tcp6" && !ip.Is6()) {
			continue
		}
		if err := g.check(name, ip); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		d := g.dialer
		if allowedName {
			d.Control = nil // judged by name above; the metadata check still ran
		}
		conn, err := d.DialContext(ctx, network, netip.AddrPortFrom(ip, portNumber(port)).String())
		if err == nil {
			return conn, nil
		}
		if firstErr == nil || errors.Is(firstErr, ErrBlockedAddress) {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("resolving %s: no usable address", host)
	}
	return nil, firstErr
}

func portNumber(s string) uint16 {
	var n uint16
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint16(c-'0')
	}
	return n
}

// proxy is the transport's Proxy function: the environment's proxy, whose
// address the guard then lets through. The proxy resolves and dials the
// target, so DialContext never sees its address: the target is judged
// here instead (checkProxied).
//
// A direct request to a proxy's own address (http://localhost:3128/ with
// HTTPS_PROXY=http://localhost:3128, which Go never proxies) is judged
// here too, as DialContext lets every dial to that address through.
func (g *dialGuard) proxy(req *http.Request) (*url.URL, error) {
	u, err := g.envProxy(req)
	if u != nil && err == nil {
		if err := g.checkProxied(req.Context(), req.URL.Hostname()); err != nil {
			return nil, err
		}
	}
	if u == nil && err == nil && g.isProxy(hostPort(req.URL)) {
		if err := g.checkTarget(req.Context(), req.URL.Hostname(), false); err != nil {
			return nil, err
		}
	}
	if u != nil {
		g.mu.Lock()
		g.proxies[hostPort(u)] = true
		g.mu.Unlock()
	}
	return u, err
}

// hostPort is u's host and port, the port its scheme's default when
// none is written, in lower case: the address a dial to it names.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[u.Scheme]
	}
	return strings.ToLower(net.JoinHostPort(u.Hostname(), port))
}

// checkProxied judges a target that a proxy will resolve: its address
// when the host is one, else every address its name resolves to here. A
// name this host cannot resolve is left to the proxy (on split-horizon
// networks only the proxy can), whose own egress policy must then hold.
func (g *dialGuard) checkProxied(ctx context.Context, host string) error {
	return g.checkTarget(ctx, host, true)
}

// checkTarget judges host: its address, or every address its name
// resolves to. A name that does not resolve passes when unresolvedOK,
// else it is the error.
func (g *dialGuard) checkTarget(ctx context.Context, host string, unresolvedOK bool) error {
	if ip, ok := hostIP(host); ok {
		return g.check("", ip)
	}
	if g.names[normalizeHost(host)] {
		return nil
	}
	ips, err := g.lookup(ctx, host)
	if err != nil {
		if unresolvedOK {
			return nil
		}
		return fmt.Errorf("resolving %s: %w", host, err)
	}
	for _, ip := range ips {
		if err := g.check(host, ip); err != nil {
			return err
		}
	}
	return nil
}

func (g *dialGuard) isProxy(addr string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.proxies[strings.ToLower(addr)]
}

// checkURL refuses a URL whose scheme is not http(s), and one that names
// a refused IP address literally (caught before any proxy sees it).
func (g *dialGuard) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q refused: only http and https are fetched", u.Scheme)
	}
	if ip, ok := hostIP(u.Hostname()); ok {
		return g.check("", ip)
	}
	return nil
}

// checkRedirect is the client's CheckRedirect: at most 10 redirects, each
// to an http(s) URL (the dialer judges its address).
func (g *dialGuard) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return fmt.Errorf("stopped after 10 redirects, the last to %s: the server redirects in a loop (a login or cookie wall, a misconfigured site) or too far; open the address in a browser and configure the final one", MaskURL(req.URL.String()))
	}
	if err := g.checkURL(req.URL); err != nil {
		return fmt.Errorf("redirect to %s refused: %w", MaskURL(req.URL.String()), err)
	}
	// A 307 or 308 resends the body (a login's password, a token
	// exchange's secret); Go drops Authorization on a cross-host
	// redirect but not the body.
	if req.GetBody != nil && req.ContentLength != 0 && !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
		return fmt.Errorf("redirect of %s %s to another host (%s) refused: it would resend the request body, which may hold credentials; configure the final URL", via[0].Method, MaskURL(via[0].URL.String()), req.URL.Host)
	}
	return nil
}

// hostIP reads a URL's host as an IP address: a literal netip accepts, or
// an IPv4 address in one of the forms inet_aton(3) and URL parsers accept
// (2130706433, 0x7f.1, 0177.0.0.1), which a resolver or proxy would dial.
func hostIP(host string) (netip.Addr, bool) {
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return ip, true
	}
	return parseLooseIPv4(host)
}

// parseLooseIPv4 parses the inet_aton forms of an IPv4 address: one to four
// parts, each decimal, octal (leading 0) or hex (0x), the last filling the
// remaining bytes; one trailing dot is allowed.
func parseLooseIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(strings.TrimSuffix(s, "."), ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		base := 10
		switch {
		case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
			base, p = 16, p[2:]
			if p == "" {
				p = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, p = 8, p[1:]
		}
		if p == "" || p[0] == '+' || p[0] == '-' {
			return netip.Addr{}, false
		}
		n, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		bits := uint(8)
		if i == len(parts)-1 {
			bits = uint(8 * (5 - len(parts)))
		}
		if n >= 1<<bits {
			return netip.Addr{}, false
		}
		v = v<<bits | n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}
