package reviews

import (
	"fmt"
	"sort"

	"github.com/andybalholm/cascadia"
)

// Selectors say where a site puts each part of a review. Every field but
// Item is relative to one item. A field's value is the element's text
// unless its *_attr names an attribute to read instead.
type Selectors struct {
	Item        string  `yaml:"item"`         // one review
	ID          string  `yaml:"id_attr"`      // attribute of the item holding a stable id (e.g. id, data-review-id)
	Author      string  `yaml:"author"`       // reviewer name
	Rating      string  `yaml:"rating"`       // element holding the rating
	RatingAttr  string  `yaml:"rating_attr"`  // read this attribute (e.g. data-rating, aria-label, style)
	RatingRegex string  `yaml:"rating_regex"` // first group (or match) is the number; default: the first number
	RatingMax   float64 `yaml:"rating_max"`   // the scale's top, default 5 (e.g. 100 for width:80%)
	Date        string  `yaml:"date"`         // date element
	DateAttr    string  `yaml:"date_attr"`    // default: datetime, then content, then the text
	Title       string  `yaml:"title"`        // review headline
	Text        string  `yaml:"text"`         // review body
	Link        string  `yaml:"link"`         // permalink inside the item (href)
	Next        string  `yaml:"next"`         // next-page link on the page (href); default a[rel=next], link[rel=next]
}

// Preset names.
const (
	PresetTrustpilot  = "trustpilot"
	PresetWooCommerce = "woocommerce"
)

// Presets are ready selectors for common review-page layouts.
var Presets = map[string]Selectors{
	// A Trustpilot company page (www.trustpilot.com/review/<domain>):
	// review cards marked with data-service-review-* attributes. Its
	// JSON-LD @graph, read first, carries the same reviews.
	PresetTrustpilot: {
		Item:       "article[data-service-review-card-paper]",
		Author:     "[data-consumer-name-typography]",
		Rating:     "[data-service-review-rating]",
		RatingAttr: "data-service-review-rating",
		Date:       "time[data-service-review-date-time-ago], time",
		Title:      "[data-service-review-title-typography]",
		Text:       "[data-service-review-text-typography]",
		Link:       "a[data-review-title-typography], a[href*='/reviews/']",
		Next:       "a[name='pagination-button-next'], a[data-pagination-button-next-link]",
	},
	// A WooCommerce product page's Reviews tab (ol.commentlist, the
	// default templates of WooCommerce 3+ and most themes).
	PresetWooCommerce: {
		Item:        "ol.commentlist li.review, #reviews li.review",
		ID:          "id",
		Author:      ".woocommerce-review__author, [itemprop=author]",
		Rating:      ".star-rating",
		RatingAttr:  "aria-label",
		RatingRegex: `([0-9]+(?:[.,][0-9]+)?)\s*(?:out of|dari|/)`,
		Date:        "time.woocommerce-review__published-date, time",
		Text:        ".description",
		Next:        "nav.woocommerce-pagination a.next, a.next.page-numbers, .comment-navigation .nav-next a",
	},
}

// PresetNames lists the presets, sorted.
func PresetNames() []string {
	var out []string
	for k := range Presets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// merge returns p with the fields set in o replacing p's.
func (p Selectors) merge(o Selectors) Selectors {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&p.Item, o.Item)
	set(&p.ID, o.ID)
	set(&p.Author, o.Author)
	set(&p.Rating, o.Rating)
	set(&p.RatingAttr, o.RatingAttr)
	set(&p.RatingRegex, o.RatingRegex)
	set(&p.Date, o.Date)
	set(&p.DateAttr, o.DateAttr)
	set(&p.Title, o.Title)
	set(&p.Text, o.Text)
	set(&p.Link, o.Link)
	set(&p.Next, o.Next)
	if o.RatingMax > 0 {
		p.RatingMax = o.RatingMax
	}
	return p
}

// check compiles every selector once so a typo fails at startup with the
// key that holds it.
func (s Selectors) check() error {
	for _, f := range []struct{ key, v string }{
		{"item", s.Item}, {"author", s.Author}, {"rating", s.Rating}, {"date", s.Date},
		{"title", s.Title}, {"text", s.Text}, {"link", s.Link}, {"next", s.Next},
	} {
		if f.v == "" {
			continue
		}
		if _, err := cascadia.ParseGroup(f.v); err != nil {
			return fmt.Errorf("selectors.%s %q: %w", f.key, f.v, err)
		}
	}
	if s.Item == "" && (s.Author != "" || s.Text != "" || s.Rating != "") {
		return fmt.Errorf("selectors need item (the element of one review) when author, rating or text are set")
	}
	if s.RatingMax < 0 {
		return fmt.Errorf("selectors.rating_max %v: want a positive scale top such as 5, 10 or 100", s.RatingMax)
	}
	return nil
}
