package collectors

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// fakeResolver maps host names to addresses so no test resolves a real
// name; an unknown name fails as a real "no such host" would.
func fakeResolver(m map[string]string) func(context.Context, string) ([]netip.Addr, error) {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		if a, ok := m[strings.ToLower(host)]; ok {
			return []netip.Addr{netip.MustParseAddr(a)}, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
}

// TestRedirectToInternalRefused: a feed on an allowed host redirects to
// loopback, to the metadata address literally and by name; the client
// refuses each before connecting, with an error that names the address
// and what to do, and the internal page is never fetched.
func TestRedirectToInternalRefused(t *testing.T) {
	var internal atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/internal":
			internal.Add(1)
			w.Write([]byte("internal admin page"))
		case "/to-loopback":
			http.Redirect(w, r, "http://127.0.0.1:"+r.Host[strings.LastIndex(r.Host, ":")+1:]+"/internal", http.StatusFound)
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case "/to-metadata-name":
			http.Redirect(w, r, "http://metadata.google.internal/computeMetadata/v1/", http.StatusFound)
		case "/to-rebound":
			http.Redirect(w, r, "http://rebound.example/", http.StatusFound)
		case "/to-file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		default:
			w.Write([]byte("feed"))
		}
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, RetryMax: -1, AllowHosts: []string{"feed.example"}})
	c.guard.lookup = fakeResolver(map[string]string{
		"feed.example":             "127.0.0.1", // allowed by name
		"metadata.google.internal": "169.254.169.254",
		"rebound.example":          "10.1.2.3",
	})
	base := "http://feed.example:" + port
	if resp, err := c.Get(context.Background(), base+"/feed", nil); err != nil || string(resp.Body) != "feed" {
		t.Fatalf("allowed host: %v", err)
	}
	for _, tc := range []struct{ path, want string }{
		{"/to-loopback", "refusing to connect to 127.0.0.1: loopback address"},
		{"/to-metadata", "refusing to connect to 169.254.169.254: cloud metadata address"},
		{"/to-metadata-name", "metadata.google.internal (169.254.169.254): cloud metadata address"},
		{"/to-rebound", "rebound.example (10.1.2.3): private address"},
		{"/to-file", `scheme "file" refused`},
	} {
		_, err := c.Get(context.Background(), base+tc.path, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v; want one containing %q", tc.path, err, tc.want)
		}
		if tc.path != "/to-file" && !errors.Is(err, ErrBlockedAddress) {
			t.Errorf("%s: %v is not ErrBlockedAddress", tc.path, err)
		}
	}
	if n := internal.Load(); n != 0 {
		t.Fatalf("the internal page was fetched %d times", n)
	}
}

