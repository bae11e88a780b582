// Package x collects posts ("tweets") that match the brands through the X
// API v2 recent search (the last 7 days), with an app-only bearer token.
//
// It calls the API with plain net/http through the shared
// collectors.HTTPClient: michimani/gotwi is not available from the module
// proxy, and go-twitter speaks the closed v1.1 API.
package x

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// Type is the registered type name.
const Type = "x"

// DefaultBaseURL is the X API.
const DefaultBaseURL = "https://api.x.com"

// MaxQueryLen is the longest query the self-serve plans accept.
const MaxQueryLen = 512

// portal is where bearer tokens come from.
const portal = "https://developer.x.com/en/portal/dashboard"

// Fields asked for on every search.
const (
	tweetFields = "created_at,public_metrics,lang,author_id,note_tweet"
	userFields  = "username,public_metrics"
)

func init() {
	collectors.Register(Type, mw.SourceTraits{ReachWeight: 1.2}, func() collectors.Collector { return &X{} })
}

// X is one X recent-search source; the struct is its config.
type X struct {
	BearerToken     mw.Secret `yaml:"bearer_token"`     // app-only bearer token of a project app (developer portal)
	Query           string    `yaml:"query"`            // default: the brands' keywords OR-ed
	Lang            string    `yaml:"lang"`             // adds lang:<code> to the query
	ExcludeRetweets *bool     `yaml:"exclude_retweets"` // adds -is:retweet, default true
	MaxResults      int       `yaml:"max_results"`      // per page, 10..100, default 100
	MaxPages        int       `yaml:"max_pages"`        // per run, default 3
	BaseURL         string    `yaml:"base_url"`         // default https://api.x.com (tests)

	env   collectors.Env
	query string
}

var (
	_ collectors.Collector = (*X)(nil)
	_ collectors.Initer    = (*X)(nil)
)

// Init checks the config. It does not touch the network.
func (x *X) Init(env collectors.Env) error {
	x.env = env
	if x.BearerToken == "" {
		return fmt.Errorf("x needs bearer_token (the app-only bearer token of an app in a project: %s)", portal)
	}
	if x.MaxResults == 0 {
		x.MaxResults = 100
	}
	if x.MaxResults < 10 || x.MaxResults > 100 {
		return fmt.Errorf("max_results %d: the API takes 10 to 100", x.MaxResults)
	}
	if x.MaxPages <= 0 {
		x.MaxPages = 3
	}
	if x.BaseURL == "" {
		x.BaseURL = DefaultBaseURL
	}
	if _, err := url.ParseRequestURI(x.BaseURL); err != nil {
		return fmt.Errorf("invalid base_url %q: %w", x.BaseURL, err)
	}
	x.BaseURL = strings.TrimRight(x.BaseURL, "/")
	var filters string
	if x.ExcludeRetweets == nil || *x.ExcludeRetweets {
		filters += " -is:retweet"
	}
	if x.Lang != "" {
		filters += " lang:" + x.Lang
	}
	q := x.Query
	if q == "" {
		// Keywords match tokens and # only hashtags: a phrase's joined
		// form goes in as both ("kopikenangan OR #kopikenangan").
		group := func(q string) string {
			if strings.Contains(q, " OR ") {
				return "(" + q + ")"
			}
			return q
		}
		q = group(collectors.OrQuery{
			Sep:    " OR ",
			Term:   collectors.QuoteTerm,
			Joined: func(j string) []string { return []string{j, "#" + j} },
			Fits:   func(q string) bool { return len(group(q)+filters) <= MaxQueryLen },
		}.Build(collectors.SearchTerms(env.Brands), env.Log))
	}
	if q == "" {
		return errors.New("x needs a query or brands with keywords")
	}
	q += filters
	if len(q) > MaxQueryLen {
		return fmt.Errorf("the query is %d characters, above the %d the API accepts; set a shorter query", len(q), MaxQueryLen)
	}
	x.query = q
	return nil
}

