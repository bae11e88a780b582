// Package rss collects RSS 2.0, Atom and JSON Feed documents with gofeed:
// Google Alerts and Google News search feeds, and any blog or news feed.
package rss

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

func init() {
	collectors.Register("rss", mw.SourceTraits{ReachWeight: 1.5}, func() collectors.Collector { return &Feed{} })
}

// Presets.
const (
	PresetGoogleAlerts = "google_alerts" // url: the feed URL Google Alerts gives ("Deliver to: RSS feed")
	PresetGoogleNews   = "google_news"   // query (or the brands' keywords), lang, country
)

// googleNewsBase is where Google News search feeds live.
const googleNewsBase = "https://news.google.com/rss/search"

// googleMaxWords is how many words of a query Google search reads; it
// ignores the rest.
const googleMaxWords = 32

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
			// Google reads the first 32 words of a query: a phrase's
			// joined form goes in only while the query stays within them.
			q = collectors.OrQuery{
				Sep:    " OR ",
				Term:   collectors.QuoteTerm,
				Joined: func(j string) []string { return []string{j} },
				Fits:   func(q string) bool { return len(strings.Fields(q)) <= googleMaxWords },
			}.Build(collectors.SearchTerms(env.Brands), env.Log)
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
	feed, cut, err := parse(resp.Body, resp.Header.Get("Content-Type"))
	if err != nil {
		return nil, cur, fmt.Errorf("parsing feed %s: %w", collectors.MaskURL(f.url), err)
	}
	if cut && f.env.Log != nil {
		f.env.Log.Warn("the feed lists more items than are read from one document; the rest were not read", "url", collectors.MaskURL(f.url), "max_feed_items", MaxFeedItems)
	}
	now := f.env.Now().UTC()
	items, next := Items(feed, f.env.Type, cur, now, f.MaxItems)
	next.ETag, next.LastModified = resp.ETag, resp.LastModified
	return items, next, nil
}

// Parse reads RSS, Atom or JSON Feed served with contentType (for its
// charset; may be empty). Whatever the declared encoding, the text comes
// out as the publisher meant it, and characters XML forbids are dropped
// rather than failing the feed (toUTF8). A document nested more than
// MaxDepth elements deep is refused, and at most MaxFeedItems items are
// read (boundXML, boundJSON).
func Parse(body []byte, contentType string) (*gofeed.Feed, error) {
	feed, _, err := parse(body, contentType)
	return feed, err
}

// parse is Parse, and says whether items past MaxFeedItems were not read.
func parse(body []byte, contentType string) (feed *gofeed.Feed, cut bool, err error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, false, errors.New("empty document")
	}
	body = toUTF8(body, contentType)
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '{' {
		body, cut = boundJSON(body)
		body = coerceJSONIDs(body)
	} else if body, cut, err = boundXML(body); err != nil {
		if looksHTML(body) { // HTML leaves <br> and <img> open
			return nil, false, notAFeed(body)
		}
		return nil, false, err
	}
	p := gofeed.NewParser()
	p.RSSTranslator = sourceTranslator{}
	p.JSONTranslator = jsonTranslator{}
	feed, err = p.Parse(bytes.NewReader(body))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, false, notAFeed(body)
	}
	// gofeed takes any JSON object for a JSON Feed: an API's error object
	// would be an empty feed, and the source would fail silently.
	if err == nil && feed.FeedType == "json" && feed.FeedVersion == "" && !bytes.Contains(body, []byte(`"items"`)) {
		return nil, false, notAFeed(body)
	}
	return feed, cut, err
}

// looksHTML reports whether body starts like an HTML page.
func looksHTML(body []byte) bool {
	lower := bytes.ToLower(body[:min(len(body), 1024)])
	return bytes.Contains(lower, []byte("<html")) || bytes.Contains(lower, []byte("<!doctype html"))
}

