// Package mastodon collects Mastodon statuses that match the brands: the
// public hashtag timelines of one instance and, with an access token, its
// full-text status search.
//
// It decodes into github.com/mattn/go-mastodon's Status and Results types
// but calls the API through the shared collectors.HTTPClient: go-mastodon's
// own client retries 429 on its own schedule (ignoring Retry-After, for up
// to an hour), reads bodies without a size bound, bypasses the per-host rate
// limit, hides the HTTP status in a string error, and its Search cannot ask
// for type=statuses or min_id.
package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// Type is the registered type name.
const Type = "mastodon"

// MaxLimit is the API's largest page for timelines and search.
const MaxLimit = 40

func init() {
	collectors.Register(Type, mw.SourceTraits{ReachWeight: 0.9}, func() collectors.Collector { return &Mastodon{} })
}

// Mastodon is one instance's hashtag timelines and search; the struct is
// its config.
type Mastodon struct {
	Server      string    `yaml:"server"`       // instance base URL, e.g. https://mastodon.social (required)
	Hashtags    []string  `yaml:"hashtags"`     // default: the brands' keywords as hashtags ("acme store" → acmestore); [] for none
	Query       string    `yaml:"query"`        // search query (needs access_token); default: one search per brand keyword
	AccessToken mw.Secret `yaml:"access_token"` // optional: enables search (scope read:search or read); sent to the timelines too
	Search      *bool     `yaml:"search"`       // default true when access_token is set
	Local       bool      `yaml:"local"`        // hashtag timelines: only this instance's posts
	Limit       int       `yaml:"limit"`        // statuses per page, default and maximum 40
	MaxPages    int       `yaml:"max_pages"`    // per stream and run, default 3

	env     collectors.Env
	host    string
	streams []stream
}

// stream is one hashtag timeline or one search query, with its own mark.
type stream struct {
	key    string // cursor Extra key: "tag:<tag>" or "search:<q>"
	path   string // API path
	query  url.Values
	search bool
}

var (
	_ collectors.Collector = (*Mastodon)(nil)
	_ collectors.Initer    = (*Mastodon)(nil)
)

// Init checks the config. It does not touch the network.
func (m *Mastodon) Init(env collectors.Env) error {
	m.env = env
	if m.Server == "" {
		return errors.New("mastodon needs server, the instance's base URL (e.g. https://mastodon.social)")
	}
	u, err := url.Parse(m.Server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("invalid server %q: want https://instance.example", m.Server)
	}
	m.Server = strings.TrimRight(m.Server, "/")
	m.host = u.Hostname()
	if m.Limit <= 0 {
		m.Limit = MaxLimit
	}
	if m.Limit > MaxLimit {
		return fmt.Errorf("limit %d is above the API's maximum of %d", m.Limit, MaxLimit)
	}
	if m.MaxPages <= 0 {
		m.MaxPages = 3
	}
	terms := collectors.SearchTerms(env.Brands)
	tags := m.Hashtags
	if tags == nil { // hashtags: [] means none: search only
		tags = terms
	}
	m.streams = nil
	for _, t := range hashtags(tags) {
		q := url.Values{}
		if m.Local {
			q.Set("local", "true")
		}
		m.streams = append(m.streams, stream{key: "tag:" + t, path: "/api/v1/timelines/tag/" + url.PathEscape(t), query: q})
	}
	search := m.AccessToken != ""
	if m.Search != nil {
		if *m.Search && m.AccessToken == "" {
			return errors.New("search: true needs access_token (status search is for logged-in apps; create one at " + m.Server + "/settings/applications)")
		}
		search = *m.Search
	}
	if search {
		for _, q := range collectors.SearchQueries(m.Query, terms) {
			v := url.Values{"q": {q}, "type": {"statuses"}, "resolve": {"false"}}
			m.streams = append(m.streams, stream{key: "search:" + q, path: "/api/v2/search", query: v, search: true})
		}
	}
	if len(m.streams) == 0 {
		return errors.New("mastodon needs hashtags, a query with access_token, or brands with keywords")
	}
	return nil
}

// hashtags normalises tags: no '#', letters, digits and '_' only,
// lower case, distinct.
func hashtags(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range in {
		t = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
				return unicode.ToLower(r)
			}
			return -1
		}, t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// Collect reads every stream from its own mark (cursor Extra
// "tag:<tag>"/"search:<q>", the newest status id read).
//
// The first run of a stream reads its newest page only. Later runs of a
// hashtag timeline ask for the statuses immediately newer than the mark
// (min_id) and walk forward, page by page, up to max_pages: what is left is
// read by the next run, nothing is skipped. Because each page is contiguous
// with the mark, the mark moves with every page read, even when a later
// page fails. Search lists newest first whatever min_id says; see
// readSearch. Statuses found by two streams, or read twice, are returned
// once (cursor Seen). A 429 stops the run: the streams not yet read wait
// with the rest of the source until the instance's limit resets.
func (m *Mastodon) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	next := cur.Clone()
	var out []mw.Mention
	var firstErr error
	for _, s := range m.streams {
		items, err := m.read(ctx, s, &next)
		for _, it := range items {
			if next.HasSeen(it.NativeID) {
				continue
			}
			next.Remember(it.NativeID)
			out = append(out, it)
		}
		if err != nil {
			if firstErr == nil || collectors.IsRateLimited(err) {
				firstErr = err // a 429 is returned, so the scheduler waits until its reset
			}
			if collectors.IsAuth(err) || collectors.IsRateLimited(err) {
				break // the same token fails every stream; the instance's limit holds for all
			}
		}
	}
	for _, it := range out {
		if it.Published.After(next.LastTime) {
			next.LastTime = it.Published
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.After(out[j].Published) })
	return out, next, firstErr
}

