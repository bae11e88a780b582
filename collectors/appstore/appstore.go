// Package appstore collects Apple App Store customer reviews from the
// public per-country feed (no credentials):
// https://itunes.apple.com/{country}/rss/customerreviews/page={n}/id={app_id}/sortby=mostrecent/json
package appstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// Type is the registered type name.
const Type = "appstore"

// DefaultBaseURL is where the feeds live.
const DefaultBaseURL = "https://itunes.apple.com"

// MaxFeedPages is the feed's own limit: 10 pages of 50 reviews.
const MaxFeedPages = 10

func init() {
	collectors.Register(Type, mw.SourceTraits{ReachWeight: 1.3, OwnPage: true, Reviews: true}, func() collectors.Collector { return &AppStore{} })
}

// AppStore is one app's reviews source; the struct is its config.
type AppStore struct {
	AppID     string   `yaml:"app_id"`    // numeric id from the app's URL: apps.apple.com/us/app/acme/id123456789
	Country   string   `yaml:"country"`   // storefront, default us
	Countries []string `yaml:"countries"` // several storefronts (e.g. [us, id]); overrides country
	MaxPages  int      `yaml:"max_pages"` // per country and run, default 3, at most 10
	BaseURL   string   `yaml:"base_url"`  // default https://itunes.apple.com (tests)

	env collectors.Env
}

var (
	_ collectors.Collector = (*AppStore)(nil)
	_ collectors.Initer    = (*AppStore)(nil)
)

var (
	digits  = regexp.MustCompile(`^[0-9]+$`)
	country = regexp.MustCompile(`^[a-z]{2}$`)
)

// Init checks the config. It does not touch the network.
func (a *AppStore) Init(env collectors.Env) error {
	a.env = env
	a.AppID = strings.TrimPrefix(strings.TrimSpace(a.AppID), "id")
	if !digits.MatchString(a.AppID) {
		return errors.New("app_id is required: the digits after /id in the app's App Store URL (apps.apple.com/us/app/acme/id123456789 → 123456789)")
	}
	if len(a.Countries) == 0 {
		if a.Country == "" {
			a.Country = "us"
		}
		a.Countries = []string{a.Country}
	}
	for i, c := range a.Countries {
		c = strings.ToLower(strings.TrimSpace(c))
		if !country.MatchString(c) {
			return fmt.Errorf("country %q: want a two-letter storefront code such as us or id", c)
		}
		a.Countries[i] = c
	}
	if a.MaxPages <= 0 {
		a.MaxPages = 3
	}
	if a.MaxPages > MaxFeedPages {
		return fmt.Errorf("max_pages %d: the feed has at most %d pages", a.MaxPages, MaxFeedPages)
	}
	if a.BaseURL == "" {
		a.BaseURL = DefaultBaseURL
	}
	if _, err := url.ParseRequestURI(a.BaseURL); err != nil {
		return fmt.Errorf("invalid base_url %q: %w", a.BaseURL, err)
	}
	a.BaseURL = strings.TrimRight(a.BaseURL, "/")
	return nil
}

// ReadBack is how far before a storefront's mark (the newest review time
// seen) each run reads again. Apple's feed is cached and reviews pass
// moderation before they show, so a review can appear after a run with an
// updated time before the newest that run saw; stopping at the mark
// skipped it for good. The reviews returned are remembered (cursor Seen),
// so those read again in the overlap are not returned twice. The read is
// bounded by max_pages as before.
const ReadBack = 24 * time.Hour

