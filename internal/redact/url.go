package redact

import (
	"net/url"
	"strings"
)

// plainParams are query parameters whose values are kept: search terms,
// paging and format switches that say what was asked, never who asked.
var plainParams = map[string]bool{
	"q": true, "query": true, "page": true, "limit": true, "count": true, "sort": true, "order": true,
	"lang": true, "hl": true, "gl": true, "ceid": true, "format": true, "raw_json": true, "part": true,
	"type": true, "max_results": true, "maxresults": true, "per_page": true, "restrict_sr": true,
	"expansions": true, "tweet.fields": true, "user.fields": true,
}

// URL redacts one URL: user info, query values (but plainParams),
// fragment, and secret path segments. Text that does not parse as a URL
// keeps only its scheme and its host (after any user info), so the
// operator can still tell which URL was refused.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		if i := strings.Index(raw, "://"); i > 0 {
			rest := raw[i+3:]
			host := rest[:strings.IndexAny(rest+"/", "/?#")]
			if at := strings.LastIndexByte(host, '@'); at >= 0 {
				host = Mask + "@" + host[at+1:]
			}
			if len(host) > 256 || strings.ContainsFunc(host, func(r rune) bool { return r < ' ' || r == 0x7f }) {
				host = Mask
			}
			if len(host) == len(rest) {
				return raw[:i+3] + host
			}
			return raw[:i+3] + host + "/" + Mask
		}
		return Mask
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme + ":")
	}
	if u.Host != "" || u.User != nil {
		b.WriteString("//")
		if u.User != nil {
			b.WriteString(Mask + "@")
		}
		b.WriteString(u.Host)
	}
	b.WriteString(redactPath(strings.ToLower(u.Hostname()), u.EscapedPath()))
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteString("?" + redactQuery(u.RawQuery))
	}
	if u.Fragment != "" {
		b.WriteString("#" + Mask)
	}
	return b.String()
}

func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			continue
		}
		key, err := url.QueryUnescape(k)
		if err != nil || !plainParams[strings.ToLower(key)] {
			parts[i] = k + "=" + Mask
		}
	}
	return strings.Join(parts, "&")
}

// redactPath masks the path segments that are credentials: everything
// after the first segment on webhook hosts whose path is the secret, the
// bot token of Telegram, and anything that looks like a generated token.
func redactPath(host, path string) string {
	if path == "" || path == "/" {
		return path
	}
	segs := strings.Split(path, "/") // segs[0] == "" for an absolute path
	keep := len(segs)                // segments from keep on are masked
	switch {
	case host == "hooks.slack.com" || host == "hooks.slack-gov.com":
		keep = 2 // /services/<secret>, /workflows/<secret>, /triggers/<secret>
	case host == "outlook.office.com" || host == "outlook.office365.com" || strings.HasSuffix(host, ".webhook.office.com"):
		keep = 2 // /webhook/<secret>, /webhookb2/<secret>
	case host == "discord.com" || host == "discordapp.com" || strings.HasSuffix(host, ".discord.com"):
		for i, s := range segs {
			if s == "webhooks" {
				keep = i + 1
				break
			}
		}
	}
	for i := 1; i < len(segs); i++ {
		switch {
		case i >= keep && segs[i] != "":
			segs[i] = Mask
		case host == "api.telegram.org" && strings.HasPrefix(segs[i], "bot") && len(segs[i]) > 3:
			segs[i] = "bot" + Mask
		case tokenLike(segs[i]):
			segs[i] = Mask
		}
	}
	// Slack-shaped paths on any host (a relay or a test receiver).
	for i := 1; i+2 < len(segs); i++ {
		if segs[i] == "services" && strings.HasPrefix(segs[i+1], "T") && strings.HasPrefix(segs[i+2], "B") {
			for j := i + 1; j < len(segs); j++ {
				segs[j] = Mask
			}
			break
		}
	}
	out := strings.Join(segs, "/")
	// Collapse runs of masks: /services/<secret>/<secret> → /services/<secret>.
	for strings.Contains(out, Mask+"/"+Mask) {
		out = strings.ReplaceAll(out, Mask+"/"+Mask, Mask)
	}
	return out
}

// tokenLike: a long segment of letters and digits that mixes upper case,
// lower case and digits, or 32 or more hex digits: an API key or webhook
// token rather than a word, slug or id.
func tokenLike(s string) bool {
	if len(s) < 24 {
		return false
	}
	var upper, lower, digit, other bool
	hex := true
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
			hex = hex && r <= 'F'
		case r >= 'a' && r <= 'z':
			lower = true
			hex = hex && r <= 'f'
		case r >= '0' && r <= '9':
			digit = true
		case r == '-' || r == '_':
			hex = false
		default:
			other = true
		}
	}
	if other {
		return false
	}
	return (upper && lower && digit) || (hex && len(s) >= 32 && digit)
}
