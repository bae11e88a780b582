// Package bluesky collects Bluesky posts that match the brands through
// app.bsky.feed.searchPosts, with an app-password session
// (com.atproto.server.createSession) that is refreshed when it expires.
package bluesky

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// Type is the registered type name.
const Type = "bluesky"

// DefaultService is the PDS that hosts most accounts; it serves the
// session and proxies searchPosts to the Bluesky AppView.
const DefaultService = "https://bsky.social"

// appPasswordsPage is where app passwords come from.
const appPasswordsPage = "https://bsky.app/settings/app-passwords"

func init() {
	collectors.Register(Type, mw.SourceTraits{ReachWeight: 0.9}, func() collectors.Collector { return &Bluesky{} })
}

// Bluesky is one Bluesky search source; the struct is its config.
type Bluesky struct {
	Handle      string      `yaml:"handle"`       // the account that searches, e.g. acme.bsky.social (or its DID)
	AppPassword mw.Secret   `yaml:"app_password"` // an app password of that account, not its main password
	Query       string      `yaml:"query"`        // default: one search per brand keyword
	Lang        string      `yaml:"lang"`         // only posts in this language (e.g. id)
	Limit       int         `yaml:"limit"`        // posts per page, default and maximum 100
	MaxPages    int         `yaml:"max_pages"`    // per query and run, default 3
	Lookback    mw.Duration `yaml:"lookback"`     // first run: how far back, default 24h
	AuthorReach *bool       `yaml:"author_reach"` // fetch followers counts (getProfiles, 1 request per 25 authors), default true
	Service     string      `yaml:"service"`      // PDS base URL, default https://bsky.social

	env     collectors.Env
	queries []string
	reach   bool

	mu   sync.Mutex
	sess session
}

var (
	_ collectors.Collector = (*Bluesky)(nil)
	_ collectors.Initer    = (*Bluesky)(nil)
)

// Init checks the config. It does not touch the network.
func (b *Bluesky) Init(env collectors.Env) error {
	b.env = env
	b.Handle = strings.TrimPrefix(strings.TrimSpace(b.Handle), "@")
	if b.Handle == "" || b.AppPassword == "" {
		return fmt.Errorf("bluesky needs handle and app_password (create an app password at %s)", appPasswordsPage)
	}
	if b.Limit <= 0 {
		b.Limit = 100
	}
	if b.Limit > 100 {
		return fmt.Errorf("limit %d is above the API's maximum of 100", b.Limit)
	}
	if b.MaxPages <= 0 {
		b.MaxPages = 3
	}
	if b.Lookback <= 0 {
		b.Lookback = mw.Duration(24 * time.Hour)
	}
	b.reach = b.AuthorReach == nil || *b.AuthorReach
	if b.Service == "" {
		b.Service = DefaultService
	}
	u, err := url.Parse(b.Service)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("invalid service %q: want https://pds.example", b.Service)
	}
	b.Service = strings.TrimRight(b.Service, "/")
	b.queries = collectors.SearchQueries(b.Query, collectors.SearchTerms(env.Brands))
	if len(b.queries) == 0 {
		return errors.New("bluesky needs a query or brands with keywords")
	}
	return nil
}

// Collect runs each query from its own mark (cursor Extra "since:<query>",
// the newest indexedAt read, RFC 3339, less collectors.IndexLag) with sort=latest and
// returns the new posts, deduplicated across queries and runs (cursor
// Seen).
//
// Pages are read newest first until a post older than the mark, the end of
// the results, or max_pages (older surplus is then skipped with a
// warning). The mark moves only when a query completes; when a later page
// fails, the posts already read are returned and remembered in Seen, so the
// next run re-reads that window without duplicates. A 429 stops the run:
// the queries not yet read wait until the limit's reset.
func (b *Bluesky) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	next := cur.Clone()
	now := b.env.Now()
	var out []mw.Mention
	var firstErr error
	for _, q := range b.queries {
		key := "since:" + q
		mark, err := time.Parse(time.RFC3339Nano, next.Extra[key])
		mark = collectors.NotAfter(mark, now) // a mark saved in the future heals
		// Read back collectors.IndexLag: the search filters by sortAt, the
		// earlier of createdAt and indexedAt, so a post written before the mark
		// and indexed after the last run has a sortAt before the mark.
		from := mark.Add(-collectors.IndexLag)
		if err != nil {
			mark = now.Add(-time.Duration(b.Lookback)).UTC()
			from = mark
		}
		posts, newest, err := b.search(ctx, q, from, mark, now, &next)
		for _, p := range posts {
			next.Remember(p.NativeID)
			out = append(out, p)
			if p.Published.After(next.LastTime) {
				next.LastTime = p.Published
			}
		}
		if err != nil {
			if firstErr == nil || collectors.IsRateLimited(err) {
				firstErr = fmt.Errorf("bluesky: searching %q: %w", q, err) // a 429's wait reaches the scheduler
			}
			if collectors.IsAuth(err) || collectors.IsRateLimited(err) {
				break // the same session fails every query; the account's limit holds for all
			}
			continue
		}
		next.Extra[key] = newest.UTC().Format(time.RFC3339Nano)
	}
	// The posts of the queries that were read get their reach even when a
	// later query failed: they are not returned again, so reach missing
	// now is missing for good (and with it the high-reach alert). Only a
	// dead session or the rate limit, which would refuse getProfiles too,
	// leave it at 0.
	if b.reach && len(out) > 0 && !collectors.IsAuth(firstErr) && !collectors.IsRateLimited(firstErr) {
		b.addReach(ctx, out)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.After(out[j].Published) })
	return out, next, firstErr
}

