// Package reddit collects Reddit posts (and, where the API returns them,
// comments) that match the brands, through the OAuth search API with an
// app-only token (client credentials).
package reddit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// Type is the registered type name.
const Type = "reddit"

// Default endpoints.
const (
	DefaultTokenURL = "https://www.reddit.com/api/v1/access_token"
	DefaultAPIURL   = "https://oauth.reddit.com"
)

// MaxQueryLen is the longest q the search API reads (its documentation:
// "a string no longer than 512 characters").
const MaxQueryLen = 512

// appsPage is where credentials come from.
const appsPage = "https://www.reddit.com/prefs/apps"

func init() {
	collectors.Register(Type, mw.SourceTraits{ReachWeight: 1.0}, func() collectors.Collector { return &Reddit{} })
}

// Reddit is one Reddit search source; the struct is its config.
type Reddit struct {
	ClientID     mw.Secret `yaml:"client_id"`     // from a "script" or "web" app at https://www.reddit.com/prefs/apps
	ClientSecret mw.Secret `yaml:"client_secret"` // its secret
	Username     string    `yaml:"username"`      // your Reddit username, for the User-Agent Reddit requires
	UserAgent    string    `yaml:"user_agent"`    // full override: <platform>:<app id>:<version> (by /u/<username>)
	Query        string    `yaml:"query"`         // default: the brands' keywords, OR-ed
	Subreddits   []string  `yaml:"subreddits"`    // restrict the search to these (without r/)
	Type         string    `yaml:"type"`          // link (default) or link,comment where the API allows
	MaxPages     int       `yaml:"max_pages"`     // per run, default 3 (100 items each)
	TokenURL     string    `yaml:"token_url"`     // default https://www.reddit.com/api/v1/access_token (tests)
	APIURL       string    `yaml:"api_url"`       // default https://oauth.reddit.com (tests)

	env      collectors.Env
	query    string
	disabled bool
	warnOnce sync.Once

	mu      sync.Mutex
	token   string
	expires time.Time
}

var (
	_ collectors.Collector = (*Reddit)(nil)
	_ collectors.Initer    = (*Reddit)(nil)
)

// Init checks the config. With no credentials at all the source is
// disabled: Init succeeds, logs a warning, and Collect returns nothing
// without touching the network (so a shared config can list it before the
// app is registered). With only one of the two it fails.
func (r *Reddit) Init(env collectors.Env) error {
	r.env = env
	switch {
	case r.ClientID == "" && r.ClientSecret == "":
		r.disabled = true
		env.Log.Warn("reddit source disabled: set client_id and client_secret (create an app at " + appsPage + ")")
	case r.ClientID == "" || r.ClientSecret == "":
		return fmt.Errorf("reddit needs both client_id and client_secret (from %s); one is empty", appsPage)
	}
	if r.UserAgent == "" {
		r.UserAgent = "server:mentionwatch:v1 (+https://github.com/mentionwatch/mentionwatch)"
		if r.Username != "" {
			r.UserAgent = "server:mentionwatch:v1 (by /u/" + strings.TrimPrefix(strings.TrimPrefix(r.Username, "/u/"), "u/") + ")"
		}
	}
	switch r.Type {
	case "":
		r.Type = "link"
	case "link", "comment", "link,comment":
	default:
		return fmt.Errorf("type %q: want link, comment or link,comment", r.Type)
	}
	if r.MaxPages <= 0 {
		r.MaxPages = 3
	}
	for i, s := range r.Subreddits {
		r.Subreddits[i] = strings.TrimPrefix(strings.TrimPrefix(s, "/r/"), "r/")
	}
	for _, u := range []*string{&r.TokenURL, &r.APIURL} {
		if *u == "" {
			continue
		}
		if _, err := url.ParseRequestURI(*u); err != nil {
			return fmt.Errorf("invalid url %q: %w", *u, err)
		}
	}
	if r.TokenURL == "" {
		r.TokenURL = DefaultTokenURL
	}
	if r.APIURL == "" {
		r.APIURL = DefaultAPIURL
	}
	r.APIURL = strings.TrimRight(r.APIURL, "/")
	r.query = r.Query
	if r.query == "" {
		r.query = collectors.OrQuery{
			Sep:    " OR ",
			Term:   func(t string) string { return collectors.QuoteTerm(strings.TrimLeft(t, "#@")) },
			Joined: func(j string) []string { return []string{j} },
			Fits:   func(q string) bool { return len(q) <= MaxQueryLen },
		}.Build(collectors.SearchTerms(env.Brands), env.Log)
	}
	if len(r.query) > MaxQueryLen {
		env.Log.Warn("the search query is longer than the 512 characters Reddit reads; set a shorter query or split the brands over two reddit sources", "length", len(r.query))
	}
	if r.query == "" {
		return errors.New("reddit needs a query or brands with keywords")
	}
	return nil
}

