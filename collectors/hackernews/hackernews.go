// Package hackernews collects Hacker News stories and comments that match
// the brands, through the public Algolia HN search API (no credentials).
package hackernews

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// Type is the registered type name.
const Type = "hackernews"

// DefaultBaseURL is the Algolia HN API.
const DefaultBaseURL = "https://hn.algolia.com/api/v1"

func init() {
	collectors.Register(Type, mw.SourceTraits{ReachWeight: 1.1}, func() collectors.Collector { return &HackerNews{} })
}

// HackerNews is one HN search source; the struct is its config.
type HackerNews struct {
	Query       string      `yaml:"query"`         // explicit query; default: one search per brand keyword
	Tags        string      `yaml:"tags"`          // Algolia tags filter, default "(story,comment)"
	HitsPerPage int         `yaml:"hits_per_page"` // default 100 (API max 1000)
	MaxPages    int         `yaml:"max_pages"`     // per query and run, default 5
	Lookback    mw.Duration `yaml:"lookback"`      // first run: how far back, default 7d
	BaseURL     string      `yaml:"base_url"`      // default https://hn.algolia.com/api/v1 (tests)

	env     collectors.Env
	queries []string
}

var (
	_ collectors.Collector = (*HackerNews)(nil)
	_ collectors.Initer    = (*HackerNews)(nil)
)

// Init checks the config. It does not touch the network.
func (h *HackerNews) Init(env collectors.Env) error {
	h.env = env
	if h.Tags == "" {
		h.Tags = "(story,comment)"
	}
	if h.HitsPerPage <= 0 {
		h.HitsPerPage = 100
	}
	if h.HitsPerPage > 1000 {
		return fmt.Errorf("hits_per_page %d is above the API's maximum of 1000", h.HitsPerPage)
	}
	if h.MaxPages <= 0 {
		h.MaxPages = 5
	}
	if h.Lookback <= 0 {
		h.Lookback = mw.Duration(7 * 24 * time.Hour)
	}
	if h.BaseURL == "" {
		h.BaseURL = DefaultBaseURL
	}
	if _, err := url.ParseRequestURI(h.BaseURL); err != nil {
		return fmt.Errorf("invalid base_url %q: %w", h.BaseURL, err)
	}
	h.BaseURL = strings.TrimRight(h.BaseURL, "/")
	h.queries = collectors.SearchQueries(h.Query, collectors.SearchTerms(env.Brands))
	if len(h.queries) == 0 {
		return errors.New("hackernews needs a query or brands with keywords")
	}
	return nil
}

// Collect runs each query from its own high-water mark (cursor Extra
// "since:<query>", a created_at_i) and returns the new hits, newest first
// per query, deduplicated across queries.
//
// The API lists newest first, so the mark moves only when every page of a
// query was read (or the max_pages bound was reached, in which case older
// surplus hits are skipped with a warning). Each run asks from collectors.IndexLag
// before the mark, for hits indexed late; the hits returned are remembered
// in cursor Seen, so those read again are not returned twice. When a later
// page fails, the mark stays, so the next run re-reads that window without
// duplicates. A 429 stops the run: the queries not yet read wait until the
// limit resets.
func (h *HackerNews) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	next := cur.Clone()
	now := h.env.Now()
	var out []mw.Mention
	got := map[string]bool{}
	var firstErr error
	for _, q := range h.queries {
		key := "since:" + q
		since, _ := strconv.ParseInt(next.Extra[key], 10, 64)
		since = min(since, now.Unix()) // a mark saved in the future heals
		// Read back collectors.IndexLag: Algolia indexes a hit some time after it
		// is created, not in order, so created_at_i > mark missed late hits.
		from := since - int64(collectors.IndexLag/time.Second)
		if since == 0 {
			since = now.Add(-time.Duration(h.Lookback)).Unix()
			from = since
		}
		items, newest, err := h.search(ctx, q, from, since, now.Unix(), &next)
		for _, m := range items {
			if got[m.NativeID] {
				continue
			}
			got[m.NativeID] = true
			out = append(out, m)
			next.Remember(m.NativeID)
			if m.Published.After(next.LastTime) {
				next.LastTime = m.Published
			}
		}
		if err != nil {
			if firstErr == nil || collectors.IsRateLimited(err) {
				firstErr = fmt.Errorf("hackernews: searching %q: %w", q, err) // a 429's wait reaches the scheduler
			}
			if collectors.IsRateLimited(err) {
				break // Algolia's limit is per IP: the other queries wait until it resets
			}
			continue
		}
		next.Extra[key] = strconv.FormatInt(newest, 10) // since when none is newer
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.After(out[j].Published) })
	return out, next, firstErr
}

// search reads the pages of one query newer than since. It skips hits in
// cur.Seen (read before: in the overlap, or in a failed run). newest is the
// newest created_at_i read (mark if none is newer; a hit created after now
// does not move it past now).
func (h *HackerNews) search(ctx context.Context, q string, since, mark, now int64, cur *mw.Cursor) (items []mw.Mention, newest int64, err error) {
	newest = mark
	var loop collectors.PageLoop
	for page := 0; page < h.MaxPages; page++ {
		v := url.Values{}
		v.Set("query", q)
		v.Set("tags", h.Tags)
		v.Set("numericFilters", "created_at_i>"+strconv.FormatInt(since, 10))
		v.Set("hitsPerPage", strconv.Itoa(h.HitsPerPage))
		v.Set("page", strconv.Itoa(page))
		resp, err := h.env.HTTP.Get(ctx, h.BaseURL+"/search_by_date?"+v.Encode(), nil)
		if err != nil {
			return items, newest, err
		}
		ms, info, err := Parse(resp.Body)
		if err != nil {
			return items, newest, fmt.Errorf("page %d: %w", page, err)
		}
		if why := loop.Repeats(ms); why != "" {
			h.env.Log.Warn(collectors.PageLoopMsg, "query", q, "why", why)
			return items, newest, nil
		}
		for _, m := range ms {
			if t := min(m.Published.Unix(), now); t > newest {
				newest = t
			}
			if cur.HasSeen(m.NativeID) {
				continue
			}
			items = append(items, m)
		}
		if len(ms) == 0 || page+1 >= info.NbPages {
			return items, newest, nil
		}
		if page+1 == h.MaxPages {
			h.env.Log.Warn("more new hits than max_pages allows; older ones are skipped (raise max_pages or shorten the interval)",
				"query", q, "pages", info.NbPages, "max_pages", h.MaxPages)
		}
	}
	return items, newest, nil
}
