package reviews

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

// rawReview is a review read from structured data or selectors, before it
// becomes a Mention.
type rawReview struct {
	ID, URL, Author, Title, Text, Date string
	Rating                             float32
}

// maxDepth bounds the JSON-LD walk (hostile pages nest deeply).
const maxDepth = 32

// jsonLD reads every schema.org Review in the page's JSON-LD scripts:
// top-level, in @graph, in arrays, and nested in Product, Organization or
// LocalBusiness "review" properties. A script that is not valid JSON is
// skipped (sites often ship broken JSON-LD); the count of those is returned.
func jsonLD(doc *goquery.Document) (out []rawReview, broken int) {
	doc.Find(`script[type="application/ld+json"]`).Each(func(_ int, s *goquery.Selection) {
		var v any
		raw := []byte(unwrapScript(s.Text()))
		if err := json.Unmarshal(raw, &v); err != nil {
			// Templates often leave a line break inside a string (a
			// multi-line review body): strict JSON refuses it.
			if json.Unmarshal(escapeControls(raw), &v) != nil {
				broken++
				return
			}
		}
		walk(v, 0, &out)
	})
	return out, broken
}

// unwrapScript is a script's JSON without the CDATA section or HTML
// comment that older (XHTML) templates wrap it in: "//<![CDATA[ … //]]>",
// "<!-- … -->".
func unwrapScript(s string) string {
	s = strings.TrimSpace(s)
	for _, w := range [][2]string{{"//<![CDATA[", "//]]>"}, {"<![CDATA[", "]]>"}, {"<!--", "-->"}} {
		if strings.HasPrefix(s, w[0]) {
			s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(s, w[0])), w[1]))
		}
	}
	return s
}

func walk(v any, depth int, out *[]rawReview) {
	if depth > maxDepth {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walk(e, depth+1, out)
		}
	case map[string]any:
		if isReview(x["@type"]) {
			*out = append(*out, reviewFromLD(x))
			return
		}
		for k, e := range x {
			if k == "itemReviewed" {
				continue
			}
			walk(e, depth+1, out)
		}
	}
}

// reviewTypes are schema.org's Review and the subtypes that are a person's
// or a publication's review of a product, service or employer (not
// ClaimReview or MediaReview, which are fact checks).
var reviewTypes = []string{"Review", "UserReview", "CriticReview", "EmployerReview"}

func isReview(t any) bool {
	for _, want := range reviewTypes {
		if hasType(t, want) {
			return true
		}
	}
	return false
}

// escapeControls escapes the raw control characters inside the strings of
// a JSON text (a line break or tab in a string, which JSON forbids), in
// one pass; outside strings they are whitespace and stay.
func escapeControls(b []byte) []byte {
	out := make([]byte, 0, len(b)+16)
	in, esc := false, false
	for _, c := range b {
		switch {
		case esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case in && c < 0x20:
			out = append(out, fmt.Sprintf("\\u%04x", c)...)
			continue
		}
		out = append(out, c)
	}
	return out
}

func hasType(t any, want string) bool {
	switch x := t.(type) {
	case string:
		return x == want || strings.HasSuffix(x, "/"+want) || strings.HasSuffix(x, ":"+want)
	case []any:
		for _, e := range x {
			if hasType(e, want) {
				return true
			}
		}
	}
	return false
}

func reviewFromLD(m map[string]any) rawReview {
	r := rawReview{
		ID:     str(m["@id"]),
		URL:    str(m["url"]),
		Author: name(m["author"]),
		Title:  textutil.PlainText(str(m["headline"])),
		Text:   textutil.PlainText(str(m["reviewBody"])),
		Date:   str(m["datePublished"]),
	}
	if r.Title == "" {
		r.Title = textutil.PlainText(str(m["name"]))
	}
	if r.Text == "" {
		r.Text = textutil.PlainText(str(m["description"]))
	}
	rating := m["reviewRating"]
	if l, ok := rating.([]any); ok && len(l) > 0 { // JSON-LD may list any value
		rating = l[0]
	}
	if rr, ok := rating.(map[string]any); ok && rr["@value"] == nil {
		best := num(rr["bestRating"])
		if str(rr["worstRating"]) != "" && str(rr["ratingValue"]) != "" {
			r.Rating = scaleRatingFrom(num(rr["ratingValue"]), num(rr["worstRating"]), best)
		} else {
			r.Rating = scaleRating(num(rr["ratingValue"]), best)
		}
	} else if v := num(rating); v > 0 {
		r.Rating = scaleRating(v, 5)
	}
	return r
}

// str returns a JSON-LD scalar as a string.
func str(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case float64:
		return fmt.Sprint(x)
	case map[string]any: // {"@value": ...}
		return str(x["@value"])
	case []any:
		if len(x) > 0 {
			return str(x[0])
		}
	}
	return ""
}

// num returns a JSON-LD number: a number, a numeric string ("4,5"), or
// either as a value object or the first of a list.
func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		var f float64
		fmt.Sscanf(strings.ReplaceAll(x, ",", "."), "%g", &f)
		return f
	case map[string]any: // {"@value": ...}
		return num(x["@value"])
	case []any:
		if len(x) > 0 {
			return num(x[0])
		}
	}
	return 0
}

