package appstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

// storefrontLang is the language most reviews in a storefront are written
// in, for the storefronts where one language dominates: a hint scoring
// reads only when a review is too short to tell its language (the feed
// gives no language per review).
var storefrontLang = map[string]string{"id": "id", "us": "en", "gb": "en", "au": "en", "nz": "en", "ie": "en"}

// Response is the iTunes customer-reviews JSON feed (the fields we read).
// Every value is wrapped as {"label": ...}.
type Response struct {
	Feed struct {
		Entry Entries `json:"entry"`
		Link  Links   `json:"link"`
	} `json:"feed"`
}

// Label is the feed's {"label": "..."} wrapper.
type Label struct {
	Label string `json:"label"`
}

// Entry is one customer review.
type Entry struct {
	Author struct {
		Name Label `json:"name"`
		URI  Label `json:"uri"`
	} `json:"author"`
	Updated Label `json:"updated"`
	Rating  Label `json:"im:rating"`
	Version Label `json:"im:version"`
	ID      Label `json:"id"`
	Title   Label `json:"title"`
	Content struct {
		Label      string `json:"label"`
		Attributes struct {
			Type string `json:"type"`
		} `json:"attributes"`
	} `json:"content"`
	Link  Links `json:"link"`
	Votes Label `json:"im:voteSum"`
}

// Entries decodes "entry", which the feed gives as an object when there is
// exactly one review and as an array otherwise.
type Entries []Entry

// UnmarshalJSON accepts an array or a single object.
func (e *Entries) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var one Entry
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*e = Entries{one}
		return nil
	}
	return json.Unmarshal(b, (*[]Entry)(e))
}

// Link is a feed link.
type Link struct {
	Attributes struct {
		Rel  string `json:"rel"`
		Href string `json:"href"`
	} `json:"attributes"`
}

// Links decodes "link", an object or an array.
type Links []Link

// UnmarshalJSON accepts an array or a single object.
func (l *Links) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var one Link
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = Links{one}
		return nil
	}
	return json.Unmarshal(b, (*[]Link)(l))
}

// Page is one parsed feed page.
type Page struct {
	Items    []mw.Mention
	LastPage int // from the rel=last link, 0 if absent
}

// MaxPageEntries bounds the entries of one page. Apple's pages hold 50;
// a page of tens of thousands (a stand-in or broken service at base_url,
// or a proxy in between) would cost seconds and hundreds of thousands of
// mentions a run, so it is refused.
const MaxPageEntries = 500

// Parse decodes one feed page. Entries without a rating (the app's own
// entry in older feeds) are skipped. country and appID build the fallback
// review URL.
func Parse(body []byte, country, appID string) (Page, error) {
	var r Response
	if err := json.Unmarshal(body, &r); err != nil {
		return Page{}, fmt.Errorf("decoding App Store reviews feed: %w (the feed changed or a proxy answered)", err)
	}
	if n := len(r.Feed.Entry); n > MaxPageEntries {
		return Page{}, fmt.Errorf("the page has %d reviews; the App Store feed has at most 50 a page (%d accepted): not the App Store feed (check base_url, or a proxy in between)", n, MaxPageEntries)
	}
	p := Page{Items: make([]mw.Mention, 0, len(r.Feed.Entry))}
	for _, l := range r.Feed.Link {
		if l.Attributes.Rel == "last" {
			p.LastPage = pageOf(l.Attributes.Href)
		}
	}
	for i := range r.Feed.Entry {
		e := &r.Feed.Entry[i]
		if e.Rating.Label == "" || e.ID.Label == "" {
			continue
		}
		m := mw.Mention{
			Type:     Type,
			NativeID: country + ":" + e.ID.Label,
			URL:      "https://apps.apple.com/" + country + "/app/id" + appID + "?see-all=reviews",
			Author:   textutil.Clean(e.Author.Name.Label),
			Title:    textutil.PlainText(e.Title.Label),
			Text:     textutil.PlainText(e.Content.Label),
			LangHint: storefrontLang[country],
		}
		if v := textutil.Clean(e.Version.Label); v != "" && m.Title != "" {
			m.Title += " [v" + v + "]"
		}
		if n, err := strconv.ParseFloat(e.Rating.Label, 32); err == nil && n >= 1 && n <= 5 {
			m.Rating = float32(n)
		}
		if t, err := time.Parse(time.RFC3339, e.Updated.Label); err == nil {
			m.Published = t.UTC()
		}
		p.Items = append(p.Items, m)
	}
	return p, nil
}

// pageOf reads N from ".../page=N/...".
func pageOf(href string) int {
	i := strings.Index(href, "page=")
	if i < 0 {
		return 0
	}
	s := href[i+5:]
	if j := strings.IndexAny(s, "/?&"); j >= 0 {
		s = s[:j]
	}
	n, _ := strconv.Atoi(s)
	return n
}
