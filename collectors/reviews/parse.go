package reviews

import (
	"bytes"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

// Page is one parsed review page.
type Page struct {
	Items []mw.Mention
	Next  string // absolute URL of the next page, "" if none
}

// UTF8 returns a page's body as UTF-8. A body that is valid UTF-8 is
// returned as it is, whatever it declares; otherwise it is decoded by its
// byte-order mark, the charset of contentType, then of the page's meta
// tags, and windows-1252 when none names one (the HTML standard's default
// for legacy pages). When contentType says UTF-8, which such a body is
// not (servers add charset=UTF-8 to every page), and a meta tag names
// another charset, the meta tag's is used.
func UTF8(body []byte, contentType string) []byte {
	if utf8.Valid(body) {
		return body
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		_, claimed := charset.Lookup(params["charset"])
		if m := metaCharset.FindSubmatch(body[:min(len(body), 1024)]); claimed == "utf-8" && m != nil {
			if enc, name := charset.Lookup(string(m[1])); enc != nil && name != "utf-8" {
				contentType = "" // the meta tag decides
			}
		}
	}
	enc, _, _ := charset.DetermineEncoding(body, contentType)
	if out, err := enc.NewDecoder().Bytes(body); err == nil {
		return out
	}
	return body
}

// metaCharset finds the charset a meta tag names (<meta charset=...> or
// http-equiv's content="text/html; charset=..."), as the HTML standard's
// prescan reads the first 1024 bytes.
var metaCharset = regexp.MustCompile(`(?i)<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([-\w.:]+)`)

// ParsePage reads the reviews of one page at pageURL (body in UTF-8: see
// UTF8): structured data
// first (unless disabled); when it has no reviews, the selectors. now
// stands in for a missing or unreadable review date.
func (r *Reviews) ParsePage(body []byte, pageURL string, now time.Time) (Page, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return Page{}, fmt.Errorf("page url %q: %w", pageURL, err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return Page{}, fmt.Errorf("parsing HTML: %w", err)
	}
	var raws []rawReview
	if r.structured {
		raws, _ = jsonLD(doc)
		if len(raws) == 0 {
			raws = microdata(doc)
		}
	}
	if len(raws) == 0 && r.sel.Item != "" {
		raws = r.bySelectors(doc)
	}
	p := Page{Items: make([]mw.Mention, 0, len(raws)), Next: r.next(doc, base)}
	seen := map[string]bool{}
	monthFirst := r.monthFirst(doc)
	for _, rv := range raws {
		m := toMention(rv, base, now, monthFirst)
		if m.Text == "" && m.Title == "" || seen[m.NativeID] {
			continue
		}
		seen[m.NativeID] = true
		p.Items = append(p.Items, m)
	}
	return p, nil
}

// monthFirst tells whether the page writes numeric dates month first:
// the source's date_order, else the page's language (<html lang="en-US">
// and the Philippines' en-PH write 11/01/2026 for 1 November).
func (r *Reviews) monthFirst(doc *goquery.Document) bool {
	switch r.DateOrder {
	case "mdy":
		return true
	case "dmy":
		return false
	}
	lang := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(doc.Find("html").AttrOr("lang", "")), "_", "-"))
	return lang == "en-us" || lang == "en-ph" || strings.HasPrefix(lang, "en-us-")
}

func toMention(rv rawReview, base *url.URL, now time.Time, monthFirst bool) mw.Mention {
	m := mw.Mention{
		Type:   Type,
		Author: textutil.Clean(rv.Author),
		Title:  textutil.Clean(rv.Title),
		Text:   textutil.Clean(rv.Text),
		Rating: rv.Rating,
		URL:    base.String(),
	}
	if u := resolve(base, rv.URL); u != "" {
		m.URL = u
	}
	m.Published = parseDate(rv.Date, monthFirst)
	date := rv.Date // as written: ids made before stay the same
	if m.Published.IsZero() {
		// Not a date ("2 days ago" reads "3 days ago" tomorrow): kept
		// out of the content id, which would change with it.
		m.Published, date = now.UTC(), ""
	}
	switch {
	case rv.ID != "" && !strings.HasPrefix(rv.ID, "_:"):
		// An @id is often a URL; an id attribute is local to the page.
		if u := resolve(base, rv.ID); u != "" && strings.Contains(rv.ID, "/") {
			m.NativeID = u
		} else {
			m.NativeID = base.Hostname() + ":" + rv.ID
			if m.URL == base.String() && !strings.ContainsAny(rv.ID, "/:# ") {
				m.URL = base.String() + "#" + rv.ID
			}
		}
	case m.URL != base.String():
		m.NativeID = m.URL
	default:
		m.NativeID = contentID(base.Hostname(), m.Author, date, m.Title+"\n"+m.Text)
	}
	return m
}

