package rss

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestDeeplyNestedFeedRefused: a feed of nothing but nested namespaced
// elements, within the default 10 MiB body limit, made gofeed's recursive
// extension parser overflow the goroutine stack: a fatal error that kills
// the process, not a panic the scheduler recovers. It must fail this source
// with an error that says why, keep its cursor, and leave a feed whose
// content nests a realistic depth alone.
func TestDeeplyNestedFeedRefused(t *testing.T) {
	const depth = 2_000_000
	deep := `<?xml version="1.0"?><rss version="2.0" xmlns:x="http://x.example/"><channel><title>t</title>` +
		`<item><guid>a</guid><title>Acme</title>` + strings.Repeat("<x:a>", depth) + `</item></channel></rss>`
	if len(deep) > 10<<20 {
		t.Fatalf("the body (%d bytes) must fit the default http.max_body_bytes", len(deep))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(deep))
	}))
	defer srv.Close()
	items, cur, err := newFeed(t, srv.URL, mw.HTTPConfig{}).Collect(context.Background(), mw.Cursor{LastID: "keep"})
	if err == nil || !strings.Contains(err.Error(), "parsing feed") || !strings.Contains(err.Error(), "nest more than 256 deep") {
		t.Fatalf("err = %v, want a parsing error naming the nesting", err)
	}
	if len(items) != 0 || cur.LastID != "keep" {
		t.Fatalf("items %d, cursor %+v: a refused feed must keep the cursor", len(items), cur)
	}

	// Atom XHTML content nested 100 deep is unusual but real enough.
	ok := `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>e1</id><title>Acme deep</title>` +
		`<updated>2026-11-24T08:00:00Z</updated><content type="xhtml">` + strings.Repeat("<div>", 100) + "Acme" +
		strings.Repeat("</div>", 100) + `</content></entry></feed>`
	if got := collectBody(t, []byte(ok), "application/atom+xml"); len(got) != 1 || got[0].Title != "Acme deep" {
		t.Fatalf("a feed nested 100 deep: %+v", got)
	}
}

