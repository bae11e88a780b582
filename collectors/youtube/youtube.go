// Package youtube collects YouTube comments through the Data API v3 with an
// API key: the comment threads on one channel's videos, or on the newest
// videos that match the brands.
package youtube

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// Type is the registered type name.
const Type = "youtube"

// DefaultBaseURL is the Data API v3.
const DefaultBaseURL = "https://www.googleapis.com/youtube/v3"

// credentialsPage is where API keys come from.
const credentialsPage = "https://console.cloud.google.com/apis/credentials"

// Quota costs in units, and the API's default daily quota.
const (
	costSearch = 100
	costList   = 1
	dailyQuota = 10_000
)

func init() {
	collectors.Register(Type, mw.SourceTraits{ReachWeight: 1.2}, func() collectors.Collector { return &YouTube{} })
}

// YouTube is one YouTube comments source; the struct is its config.
type YouTube struct {
	APIKey    mw.Secret   `yaml:"api_key"`    // a Data API v3 key (Google Cloud console)
	ChannelID string      `yaml:"channel_id"` // UC...: comments on this channel's videos; else search mode
	Query     string      `yaml:"query"`      // search mode: videos matching this; default: the brands' keywords
	Lang      string      `yaml:"lang"`       // search mode: relevanceLanguage (e.g. id)
	MaxVideos int         `yaml:"max_videos"` // search mode: newest matching videos read, default 5, at most 50
	MaxPages  int         `yaml:"max_pages"`  // comment pages (100 threads) per channel or video and run, default 2
	Lookback  mw.Duration `yaml:"lookback"`   // first run: how far back, default 7d
	BaseURL   string      `yaml:"base_url"`   // default https://www.googleapis.com/youtube/v3 (tests)

	env   collectors.Env
	query string
}

var (
	_ collectors.Collector = (*YouTube)(nil)
	_ collectors.Initer    = (*YouTube)(nil)
)

// Init checks the config. It does not touch the network.
func (y *YouTube) Init(env collectors.Env) error {
	y.env = env
	if y.APIKey == "" {
		return fmt.Errorf("youtube needs api_key (a YouTube Data API v3 key: %s)", credentialsPage)
	}
	if y.ChannelID != "" && (!strings.HasPrefix(y.ChannelID, "UC") || len(y.ChannelID) != 24) {
		return fmt.Errorf("channel_id %q: want the 24-character id that starts with UC (not the @handle)", y.ChannelID)
	}
	if y.MaxVideos == 0 {
		y.MaxVideos = 5
	}
	if y.MaxVideos < 1 || y.MaxVideos > 50 {
		return fmt.Errorf("max_videos %d: want 1 to 50", y.MaxVideos)
	}
	if y.MaxPages <= 0 {
		y.MaxPages = 2
	}
	if y.Lookback <= 0 {
		y.Lookback = mw.Duration(7 * 24 * time.Hour)
	}
	if y.BaseURL == "" {
		y.BaseURL = DefaultBaseURL
	}
	if _, err := url.ParseRequestURI(y.BaseURL); err != nil {
		return fmt.Errorf("invalid base_url %q: %w", y.BaseURL, err)
	}
	y.BaseURL = strings.TrimRight(y.BaseURL, "/")
	if y.ChannelID == "" {
		y.query = y.Query
		if y.query == "" {
			// One search.list call ORs every term with |, so a phrase's
			// joined form costs no quota (docs/SOURCES.md, youtube).
			y.query = collectors.OrQuery{
				Sep:    "|", // the API's OR
				Term:   func(t string) string { return collectors.QuoteTerm(strings.TrimSpace(strings.TrimLeft(t, "#@"))) },
				Joined: func(j string) []string { return []string{j} },
			}.Build(collectors.SearchTerms(env.Brands), env.Log)
		}
		if y.query == "" {
			return errors.New("youtube needs channel_id, a query or brands with keywords")
		}
	}
	if perDay := y.QuotaPerRun() * int(24*time.Hour/max(env.Interval, time.Minute)); perDay > dailyQuota {
		env.Log.Warn("youtube: at this interval the runs can use more than the API's default daily quota; past it every run fails until midnight Pacific time (set interval: 1h, lower max_videos or max_pages, or ask Google for more quota)",
			"units_per_day", perDay, "daily_quota", dailyQuota, "units_per_run", y.QuotaPerRun(), "interval", env.Interval.String())
	}
	return nil
}

// QuotaPerRun is the most quota units one run can use: 1 per comment page,
// plus 100 for the video search in search mode.
func (y *YouTube) QuotaPerRun() int {
	if y.ChannelID != "" {
		return y.MaxPages * costList
	}
	return costSearch + y.MaxVideos*y.MaxPages*costList
}