// bySelectors reads the reviews with the configured selectors.
func (r *Reviews) bySelectors(doc *goquery.Document) []rawReview {
	var out []rawReview
	s := r.sel
	in := newWithin(doc)
	doc.Find(s.Item).Each(func(_ int, it *goquery.Selection) {
		rv := rawReview{
			Author: in.text(it, s.Author, ""),
			Title:  in.text(it, s.Title, ""),
			Text:   in.text(it, s.Text, ""),
		}
		if s.ID != "" {
			rv.ID = strings.TrimSpace(it.AttrOr(s.ID, ""))
		}
		if s.Link != "" {
			rv.URL = strings.TrimSpace(in.first(it, s.Link).AttrOr("href", ""))
		}
		if s.Rating != "" {
			rv.Rating = parseRating(in.text(it, s.Rating, s.RatingAttr), r.ratingRe, s.RatingMax)
		}
		if s.Date != "" {
			d := in.first(it, s.Date)
			switch {
			case s.DateAttr != "":
				rv.Date = d.AttrOr(s.DateAttr, "")
			default:
				rv.Date = mdValue(d)
			}
		}
		out = append(out, rv)
	})
	return out
}

// within finds the first match of a selector inside each item of a page in
// time linear in the page, however deeply items nest: each selector is
// matched once over the whole document, and the elements inside an item
// are those numbered after it, up to its last descendant, in document
// order.
type within struct {
	doc     *goquery.Document
	pos     map[*html.Node]int // document order
	last    map[*html.Node]int // pos of a node's last descendant
	matches map[string][]*html.Node
}

func newWithin(doc *goquery.Document) *within {
	w := &within{doc: doc, pos: map[*html.Node]int{}, last: map[*html.Node]int{}, matches: map[string][]*html.Node{}}
	var number func(n *html.Node)
	number = func(n *html.Node) { // the parser bounds the depth (512)
		w.pos[n] = len(w.pos)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			number(c)
		}
		w.last[n] = len(w.pos) - 1
	}
	for _, n := range doc.Nodes {
		number(n)
	}
	return w
}

// first is the first element inside it that matches sel, else it itself
// when it matches (the item carries the field), else an empty selection.
func (w *within) first(it *goquery.Selection, sel string) *goquery.Selection {
	if sel == "" || it.Length() == 0 {
		return it.FilterNodes()
	}
	ms, ok := w.matches[sel]
	if !ok {
		for _, n := range w.doc.Find(sel).Nodes {
			if _, ok := w.pos[n]; ok {
				ms = append(ms, n)
			}
		}
		w.matches[sel] = ms
	}
	n := it.Get(0)
	from, to := w.pos[n], w.last[n]
	i := sort.Search(len(ms), func(i int) bool { return w.pos[ms[i]] > from })
	if i < len(ms) && w.pos[ms[i]] <= to {
		return it.FindNodes(ms[i])
	}
	if it.Is(sel) {
		return it
	}
	return it.FilterNodes()
}

// text is the text (or attr) of the first match of sel inside it.
func (w *within) text(it *goquery.Selection, sel, attr string) string {
	f := w.first(it, sel)
	if f.Length() == 0 {
		return ""
	}
	if attr != "" {
		return strings.TrimSpace(f.AttrOr(attr, ""))
	}
	return textutil.PlainText(htmlOf(f))
}

// next finds the next page: the configured selector, else rel=next.
func (r *Reviews) next(doc *goquery.Document, base *url.URL) string {
	for _, sel := range []string{r.sel.Next, `link[rel~="next"]`, `a[rel~="next"]`} {
		if sel == "" {
			continue
		}
		if href, ok := doc.Find(sel).First().Attr("href"); ok {
			if u := resolve(base, strings.TrimSpace(href)); u != "" && u != base.String() {
				return u
			}
		}
	}
	return ""
}

func resolve(base *url.URL, ref string) string {
	if ref == "" || strings.HasPrefix(ref, "javascript:") || strings.HasPrefix(ref, "#") {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.String()
}