// TestLoopbackNeedsAllowLoopback: an httptest server on 127.0.0.1 is
// refused by default and reached with allow_loopback or an allow-list.
func TestLoopbackNeedsAllowLoopback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	_, err := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 100}).Get(context.Background(), srv.URL, nil)
	if err == nil || !strings.Contains(err.Error(), "http.allow_loopback") {
		t.Fatalf("loopback without allow_loopback: %v; want a refusal naming http.allow_loopback", err)
	}
	for _, cfg := range []mw.HTTPConfig{
		{PerHostRPS: 100, AllowLoopback: true},
		{PerHostRPS: 100, AllowHosts: []string{"127.0.0.0/8"}},
		{PerHostRPS: 100, AllowHosts: []string{"127.0.0.1"}},
	} {
		if resp, err := NewHTTPClient(cfg).Get(context.Background(), srv.URL, nil); err != nil || string(resp.Body) != "ok" {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}

func TestBlockedReason(t *testing.T) {
	for _, tc := range []struct {
		ip, reason string
	}{
		{"127.0.0.1", "loopback"}, {"::1", "loopback"}, {"::ffff:127.0.0.1", "loopback"},
		{"10.0.0.1", "private"}, {"172.16.5.4", "private"}, {"192.168.1.1", "private"}, {"fd12::1", "private"},
		{"100.64.0.1", "carrier-grade NAT"}, {"169.254.1.1", "link-local"}, {"fe80::1", "link-local"},
		{"169.254.169.254", "cloud metadata"}, {"fd00:ec2::254", "cloud metadata"},
		{"0.0.0.0", "unspecified"}, {"::", "unspecified"}, {"224.0.0.1", "multicast"}, {"ff02::1", "multicast"},
		{"255.255.255.255", "reserved"}, {"64:ff9b::7f00:1", "loopback"}, {"2002:a00:1::", "private"},
		{"93.184.216.34", ""}, {"2606:4700::1111", ""},
	} {
		if got := blockedReason(netip.MustParseAddr(tc.ip), false); got != tc.reason {
			t.Errorf("%s: %q, want %q", tc.ip, got, tc.reason)
		}
	}
	if got := blockedReason(netip.MustParseAddr("127.0.0.1"), true); got != "" {
		t.Errorf("allow_loopback: 127.0.0.1 still refused (%s)", got)
	}
	if got := blockedReason(netip.MustParseAddr("169.254.169.254"), true); got == "" {
		t.Errorf("allow_loopback let the metadata address through")
	}
	// Metadata endpoints outside the private ranges, or inside ones an
	// allow-list may open, are refused whatever it says: Azure's
	// WireServer is a public address.
	for _, g := range []*dialGuard{newDialGuard(false, nil, 0), newDialGuard(true, []string{"0.0.0.0/0", "::/0"}, 0)} {
		for _, ip := range []string{"168.63.129.16", "::ffff:168.63.129.16", "64:ff9b::a83f:8110", "169.254.0.23", "192.0.0.192", "fd20:ce::254"} {
			if err := g.check("", netip.MustParseAddr(ip)); err == nil || !strings.Contains(err.Error(), "cloud metadata") {
				t.Errorf("%s (allowed: %v): %v, want a cloud metadata refusal", ip, g.nets, err)
			}
		}
	}
	// The Control hook judges the address connect(2) gets.
	g := newDialGuard(false, []string{"10.9.0.0/16"}, 0)
	if err := g.control("tcp4", "127.0.0.1:80", nil); !errors.Is(err, ErrBlockedAddress) {
		t.Errorf("control 127.0.0.1: %v", err)
	}
	if err := g.control("tcp4", "10.9.1.1:80", nil); err != nil {
		t.Errorf("control in the allowed CIDR: %v", err)
	}
}

// TestErrorBodyCutAndEscaped: the body of an error response is shown in
// logs and on the dashboard cut to 512 bytes and with control characters
// (terminal escapes, NUL) escaped.
func TestErrorBodyCutAndEscaped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "\x1b[31mred\x1b[0m\x00 boom ", strings.Repeat("x", 5000))
	}))
	defer srv.Close()
	_, err := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 100, RetryMax: -1, AllowLoopback: true}).Get(context.Background(), srv.URL, nil)
	var he *HTTPError
	if !errors.As(err, &he) {
		t.Fatalf("err %v", err)
	}
	if len(he.Snippet) > 512+len("…") || strings.ContainsAny(he.Snippet, "\x1b\x00") || !strings.Contains(he.Snippet, `\x1b[31mred`) {
		t.Fatalf("snippet %d bytes: %q", len(he.Snippet), he.Snippet)
	}
}

