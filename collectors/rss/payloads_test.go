package rss

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// collectBody serves body with contentType once and collects it.
func collectBody(t *testing.T, body []byte, contentType string) []mw.Mention {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Write(body)
	}))
	defer srv.Close()
	items, _, err := newFeed(t, srv.URL, mw.HTTPConfig{}).Collect(context.Background(), mw.Cursor{})
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	return items
}

func rssDoc(prolog, title string) []byte {
	return []byte(prolog + `<rss version="2.0"><channel><title>Le Blog</title><link>https://blog.example.fr/</link>` +
		`<item><guid>i1</guid><link>https://blog.example.fr/acme</link><title>` + title + `</title><description>Acme</description></item></channel></rss>`)
}

// TestCharsets: the charset of the HTTP Content-Type, a wrong or unknown
// encoding declaration, and bytes that are valid UTF-8 under a Latin-1
// prolog all come out as the text the publisher meant; so does a Latin-1
// feed that names no charset or wrongly says UTF-8 (before: every accented
// letter became U+FFFD).
func TestCharsets(t *testing.T) {
	const want = "Acme est très «bien»"
	latin1 := "Acme est tr\xe8s \xabbien\xbb"
	for _, tc := range []struct {
		name, ctype string
		body        []byte
		want        string
	}{
		{"iso-8859-1 by Content-Type", "application/rss+xml; charset=ISO-8859-1", rssDoc(`<?xml version="1.0"?>`, latin1), want},
		{"iso-8859-1 by Content-Type, quoted", `text/xml; charset="iso-8859-1"`, rssDoc("", latin1), want},
		{"iso-8859-1 by prolog", "application/rss+xml", rssDoc(`<?xml version="1.0" encoding="ISO-8859-1"?>`, latin1), want},
		{"iso-8859-1 bytes, utf-8 header, latin-1 prolog", "application/rss+xml; charset=utf-8", rssDoc(`<?xml version="1.0" encoding="iso-8859-1"?>`, latin1), want},
		{"windows-1252 smart quotes by Content-Type", "application/xml; charset=windows-1252", rssDoc(`<?xml version="1.0"?>`, "Acme \x93quoted\x94 \x96 caf\xe9"), "Acme “quoted” – café"},
		{"encoding=invalid, utf-8 bytes", "application/rss+xml", rssDoc(`<?xml version="1.0" encoding="invalid"?>`, want), want},
		{"utf-8 bytes under iso-8859-1 prolog", "application/rss+xml", rssDoc(`<?xml version="1.0" encoding="ISO-8859-1"?>`, want), want},
		{"utf-8 bytes under windows-1252 prolog", "application/rss+xml", rssDoc(`<?xml version='1.0' encoding='windows-1252'?>`, want), want},
		{"utf-8 bytes, latin-1 header", "application/rss+xml; charset=ISO-8859-1", rssDoc(`<?xml version="1.0" encoding="UTF-8"?>`, want), want},
		{"utf-8 with BOM", "application/rss+xml", append([]byte("\xef\xbb\xbf"), rssDoc(`<?xml version="1.0" encoding="utf-8"?>`, want)...), want},
		{"latin-1 bytes, no charset anywhere", "application/rss+xml", rssDoc(`<?xml version="1.0"?>`, latin1), want},
		{"latin-1 bytes, no prolog", "text/xml", rssDoc("", latin1), want},
		{"latin-1 bytes under a utf-8 prolog", "application/rss+xml", rssDoc(`<?xml version="1.0" encoding="UTF-8"?>`, latin1), want},
		{"utf-8 with one stray byte", "application/rss+xml", rssDoc(`<?xml version="1.0"?>`, "Acme est très \xabbien»"), "Acme est très \uFFFDbien»"},
		{"atom, encoding=invalid", "application/atom+xml", []byte(`<?xml version="1.0" encoding="invalid"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>e1</id><title>` + want + `</title><updated>2026-11-24T08:00:00Z</updated></entry></feed>`), want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items := collectBody(t, tc.body, tc.ctype)
			if len(items) != 1 || items[0].Title != tc.want {
				t.Fatalf("items = %+v, want one titled %q", items, tc.want)
			}
		})
	}
}