// target is one comment thread list: a channel's, or one video's.
type target struct {
	param, id string // allThreadsRelatedToChannelId or videoId
	title     string // the video's title, for the mentions' title
}

// Collect reads the comment threads newer than the cursor's high-water
// mark (LastTime, the newest publishedAt read; the first run looks back
// lookback), newest first, up to max_pages per list, and returns them
// newest first.
//
// The mark moves only when every list was read; when one fails, the
// comments already read are returned and remembered in cursor Seen and the
// mark stays, so the next run re-reads the window without duplicates.
// Comments published at the mark itself are told apart by Seen.
func (y *YouTube) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	next := cur.Clone()
	now := y.env.Now().UTC()
	since := collectors.NotAfter(cur.LastTime, now) // a mark saved in the future heals
	if since.IsZero() {
		since = now.Add(-time.Duration(y.Lookback))
	}
	units := 0
	defer func() { y.env.Log.Debug("youtube quota used", "units", units, "bound", y.QuotaPerRun()) }()
	var targets []target
	if y.ChannelID != "" {
		targets = []target{{param: "allThreadsRelatedToChannelId", id: y.ChannelID}}
	} else {
		vs, err := y.videos(ctx)
		units += costSearch
		if err != nil {
			return nil, cur, err
		}
		targets = vs
	}
	var out []mw.Mention
	newest := since
	var firstErr error
	for _, t := range targets {
		items, n, err := y.threads(ctx, t, since, &next)
		units += n
		for _, m := range items {
			out = append(out, m)
			if t := collectors.NotAfter(m.Published, now); t.After(newest) {
				newest = t
			}
		}
		if err != nil {
			firstErr = err
			break // quota, credentials or an outage: the other lists would fail alike
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.After(out[j].Published) })
	for _, m := range out {
		next.Remember(m.NativeID)
	}
	if firstErr == nil {
		next.LastTime = newest
	}
	return out, next, firstErr
}

// videos finds the newest videos that match the query (search.list, 100
// units).
func (y *YouTube) videos(ctx context.Context) ([]target, error) {
	v := url.Values{}
	v.Set("part", "snippet")
	v.Set("q", y.query)
	v.Set("type", "video")
	v.Set("order", "date")
	v.Set("maxResults", strconv.Itoa(y.MaxVideos))
	if y.Lang != "" {
		v.Set("relevanceLanguage", y.Lang)
	}
	body, err := y.get(ctx, "search", v)
	if err != nil {
		return nil, fmt.Errorf("youtube: searching videos for %q: %w", y.query, err)
	}
	vs, err := ParseSearch(body)
	if err != nil {
		return nil, fmt.Errorf("youtube: searching videos for %q: %w", y.query, err)
	}
	if len(vs) > y.MaxVideos {
		vs = vs[:y.MaxVideos] // more than asked for: keep the quota bound
	}
	out := make([]target, 0, len(vs))
	for _, v := range vs {
		out = append(out, target{param: "videoId", id: v.ID, title: v.Title})
	}
	return out, nil
}

// threads reads one list's comment threads published at or after since,
// skipping those in cur.Seen. n is the quota units used.
func (y *YouTube) threads(ctx context.Context, t target, since time.Time, cur *mw.Cursor) (out []mw.Mention, n int, err error) {
	token := ""
	var loop collectors.PageLoop
	for page := 0; page < y.MaxPages; page++ {
		v := url.Values{}
		v.Set("part", "snippet")
		v.Set(t.param, t.id)
		v.Set("order", "time")
		v.Set("maxResults", "100")
		v.Set("textFormat", "html")
		if token != "" {
			v.Set("pageToken", token)
		}
		body, err := y.get(ctx, "commentThreads", v)
		n += costList
		if err != nil {
			switch {
			case t.param != "videoId" && notFound(err):
				// The source's one list: skipped, the source would collect
				// nothing on every run without a word.
				return out, n, fmt.Errorf("youtube: channel_id %s was not found (check it: the UC... id of the channel, not its @handle; a deleted or terminated channel has none): %w", t.id, err)
			case skippable(err):
				y.env.Log.Info("youtube comments unavailable; skipped", t.param, t.id, "err", err)
				return out, n, nil
			}
			return out, n, fmt.Errorf("youtube: reading comments of %s %s: %w", t.param, t.id, err)
		}
		p, err := ParseThreads(body, t.title)
		if err != nil {
			return out, n, fmt.Errorf("youtube: reading comments of %s %s: %w", t.param, t.id, err)
		}
		if why := loop.Repeats(p.Items); why != "" {
			y.env.Log.Warn(collectors.PageLoopMsg, t.param, t.id, "why", why)
			return out, n, nil
		}
		reached := false
		for _, m := range p.Items {
			if m.Published.Before(since) {
				reached = true
				continue
			}
			if cur.HasSeen(m.NativeID) {
				continue
			}
			out = append(out, m)
		}
		if reached || p.NextPageToken == "" || p.N == 0 {
			return out, n, nil
		}
		if why := loop.Cursor(p.NextPageToken); why != "" {
			y.env.Log.Warn(collectors.PageLoopMsg, t.param, t.id, "why", why)
			return out, n, nil
		}
		token = p.NextPageToken
		if page+1 == y.MaxPages {
			y.env.Log.Warn("more new comments than max_pages allows; older ones are skipped (raise max_pages or shorten the interval)", t.param, t.id, "max_pages", y.MaxPages)
		}
	}
	return out, n, nil
}