// Collect searches newest first with since_id (cursor LastID, the newest
// tweet id read) and pages with next_token up to max_pages; older surplus
// is then skipped with a warning.
//
// The mark moves only when the run read every page it meant to. When a
// later page fails, or x-rate-limit-remaining reaches 0 before the last
// page, the tweets already read are returned and remembered in cursor Seen
// and the mark stays, so the next run re-reads the window without
// duplicates; running out of requests returns a 429 error that asks the
// scheduler to wait until x-rate-limit-reset.
func (x *X) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	next := cur.Clone()
	newest := cur.LastID
	var out []mw.Mention
	token := ""
	fail := func(err error) ([]mw.Mention, mw.Cursor, error) {
		for _, m := range out {
			next.Remember(m.NativeID)
		}
		return out, next, fmt.Errorf("x: searching %q: %w", x.query, err)
	}
	sinceID := cur.LastID
	var loop collectors.PageLoop
	for page := 0; page < x.MaxPages; page++ {
		p, hdr, err := x.search(ctx, sinceID, token)
		if err != nil && page == 0 && sinceID != "" && sinceIDTooOld(err) {
			// Recent search refuses a since_id older than its 7 days (the
			// source was stopped or failing for a week): read the whole
			// window instead; ids deduplicate what was read before.
			x.env.Log.Warn("since_id is older than recent search's 7 days; reading the last 7 days instead (posts from the gap before them cannot be fetched)", "since_id", sinceID)
			sinceID = ""
			p, hdr, err = x.search(ctx, sinceID, token)
		}
		if err != nil {
			return fail(err)
		}
		if why := loop.Repeats(p.Items); why != "" {
			x.env.Log.Warn(collectors.PageLoopMsg, "why", why)
			break
		}
		if CompareID(p.NewestID, newest) > 0 {
			newest = p.NewestID
		}
		for _, m := range p.Items {
			if next.HasSeen(m.NativeID) {
				continue
			}
			out = append(out, m)
			if m.Published.After(next.LastTime) {
				next.LastTime = m.Published
			}
		}
		if p.NextToken == "" {
			break
		}
		if why := loop.Cursor(p.NextToken); why != "" {
			x.env.Log.Warn(collectors.PageLoopMsg, "why", why)
			break
		}
		if page+1 == x.MaxPages {
			x.env.Log.Warn("more new posts than max_pages allows; older ones are skipped (raise max_pages or shorten the interval)", "max_pages", x.MaxPages)
			break
		}
		if hdr.Get("x-rate-limit-remaining") == "0" {
			return fail(x.exhausted(hdr, len(out)))
		}
		token = p.NextToken
	}
	next.LastID = newest
	next.Seen = nil // the window was read in full
	return out, next, nil
}

// exhausted is the error for a used-up rate-limit window: a 429 that
// carries the wait until x-rate-limit-reset.
func (x *X) exhausted(h http.Header, kept int) error {
	wait, asked := collectors.RateLimitWait(h, x.env.Now())
	if wait <= 0 {
		wait = time.Minute
	}
	return &collectors.HTTPError{Method: http.MethodGet, URL: x.BaseURL + "/2/tweets/search/recent", Status: http.StatusTooManyRequests,
		RetryAfter: wait.Round(time.Second), RetryAfterAsked: asked,
		Snippet: fmt.Sprintf("x-rate-limit-remaining is 0 before the last page; %d posts kept, the rest after the reset", kept)}
}

// sinceIDTooOld reports the 400 recent search answers for a since_id from
// before its 7-day window: {"errors":[{"parameters":{"since_id":[...]},
// "message":"Invalid 'since_id':'...'. 'since_id' must be a tweet id created
// after ..."}],"title":"Invalid Request",...}.
func sinceIDTooOld(err error) bool {
	var he *collectors.HTTPError
	return errors.As(err, &he) && he.Status == http.StatusBadRequest && strings.Contains(he.Snippet, "since_id")
}

func (x *X) search(ctx context.Context, sinceID, token string) (Page, http.Header, error) {
	v := url.Values{}
	v.Set("query", x.query)
	v.Set("max_results", strconv.Itoa(x.MaxResults))
	v.Set("tweet.fields", tweetFields)
	v.Set("expansions", "author_id")
	v.Set("user.fields", userFields)
	if sinceID != "" {
		v.Set("since_id", sinceID)
	}
	if token != "" {
		v.Set("next_token", token)
	}
	resp, err := x.env.HTTP.Get(ctx, x.BaseURL+"/2/tweets/search/recent?"+v.Encode(), http.Header{"Authorization": {"Bearer " + x.BearerToken.Value()}})
	if err != nil {
		if collectors.IsAuth(err) {
			return Page{}, nil, fmt.Errorf("the API refused bearer_token (check it at %s; recent search needs an app in a project on a plan that includes it): %w", portal, err)
		}
		return Page{}, nil, err
	}
	p, err := Parse(resp.Body)
	return p, resp.Header, err
}

// CompareID orders tweet ids (decimal snowflakes) by length, then bytes.
func CompareID(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