// Collect reads each storefront's most recent reviews, newest first, until
// it reaches reviews it has already seen (cursor Extra "since:<country>",
// the newest review time, less ReadBack, and "lastid:<country>", the
// highest review id, for entries without a date) or max_pages. The reviews
// returned are remembered in cursor Seen: those read again (in the
// overlap, or after a later page failed, when the mark stays) are not
// returned twice. A 429 stops the run: the storefronts not yet read wait
// until the limit resets.
func (a *AppStore) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	next := cur.Clone()
	var out []mw.Mention
	var firstErr error
	for _, c := range a.Countries {
		key, idKey := "since:"+c, "lastid:"+c
		var since time.Time
		if v := next.Extra[key]; v != "" {
			since, _ = time.Parse(time.RFC3339, v)
		}
		since = collectors.NotAfter(since, a.env.Now().UTC()) // a mark saved in the future heals
		items, newest, newestID, err := a.country(ctx, c, since, next.Extra[idKey], &next)
		out = append(out, items...)
		for _, m := range items {
			next.Remember(m.NativeID)
			if m.Published.After(next.LastTime) {
				next.LastTime = m.Published
			}
		}
		if err != nil {
			if firstErr == nil || collectors.IsRateLimited(err) {
				firstErr = fmt.Errorf("appstore: app %s, storefront %s: %w", a.AppID, c, err) // a 429's wait reaches the scheduler
			}
			if collectors.IsRateLimited(err) {
				break // every storefront is on the same host and limit
			}
			continue
		}
		if !newest.IsZero() {
			next.Extra[key] = newest.Format(time.RFC3339) // since when none is newer
		}
		if newestID != "" {
			next.Extra[idKey] = newestID
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.After(out[j].Published) })
	return out, next, firstErr
}

// country reads one storefront's pages, newest first, until it reaches a
// review at or before the marks: ReadBack before since (the newest review
// time seen) for dated reviews, lastID (the highest review id seen; ids grow with time)
// for entries without "updated", which the older feed shape omits. Those
// get the collection time as their published time. It returns the new
// marks.
func (a *AppStore) country(ctx context.Context, c string, since time.Time, lastID string, cur *mw.Cursor) (items []mw.Mention, newest time.Time, newestID string, err error) {
	newest, newestID = since, lastID
	now := a.env.Now().UTC()
	from := since
	if !since.IsZero() {
		from = since.Add(-ReadBack)
	}
	var loop collectors.PageLoop
	for page := 1; page <= a.MaxPages; page++ {
		u := a.BaseURL + "/" + c + "/rss/customerreviews/page=" + strconv.Itoa(page) + "/id=" + a.AppID + "/sortby=mostrecent/json"
		resp, err := a.env.HTTP.Get(ctx, u, nil)
		if err != nil {
			return items, newest, newestID, err
		}
		p, err := Parse(resp.Body, c, a.AppID)
		if err != nil {
			return items, newest, newestID, fmt.Errorf("page %d: %w", page, err)
		}
		if why := loop.Repeats(p.Items); why != "" {
			a.env.Log.Warn(collectors.PageLoopMsg, "storefront", c, "why", why)
			break
		}
		reached := false
		for _, m := range p.Items {
			id := strings.TrimPrefix(m.NativeID, c+":")
			dated := !m.Published.IsZero()
			if (dated && !from.IsZero() && !m.Published.After(from)) || (!dated && idAtOrBefore(id, lastID)) {
				reached = true
				continue
			}
			if !dated {
				m.Published = now
			} else if t := collectors.NotAfter(m.Published, now); t.After(newest) {
				newest = t
			}
			if !idAtOrBefore(id, newestID) {
				newestID = id
			}
			if cur.HasSeen(m.NativeID) {
				continue
			}
			items = append(items, m)
		}
		if reached || len(p.Items) == 0 || (p.LastPage > 0 && page >= p.LastPage) {
			break
		}
	}
	return items, newest, newestID, nil
}

// idAtOrBefore reports whether review id is a number no greater than mark
// (both decimal strings, compared without overflow). A non-numeric id, or
// no mark, is never before it.
func idAtOrBefore(id, mark string) bool {
	if mark == "" || !digits.MatchString(id) || !digits.MatchString(mark) {
		return false
	}
	id, mark = strings.TrimLeft(id, "0"), strings.TrimLeft(mark, "0")
	if len(id) != len(mark) {
		return len(id) < len(mark)
	}
	return id <= mark
}
