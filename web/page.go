package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/store"
)

type pageTemplates struct{ t *template.Template }

var funcs = template.FuncMap{
	"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"points": func(f float64) string {
		if math.Abs(f) < 0.005 {
			return "±0 pts"
		}
		return fmt.Sprintf("%+.0f pts", f*100)
	},
	"num": func(f float64) string { return fmt.Sprintf("%.1f", f) },
	// count writes a whole number with thousands separated: 12,500.
	"count": func(n uint64) string {
		s := strconv.FormatUint(n, 10)
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		return s
	},
	"dur": func(sec float64) string {
		return time.Duration(sec * float64(time.Second)).Round(time.Minute).String()
	},
	"ago": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"timeptr": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"bytes": func(n int64) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d B", n)
	},
	"clip": func(s string, n int) string {
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		return string(r[:n]) + "…"
	},
	// href keeps only http(s) links; html/template escapes the rest too.
	"href": func(s string) string {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return ""
		}
		return s
	},
	// q and pathesc encode a value for a query string or a path segment in
	// attributes html/template does not treat as URLs (hx-get, hx-post).
	"q":       url.QueryEscape,
	"pathesc": url.PathEscape,
	"upper":   strings.ToUpper,
	"stage":   stageName,
	"scope":   alerts.ScopeLabel,
	"list":    func(s ...string) []string { return s },
	"asset":   asset,
}

// parseTemplates parses the pages; zoneFuncs replaces the UTC time
// functions of funcs with ones that show loc.
func parseTemplates(loc *time.Location) (*pageTemplates, error) {
	t, err := template.New("").Funcs(funcs).Funcs(zoneFuncs(loc)).ParseFS(assets, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parsing templates: %w", err)
	}
	return &pageTemplates{t: t}, nil
}

// pageData is everything the page shows.
type pageData struct {
	View     view
	Brands   []string
	Ranges   []string
	Query    template.URL // brand and range, for links and fragment URLs
	CSRF     string       // sent by htmx on every request (hosts.go)
	Me       Actor        // who is looking (auth.go)
	Journey  []JourneyStage
	Aspects  []Aspect
	SOV      ShareOfVoice
	Mentions []Mention
	Alerts   alertsData
	Sources  Sources
	// Empty, when the brand has no mention in the window, says so in
	// place of the volume chart and the journey's rows of 0%, and how to
	// get the first mentions when no source has run yet. NoVoice: no
	// brand of the share of voice has one either.
	Empty   string
	NoVoice bool
}

// emptyMessage is what the page says when v's brand has no mention in
// the window: before any source has run, how the first mentions come.
func emptyMessage(v view, srcs Sources) string {
	for _, s := range srcs.Sources {
		if s.LastRun != nil {
			return "No mentions of " + v.Brand + " in this window."
		}
	}
	return "No mentions yet: no source has run. mentionwatch run collects from each enabled source when it starts, then on the source's interval; " +
		"to collect now, run mentionwatch collect --once. Source health below shows each source's last run."
}

type alertsData struct {
	Query    template.URL
	Brand    string
	Alerts   []Alert
	Response ResponseTimes
	Silences []Silence
	Message  string
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	h.renderStatus(w, r, http.StatusOK, name, data)
}