// name reads an author: a string, a Person/Organization, or a list.
// JSON-LD strings often carry HTML escaping ("Garlic &amp; Zest",
// "Ren&#233;e"): it is decoded, as for titles and texts.
func name(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return textutil.PlainText(str(x["name"]))
	case []any:
		if len(x) > 0 {
			return name(x[0])
		}
	}
	return textutil.PlainText(str(v))
}

// reviewItems selects the itemscope elements typed as one of reviewTypes.
var reviewItems = func() string {
	var sel []string
	for _, t := range reviewTypes {
		sel = append(sel, `[itemscope][itemtype*="schema.org/`+t+`"]`)
	}
	return strings.Join(sel, ", ")
}()

// microdata reads itemscope elements typed schema.org/Review or one of its
// subtypes (reviewTypes).
func microdata(doc *goquery.Document) []rawReview {
	var out []rawReview
	doc.Find(reviewItems).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.AttrOr("itemtype", ""), "schema.org/ReviewAction") {
			return
		}
		r := rawReview{
			ID:    s.AttrOr("itemid", s.AttrOr("id", "")),
			Title: textutil.Clean(mdValue(prop(s, "name"))),
			Text:  textutil.PlainText(htmlOf(prop(s, "reviewBody"))),
			Date:  mdValue(prop(s, "datePublished")),
			URL:   mdValue(prop(s, "url")),
		}
		if r.Text == "" {
			r.Text = textutil.PlainText(htmlOf(prop(s, "description")))
		}
		if a := prop(s, "author"); a.Length() > 0 {
			if _, scoped := a.Attr("itemscope"); scoped {
				r.Author = textutil.Clean(mdValue(prop(a, "name")))
			}
			if r.Author == "" {
				r.Author = textutil.Clean(mdValue(a))
			}
		}
		if rr := prop(s, "reviewRating"); rr.Length() > 0 {
			best := num(mdValue(prop(rr, "bestRating")))
			value, worst := mdValue(prop(rr, "ratingValue")), mdValue(prop(rr, "worstRating"))
			if worst != "" && value != "" {
				r.Rating = scaleRatingFrom(num(value), num(worst), best)
			} else {
				r.Rating = scaleRating(num(value), best)
			}
		}
		out = append(out, r)
	})
	return out
}

// prop finds the first element carrying itemprop name that belongs to
// scope itself, not to an item nested in it. It walks scope's subtree in
// document order without entering nested items, so reading every property
// of every item stays linear in the page.
func prop(scope *goquery.Selection, name string) *goquery.Selection {
	if scope.Length() == 0 {
		return scope
	}
	var find func(n *html.Node) *html.Node
	find = func(n *html.Node) *html.Node { // the parser bounds the depth (512)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if hasWord(attrOf(c, "itemprop"), name) {
				return c
			}
			if !hasAttr(c, "itemscope") {
				if f := find(c); f != nil {
					return f
				}
			}
		}
		return nil
	}
	if f := find(scope.Get(0)); f != nil {
		return scope.FindNodes(f)
	}
	return scope.FilterNodes()
}

// hasWord reports whether the white-space separated list v holds w, as
// the CSS [attr~=w] selector does.
func hasWord(v, w string) bool {
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' }) {
		if f == w {
			return true
		}
	}
	return false
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// mdValue is a microdata property's value: content, datetime, href or src
// attributes where the element carries them, else its text.
func mdValue(s *goquery.Selection) string {
	if s.Length() == 0 {
		return ""
	}
	for _, a := range []string{"content", "datetime", "href", "src", "value"} {
		if v, ok := s.Attr(a); ok {
			return strings.TrimSpace(v)
		}
	}
	return textutil.PlainText(htmlOf(s))
}

// maxFieldHTML bounds the markup read for one field of a review.
const maxFieldHTML = 64 << 10

// htmlOf is the inner markup of s, at most maxFieldHTML bytes: a review
// is far shorter, and an item whose field wraps the rest of the page (or
// nested items) must not carry the whole page, once per item.
func htmlOf(s *goquery.Selection) string {
	if s.Length() == 0 {
		return ""
	}
	w := &capWriter{max: maxFieldHTML}
	for c := s.Get(0).FirstChild; c != nil; c = c.NextSibling {
		if html.Render(w, c) != nil {
			break
		}
	}
	return w.b.String()
}

// capWriter keeps the first max bytes written to it, then fails.
type capWriter struct {
	b   strings.Builder
	max int
}

var errFieldFull = errors.New("field too long")

func (w *capWriter) Write(p []byte) (int, error) {
	if room := w.max - w.b.Len(); len(p) > room {
		w.b.Write(p[:max(room, 0)])
		return max(room, 0), errFieldFull
	}
	return w.b.Write(p)
}

func (w *capWriter) WriteString(p string) (int, error) { return w.Write([]byte(p)) }

func (w *capWriter) WriteByte(c byte) error {
	_, err := w.Write([]byte{c})
	return err
}
