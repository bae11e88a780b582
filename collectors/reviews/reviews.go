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
	DateOrder  string    `yaml:"date_order"` // numeric dates: dmy or mdy (default: mdy on en-US pages, else dmy)

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
	switch r.DateOrder {
	case "", "dmy", "mdy":
	default:
		return fmt.Errorf("date_order %q: want dmy (25/12/2026) or mdy (12/25/2026); leave it out to follow the page's language", r.DateOrder)
	}
	r.structured = r.Structured == nil || *r.Structured
	if !r.structured && r.sel.Item == "" {
		return errors.New("structured: false needs selectors.item (or a preset) to find reviews")
	}
	return nil
}

// extraResume is the cursor Extra key set when a run failed on a page or
// stopped at MaxPerRun: the next run reads on past pages read before.
const extraResume = "resume"

// MaxPerRun bounds the reviews one run returns. A review page shows tens;
// a hostile or broken one can carry a JSON-LD array of a hundred thousand
// within the body limit, which would cost gigabytes and seconds to keep
// and score, and overflow the cursor's window of seen ids so the same
// reviews came back every run. The rest are read on later runs.
const MaxPerRun = 500

// Collect reads the first page and follows next-page links up to
// max_pages, and returns at most MaxPerRun reviews. Reviews are identified
// by their id (or link, or a hash of author, date and text) and
// remembered in cursor Seen, so a second run
// returns only reviews it has not returned before; it stops paging at the
// first page whose reviews were all seen. The first page is fetched
// conditionally (ETag / Last-Modified): unchanged means nothing new. When a
// later page fails, the reviews of earlier pages are returned and
// remembered, the error names the page, and the next run reads every page
// up to max_pages (unconditionally), so the failed page is not skipped.
func (r *Reviews) Collect(ctx context.Context, cur mw.Cursor) (out []mw.Mention, next mw.Cursor, err error) {
	next = cur.Clone()
	now := r.env.Now().UTC()
	// Seen ids in a set, and remembered once when the run ends (also on
	// an error): a page of many reviews stays linear.
	seen := make(map[string]bool, len(cur.Seen))
	for _, id := range cur.Seen {
		seen[id] = true
	}
	var ids []string
	// After a run that failed on a page or stopped at MaxPerRun, the next
	// reads every page up to max_pages: the rest comes after pages all
	// read before, where a run would otherwise stop (or page 1 answer 304).
	resume := cur.Extra[extraResume] != ""
	defer func() {
		next.Remember(ids...)
		delete(next.Extra, extraResume)
		if len(out) >= MaxPerRun || err != nil {
			next.Extra[extraResume] = "1"
			next.ETag, next.LastModified = "", ""
		}
	}()
	visited := map[string]bool{}
	var loop collectors.PageLoop
	pageURL := r.URL
	served := r.URL // where page 1 came from, after redirects
	for page := 1; page <= r.MaxPages && pageURL != "" && len(out) < MaxPerRun; page++ {
		visited[pageURL] = true
		req := collectors.Request{URL: pageURL, CheckRobots: true}
		if page == 1 && !resume {
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
			served = resp.URL
		}
		if ct := resp.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "html") && !strings.Contains(ct, "xml") {
			return out, next, fmt.Errorf("reviews: page %d %s: got %s, not an HTML page (check url)", page, collectors.MaskURL(pageURL), ct)
		}
		p, err := r.ParsePage(UTF8(resp.Body, resp.Header.Get("Content-Type")), stripFragment(resp.URL), now)
		if err != nil {
			return out, next, fmt.Errorf("reviews: page %d %s: %w", page, collectors.MaskURL(pageURL), err)
		}
		if why := loop.Repeats(p.Items); why != "" {
			r.env.Log.Warn(collectors.PageLoopMsg, "url", collectors.MaskURL(pageURL), "why", why)
			break
		}
		if page == 1 && len(p.Items) == 0 && r.sel.Item != "" {
			r.env.Log.Warn("no reviews found on the first page; if the page has reviews, its layout changed (check selectors)", "url", collectors.MaskURL(pageURL))
		}
		fresh := 0
		for _, m := range p.Items {
			if seen[mw.BoundID(m.NativeID)] {
				continue
			}
			if len(out) >= MaxPerRun {
				r.env.Log.Warn("more reviews than one run takes; the rest come on later runs", "url", collectors.MaskURL(pageURL), "max_per_run", MaxPerRun)
				break
			}
			seen[mw.BoundID(m.NativeID)] = true
			ids = append(ids, m.NativeID)
			out = append(out, m)
			fresh++
			if m.Published.After(next.LastTime) {
				next.LastTime = m.Published
			}
		}
		if fresh == 0 && len(p.Items) > 0 && !resume {
			break // this page is all old: the rest is older still
		}
		pageURL = sameHost(p.Next, r.URL, served)
		if visited[pageURL] {
			break
		}
	}
	return out, next, nil
}

// sameHost returns next if it is on the host of one of sites, else "" (a
// next link that leaves the site is not followed). The sites are the
// configured URL and where its first page was served from: sites redirect
// to their canonical host (acme.example → www.acme.example).
func sameHost(next string, sites ...string) string {
	n, err := url.Parse(next)
	if next == "" || err != nil || (n.Scheme != "http" && n.Scheme != "https") {
		return ""
	}
	for _, site := range sites {
		if b, err := url.Parse(site); err == nil && strings.EqualFold(b.Host, n.Host) {
			n.Fragment, n.RawFragment = "", ""
			return n.String()
		}
	}
	return ""
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}