// renderStatus is render with another status than 200: the headers are
// set before the status is written, which would drop them.
func (h *Handler) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := h.page.t.ExecuteTemplate(&buf, name, data); err != nil {
		h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("rendering %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// viewQuery encodes v as a query string (url.Values.Encode output, safe
// to place in a URL attribute as is).
func viewQuery(v view) template.URL {
	q := url.Values{"brand": {v.Brand}}
	if v.Range != "" {
		q.Set("range", v.Range)
	} else {
		q.Set("from", fmt.Sprint(v.From.Unix()))
		q.Set("to", fmt.Sprint(v.To.Unix()))
	}
	return template.URL(q.Encode())
}

func (h *Handler) servePage(w http.ResponseWriter, r *http.Request) {
	v, err := h.parseView(r.URL.Query())
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d := pageData{View: v, Query: viewQuery(v), CSRF: h.csrfToken, Me: actorFrom(r)}
	for _, b := range h.opt.Brands {
		d.Brands = append(d.Brands, b.Name)
	}
	for _, rg := range ranges {
		d.Ranges = append(d.Ranges, rg.Name)
	}
	// The page's queries are independent: run them side by side.
	errc := make(chan error, 6)
	go func() { var err error; d.Journey, err = h.journey(ctx, v); errc <- err }()
	go func() { var err error; d.Aspects, err = h.aspects(ctx, v); errc <- err }()
	go func() { var err error; d.SOV, err = h.shareOfVoice(ctx, v); errc <- err }()
	go func() { var err error; d.Mentions, err = h.topNegative(ctx, v, 20); errc <- err }()
	go func() { var err error; d.Alerts, err = h.alertsData(ctx, v, ""); errc <- err }()
	go func() { var err error; d.Sources, err = h.sources(ctx); errc <- err }()
	for range 6 {
		if e := <-errc; e != nil && err == nil {
			err = e
		}
	}
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	var voice uint64
	for _, b := range d.SOV.Brands {
		voice += b.Count
	}
	if len(d.SOV.Brands) == 0 || d.SOV.Brands[0].Count == 0 { // the brand comes first
		d.Empty = emptyMessage(v, d.Sources)
	}
	d.NoVoice = voice == 0
	h.render(w, r, "page.html", d)
}

func (h *Handler) alertsData(ctx context.Context, v view, msg string) (alertsData, error) {
	as, ss, err := h.alertList(ctx, v)
	return alertsData{Query: viewQuery(v), Brand: v.Brand, Alerts: as, Response: responseTimes(as), Silences: silenceViews(ss, h.opt.Location), Message: msg}, err
}

// uiAlertsAfter renders the alerts section after an action.
func (h *Handler) uiAlertsAfter(w http.ResponseWriter, r *http.Request, msg string) {
	v, err := h.parseView(r.URL.Query())
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := h.alertsData(ctx, v, msg)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	h.render(w, r, "alerts", d)
}

func (h *Handler) uiAlerts(w http.ResponseWriter, r *http.Request) { h.uiAlertsAfter(w, r, "") }

func (h *Handler) uiAck(w http.ResponseWriter, r *http.Request) {
	a, status, err := h.act(r, ack)
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	h.uiAlertsAfter(w, r, fmt.Sprintf("Acknowledged by %s at %s.", a.AckedBy, a.AckedAt.In(h.opt.Location).Format("15:04 MST")))
}

func (h *Handler) uiResolve(w http.ResponseWriter, r *http.Request) {
	if _, status, err := h.act(r, resolve); err != nil {
		h.fail(w, r, status, err)
		return
	}
	h.uiAlertsAfter(w, r, "Resolved.")
}

func (h *Handler) uiSilence(w http.ResponseWriter, r *http.Request) {
	s, status, err := h.silence(r)
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	scope := alerts.ScopeLabel(s.Scope) // as the silences list words it
	if s.Scope == "" {
		scope = "every scope"
	}
	h.uiAlertsAfter(w, r, fmt.Sprintf("Silenced %s until %s.", scope, s.Until.In(h.opt.Location).Format("2006-01-02 15:04 MST")))
}

func (h *Handler) uiLiftSilence(w http.ResponseWriter, r *http.Request) {
	s, status, err := h.liftSilence(r)
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	brand, scope := s.Brand, alerts.ScopeLabel(s.Scope)
	if brand == "" {
		brand = "every brand"
	}
	if s.Scope == "" {
		scope = "every scope"
	}
	h.uiAlertsAfter(w, r, fmt.Sprintf("Lifted the silence of %s · %s.", brand, scope))
}

func (h *Handler) uiSources(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	s, err := h.sources(ctx)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	h.render(w, r, "sources", s)
}

type authorData struct {
	Author   string
	Mentions []Mention
}

func (h *Handler) uiAuthor(w http.ResponseWriter, r *http.Request) {
	author := r.URL.Query().Get("author")
	if author == "" {
		h.fail(w, r, http.StatusBadRequest, fmt.Errorf("author= is required"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	ms, err := h.opt.Store.Mentions(ctx, store.MentionQuery{Author: author, Limit: 20})
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("reading the author's mentions: %w", err))
		return
	}
	h.render(w, r, "author", authorData{Author: author, Mentions: wrap(ms, h.opt.Location)})
}

// stageName is the journey label of a stage, in plain words: "AMOT:
// waiting for delivery".
func stageName(s string) string { return alerts.StageLabel(mw.Stage(s)) }
