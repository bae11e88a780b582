package collectors

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/temoto/robotstxt"
	"golang.org/x/time/rate"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/internal/retryafter"
)

// DefaultUserAgent identifies mentionwatch to the sites it reads.
const DefaultUserAgent = "mentionwatch/1 (+https://github.com/mentionwatch/mentionwatch)"

// robotsAgent is the product token matched against robots.txt groups.
const robotsAgent = "mentionwatch"

// ErrBodyTooLarge is returned when a response (after decompression) is
// larger than the configured maximum.
var ErrBodyTooLarge = errors.New("response body too large")

// maxHeaderBytes bounds a response's headers (net/http allows 10 MiB).
const maxHeaderBytes = 1 << 20

// maxValidator bounds an ETag or Last-Modified kept for conditional GET:
// a source keeps them in its cursor and sends them back on every run, so
// a server must not make them megabytes. A longer one is not kept (the
// next fetch is unconditional).
const maxValidator = 1024

// ErrRobots is returned when robots.txt disallows a page.
var ErrRobots = errors.New("disallowed by robots.txt")

// HTTPError is a response with a status a collector cannot use.
type HTTPError struct {
	Method     string
	URL        string // secrets in the query are masked
	Status     int
	RetryAfter time.Duration // from Retry-After (or x-rate-limit-reset), 0 if none
	// RetryAfterAsked is the header that asked for a wait longer than
	// MaxRetryAfter ("Retry-After: 31536000"), cut to RetryAfter; "" when
	// none was cut.
	RetryAfterAsked string
	Snippet         string // start of the body, for the log
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		msg += " (check the source's credentials)"
	}
	switch {
	case e.RetryAfter > 0 && e.RetryAfterAsked != "":
		msg += fmt.Sprintf(" (retry after %s, the longest wait honoured: the service asked for longer, %s; if it still refuses then, check its status or quota)", e.RetryAfter, e.RetryAfterAsked)
	case e.RetryAfter > 0:
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	if e.Snippet != "" {
		msg += ": " + e.Snippet
	}
	return msg
}

// IsAuth reports whether err is a 401 or 403: the source's credentials are
// missing or wrong, and retrying will not help.
func IsAuth(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && (he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden)
}

// IsRateLimited reports whether err is a 429: the service asks us to wait
// (until RetryAfter, when it said). A collector that reads several
// queries, streams or storefronts from one service stops at the first 429
// instead of sending the rest into the same limit.
func IsRateLimited(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Status == http.StatusTooManyRequests
}

// RetryAfter returns how long the service asked us to wait, if it did.
func RetryAfter(err error) (time.Duration, bool) {
	var he *HTTPError
	if errors.As(err, &he) && he.RetryAfter > 0 {
		return he.RetryAfter, true
	}
	return 0, false
}

// Request is one HTTP call.
type Request struct {
	Method       string // default GET
	URL          string
	Header       http.Header
	Body         []byte
	ETag         string // sends If-None-Match
	LastModified string // sends If-Modified-Since
	CheckRobots  bool   // page scraping: obey robots.txt
}

// Response is a fully read, size-bounded response.
type Response struct {
	Status       int
	Header       http.Header
	Body         []byte
	NotModified  bool // 304: nothing new since ETag/LastModified
	ETag         string
	LastModified string
	URL          string // final URL after redirects
}

// HTTPClient is the polite client every collector shares: a User-Agent,
// timeouts, a bounded body (gzip included), conditional GET, a per-host rate
// limit, in-run retries on 429/5xx honouring Retry-After, and robots.txt for
// page scraping. It is safe for concurrent use.
type HTTPClient struct {
	client    *http.Client
	ua        string
	maxBody   int64
	rps       float64
	burst     int
	robots    bool
	retryMax  int
	retryWait time.Duration
	guard     *dialGuard // judges every address dialled (dialguard.go)

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	robotsBy map[string]robotsEntry
}

type robotsEntry struct {
	data    *robotstxt.RobotsData
	fetched time.Time
}