// TestNotAFeedSaysWhatItGot: a 200 that carries no feed (Google's consent
// page in front of Google News, a login or error page, an API's JSON
// error) used to fail with gofeed's "Failed to detect feed type". The
// error says what came instead: an HTML page and its title, or how the
// body starts.
func TestNotAFeedSaysWhatItGot(t *testing.T) {
	for _, tc := range []struct{ name, ctype, body, want string }{
		{"consent page", "text/html; charset=utf-8",
			"<!DOCTYPE html>\n<html lang=\"en\" dir=ltr><head><meta charset=\"utf-8\"><title>Before you continue to Google News</title>" +
				"<style>body{margin:0}</style></head><body><form action=\"https://consent.google.com/save\"></form></body></html>",
			`got an HTML page titled "Before you continue to Google News", not a feed`},
		{"error page without a title", "application/rss+xml", "<html><body><h1>502 Bad Gateway</h1></body></html>", "got an HTML page, not a feed"},
		{"page of open void elements", "text/html", "<!doctype html><html><head><title>Sign in</title>" + strings.Repeat(`<meta name="x"><link rel="preload"><br>`, 100) + "</head></html>",
			`got an HTML page titled "Sign in", not a feed`},
		{"json error", "application/json", `{"error": {"code": 429, "message": "quota"}}`, `not an RSS, Atom or JSON feed; it starts "{\"error\": {\"code\": 429`},
		{"plain text", "text/plain", "Service temporarily unavailable\n", `it starts "Service temporarily unavailable"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			_, _, err := newFeed(t, srv.URL, mw.HTTPConfig{}).Collect(context.Background(), mw.Cursor{})
			if err == nil || !strings.Contains(err.Error(), "parsing feed") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestUTF16WithoutBOM: a UTF-16 feed without a byte-order mark (XML 1.0
// appendix F tells its byte order from the NUL beside the first '<'),
// whether or not the Content-Type names a charset, comes out as written.
// It used to fail as "not a feed", or lose its non-ASCII letters.
func TestUTF16WithoutBOM(t *testing.T) {
	const want = "Acme très «bien»"
	doc := rssDoc(`<?xml version="1.0" encoding="UTF-16"?>`, want)
	for _, tc := range []struct {
		name  string
		order unicode.Endianness
		ctype string
	}{
		{"little endian", unicode.LittleEndian, "application/rss+xml"},
		{"big endian", unicode.BigEndian, "application/rss+xml"},
		{"big endian, charset=utf-16", unicode.BigEndian, "application/rss+xml; charset=utf-16"},
		{"little endian, charset=utf-16le", unicode.LittleEndian, "text/xml; charset=utf-16le"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, err := unicode.UTF16(tc.order, unicode.IgnoreBOM).NewEncoder().Bytes(doc)
			if err != nil {
				t.Fatal(err)
			}
			if items := collectBody(t, body, tc.ctype); len(items) != 1 || items[0].Title != want {
				t.Fatalf("items = %+v, want one titled %q", items, want)
			}
		})
	}
}

// TestFeedItemsBounded: gofeed spends tens of microseconds and kilobytes
// on every item, so ten megabytes of empty items cost half a minute per
// run. At most MaxFeedItems items, the first in the document, are read
// from RSS 2.0, RSS 1.0 (namespaced root), Atom and JSON Feed alike; the
// document cut short still parses, channel and all.
func TestFeedItemsBounded(t *testing.T) {
	const n = MaxFeedItems + 50
	item := func(i int) string { return fmt.Sprintf("<item><guid>g%d</guid><title>Acme %d</title></item>", i, i) }
	var rss2, rdf, atom, jsonFeed strings.Builder
	rss2.WriteString(`<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Acme news</title>`)
	rdf.WriteString(`<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>Acme news</title></channel>`)
	atom.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom"><title>Acme news</title>`)
	jsonFeed.WriteString(`{"version":"https://jsonfeed.org/version/1.1","title":"Acme news","items":[`)
	for i := range n {
		rss2.WriteString(item(i))
		rdf.WriteString(item(i))
		fmt.Fprintf(&atom, "<entry><id>g%d</id><title>Acme %d</title></entry>", i, i)
		if i > 0 {
			jsonFeed.WriteByte(',')
		}
		fmt.Fprintf(&jsonFeed, `{"id":"g%d","title":"Acme %d"}`, i, i)
	}
	rss2.WriteString(`</channel></rss>`)
	rdf.WriteString(`</rdf:RDF>`)
	atom.WriteString(`</feed>`)
	jsonFeed.WriteString(`]}`)
	escaped := strings.Replace(jsonFeed.String(), `"items"`, `"It\u0065ms"`, 1) // the same key to the parser
	for name, doc := range map[string]string{"rss 2.0": rss2.String(), "rss 1.0": rdf.String(), "atom": atom.String(), "json feed": jsonFeed.String(), "json feed, key escaped": escaped} {
		t.Run(name, func(t *testing.T) {
			feed, cut, err := parse([]byte(doc), "")
			if err != nil {
				t.Fatal(err)
			}
			if len(feed.Items) != MaxFeedItems || !cut {
				t.Fatalf("%d items read (cut %v), want %d", len(feed.Items), cut, MaxFeedItems)
			}
			if feed.Title != "Acme news" || feed.Items[0].Title != "Acme 0" || feed.Items[MaxFeedItems-1].Title != fmt.Sprintf("Acme %d", MaxFeedItems-1) {
				t.Fatalf("title %q, items %q … %q", feed.Title, feed.Items[0].Title, feed.Items[MaxFeedItems-1].Title)
			}
		})
	}
	// A feed within the bound is read whole and not reported cut.
	feed, cut, err := parse(rssDoc("", "Acme"), "")
	if err != nil || cut || len(feed.Items) != 1 {
		t.Fatalf("small feed: %v cut %v", err, cut)
	}
}