// TestIllegalXMLCharacters: one NUL or vertical tab (raw or as a character
// reference) costs that character, not the whole feed.
func TestIllegalXMLCharacters(t *testing.T) {
	body := []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>` +
		"<item><guid>a</guid><title>Acme kettle\x00 leaks</title></item>" +
		"<item><guid>b</guid><title>Acme\x0b store opens</title></item>" +
		"<item><guid>c</guid><title>Acme &#0;refund&#x0B; delayed\x1b</title></item>" +
		"<item><guid>d</guid><title>Acme \xef\xbf\xbe ok</title></item>" +
		`</channel></rss>`)
	items := collectBody(t, body, "application/rss+xml")
	want := []string{"Acme kettle leaks", "Acme store opens", "Acme refund delayed", "Acme ok"}
	if len(items) != len(want) {
		t.Fatalf("%d items, want %d: %+v", len(items), len(want), items)
	}
	for i, m := range items {
		if strings.Join(strings.Fields(m.Title), " ") != want[i] {
			t.Errorf("item %d title %q, want %q", i, m.Title, want[i])
		}
	}
}

// TestGoogleNewsOutletAndNoHostAuthors: a Google News item's outlet is its
// <source>, not news.google.com; an item without an author gets none (the
// host of its link would lump unrelated articles into one "author").
func TestGoogleNewsOutletAndNoHostAuthors(t *testing.T) {
	srv := serveFile(t, "google_news.rss", "application/rss+xml; charset=UTF-8")
	items, _, err := newFeed(t, srv.URL, mw.HTTPConfig{}).Collect(context.Background(), mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ author, title string }{
		{"Kompas.com", "Acme tarik 12.000 dok pengisi daya X2 karena panas berlebih"},
		{"The Jakarta Post", "Acme X2 recall: what owners should do"},
		{"detikFinance", "Acme buka toko baru di Surabaya"},
	}
	if len(items) != len(want) {
		t.Fatalf("%d items", len(items))
	}
	for i, m := range items {
		if m.Author != want[i].author || m.Title != want[i].title {
			t.Errorf("item %d: author %q title %q, want %q %q", i, m.Author, m.Title, want[i].author, want[i].title)
		}
	}

	// A single-site feed without authors: no author, not the site's host.
	items = collectBody(t, rssDoc(`<?xml version="1.0"?>`, "Acme news"), "application/rss+xml")
	if len(items) != 1 || items[0].Author != "" {
		t.Errorf("author = %q, want none", items[0].Author)
	}
	// A channel-level author is the author of its items.
	body := []byte(`<rss version="2.0"><channel><title>t</title><managingEditor>editor@blog.example (Sari Dewi)</managingEditor>` +
		`<item><guid>x</guid><link>https://blog.example/a</link><title>Acme</title></item></channel></rss>`)
	items = collectBody(t, body, "application/rss+xml")
	if len(items) != 1 || items[0].Author != "Sari Dewi" {
		t.Errorf("channel author: %+v", items)
	}
}

// TestZoneAbbreviations: RSS dates are RFC 822, whose zones include EST,
// EDT, CST, CDT, MST, MDT, PST and PDT; Indonesian feeds write WIB, WITA
// and WIT. Go reads an abbreviation it does not know (in this process's
// time zone) as UTC, so a US feed's 09:00 EST was stored as 09:00 UTC,
// five hours early, and an Indonesian 09:00 WIB seven hours late.
func TestZoneAbbreviations(t *testing.T) {
	for _, tc := range []struct{ date, want string }{
		{"Tue, 24 Nov 2026 09:00:00 EST", "2026-11-24T14:00:00Z"},
		{"Tue, 24 Nov 2026 09:00:00 EDT", "2026-11-24T13:00:00Z"},
		{"Tue, 24 Nov 2026 09:00:00 CST", "2026-11-24T15:00:00Z"},
		{"Tue, 24 Nov 2026 09:00:00 PDT", "2026-11-24T16:00:00Z"},
		{"Tue, 24 Nov 2026 09:00:00 WIB", "2026-11-24T02:00:00Z"},
		{"Tue, 24 Nov 2026 09:00:00 WITA", "2026-11-24T01:00:00Z"},
		{"Tue, 24 Nov 2026 09:00:00 WIT", "2026-11-24T00:00:00Z"},
		{"Tue, 24 Nov 2026 09:00:00 GMT", "2026-11-24T09:00:00Z"},
		{"Tue, 24 Nov 2026 09:00:00 +0700", "2026-11-24T02:00:00Z"},
		{"Tue, 24 Nov 2026 09:00:00 XYZ", "2026-11-24T09:00:00Z"}, // unknown: as UTC, as before
	} {
		body := `<rss version="2.0"><channel><title>t</title><item><guid>i1</guid><title>Acme</title><pubDate>` + tc.date + `</pubDate></item></channel></rss>`
		items := collectBody(t, []byte(body), "application/rss+xml")
		if len(items) != 1 || items[0].Published.Format(time.RFC3339) != tc.want {
			t.Errorf("%s: published %v, want %s", tc.date, items, tc.want)
		}
	}
}

// TestJSONFeedNumericIDs: JSON Feed 1.1 says a reader must coerce an id
// presented as a number to a string, and feeds do send numbers (a blog's
// post ids). gofeed's decoder refused the whole feed over the first one.
func TestJSONFeedNumericIDs(t *testing.T) {
	body := `{"version":"https://jsonfeed.org/version/1.1","title":"Acme blog","items":[
{"id":1042,"url":"https://blog.example.com/1042","title":"Acme ships","content_text":"Acme ships today","date_published":"2026-11-24T08:00:00Z"},
{"id":12345678901234567890,"url":"https://blog.example.com/big","title":"Acme refunds","content_html":"<p>Acme refunds</p>"},
{"id":"abc","url":"https://blog.example.com/abc","title":"Acme store","content_text":"x"},
{"id":{"odd":1},"url":"https://blog.example.com/obj","title":"Acme object id","content_text":"x"}]}`
	items := collectBody(t, []byte(body), "application/feed+json")
	var ids []string
	for _, m := range items {
		ids = append(ids, m.NativeID)
	}
	if got := strings.Join(ids, ","); got != "1042,12345678901234567890,abc,https://blog.example.com/obj" {
		t.Fatalf("ids = %q, want 1042,12345678901234567890,abc,https://blog.example.com/obj (an object is no id: the url stands in)", got)
	}
	if items[0].Title != "Acme ships" || !items[0].Published.Equal(time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("first item = %+v", items[0])
	}
}