// Collect searches newest first and pages with "after" until it reaches
// items older than collectors.IndexLag before the cursor's high-water mark (LastTime)
// or max_pages; those read again in the overlap are told apart by Seen.
// When a later page fails, the items already read are returned and
// remembered in cursor Seen while the mark stays, so the next run re-reads
// the window without duplicates.
func (r *Reddit) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	if r.disabled {
		r.warnOnce.Do(func() {
			r.env.Log.Warn("reddit source disabled: no client_id/client_secret; nothing collected (create an app at " + appsPage + ")")
		})
		return nil, cur, nil
	}
	next := cur.Clone()
	now := r.env.Now()
	since := collectors.NotAfter(cur.LastTime, now) // a mark saved in the future heals
	// Read back collectors.IndexLag: search lists a post some time after it
	// is made, not in order, and created_utc has whole seconds.
	from := since.Add(-collectors.IndexLag)
	newest := since
	var out, window []mw.Mention
	after := ""
	var loop collectors.PageLoop
	for page := 0; page < r.MaxPages; page++ {
		p, err := r.search(ctx, after)
		if err != nil {
			for _, m := range out {
				next.Remember(m.NativeID)
			}
			return out, next, fmt.Errorf("reddit: searching %q: %w", r.query, err)
		}
		if why := loop.Repeats(p.Items); why != "" {
			r.env.Log.Warn(collectors.PageLoopMsg, "why", why, "after", after)
			break
		}
		reached := false
		for _, m := range p.Items {
			if !since.IsZero() && m.Published.Before(from) {
				reached = true
				continue
			}
			if t := collectors.NotAfter(m.Published, now); t.After(newest) {
				newest = t
			}
			window = append(window, m)
			if next.HasSeen(m.NativeID) {
				continue
			}
			out = append(out, m)
		}
		if reached || p.After == "" || len(p.Items) == 0 {
			break
		}
		if why := loop.Cursor(p.After); why != "" {
			r.env.Log.Warn(collectors.PageLoopMsg, "why", why)
			break
		}
		after = p.After
		if page+1 == r.MaxPages {
			r.env.Log.Warn("more new posts than max_pages allows; older ones are skipped (raise max_pages or shorten the interval)", "max_pages", r.MaxPages)
		}
	}
	next.LastTime = newest
	// The window was read in full: what the next run must not return
	// again is what it reads again, the items within collectors.IndexLag of the mark.
	next.Seen = nil
	for _, m := range window {
		if !m.Published.Before(newest.Add(-collectors.IndexLag)) {
			next.Remember(m.NativeID)
		}
	}
	return out, next, nil
}

// search fetches one page, getting or refreshing the token as needed and
// retrying once with a fresh token on 401.
func (r *Reddit) search(ctx context.Context, after string) (Page, error) {
	v := url.Values{}
	v.Set("q", r.query)
	v.Set("sort", "new")
	v.Set("limit", "100")
	v.Set("type", r.Type)
	v.Set("raw_json", "1")
	if after != "" {
		v.Set("after", after)
	}
	path := "/search"
	if len(r.Subreddits) > 0 {
		path = "/r/" + url.PathEscape(strings.Join(r.Subreddits, "+")) + "/search"
		v.Set("restrict_sr", "1")
	}
	u := r.APIURL + path + "?" + v.Encode()
	for attempt := 0; ; attempt++ {
		tok, err := r.accessToken(ctx)
		if err != nil {
			return Page{}, err
		}
		resp, err := r.env.HTTP.Get(ctx, u, r.header("bearer "+tok))
		if err != nil {
			var he *collectors.HTTPError
			if errors.As(err, &he) && he.Status == 401 && attempt == 0 {
				r.dropToken() // expired or revoked early: refresh once
				continue
			}
			if reason := closedReason(err); reason != "" && len(r.Subreddits) > 0 {
				// Not the credentials: a subreddit went private (the 2023
				// blackouts closed thousands for days), was quarantined or
				// gated. Reported without the 403, so the source is retried
				// with backoff instead of stopped as if its app were bad.
				return Page{}, fmt.Errorf("reddit refuses the listing of r/%s: a subreddit there is %s; remove it from subreddits or wait until it reopens (%s %s: HTTP 403: %s)",
					strings.Join(r.Subreddits, "+"), collectors.ServerText(reason), he.Method, he.URL, he.Snippet)
			}
			if collectors.IsAuth(err) {
				return Page{}, fmt.Errorf("the API refused the token of client_id/client_secret (check the app at %s and that it is not banned): %w", appsPage, err)
			}
			return Page{}, err
		}
		p, err := Parse(resp.Body)
		if err != nil {
			return Page{}, err
		}
		return p, nil
	}
}

// closedReason is the "reason" of a 403 Reddit gives for a subreddit
// closed to the app rather than for its credentials:
// {"reason": "private", "message": "Forbidden", "error": 403}, or
// "quarantined", "gated", "banned". "" for any other error.
func closedReason(err error) string {
	var he *collectors.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusForbidden {
		return ""
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if json.Unmarshal([]byte(he.Snippet), &body) != nil {
		return ""
	}
	return body.Reason
}

func (r *Reddit) header(auth string) map[string][]string {
	return map[string][]string{"Authorization": {auth}, "User-Agent": {r.UserAgent}}
}

func (r *Reddit) dropToken() {
	r.mu.Lock()
	r.token = ""
	r.mu.Unlock()
}
