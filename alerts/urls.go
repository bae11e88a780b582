package alerts

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// CleanURL returns raw as a link every channel can show and open, or ""
// when raw is not an absolute http(s) URL with a host name. A mention's
// URL comes from the internet, and Go's parser keeps a query as written:
// a space, a quote, < or >, a bidi override or U+2028 (a line break to
// many mail clients) would stay in it, and a URL shown as text could
// forge a line ("Open: https://evil.example") or disguise where it goes.
// Every byte a URL may not hold is percent-encoded instead, which a
// browser does anyway; user info before an @, which people read as the
// host, is dropped; a host name that is not ASCII is in punycode, as
// linkName shows it, and one with characters no host name has, or a port
// past 65535, is refused.
func CleanURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return ""
	}
	u.User = nil // "https://www.brand.com@evil.example/" reads as brand.com
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "" // Go's parser takes any digits
		}
	}
	host := u.Hostname()
	if !strings.HasPrefix(u.Host, "[") { // an IPv6 literal is checked by the parser
		ascii, err := idna.ToASCII(host)
		if err != nil || ascii == "" || strings.Trim(strings.ToLower(ascii), "abcdefghijklmnopqrstuvwxyz0123456789-._") != "" {
			return ""
		}
		host = ascii
		if p := u.Port(); p != "" {
			host += ":" + p
		}
		u.Host = host
	}
	s := u.String()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
			b.WriteByte(c)
		case c > ' ' && c < 0x7f && !strings.ContainsRune(`"%<>\^`+"`{|}", rune(c)):
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// HTTPURL says whether raw is an absolute http(s) URL with a host name
// (CleanURL), the only links a channel should make clickable.
func HTTPURL(raw string) bool { return CleanURL(raw) != "" }