// get calls one API method and turns the API's error reasons into what the
// scheduler acts on: a bad key is an auth error (the source stops), a spent
// daily quota waits until it resets (midnight Pacific time).
func (y *YouTube) get(ctx context.Context, method string, v url.Values) ([]byte, error) {
	v.Set("key", y.APIKey.Value())
	resp, err := y.env.HTTP.Get(ctx, y.BaseURL+"/"+method+"?"+v.Encode(), http.Header{"Accept": {"application/json"}})
	if err == nil {
		return resp.Body, nil
	}
	var he *collectors.HTTPError
	if !errors.As(err, &he) {
		return nil, err
	}
	switch {
	case he.Status == http.StatusForbidden && perMinute(he.Snippet):
		return nil, &collectors.HTTPError{Method: he.Method, URL: he.URL, Status: http.StatusTooManyRequests, RetryAfter: time.Minute,
			Snippet: "the project's per-minute limit was reached (rateLimitExceeded; it frees up within a minute; lower max_videos/max_pages if it recurs): " + he.Snippet}
	case he.Status == http.StatusForbidden && strings.Contains(he.Snippet, "quota"):
		return nil, &collectors.HTTPError{Method: he.Method, URL: he.URL, Status: http.StatusTooManyRequests, RetryAfter: untilQuotaReset(y.env.Now()),
			Snippet: "daily quota exceeded (quotaExceeded; it resets at midnight Pacific time; lower max_videos/max_pages or lengthen the interval): " + he.Snippet}
	case he.Status == http.StatusBadRequest && (strings.Contains(he.Snippet, "API key") || strings.Contains(he.Snippet, "API_KEY")):
		he = &collectors.HTTPError{Method: he.Method, URL: he.URL, Status: http.StatusUnauthorized, Snippet: "HTTP 400: " + he.Snippet}
		fallthrough
	case collectors.IsAuth(he) && !skippable(he):
		return nil, fmt.Errorf("the API refused api_key (check the key and that YouTube Data API v3 is enabled for its project at %s): %w", credentialsPage, he)
	}
	return nil, err
}

// perMinute reports a 403 for a short-term limit rather than the daily
// quota: the reasons rateLimitExceeded and userRateLimitExceeded, or
// Google Cloud's "Quota exceeded for quota metric ... per minute".
func perMinute(body string) bool {
	return strings.Contains(body, "rateLimitExceeded") || strings.Contains(body, "RateLimitExceeded") ||
		strings.Contains(body, "per minute") || strings.Contains(body, "per user per 100 seconds")
}

// skippable reports an error about one video, not the source: comments
// disabled (403 commentsDisabled), or the video gone (404 videoNotFound).
// The error keeps only the start of the body, where the reason may be cut
// off; the commentsDisabled message links the videoId parameter early.
func skippable(err error) bool {
	var he *collectors.HTTPError
	if !errors.As(err, &he) {
		return false
	}
	if notFound(he) {
		return true
	}
	return he.Status == http.StatusForbidden && (strings.Contains(he.Snippet, "commentsDisabled") ||
		strings.Contains(he.Snippet, "disabled comments") || strings.Contains(he.Snippet, "list#videoId"))
}

// notFound reports a 404: channelNotFound, videoNotFound.
func notFound(err error) bool {
	var he *collectors.HTTPError
	return errors.As(err, &he) && he.Status == http.StatusNotFound
}

// untilQuotaReset is the time until the next midnight in Pacific time.
func untilQuotaReset(now time.Time) time.Duration {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		loc = time.FixedZone("PST", -8*3600)
	}
	t := now.In(loc)
	midnight := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
	return midnight.Sub(now).Round(time.Second)
}
