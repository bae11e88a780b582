// Package rss collects RSS 2.0, Atom and JSON Feed documents with gofeed:
// Google Alerts and Google News search feeds, and any blog or news feed.
package rss

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

func init() {
	collectors.Register("rss", func() collectors.Collector { return &Feed{} })
}

// Presets.
const (
	PresetGoogleAlerts = "google_alerts" // url: the feed URL Google Alerts gives ("Deliver to: RSS feed")
	PresetGoogleNews   = "google_news"   // query (or the brands' keywords), lang, country
)

// googleNewsBase is where Google News search feeds live.
const googleNewsBase = "https://news.google.com/rss/search"

// Feed is one feed source; the struct is its config.
type Feed struct {
	URL      string `yaml:"url"`       // the feed URL (rss, google_alerts)
	Preset   string `yaml:"preset"`    // "", google_alerts or google_news
	Query    string `yaml:"query"`     // google_news: search query; default: the brands' keywords, OR-ed
	Lang     string `yaml:"lang"`      // google_news: hl, e.g. en-US or id
	Country  string `yaml:"country"`   // google_news: gl, e.g. US or ID
	BaseURL  string `yaml:"base_url"`  // google_news: override the endpoint (tests, mirrors)
	MaxItems int    `yaml:"max_items"` // per run, default 500

	env collectors.Env
	url string
}

var _ collectors.Collector = (*Feed)(nil)
var _ collectors.Initer = (*Feed)(nil)

// Init checks the config and builds the feed URL.
func (f *Feed) Init(env collectors.Env) error {
	f.env = env
	if f.MaxItems <= 0 {
		f.MaxItems = 500
	}
	switch f.Preset {
	case "", PresetGoogleAlerts:
		if f.URL == "" {
			return errors.New("url is required (for google_alerts: the feed URL from Google Alerts → Deliver to: RSS feed)")
		}
		if _, err := url.ParseRequestURI(f.URL); err != nil {
			return fmt.Errorf("invalid url %q: %w", f.URL, err)
		}
		f.url = f.URL
	case PresetGoogleNews:
		q := f.Query
		if q == "" {
			var terms []string
			for _, t := range collectors.SearchTerms(env.Brands) {
				if strings.ContainsRune(t, ' ') {
					t = `"` + t + `"`
				}
				terms = append(terms, t)
			}
			q = strings.Join(terms, " OR ")
		}
		if q == "" {
			return errors.New("google_news needs a query or brands with keywords")
		}
		f.url = GoogleNewsURL(f.BaseURL, q, f.Lang, f.Country)
	default:
		return fmt.Errorf("unknown preset %q (use %s or %s)", f.Preset, PresetGoogleAlerts, PresetGoogleNews)
	}
	return nil
}

// GoogleNewsURL builds a Google News search feed URL. lang is like "en-US"
// or "id"; country like "US" or "ID".
func GoogleNewsURL(base, query, lang, country string) string {
	if base == "" {
		base = googleNewsBase
	}
	v := url.Values{}
	v.Set("q", query)
	if lang == "" {
		lang = "en-US"
	}
	if country == "" {
		country = "US"
	}
	v.Set("hl", lang)
	v.Set("gl", country)
	v.Set("ceid", country+":"+strings.Split(lang, "-")[0])
	return base + "?" + v.Encode()
}

// Collect fetches the feed (conditionally) and returns the items not seen
// before.
func (f *Feed) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	resp, err := f.env.HTTP.Do(ctx, collectors.Request{URL: f.url, ETag: cur.ETag, LastModified: cur.LastModified})
	if err != nil {
		return nil, cur, fmt.Errorf("fetching feed: %w", err)
	}
	if resp.NotModified {
		return nil, cur, nil
	}
	feed, err := Parse(resp.Body)
	if err != nil {
		return nil, cur, fmt.Errorf("parsing feed %s: %w", collectors.MaskURL(f.url), err)
	}
	now := f.env.Now().UTC()
	items, next := Items(feed, f.env.Type, cur, now, f.MaxItems)
	next.ETag, next.LastModified = resp.ETag, resp.LastModified
	return items, next, nil
}

// Parse reads RSS, Atom or JSON Feed. Invalid UTF-8 is replaced rather than
// failing the whole feed.
func Parse(body []byte) (*gofeed.Feed, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("empty document")
	}
	p := gofeed.NewParser()
	feed, err := p.Parse(bytes.NewReader(body))
	if err != nil && !utf8.Valid(body) {
		feed, err = p.Parse(bytes.NewReader(bytes.ToValidUTF8(body, []byte("\uFFFD"))))
	}
	if err != nil {
		return nil, err
	}
	return feed, nil
}

// Items maps new feed items to raw mentions and advances the cursor.
func Items(feed *gofeed.Feed, kind string, cur mw.Cursor, now time.Time, limit int) ([]mw.Mention, mw.Cursor) {
	next := cur
	next.Seen = append([]string(nil), cur.Seen...)
	var out []mw.Mention
	var ids []string
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		link := UnwrapGoogleLink(strings.TrimSpace(it.Link))
		id := strings.TrimSpace(it.GUID)
		if id == "" {
			id = link
		}
		if id == "" {
			id = strings.TrimSpace(it.Title)
		}
		if id == "" || next.HasSeen(id) || contains(ids, id) {
			continue
		}
		if len(out) >= limit {
			break
		}
		ids = append(ids, id)
		m := mw.Mention{
			Kind:      kind,
			NativeID:  id,
			URL:       link,
			Title:     textutil.PlainText(it.Title),
			Text:      textutil.PlainText(firstNonEmpty(it.Content, it.Description)),
			Published: published(it, now),
			Collected: now,
		}
		if len(it.Authors) > 0 && it.Authors[0] != nil {
			m.Author = strings.TrimSpace(firstNonEmpty(it.Authors[0].Name, it.Authors[0].Email))
		}
		if m.Author == "" {
			// News and alert feeds name no author: the publishing site is
			// the voice that reaches readers.
			if u, err := url.Parse(link); err == nil && u.Host != "" {
				m.Author = strings.TrimPrefix(u.Host, "www.")
			} else {
				m.Author = textutil.PlainText(feed.Title)
			}
		}
		if m.Published.After(next.LastTime) {
			next.LastTime = m.Published
		}
		out = append(out, m)
	}
	next.Remember(ids...)
	return out, next
}

func published(it *gofeed.Item, now time.Time) time.Time {
	switch {
	case it.PublishedParsed != nil:
		return it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil:
		return it.UpdatedParsed.UTC()
	}
	return now
}

// UnwrapGoogleLink returns the target of a Google redirect link
// (https://www.google.com/url?...&url=TARGET), as Google Alerts feeds use.
func UnwrapGoogleLink(link string) string {
	u, err := url.Parse(link)
	if err != nil || !strings.HasSuffix(u.Host, "google.com") || u.Path != "/url" {
		return link
	}
	for _, k := range []string{"url", "q"} {
		if t := u.Query().Get(k); strings.HasPrefix(t, "http") {
			return t
		}
	}
	return link
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