// NewHTTPClient builds the client from config, with defaults.
func NewHTTPClient(cfg mw.HTTPConfig) *HTTPClient {
	connect := cfg.ConnectTimeout.Or(10 * time.Second)
	guard := newDialGuard(cfg.AllowLoopback, cfg.AllowHosts, connect)
	tr := &http.Transport{
		Proxy:                  guard.proxy,
		DialContext:            guard.DialContext,
		TLSHandshakeTimeout:    connect,
		ResponseHeaderTimeout:  cfg.Timeout.Or(30 * time.Second),
		MaxResponseHeaderBytes: maxHeaderBytes,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
	}
	c := &HTTPClient{
		client:    &http.Client{Transport: tr, Timeout: cfg.Timeout.Or(30 * time.Second), CheckRedirect: guard.checkRedirect},
		ua:        cfg.UserAgent,
		maxBody:   cfg.MaxBodyBytes,
		rps:       cfg.PerHostRPS,
		burst:     cfg.PerHostBurst,
		robots:    cfg.RespectRobots == nil || *cfg.RespectRobots,
		retryMax:  cfg.RetryMax,
		retryWait: cfg.RetryMaxWait.Or(30 * time.Second),
		guard:     guard,
		limiters:  map[string]*rate.Limiter{},
		robotsBy:  map[string]robotsEntry{},
	}
	if c.ua == "" {
		c.ua = DefaultUserAgent
	}
	if c.maxBody <= 0 {
		c.maxBody = 10 << 20
	}
	if c.rps <= 0 {
		c.rps = 1
	}
	if c.burst <= 0 {
		c.burst = 2
	}
	if cfg.RetryMax == 0 {
		c.retryMax = 2
	}
	if c.retryMax < 0 {
		c.retryMax = 0
	}
	return c
}

// Get fetches url.
func (c *HTTPClient) Get(ctx context.Context, url string, header http.Header) (*Response, error) {
	return c.Do(ctx, Request{URL: url, Header: header})
}

// Do performs r. A 2xx or 304 returns a Response; any other status returns
// an *HTTPError (after in-run retries for 429 and 5xx).
func (c *HTTPClient) Do(ctx context.Context, r Request) (*Response, error) {
	if r.Method == "" {
		r.Method = http.MethodGet
	}
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("invalid URL %q: want an http(s)://host/path URL", MaskURL(r.URL))
	}
	if err := c.guard.checkURL(u); err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Method, MaskURL(u.String()), err)
	}
	if r.CheckRobots && c.robots {
		if err := c.checkRobots(ctx, u); err != nil {
			return nil, err
		}
	}
	var last error
	for attempt := 0; ; attempt++ {
		resp, err := c.once(ctx, u, r)
		if err == nil {
			return resp, nil
		}
		last = err
		var he *HTTPError
		if !errors.As(err, &he) || !(he.Status == http.StatusTooManyRequests || he.Status >= 500) || attempt >= c.retryMax {
			return nil, last
		}
		wait := he.RetryAfter
		if wait == 0 {
			wait = time.Duration(1<<attempt) * 500 * time.Millisecond
		}
		if wait > c.retryWait {
			return nil, last // too long to wait in-run: the scheduler backs off
		}
		select {
		case <-ctx.Done():
			return nil, last
		case <-time.After(wait):
		}
	}
}

