// Package reviews collects customer reviews from review pages: schema.org
// Review JSON-LD and microdata first, then per-site CSS selectors (from
// config or a preset), following "next page" links up to a bound. Page
// requests obey robots.txt and the per-host rate limit.
package reviews

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// Type is the registered type name.
const Type = "reviews"

func init() {
	collectors.Register(Type, mw.SourceTraits{ReachWeight: 1.3, OwnPage: true, Reviews: true}, func() collectors.Collector { return &Reviews{} })
}

// Reviews is one review-page source; the struct is its config.
type Reviews struct {
	URL        string    `yaml:"url"`        // the first page of reviews, newest first where the site allows
	Preset     string    `yaml:"preset"`     // trustpilot or woocommerce: ready selectors
	Selectors  Selectors `yaml:"selectors"`  // per-site selectors; set fields override the preset's
	MaxPages   int       `yaml:"max_pages"`  // pages per run, default 3
	Structured *bool     `yaml:"structured"` // read JSON-LD and microdata first (default true)

	env        collectors.Env
	sel        Selectors
	ratingRe   *regexp.Regexp
	structured bool
}

var (
	_ collectors.Collector = (*Reviews)(nil)
	_ collectors.Initer    = (*Reviews)(nil)
)

// Init checks the config and compiles the selectors. It does not touch the
// network.
func (r *Reviews) Init(env collectors.Env) error {
	r.env = env
	u, err := url.Parse(r.URL)
	if r.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("url %q: want the http(s) address of the first review page", r.URL)
	}
	if r.Preset != "" {
		p, ok := Presets[r.Preset]
		if !ok {
			return fmt.Errorf("unknown preset %q (known: %s)", r.Preset, strings.Join(PresetNames(), ", "))
		}
		r.sel = p.merge(r.Selectors)
	} else {
		r.sel = r.Selectors
	}
	if err := r.sel.check(); err != nil {
		return err
	}
	r.ratingRe = defaultNumber
	if r.sel.RatingRegex != "" {
		re, err := regexp.Compile(r.sel.RatingRegex)
		if err != nil {
			return fmt.Errorf("selectors.rating_regex: %w", err)
		}
		r.ratingRe = re
	}
	if r.MaxPages <= 0 {
		r.MaxPages = 3
	}
	r.structured = r.Structured == nil || *r.Structured
	if !r.structured && r.sel.Item == "" {
		return errors.New("structured: false needs selectors.item (or a preset) to find reviews")
	}
	return nil
}

// Collect reads the first page and follows next-page links up to
// max_pages. Reviews are identified by their id (or link, or a hash of
// author, date and text) and remembered in cursor Seen, so a second run
// returns only reviews it has not returned before; it stops paging at the
// first page whose reviews were all seen. The first page is fetched
// conditionally (ETag / Last-Modified): unchanged means nothing new. When a
// later page fails, the reviews of earlier pages are returned and
// remembered, and the error names the page.
func (r *Reviews) Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	next := cur.Clone()
	now := r.env.Now().UTC()
	var out []mw.Mention
	visited := map[string]bool{}
	pageURL := r.URL
	for page := 1; page <= r.MaxPages && pageURL != ""; page++ {
		visited[pageURL] = true
		req := collectors.Request{URL: pageURL, CheckRobots: true}
		if page == 1 {
			req.ETag, req.LastModified = cur.ETag, cur.LastModified
		}
		resp, err := r.env.HTTP.Do(ctx, req)
		if err != nil {
			if collectors.IsAuth(err) {
				return out, next, fmt.Errorf("reviews: page %d %s: the site refused access; reviews needs no credentials, so the site blocks this crawler (check url and the site's terms): %w", page, collectors.MaskURL(pageURL), err)
			}
			return out, next, fmt.Errorf("reviews: page %d %s: %w", page, collectors.MaskURL(pageURL), err)
		}
		if page == 1 {
			if resp.NotModified {
				return nil, next, nil
			}
			next.ETag, next.LastModified = resp.ETag, resp.LastModified
		}
		if ct := resp.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "html") && !strings.Contains(ct, "xml") {
			return out, next, fmt.Errorf("reviews: page %d %s: got %s, not an HTML page (check url)", page, collectors.MaskURL(pageURL), ct)
		}
		p, err := r.ParsePage(UTF8(resp.Body, resp.Header.Get("Content-Type")), stripFragment(resp.URL), now)
		if err != nil {
			return out, next, fmt.Errorf("reviews: page %d %s: %w", page, collectors.MaskURL(pageURL), err)
		}
		if page == 1 && len(p.Items) == 0 && r.sel.Item != "" {
			r.env.Log.Warn("no reviews found on the first page; if the page has reviews, its layout changed (check selectors)", "url", collectors.MaskURL(pageURL))
		}
		fresh := 0
		for _, m := range p.Items {
			if next.HasSeen(m.NativeID) {
				continue
			}
			next.Remember(m.NativeID)
			out = append(out, m)
			fresh++
			if m.Published.After(next.LastTime) {
				next.LastTime = m.Published
			}
		}
		if fresh == 0 && len(p.Items) > 0 {
			break // this page is all old: the rest is older still
		}
		pageURL = sameHost(r.URL, p.Next)
		if visited[pageURL] {
			break
		}
	}
	return out, next, nil
}

// sameHost returns next if it is on base's host, else "" (a next link that
// leaves the site is not followed).
func sameHost(base, next string) string {
	if next == "" {
		return ""
	}
	b, err1 := url.Parse(base)
	n, err2 := url.Parse(next)
	if err1 != nil || err2 != nil || !strings.EqualFold(b.Host, n.Host) || (n.Scheme != "http" && n.Scheme != "https") {
		return ""
	}
	n.Fragment, n.RawFragment = "", ""
	return n.String()
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}