// TestProxiedTargetsJudged: with a proxy from the environment the proxy
// resolves the target, so the dialer never sees its address. A name that
// resolves to an internal address, and an IPv4 address written in the
// decimal, hex or octal forms resolvers accept (2130706433, 0x7f.1,
// 0177.0.0.1), must be refused before the request reaches the proxy; a
// public name still goes through it.
func TestProxiedTargetsJudged(t *testing.T) {
	var proxied []string
	var mu sync.Mutex
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		proxied = append(proxied, r.URL.String())
		mu.Unlock()
		w.Write([]byte("via proxy"))
	}))
	defer proxy.Close()
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, RetryMax: -1})
	c.guard.lookup = fakeResolver(map[string]string{
		"intranet.example":         "10.0.0.5",
		"metadata.google.internal": "169.254.169.254",
		"localhost.":               "127.0.0.1",
		"public.example":           "93.184.216.34",
	})
	proxyURL, _ := url.Parse(proxy.URL)
	c.guard.envProxy = func(*http.Request) (*url.URL, error) { return proxyURL, nil }

	if resp, err := c.Get(context.Background(), "http://public.example/feed", nil); err != nil || string(resp.Body) != "via proxy" {
		t.Fatalf("public name through the proxy: %v", err)
	}
	for _, target := range []string{
		"http://intranet.example/admin",
		"http://metadata.google.internal/computeMetadata/v1/",
		"http://localhost./",
		"http://2130706433/",
		"http://0x7f.1/",
		"http://0177.0.0.1/",
		"http://0x7f000001/",
		"http://10.1/",
		"http://0/",
	} {
		_, err := c.Get(context.Background(), target, nil)
		if !errors.Is(err, ErrBlockedAddress) {
			t.Errorf("%s: err %v, want ErrBlockedAddress", target, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(proxied) != 1 {
		t.Fatalf("the proxy was asked for %v; want only the public name", proxied)
	}
}

func TestParseLooseIPv4(t *testing.T) {
	for in, want := range map[string]string{
		"2130706433": "127.0.0.1", "0x7f.1": "127.0.0.1", "0177.0.0.1": "127.0.0.1", "0x7f000001": "127.0.0.1",
		"127.1": "127.0.0.1", "10.1.2": "10.1.0.2", "0": "0.0.0.0", "169.254.43518": "169.254.169.254",
		"0xA9.0376.0xa9fe": "169.254.169.254", "1.2.3.4": "1.2.3.4", "127.0.0.1.": "127.0.0.1", "0x": "0.0.0.0",
	} {
		if got, ok := parseLooseIPv4(in); !ok || got.String() != want {
			t.Errorf("%s: %v %v, want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "example.com", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "09", "-1", "0x-1", "4294967296", "1..2", "1.2.3..", "a.b.c.d", "0x1g"} {
		if got, ok := parseLooseIPv4(in); ok {
			t.Errorf("%s: parsed as %v, want no address", in, got)
		}
	}
}

// TestBlockedReasonLegacyIPv6: IPv6 forms that carry or route to internal
// IPv4 space or an internal site are refused too: IPv4-compatible
// (::127.0.0.1), SIIT-translated (::ffff:0:a.b.c.d), local-use NAT64
// (64:ff9b:1::/48) and site-local (fec0::/10).
func TestBlockedReasonLegacyIPv6(t *testing.T) {
	for _, s := range []string{"::7f00:1", "::a00:1", "::ffff:0:7f00:1", "64:ff9b:1::a00:1", "fec0::1"} {
		if got := blockedReason(netip.MustParseAddr(s), false); got == "" {
			t.Errorf("%s: allowed, want refused", s)
		}
	}
	if got := blockedReason(netip.MustParseAddr("::1"), true); got != "" {
		t.Errorf("::1 with allow_loopback: %q", got)
	}
}

// TestRedirectToProxyAddressJudged: dials to the proxy's address are let
// through unjudged, as the proxy is usually internal. A redirect to that
// very address (http://localhost:3128/ with HTTPS_PROXY=http://localhost:3128,
// which Go never sends through the proxy) is a direct request, and must be
// judged like any other: else a feed reaches the proxy's own pages (its
// cache manager) from the internet.
func TestRedirectToProxyAddressJudged(t *testing.T) {
	var admin atomic.Int32
	var port string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Host == "" { // origin form: a request to the proxy itself
			admin.Add(1)
			w.Write([]byte("proxy manager page"))
			return
		}
		http.Redirect(w, r, "http://localhost:"+port+"/squid-internal-mgr/info", http.StatusFound)
	}))
	defer proxy.Close()
	port = proxy.URL[strings.LastIndex(proxy.URL, ":")+1:]
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, RetryMax: -1})
	c.guard.lookup = fakeResolver(map[string]string{"localhost": "127.0.0.1", "public.example": "93.184.216.34"})
	proxyURL, _ := url.Parse("http://localhost:" + port)
	c.guard.envProxy = func(r *http.Request) (*url.URL, error) {
		if r.URL.Hostname() == "localhost" {
			return nil, nil // as http.ProxyFromEnvironment: never for localhost
		}
		return proxyURL, nil
	}
	_, err := c.Get(context.Background(), "http://public.example/feed", nil)
	if !errors.Is(err, ErrBlockedAddress) {
		t.Errorf("redirect to the proxy's own address: err %v, want ErrBlockedAddress", err)
	}
	if n := admin.Load(); n != 0 {
		t.Errorf("the proxy's own page was fetched %d times", n)
	}
}

// TestRedirectLoopSaysWhatToDo: a site that redirects in a loop (a cookie
// wall sending every request back to itself) ended the run with "stopped
// after 10 redirects", naming neither where it went nor what to do.
func TestRedirectLoopSaysWhatToDo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/consent?return=/feed&api_key=s3cr3tkey99", http.StatusFound)
	}))
	defer srv.Close()
	_, err := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, AllowLoopback: true}).Get(context.Background(), srv.URL+"/feed", nil)
	if err == nil || !strings.Contains(err.Error(), "/consent") || !strings.Contains(err.Error(), "configure the final one") {
		t.Fatalf("err %v, want one naming where the redirects went and what to do", err)
	}
	if strings.Contains(err.Error(), "s3cr3tkey99") {
		t.Errorf("err %v shows the api_key of the redirect's address", err)
	}
}