func (c *HTTPClient) once(ctx context.Context, u *url.URL, r Request) (*Response, error) {
	if err := c.limiter(u.Host).Wait(ctx); err != nil {
		return nil, fmt.Errorf("%s %s: waiting for rate limit: %w", r.Method, MaskURL(u.String()), err)
	}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.ua)
	}
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	secrets := secretsOf(u, req.Header)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Method, MaskURL(u.String()), scrubError(unwrapURLError(err), secrets))
	}
	defer resp.Body.Close()
	out := &Response{
		Status:       resp.StatusCode,
		Header:       resp.Header,
		ETag:         validator(resp.Header.Get("ETag")),
		LastModified: validator(resp.Header.Get("Last-Modified")),
		URL:          resp.Request.URL.String(),
	}
	if resp.StatusCode == http.StatusNotModified {
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = r.ETag
		}
		if out.LastModified == "" {
			out.LastModified = r.LastModified
		}
		return out, nil
	}
	// The transport decompresses gzip itself; the limit applies to the
	// decompressed bytes, so a gzip bomb is bounded too.
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		var te interface{ Timeout() bool }
		if ctx.Err() == nil && errors.As(err, &te) && te.Timeout() {
			// The whole request has one deadline (http.timeout): a body sent
			// a byte at a time, or without end, is cut there.
			err = fmt.Errorf("timed out: %w (the server sends the body slowly or without end; raise http.timeout if it is expected)", err)
		}
		return nil, fmt.Errorf("%s %s: reading body: %w", r.Method, MaskURL(u.String()), scrubError(unwrapURLError(err), secrets))
	}
	if int64(len(data)) > c.maxBody {
		return nil, fmt.Errorf("%s %s: %w (more than %d bytes; raise http.max_body_bytes if this is expected)", r.Method, MaskURL(u.String()), ErrBodyTooLarge, c.maxBody)
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "" && !resp.Uncompressed && !strings.EqualFold(ce, "identity") && resp.StatusCode/100 == 2 && len(data) > 0 {
		// Only gzip is asked for, and the transport decodes it; any other
		// coding (br, deflate, gzip twice) would reach the parser as bytes.
		return nil, fmt.Errorf("%s %s: the server sent a body in Content-Encoding %q, which was not asked for and is not decoded (a misconfigured server or CDN)", r.Method, MaskURL(u.String()), snippet([]byte(ce)))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		wait, asked := RateLimitWait(resp.Header, time.Now())
		return nil, &HTTPError{
			Method:          r.Method,
			URL:             MaskURL(u.String()),
			Status:          resp.StatusCode,
			RetryAfter:      wait,
			RetryAfterAsked: asked,
			Snippet:         snippet([]byte(scrub(string(data[:min(len(data), 6*snippetMax)]), secrets))),
		}
	}
	out.Body = data
	return out, nil
}

// validator is an ETag or Last-Modified as it is kept: "" when longer
// than maxValidator.
func validator(v string) string {
	if len(v) > maxValidator {
		return ""
	}
	return v
}

// secretsOf lists what a request carries that must not come back in an
// error: the credentials of its Authorization header and the query values
// MaskURL hides. Servers echo them: a Location that keeps the query, an
// error page that quotes the request.
func secretsOf(u *url.URL, h http.Header) []string {
	var out []string
	if _, cred, ok := strings.Cut(h.Get("Authorization"), " "); ok && len(cred) >= 6 {
		out = append(out, cred)
	}
	for k, vs := range u.Query() {
		for _, v := range vs {
			if len(v) >= 6 && strings.Contains(MaskURL("http://h/?"+url.Values{k: {v}}.Encode()), redact.Mask) {
				out = append(out, v, url.QueryEscape(v))
			}
		}
	}
	return out
}

// scrub masks every secret in s.
func scrub(s string, secrets []string) string {
	for _, v := range secrets {
		s = strings.ReplaceAll(s, v, redact.Mask)
	}
	return s
}

// scrubbedError is an error whose message had the request's secrets
// masked; it unwraps to the original, for errors.Is and errors.As.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func scrubError(err error, secrets []string) error {
	if msg := scrub(err.Error(), secrets); msg != err.Error() {
		return &scrubbedError{msg: msg, err: err}
	}
	return err
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("timed out: %w (the server is slow or hangs; raise http.timeout if it is expected)", ue.Err)
		}
		return ue.Err
	}
	return err
}

func (c *HTTPClient) limiter(host string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.limiters[host]
	if !ok {
		l = rate.NewLimiter(rate.Limit(c.rps), c.burst)
		c.limiters[host] = l
	}
	return l
}