// search reads the pages of one query whose sortAt is at or after since,
// skipping posts in cur.Seen. newest is the newest indexedAt read (mark if
// none is newer), never after now.
func (b *Bluesky) search(ctx context.Context, q string, since, mark, now time.Time, cur *mw.Cursor) (out []mw.Mention, newest time.Time, err error) {
	newest = mark
	cursor := ""
	var loop collectors.PageLoop
	for page := 0; page < b.MaxPages; page++ {
		v := url.Values{}
		v.Set("q", q)
		v.Set("sort", "latest")
		v.Set("since", since.Format(time.RFC3339Nano))
		v.Set("limit", strconv.Itoa(b.Limit))
		if b.Lang != "" {
			v.Set("lang", b.Lang)
		}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		body, err := b.xrpcGet(ctx, "app.bsky.feed.searchPosts", v)
		if err != nil {
			return out, newest, err
		}
		p, err := Parse(body)
		if err != nil {
			return out, newest, fmt.Errorf("page %d: %w", page, err)
		}
		if why := loop.Repeats(p.Items); why != "" {
			b.env.Log.Warn(collectors.PageLoopMsg, "query", q, "why", why)
			return out, newest, nil
		}
		reached := false
		for i, m := range p.Items {
			at := p.Indexed[i]
			if at.Before(since) {
				reached = true
				continue
			}
			if t := collectors.NotAfter(at, now); t.After(newest) {
				newest = t
			}
			if cur.HasSeen(m.NativeID) {
				continue
			}
			out = append(out, m)
		}
		if reached || p.Cursor == "" || p.N == 0 {
			return out, newest, nil
		}
		if why := loop.Cursor(p.Cursor); why != "" {
			b.env.Log.Warn(collectors.PageLoopMsg, "query", q, "why", why)
			return out, newest, nil
		}
		cursor = p.Cursor
		if page+1 == b.MaxPages {
			b.env.Log.Warn("more new posts than max_pages allows; older ones are skipped (raise max_pages or shorten the interval)", "query", q, "max_pages", b.MaxPages)
		}
	}
	return out, newest, nil
}

// addReach fills AuthorReach from app.bsky.actor.getProfiles (25 actors a
// request). It is best effort: a failed request is logged and leaves the
// reach of the authors it and later requests asked for at 0; the authors
// of the requests that answered keep theirs.
func (b *Bluesky) addReach(ctx context.Context, items []mw.Mention) {
	var actors []string
	seen := map[string]bool{}
	for _, m := range items {
		if a := m.Author; a != "" && !seen[a] {
			seen[a] = true
			actors = append(actors, a)
		}
	}
	followers := map[string]uint32{}
	for i := 0; i < len(actors); i += 25 {
		v := url.Values{"actors": actors[i:min(i+25, len(actors))]}
		body, err := b.xrpcGet(ctx, "app.bsky.actor.getProfiles", v)
		if err == nil {
			err = ParseProfiles(body, followers)
		}
		if err != nil {
			b.env.Log.Warn("author reach left at 0 for the authors not yet fetched: fetching profiles failed",
				"err", err, "authors_without_reach", len(actors)-i)
			break
		}
	}
	for i := range items {
		items[i].AuthorReach = followers[items[i].Author]
	}
}