// htmlTitle finds an HTML page's title.
var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>([^<]{0,300})`)

// notAFeed says what a body that is no RSS, Atom or JSON feed is: most
// often a consent, login or error page served with status 200.
func notAFeed(body []byte) error {
	head := body[:min(len(body), 64<<10)]
	if looksHTML(body) {
		title := ""
		if m := htmlTitle.FindSubmatch(head); m != nil {
			if t := textutil.PlainText(string(m[1])); t != "" {
				title = fmt.Sprintf(" titled %q", collectors.ServerText(t))
			}
		}
		return fmt.Errorf("got an HTML page%s, not a feed (a consent, login or error page answers like this; check url)", title)
	}
	start := bytes.TrimSpace(head)
	return fmt.Errorf("not an RSS, Atom or JSON feed; it starts %q (check url)", collectors.ServerText(string(start[:min(len(start), 80)])))
}

// Keys of gofeed.Item.Custom that sourceTranslator and jsonTranslator set.
const (
	customSource    = "mentionwatch_source"     // <source> text: the outlet (Google News)
	customSourceURL = "mentionwatch_source_url" // <source url=...>
	customLang      = "mentionwatch_language"   // a JSON Feed 1.1 item's language
)

// jsonTranslator is gofeed's JSON Feed translator plus each item's
// language (JSON Feed 1.1), kept in Item.Custom: gofeed keeps the feed's
// only.
type jsonTranslator struct{ gofeed.DefaultJSONTranslator }

func (t jsonTranslator) Translate(feed any) (*gofeed.Feed, error) {
	out, err := t.DefaultJSONTranslator.Translate(feed)
	if jf, ok := feed.(*jsonfeed.Feed); ok && err == nil {
		for i, it := range jf.Items {
			if it != nil && it.Language != "" {
				setCustom(out.Items, i, customLang, it.Language)
			}
		}
	}
	return out, err
}

// setCustom sets key in the Custom map of items[i], if there is one.
func setCustom(items []*gofeed.Item, i int, key, value string) {
	if i >= len(items) || items[i] == nil {
		return
	}
	if items[i].Custom == nil {
		items[i].Custom = map[string]string{}
	}
	items[i].Custom[key] = value
}

// sourceTranslator is gofeed's RSS translator plus each item's <source>
// (RSS 2.0: the channel the item came from; Google News names the outlet
// there), kept in Item.Custom. A channel's webMaster (Google News:
// news-webmaster@google.com) is the feed's technical contact, not the
// author of its items, so it is not kept as the feed's author.
type sourceTranslator struct{ gofeed.DefaultRSSTranslator }

func (t sourceTranslator) Translate(feed any) (*gofeed.Feed, error) {
	out, err := t.DefaultRSSTranslator.Translate(feed)
	if err != nil {
		return nil, err
	}
	rf, ok := feed.(*rss.Feed)
	if !ok {
		return out, nil
	}
	if rf.ManagingEditor == "" && rf.WebMaster != "" && len(out.Authors) > 0 && strings.Contains(rf.WebMaster, out.Authors[0].Email+out.Authors[0].Name) {
		out.Author, out.Authors = nil, nil
	}
	for i, it := range rf.Items {
		if it != nil && it.Source != nil {
			setCustom(out.Items, i, customSource, strings.TrimSpace(it.Source.Title))
			setCustom(out.Items, i, customSourceURL, strings.TrimSpace(it.Source.URL))
		}
	}
	return out, nil
}

// Items maps new feed items to raw mentions and advances the cursor. When
// more than limit items are new it takes the newest limit (and any item
// dated the same as the last of them): the rest are older, so the next
// run's are all dated before this run's, which the scheduler's window
// takes as never admitted rather than as too old (collectors.DedupSlack).
// The cursor's Seen holds a short hash of each id taken (seenKey), those
// of this document's items first: a document of up to MaxFeedItems items
// is remembered whole, so a feed longer than limit plus mw.MaxSeen is read
// to its end over several runs, each item once (before, ids taken early
// were let go, handed back as new and dropped as repeats, and the oldest
// items were never read). Ids that left the document are kept after those
// while the list stays within mw.MaxSeen.
func Items(feed *gofeed.Feed, typ string, cur mw.Cursor, now time.Time, limit int) ([]mw.Mention, mw.Cursor) {
	next := cur.Clone()
	prev := seenKeys(cur)
	known := make(map[string]bool, len(prev))
	for _, k := range prev {
		known[k] = true
	}
	type item struct {
		it        *gofeed.Item
		id, key   string
		published time.Time
	}
	var fresh []item
	var inDoc []string // keys of this document's items taken, now or before
	inRun := map[string]bool{}
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		id := strings.TrimSpace(it.GUID)
		if id == "" {
			id = UnwrapGoogleLink(strings.TrimSpace(it.Link))
		}
		if id == "" {
			id = strings.TrimSpace(it.Title)
		}
		key := seenKey(id)
		if id == "" || inRun[key] {
			continue
		}
		inRun[key] = true
		if known[key] {
			inDoc = append(inDoc, key)
			continue
		}
		fresh = append(fresh, item{it, id, key, published(it, now)})
	}
	var from time.Time // the oldest publish time taken when not all are
	if len(fresh) > limit {
		times := make([]time.Time, len(fresh))
		for i, f := range fresh {
			times[i] = f.published
		}
		slices.SortFunc(times, func(a, b time.Time) int { return b.Compare(a) })
		from = times[max(limit, 1)-1]
	}
	var out []mw.Mention
	for _, f := range fresh {
		if f.published.Before(from) {
			continue // the next run takes it
		}
		inDoc = append(inDoc, f.key)
		it := f.it
		link := UnwrapGoogleLink(strings.TrimSpace(it.Link))
		outlet := textutil.PlainText(it.Custom[customSource])
		title := textutil.PlainText(it.Title)
		if outlet != "" {
			// Google News titles end with " - <outlet>".
			title = strings.TrimSpace(strings.TrimSuffix(title, " - "+outlet))
		}
		m := mw.Mention{
			Type:      typ,
			NativeID:  f.id,
			URL:       link,
			Title:     title,
			Text:      textutil.PlainText(firstNonEmpty(it.Content, it.Description)),
			Published: f.published,
			Collected: now,
			// The item's language (JSON Feed 1.1), else the feed's: RSS
			// <language> or dc:language, Atom xml:lang, JSON Feed language.
			LangHint: mw.LangTag(firstNonEmpty(it.Custom[customLang], feed.Language)),
		}
		// The item's author, else the outlet it came from (<source>), else
		// the feed's author. Never the link's host: on a feed with no
		// authors that would make one "author" of unrelated articles.
		m.Author = firstNonEmpty(personName(it.Authors), outlet, personName(feed.Authors))
		if m.Published.After(next.LastTime) {
			next.LastTime = m.Published
		}
		out = append(out, m)
	}
	next.Seen = inDoc
	for _, k := range prev {
		if len(next.Seen) >= mw.MaxSeen {
			break
		}
		if !inRun[k] {
			next.Seen = append(next.Seen, k)
		}
	}
	next.Extra[extraSeen] = seenHashed
	return out, next
}

// extraSeen marks a cursor whose Seen holds seenKey hashes (seenHashed);
// without it Seen holds ids, oldest first, as mw.Cursor.Remember keeps
// them.
const (
	extraSeen  = "seen"
	seenHashed = "sha256-64"
)

// seenKey is how Seen remembers an id: the first 64 bits of the SHA-256 of
// the id as it is kept (mw.BoundID), in hex. Sixteen characters whatever
// the id's length, so 10,000 ids make a 190 KB cursor.
func seenKey(id string) string {
	sum := sha256.Sum256([]byte(mw.BoundID(id)))
	return hex.EncodeToString(sum[:8])
}

// seenKeys is cur.Seen as seenKey hashes, the most recent first.
func seenKeys(cur mw.Cursor) []string {
	if cur.Extra[extraSeen] == seenHashed {
		return cur.Seen
	}
	keys := make([]string, 0, len(cur.Seen))
	for i := len(cur.Seen) - 1; i >= 0; i-- {
		keys = append(keys, seenKey(cur.Seen[i]))
	}
	return keys
}

func published(it *gofeed.Item, now time.Time) time.Time {
	switch {
	case it.PublishedParsed != nil:
		return zoned(*it.PublishedParsed, it.Published).UTC()
	case it.UpdatedParsed != nil:
		return zoned(*it.UpdatedParsed, it.Updated).UTC()
	}
	return now
}

// zoneOffsets are the zone abbreviations feeds write, in hours east of
// UTC: RFC 822's North American zones (RSS 2.0 dates are RFC 822) and
// Indonesia's, with a few more that each name one zone only.
var zoneOffsets = map[string]float64{
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"WIB": 7, "WITA": 8, "WIT": 9,
	"CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "JST": 9, "KST": 9, "SGT": 8, "HKT": 8,
	"AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}

// zoned corrects t, parsed from raw, when raw ends with a zone
// abbreviation of zoneOffsets that the parser read as UTC: Go reads an
// abbreviation that the process's own time zone does not define with a
// zero offset. It was read so when t's clock in UTC is the clock written
// before the abbreviation ("09:00:00 EST" read as 09:00 UTC).
func zoned(t time.Time, raw string) time.Time {
	f := strings.Fields(raw)
	if len(f) < 2 {
		return t
	}
	h, ok := zoneOffsets[strings.ToUpper(f[len(f)-1])]
	clock := f[len(f)-2]
	if u := t.UTC(); !ok || (clock != u.Format("15:04:05") && clock != u.Format("15:04")) {
		return t
	}
	return t.Add(-time.Duration(h * float64(time.Hour)))
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

// personName is the first person's name, else e-mail address.
func personName(ps []*gofeed.Person) string {
	if len(ps) == 0 || ps[0] == nil {
		return ""
	}
	return textutil.PlainText(firstNonEmpty(ps[0].Name, ps[0].Email))
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