// read fetches the pages of one stream newer than its mark and moves the
// mark in next.
func (m *Mastodon) read(ctx context.Context, s stream, next *mw.Cursor) ([]mw.Mention, error) {
	if s.search {
		return m.readSearch(ctx, s, next)
	}
	mark := next.Extra[s.key]
	var out []mw.Mention
	var loop collectors.PageLoop
	for page := 0; page < m.MaxPages; page++ {
		v := m.params(s, mark)
		p, err := m.get(ctx, s, v)
		if err != nil {
			return out, err
		}
		if why := loop.Repeats(p.Items); why != "" {
			m.env.Log.Warn(collectors.PageLoopMsg, "stream", s.key, "why", why)
			return out, nil
		}
		out = append(out, p.Items...)
		if p.MaxID != "" && CompareID(p.MaxID, mark) > 0 {
			mark = p.MaxID
			next.Extra[s.key] = mark
		}
		if v.Get("min_id") == "" || p.N < m.Limit {
			return out, nil // first run: the newest page only; or caught up
		}
		if page+1 == m.MaxPages {
			m.env.Log.Info("more new statuses than max_pages; the next run continues from here", "stream", s.key, "max_pages", m.MaxPages)
		}
	}
	return out, nil
}

// readSearch fetches the search results of one stream newer than its
// mark. Status search (Mastodon 4's StatusesSearchService) turns min_id
// into an "after:" filter on created_at and lists the newest matches
// first, by offset: a page with min_id is the newest limit statuses after
// the mark, not those just after it, so walking forward from that page's
// newest id (as on a timeline) would skip the ones in between. The pages
// go down from the newest by offset until one is short or max_pages is
// reached (older surplus is then skipped, with a warning), and the mark
// moves to the newest status only then; when a page fails it stays, and
// the statuses already read are told apart by cursor Seen.
func (m *Mastodon) readSearch(ctx context.Context, s stream, next *mw.Cursor) ([]mw.Mention, error) {
	mark := next.Extra[s.key]
	newest := mark
	var out []mw.Mention
	var loop collectors.PageLoop
	for page := 0; page < m.MaxPages; page++ {
		v := m.params(s, mark)
		if page > 0 {
			v.Set("offset", strconv.Itoa(page*m.Limit))
		}
		p, err := m.get(ctx, s, v)
		if err != nil {
			return out, err
		}
		if why := loop.Repeats(p.Items); why != "" {
			m.env.Log.Warn(collectors.PageLoopMsg, "stream", s.key, "why", why)
			break
		}
		out = append(out, p.Items...)
		if CompareID(p.MaxID, newest) > 0 {
			newest = p.MaxID
		}
		if mark == "" || p.N < m.Limit {
			break // first run: the newest page only; or all read
		}
		if page+1 == m.MaxPages {
			m.env.Log.Warn("more new statuses than max_pages allows; older ones are skipped (raise max_pages or shorten the interval)", "stream", s.key, "max_pages", m.MaxPages)
		}
	}
	if newest != "" {
		next.Extra[s.key] = newest
	}
	return out, nil
}

// params is the query of one page of stream s after mark ("" on the
// stream's first run).
func (m *Mastodon) params(s stream, mark string) url.Values {
	v := url.Values{}
	for k, vs := range s.query {
		v[k] = vs
	}
	v.Set("limit", strconv.Itoa(m.Limit))
	if mark != "" {
		v.Set("min_id", mark)
	}
	return v
}

func (m *Mastodon) get(ctx context.Context, s stream, v url.Values) (Page, error) {
	var h http.Header
	if m.AccessToken != "" {
		h = http.Header{"Authorization": {"Bearer " + m.AccessToken.Value()}}
	}
	what := "hashtag timeline #" + strings.TrimPrefix(s.key, "tag:")
	if s.search {
		what = fmt.Sprintf("search %q", v.Get("q"))
	}
	resp, err := m.env.HTTP.Get(ctx, m.Server+s.path+"?"+v.Encode(), h)
	if err != nil {
		if collectors.IsAuth(err) {
			if m.AccessToken == "" {
				return Page{}, fmt.Errorf("mastodon: %s: %s requires an access_token (create an application with scope read at %s/settings/applications): %w", what, m.host, m.Server, err)
			}
			return Page{}, fmt.Errorf("mastodon: %s: %s rejected the access_token (check it, and its read or read:search scope, at %s/settings/applications): %w", what, m.host, m.Server, err)
		}
		return Page{}, fmt.Errorf("mastodon: %s: %w", what, err)
	}
	var p Page
	if s.search {
		p, err = ParseSearch(resp.Body, m.host)
	} else {
		p, err = ParseTimeline(resp.Body, m.host)
	}
	if err != nil {
		return Page{}, fmt.Errorf("mastodon: %s: %w", what, err)
	}
	return p, nil
}

// CompareID orders Mastodon ids: numeric strings (snowflakes) by length,
// then bytes, which also orders the fixed-width ids of other servers.
func CompareID(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