func (c *HTTPClient) checkRobots(ctx context.Context, u *url.URL) error {
	key := u.Scheme + "://" + u.Host
	c.mu.Lock()
	e, ok := c.robotsBy[key]
	c.mu.Unlock()
	if !ok || time.Since(e.fetched) > time.Hour {
		status, body := 0, []byte(nil)
		resp, err := c.once(ctx, &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}, Request{Method: http.MethodGet})
		var he *HTTPError
		switch {
		case err == nil:
			status, body = resp.Status, resp.Body
		case errors.As(err, &he) && (he.Status == http.StatusTooManyRequests || he.Status >= 500):
			// Not a rule of the site but a passing failure: the page is not
			// fetched this run, and robots.txt is asked again next run.
			return fmt.Errorf("fetching robots.txt for %s: %w (the site's pages are fetched once robots.txt answers)", u.Host, err)
		case errors.As(err, &he):
			status = he.Status
		default:
			return fmt.Errorf("fetching robots.txt for %s: %w", u.Host, err)
		}
		data, perr := robotstxt.FromStatusAndBytes(status, body)
		if perr != nil {
			data, _ = robotstxt.FromStatusAndBytes(404, nil) // unparsable: allow, as crawlers do
		}
		e = robotsEntry{data: data, fetched: time.Now()}
		c.mu.Lock()
		c.robotsBy[key] = e
		c.mu.Unlock()
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if path == "" {
		path = "/"
	}
	if !e.data.TestAgent(path, robotsAgent) {
		return fmt.Errorf("GET %s: %w (set http.respect_robots: false only with the site's permission)", MaskURL(u.String()), ErrRobots)
	}
	return nil
}

// RateLimitWait reads how long a response asks to wait: Retry-After
// (seconds or HTTP date), else the x-rate-limit-reset / x-ratelimit-reset /
// ratelimit-reset that some APIs send (an epoch, seconds, or an ISO 8601
// time), at most MaxRetryAfter. When the response asked for longer, asked
// is that header as sent ("Retry-After: 31536000"), for the error to say
// the wait was cut; else "".
func RateLimitWait(h http.Header, now time.Time) (d time.Duration, asked string) {
	if d, capped, ok := retryafter.ParseCapped(h.Get("Retry-After"), now); ok && d > 0 {
		if capped {
			asked = "Retry-After: " + ServerText(h.Get("Retry-After"))
		}
		return d, asked
	}
	// X: x-rate-limit-reset (epoch); Bluesky: RateLimit-Reset (epoch);
	// Mastodon: X-RateLimit-Reset (ISO 8601 time).
	for _, k := range []string{"X-Rate-Limit-Reset", "X-Ratelimit-Reset", "Ratelimit-Reset"} {
		v := strings.TrimSpace(h.Get(k))
		if v == "" {
			continue
		}
		var d time.Duration
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			d = t.Sub(now)
		} else if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			switch {
			case n > 1e9: // an epoch
				d = time.Unix(n, 0).Sub(now)
			case n > 0: // seconds until reset
				d = time.Duration(min(n, int64(MaxRetryAfter/time.Second)+1)) * time.Second
			}
		}
		if d <= 0 {
			continue
		}
		if d > MaxRetryAfter {
			return MaxRetryAfter, k + ": " + ServerText(v)
		}
		return d, ""
	}
	return 0, ""
}

// snippetMax bounds the start of an error body kept for logs and the
// dashboard.
const snippetMax = 512

// snippet is the start of an error body for logs and the dashboard: at most
// snippetMax bytes, whitespace runs collapsed, and control and invalid
// characters escaped (\x1b, \x00), so a body cannot drive a terminal or
// hide text. HTML is left to the dashboard's escaping.
func snippet(b []byte) string {
	if len(b) > 4*snippetMax {
		b = b[:4*snippetMax]
	}
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "\uFFFD")), " ")
	var out strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (unicode.Is(unicode.Cf, r)) {
			q := strconv.QuoteRune(r) // '\x1b'
			r := q[1 : len(q)-1]
			if out.Len()+len(r) > snippetMax {
				out.WriteString("…")
				break
			}
			out.WriteString(r)
			continue
		}
		if out.Len()+utf8.RuneLen(r) > snippetMax {
			out.WriteString("…")
			break
		}
		out.WriteRune(r)
	}
	return out.String()
}

// ServerText is text a service put in an answer (an error's title or
// detail) made fit for an error message, as an error body's start is: at
// most snippetMax bytes, control and format characters escaped.
func ServerText(s string) string { return snippet([]byte(s)) }

// MaskURL hides credentials in a URL (user info, query values but for
// harmless ones such as q and page, fragments, webhook tokens in paths) so
// it can be logged: internal/redact.URL.
func MaskURL(raw string) string { return redact.URL(raw) }
