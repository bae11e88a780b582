package reviews

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/collectors"
)

// TestRecipeReviewsEntitiesAndShortTimes: recipe sites (WordPress recipe
// plugins) escape HTML inside JSON-LD strings and write ISO times without
// seconds; authors come out unescaped and the times are read.
func TestRecipeReviewsEntitiesAndShortTimes(t *testing.T) {
	body, err := os.ReadFile("testdata/recipe_jsonld.html")
	if err != nil {
		t.Fatal(err)
	}
	r := &Reviews{URL: "https://garlicandzest.example/acme-chili-crisp-noodles/"}
	if err := r.Init(collectors.Env{}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	p, err := r.ParsePage(body, r.URL, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		author, text string
		published    time.Time
	}{
		{"Garlic & Zest", "We tested this with Acme chili crisp & it was perfect.", time.Date(2011, 4, 25, 15, 49, 0, 0, time.UTC)},
		{"Renée O'Brien", "Good, but the Acme jar leaked in shipping.", time.Date(2012, 1, 3, 1, 5, 0, 0, time.UTC)},
		{"Tom & Jerry", "Our favourite Acme recipe.", time.Date(2013, 6, 30, 21, 10, 0, 0, time.UTC)},
	}
	if len(p.Items) != len(want) {
		t.Fatalf("%d reviews, want %d", len(p.Items), len(want))
	}
	for i, m := range p.Items {
		if m.Author != want[i].author || m.Text != want[i].text || !m.Published.Equal(want[i].published) {
			t.Errorf("review %d: %q %q %v; want %q %q %v", i, m.Author, m.Text, m.Published, want[i].author, want[i].text, want[i].published)
		}
	}
}

func TestParseDateShortISO(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2011-04-25T15:49Z":      time.Date(2011, 4, 25, 15, 49, 0, 0, time.UTC),
		"2011-04-25T15:49+07:00": time.Date(2011, 4, 25, 8, 49, 0, 0, time.UTC),
		"2011-04-25T15:49+0700":  time.Date(2011, 4, 25, 8, 49, 0, 0, time.UTC),
		"2011-04-25 15:49":       time.Date(2011, 4, 25, 15, 49, 0, 0, time.UTC),
		"2011-04-25T15:49:30Z":   time.Date(2011, 4, 25, 15, 49, 30, 0, time.UTC),
	} {
		if got := parseDate(in, false); !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestNestedItemsStayLinear: a hostile page nests review items hundreds
// deep over a wide bottom, and its review bodies each wrap the rest of the
// page. Reading them must stay linear in the page (a bound the test checks
// only as "finishes", never as a duration), and no item carries the whole
// page as its text.
func TestNestedItemsStayLinear(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	wide := strings.Repeat(`<i itemprop="name">a</i>`, 100_000)
	microdataPage := strings.Repeat(`<div itemscope itemtype="http://schema.org/Review"><div itemprop="reviewBody">`, 250) + wide
	selectorPage := `<div id="reviews">` + strings.Repeat(`<div class="review"><div class="text">`, 250) + wide
	for _, tc := range []struct {
		name, page string
		sel        Selectors
	}{
		{"microdata", microdataPage, Selectors{}},
		{"selectors", selectorPage, Selectors{Item: "div.review", Author: ".author", Title: ".title", Text: ".text", Date: ".date", Rating: ".rating", Link: "a.permalink"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Reviews{URL: "https://shop.example/reviews", Selectors: tc.sel}
			if err := r.Init(collectors.Env{}); err != nil {
				t.Fatal(err)
			}
			done := make(chan Page, 1)
			go func() {
				p, err := r.ParsePage([]byte(tc.page), r.URL, now)
				if err != nil {
					t.Error(err)
				}
				done <- p
			}()
			select {
			case p := <-done:
				if len(p.Items) == 0 {
					t.Fatal("no reviews read")
				}
				for _, m := range p.Items {
					if len(m.Text) > maxFieldHTML {
						t.Fatalf("a review's text is %d bytes: the whole page, not one review", len(m.Text))
					}
				}
			case <-time.After(60 * time.Second):
				t.Fatal("parsing a 2.5 MB page of nested reviews did not finish: it is not linear in the page")
			}
		})
	}
}

// parseOne parses page as the reviews of https://shop.example/acme and
// returns its reviews' authors and texts.
func parseOne(t *testing.T, page []byte, contentType string) []string {
	t.Helper()
	r := &Reviews{URL: "https://shop.example/acme"}
	if err := r.Init(collectors.Env{}); err != nil {
		t.Fatal(err)
	}
	p, err := r.ParsePage(UTF8(page, contentType), r.URL, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range p.Items {
		got = append(got, m.Author+": "+m.Text)
	}
	return got
}

// TestReviewSubtypes: schema.org's subtypes of Review (UserReview,
// CriticReview, EmployerReview, ...) are reviews; sites that use them had
// no reviews read.
func TestReviewSubtypes(t *testing.T) {
	page := `<html><head><script type="application/ld+json">
{"@context":"https://schema.org","@type":"Product","name":"Acme Kettle","review":[
 {"@type":"UserReview","author":{"@type":"Person","name":"Rina"},"reviewBody":"Leaks after a week","datePublished":"2026-11-20"},
 {"@type":["CriticReview"],"author":"Kettle Weekly","reviewBody":"Solid, but loud","datePublished":"2026-11-21"}]}
</script></head><body></body></html>`
	got := parseOne(t, []byte(page), "text/html")
	if strings.Join(got, "|") != "Rina: Leaks after a week|Kettle Weekly: Solid, but loud" {
		t.Errorf("JSON-LD subtypes: %q", got)
	}
	page = `<html><body>
<div itemscope itemtype="https://schema.org/EmployerReview"><span itemprop="author">Budi</span><p itemprop="reviewBody">Gaji telat terus</p><meta itemprop="datePublished" content="2026-11-20"></div>
</body></html>`
	if got := parseOne(t, []byte(page), "text/html"); strings.Join(got, "|") != "Budi: Gaji telat terus" {
		t.Errorf("microdata subtype: %q", got)
	}
}

// TestJSONLDRawNewlines: hand-written or templated JSON-LD often has a
// literal line break inside a string (a multi-line review body), which
// strict JSON refuses; the whole script, and every review in it, was
// skipped.
func TestJSONLDRawNewlines(t *testing.T) {
	page := "<html><head><script type=\"application/ld+json\">\n" +
		`{"@context":"https://schema.org","@type":"Review","author":"Sari","reviewBody":"Paket datang rusak.` + "\r\n\t" + `Tidak ada balasan dari CS.","datePublished":"2026-11-20"}` +
		"\n</script></head><body></body></html>"
	got := parseOne(t, []byte(page), "text/html")
	if len(got) != 1 || !strings.HasPrefix(got[0], "Sari: Paket datang rusak.") || !strings.HasSuffix(got[0], "Tidak ada balasan dari CS.") {
		t.Errorf("reviews = %q, want Sari's review", got)
	}
}

// TestLegacyCharsetPages: a page in ISO-8859-1 or windows-1252 (by its
// Content-Type or its meta tag) was read as UTF-8, so every accented
// letter became U+FFFD.
func TestLegacyCharsetPages(t *testing.T) {
	body := func(head string) []byte {
		return []byte("<html><head>" + head + `<script type="application/ld+json">{"@type":"Review","author":"Ren` + "\xe9" + `e","reviewBody":"Caf` + "\xe9" + ` ti` + "\xe8" + `de, service lent","datePublished":"2026-11-20"}</script></head><body></body></html>`)
	}
	want := "Renée: Café tiède, service lent"
	for _, tc := range []struct{ name, head, contentType string }{
		{"Content-Type", "", "text/html; charset=ISO-8859-1"},
		{"meta charset", `<meta charset="windows-1252">`, "text/html"},
		{"meta http-equiv", `<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`, ""},
		{"undeclared", "", "text/html"},
	} {
		if got := parseOne(t, body(tc.head), tc.contentType); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %q, want %q", tc.name, got, want)
		}
	}
	// Servers add charset=UTF-8 to every page: a page that is not UTF-8
	// is read by its own declaration (was: U+FFFD for every accent).
	if got := parseOne(t, body(`<meta charset="windows-1252">`), "text/html; charset=UTF-8"); len(got) != 1 || got[0] != want {
		t.Errorf("latin-1 page served as UTF-8: %q, want %q", got, want)
	}
	cyrillic := []byte("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><script type=\"application/ld+json\">{\"@type\":\"Review\",\"author\":\"\xc0\xed\xff\",\"reviewBody\":\"Acme \xef\xeb\xee\xf5\xee\"}</script></head></html>")
	if got := parseOne(t, cyrillic, "text/html;charset=utf8"); len(got) != 1 || got[0] != "Аня: Acme плохо" {
		t.Errorf("windows-1251 page served as UTF-8: %q", got)
	}
	// UTF-8 stays as it is, whatever the page declares.
	utf := []byte(`<html><head><meta charset="iso-8859-1"><script type="application/ld+json">{"@type":"Review","author":"Renée","reviewBody":"Café tiède, service lent"}</script></head></html>`)
	if got := parseOne(t, utf, "text/html; charset=iso-8859-1"); len(got) != 1 || got[0] != want {
		t.Errorf("UTF-8 declared latin-1: %q", got)
	}
}

// TestJSONLDShapes: JSON-LD may give any value as a list or as a value
// object ({"@value": ...}), and older CMS templates wrap a script's JSON in
// a CDATA section or an HTML comment. A 1-star rating in one of those
// shapes was read as no rating (and raised no critical alert), and a
// wrapped script as no reviews at all. A scale from worstRating 0 gave its
// worst score, 0, no rating (no one-star alert).
func TestJSONLDShapes(t *testing.T) {
	r := &Reviews{ratingRe: defaultNumber, structured: true}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, script string
		rating       float32
	}{
		{"rating in a list", `{"@type":"Review","reviewBody":"Acme broke","reviewRating":[{"@type":"Rating","ratingValue":1}]}`, 1},
		{"value object", `{"@type":"Review","reviewBody":"Acme broke","reviewRating":{"ratingValue":{"@value":"1"},"bestRating":{"@value":"5"}}}`, 1},
		{"value in a list", `{"@type":"Review","reviewBody":"Acme broke","reviewRating":{"ratingValue":["2"],"bestRating":"10"}}`, 1},
		{"CDATA", "//<![CDATA[\n" + `{"@type":"Review","reviewBody":"Acme broke","reviewRating":{"ratingValue":"1"}}` + "\n//]]>", 1},
		{"0-10 scale, worst score", `{"@type":"Review","reviewBody":"Acme broke","reviewRating":{"ratingValue":0,"worstRating":0,"bestRating":10}}`, 1},
		{"0-10 scale, middle", `{"@type":"Review","reviewBody":"Acme broke","reviewRating":{"ratingValue":"5","worstRating":"0","bestRating":"10"}}`, 2.5},
		{"worst given, no value", `{"@type":"Review","reviewBody":"Acme broke","reviewRating":{"worstRating":0,"bestRating":10}}`, 0},
		{"HTML comment", "<!--\n" + `{"@type":"Review","reviewBody":"Acme broke","reviewRating":{"ratingValue":"1"}}` + "\n-->", 1},
	} {
		p, err := r.ParsePage([]byte(`<html><head><script type="application/ld+json">`+tc.script+`</script></head><body></body></html>`), "https://shop.example/acme", now)
		if err != nil || len(p.Items) != 1 || p.Items[0].Rating != tc.rating || p.Items[0].Text != "Acme broke" {
			t.Errorf("%s: %+v, %v; want one review rated %v", tc.name, p.Items, err, tc.rating)
		}
	}
}

// TestMicrodataWorstRating: microdata with worstRating 0 reads a 0 as the
// worst score, 1 star (before: no rating, so no one-star alert).
func TestMicrodataWorstRating(t *testing.T) {
	r := &Reviews{ratingRe: defaultNumber, structured: true}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	page := `<html><body><div itemscope itemtype="http://schema.org/Review"><p itemprop="reviewBody">Acme broke</p>
<span itemprop="reviewRating" itemscope itemtype="http://schema.org/Rating"><meta itemprop="worstRating" content="0"><b itemprop="ratingValue">0</b>/<meta itemprop="bestRating" content="10"></span></div></body></html>`
	p, err := r.ParsePage([]byte(page), "https://shop.example/acme", now)
	if err != nil || len(p.Items) != 1 || p.Items[0].Rating != 1 {
		t.Fatalf("%+v, %v; want one review rated 1", p.Items, err)
	}
}

// TestNumericDateOrder: a numeric review date follows the page's locale.
// Before, every a/b/yyyy date was read day-first, so a US site's
// 11/01/2026 (1 November) was stored as 11 January, and 12/25/2026 was no
// date at all (stored as the collection time); 25.12.2026 was not read.
func TestNumericDateOrder(t *testing.T) {
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		in         string
		monthFirst bool
		want       time.Time
	}{
		{"11/01/2026", false, d(2026, 1, 11)},
		{"11/01/2026", true, d(2026, 11, 1)},
		{"12/25/2026", false, d(2026, 12, 25)},
		{"25/12/2026", true, d(2026, 12, 25)},
		{"25.12.2026", false, d(2026, 12, 25)},
		{"1-11-2026", false, d(2026, 11, 1)},
		{"31/02/2026", false, time.Time{}},
		{"13/13/2026", false, time.Time{}},
		{"11/01-2026", false, time.Time{}},
	} {
		if got := parseDate(tc.in, tc.monthFirst); !got.Equal(tc.want) {
			t.Errorf("parseDate(%q, monthFirst %v) = %v, want %v", tc.in, tc.monthFirst, got, tc.want)
		}
	}
	page := func(lang string) []byte {
		return []byte(`<html lang="` + lang + `"><body><div class="review"><time>11/01/2026</time><p class="body">Acme broke</p></div></body></html>`)
	}
	now := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang, order string
		want        time.Time
	}{
		{"en-US", "", d(2026, 11, 1)},
		{"en-GB", "", d(2026, 1, 11)},
		{"id", "", d(2026, 1, 11)},
		{"en-GB", "mdy", d(2026, 11, 1)},
		{"en-US", "dmy", d(2026, 1, 11)},
	} {
		r := &Reviews{URL: "https://shop.example/acme", DateOrder: tc.order, Structured: new(bool), Selectors: Selectors{Item: "div.review", Date: "time", Text: ".body"}}
		if err := r.Init(collectors.Env{}); err != nil {
			t.Fatal(err)
		}
		p, err := r.ParsePage(page(tc.lang), r.URL, now)
		if err != nil || len(p.Items) != 1 || !p.Items[0].Published.Equal(tc.want) {
			t.Errorf("lang %s, date_order %q: %+v, %v; want published %v", tc.lang, tc.order, p.Items, err, tc.want)
		}
	}
	if err := (&Reviews{URL: "https://shop.example/acme", DateOrder: "ymd"}).Init(collectors.Env{}); err == nil || !strings.Contains(err.Error(), "date_order") {
		t.Errorf("date_order ymd: %v; want an error naming date_order", err)
	}
}
