package mastodon

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// keepLinks returns a status's content HTML with the target of each link
// whose text is not its address written after it: " (https://...)". A
// Mastodon server writes a link as its address, but posts from other
// servers (Pleroma, Misskey, WordPress, Lemmy) come as written there,
// "<a href=https://acme.example/refund>this page</a>", and plain text
// would keep only "this page": the address, and a brand named only in it,
// would be lost. Mentions and hashtags (class mention or hashtag, rel tag)
// are left as they read.
func keepLinks(content string) string {
	if !strings.Contains(content, "<a") && !strings.Contains(content, "<A") {
		return content
	}
	z := html.NewTokenizer(strings.NewReader(content))
	var out bytes.Buffer
	out.Grow(len(content) + 64)
	href, inLink := "", false
	var text strings.Builder
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		out.Write(z.Raw())
		switch tt {
		case html.StartTagToken:
			name, _ := z.TagName()
			if atom.Lookup(name) == atom.A {
				href, inLink = linkTarget(z), true
				text.Reset()
			}
		case html.TextToken:
			if inLink {
				text.Write(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if atom.Lookup(name) == atom.A && inLink {
				inLink = false
				if href != "" && !sameAddress(text.String(), href) {
					out.WriteString(" (" + html.EscapeString(href) + ")")
				}
			}
		}
	}
	return out.String()
}

// linkTarget is the http(s) href of the <a> tag the tokenizer is on, or
// "" for a mention, a hashtag or any other scheme.
func linkTarget(z *html.Tokenizer) string {
	var href string
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "href":
			href = strings.TrimSpace(string(v))
		case "class", "rel":
			for _, f := range strings.Fields(string(v)) {
				if f == "mention" || f == "hashtag" || f == "tag" || f == "u-url" {
					return ""
				}
			}
		}
		if !more {
			break
		}
	}
	if l := strings.ToLower(href); !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
		return ""
	}
	return href
}

// sameAddress reports whether a link's text is its address, maybe without
// the scheme or "www.", or cut short with "…".
func sameAddress(text, href string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
		s = strings.TrimPrefix(s, "www.")
		return strings.TrimRight(s, "/…")
	}
	t, h := norm(text), norm(href)
	return t != "" && strings.HasPrefix(h, t) && (t == h || len(t) >= 20 || strings.HasSuffix(strings.TrimSpace(text), "…"))
}
