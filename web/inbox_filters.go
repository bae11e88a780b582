package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/query"
	"github.com/mentionwatch/mentionwatch/scoring"
	"github.com/mentionwatch/mentionwatch/store"
)

// feedParams are the query parameters of the inbox (GET /api/mentions,
// /api/mentions/export, /mentions). Any of them other than the dashboard's
// brand, range, from, to, limit and author switches /api/mentions from the
// dashboard's top-negative list to the paged feed.
var feedParams = []string{"competitor", "source", "type", "lang", "label", "stage", "aspect", "rating", "tag", "assignee",
	"state", "q", "order", "cursor", "feed", "group"}

// Feed orders.
const (
	orderNewest = "newest"
	orderImpact = "impact"
)

// feedFilter is one parsed inbox view.
type feedFilter struct {
	Q      store.MentionQuery // the store's part (brands, columns, triage, search words, cursor)
	Query  *query.Query       // q=, evaluated on every row; nil without q=
	Raw    url.Values         // the filter parameters as given, without cursor and limit (for links)
	Order  string             // orderNewest | orderImpact
	Limit  int                // page size
	Ranged bool               // from/to or range= was given
	Group  bool               // group near-duplicates on the page (group=0 turns it off)
}

// brandNames lists the tracked brands; competitorNames every competitor.
func (h *Handler) brandNames() []string {
	var out []string
	for _, b := range h.opt.Brands {
		out = append(out, b.Name)
	}
	return out
}

func (h *Handler) competitorNames(brand string) []string {
	var out []string
	for _, b := range h.opt.Brands {
		if brand != "" && b.Name != brand {
			continue
		}
		for _, c := range b.Competitors {
			if !slices.Contains(out, c.Name) {
				out = append(out, c.Name)
			}
		}
	}
	return out
}

// checkBrand validates brand= for every endpoint: a tracked brand or a
// competitor (share of voice and the inbox show competitors too).
func (h *Handler) checkBrand(name string) error {
	if name == "" || len(h.opt.Brands) == 0 {
		return nil
	}
	valid := append(h.brandNames(), h.competitorNames("")...)
	return query.CheckOne("brand", name, valid)
}

// sourceNames are the configured sources, else the ones the store has
// state for.
func (h *Handler) sourceNames(ctx context.Context) []string {
	var out []string
	for _, s := range h.opt.Sources {
		out = append(out, s.Name)
	}
	if len(out) > 0 {
		return out
	}
	sts, err := h.opt.Store.SourceStates(ctx)
	if err != nil {
		return nil // not known: the filter is not checked
	}
	for _, s := range sts {
		out = append(out, s.Source)
	}
	return out
}

// typeNames are the registered source types and the configured sources'.
func (h *Handler) typeNames() []string {
	var out []string
	for t := range mw.SourceTypeTable() {
		out = append(out, t)
	}
	for _, s := range h.opt.Sources {
		if s.Type != "" && !slices.Contains(out, s.Type) {
			out = append(out, s.Type)
		}
	}
	slices.Sort(out)
	return out
}

var (
	langNames  = []string{"en", "id", "other"}
	labelNames = []string{string(mw.Negative), string(mw.Neutral), string(mw.Positive)}
)

func stageNames() []string {
	var out []string
	for _, s := range mw.Stages {
		out = append(out, string(s))
	}
	return out
}

func stateNames() []string {
	var out []string
	for _, s := range store.TriageStates {
		out = append(out, string(s))
	}
	return out
}

// cursorToken is the opaque cursor: the last row's keyset and the order it
// belongs to, base64url JSON.
type cursorToken struct {
	Order     string  `json:"o"`
	Published int64   `json:"p"` // Unix milliseconds
	Impact    float64 `json:"k,omitempty"`
	ID        string  `json:"i"`
}

func encodeCursor(order string, m mw.Mention) string {
	b, _ := json.Marshal(cursorToken{Order: order, Published: m.Published.UnixMilli(), Impact: m.Impact(), ID: m.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, order string) (*store.Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursorToken
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == "" || len(c.ID) > 128 {
		return nil, errors.New("cursor: not a cursor this server gave; start again without cursor=")
	}
	if c.Order != order {
		return nil, fmt.Errorf("cursor: it pages order=%s, not order=%s; start again without cursor=", c.Order, order)
	}
	return &store.Cursor{Published: time.UnixMilli(c.Published).UTC(), Impact: c.Impact, ID: c.ID}, nil
}

// parseFeed reads an inbox view from q. Every named value is checked
// against the valid ones; a bad one is an error for a 400.
func (h *Handler) parseFeed(ctx context.Context, q url.Values, defLimit, maxLimit int) (feedFilter, error) {
	f := feedFilter{Raw: url.Values{}, Order: orderNewest, Limit: defLimit, Group: true}
	switch g := q.Get("group"); g {
	case "", "1", "true":
	case "0", "false":
		f.Group = false
	default:
		return f, query.Unknown("group", g, []string{"0", "1"})
	}
	for k, vs := range q {
		if k != "cursor" && k != "limit" && len(vs) > 0 && vs[0] != "" {
			f.Raw[k] = vs[:1]
		}
	}
	if brand := q.Get("brand"); brand != "" {
		if err := h.checkBrand(brand); err != nil {
			return f, err
		}
		f.Q.Brands = []string{brand}
	}
	if c := q.Get("competitor"); c != "" {
		if err := query.CheckOne("competitor", c, h.competitorNames("")); err != nil {
			return f, err
		}
		f.Q.Brands = append(f.Q.Brands, c)
		if len(f.Q.Brands) == 2 && f.Q.Brands[0] != c {
			// brand= and competitor=: that brand's competitor, alone.
			if !slices.Contains(h.competitorNames(f.Q.Brands[0]), c) {
				return f, fmt.Errorf("competitor %q is not a competitor of %q; its competitors: %s", c, f.Q.Brands[0], strings.Join(h.competitorNames(f.Q.Brands[0]), ", "))
			}
			f.Q.Brands = []string{c}
		}
	}
	checks := []struct {
		param string
		dst   *string
		valid func() []string
	}{
		{"source", &f.Q.Source, func() []string { return h.sourceNames(ctx) }},
		{"type", &f.Q.Type, h.typeNames},
		{"lang", &f.Q.Lang, func() []string { return langNames }},
		{"aspect", &f.Q.Aspect, func() []string { return scoring.AspectNames(h.opt.Brands) }},
	}
	for _, c := range checks {
		v := q.Get(c.param)
		if v == "" {
			continue
		}
		if err := query.CheckOne(c.param, v, c.valid()); err != nil {
			return f, err
		}
		*c.dst = v
	}
	if v := q.Get("label"); v != "" {
		if err := query.CheckOne("label", v, labelNames); err != nil {
			return f, err
		}
		f.Q.Label = mw.Label(v)
	}
	if v := q.Get("stage"); v != "" {
		if err := query.CheckOne("stage", v, stageNames()); err != nil {
			return f, err
		}
		f.Q.Stage = mw.Stage(v)
	}
	if v := q.Get("state"); v != "" {
		if err := query.CheckOne("state", v, stateNames()); err != nil {
			return f, err
		}
		f.Q.State = store.TriageState(v)
	}
	if v := q.Get("rating"); v != "" {
		lo, hi, ok := strings.Cut(v, "-")
		if !ok {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || a < 1 || b > 5 || a > b {
			return f, fmt.Errorf("rating %q: want stars 1..5 (rating=1) or a range (rating=1-2)", v)
		}
		f.Q.MinRating, f.Q.MaxRating = float32(a), float32(b)+0.99
	}
	f.Q.Tag = strings.TrimSpace(q.Get("tag"))
	f.Q.Assignees = h.assigneesFor(ctx, q.Get("assignee")) // "me", a name in any case and spacing
	f.Q.Author = q.Get("author")
	if s := q.Get("q"); strings.TrimSpace(s) != "" {
		pq, err := query.Parse(s)
		if err != nil {
			return f, fmt.Errorf("q: %w", err) // names the column
		}
		f.Query = pq
		for _, clause := range pq.Required() {
			var sc store.SearchClause
			for _, t := range clause {
				sc = append(sc, store.SearchTerm{Words: t.Words, Prefix: t.Prefix})
			}
			f.Q.Search = append(f.Q.Search, sc)
		}
		if err := store.CheckSearch(f.Q.Search); err != nil {
			return f, fmt.Errorf("q: %w", err)
		}
	}
	switch o := q.Get("order"); o {
	case "", orderNewest:
		f.Q.OrderBy = store.ByPublished
	case orderImpact:
		f.Order, f.Q.OrderBy = orderImpact, store.ByImpact
	default:
		return f, query.Unknown("order", o, []string{orderNewest, orderImpact})
	}
	if q.Get("from") != "" || q.Get("to") != "" || q.Get("range") != "" {
		v, err := h.parseView(q)
		if err != nil {
			return f, err
		}
		f.Q.From, f.Q.To, f.Ranged = v.From, v.To, true
		if v.Range == "" {
			// from= as asked: parseView starts the charts on a whole
			// bucket (a day for a window over 30 days), rows are not
			// bucketed.
			f.Q.From, _ = parseTime(q.Get("from"))
		}
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return f, fmt.Errorf("limit %q: want 1..%d", s, maxLimit)
		}
		f.Limit = n
	}
	if c := q.Get("cursor"); c != "" {
		cur, err := decodeCursor(c, f.Order)
		if err != nil {
			return f, err
		}
		f.Q.After = cur
	}
	return f, nil
}

// matches applies q= to a row (the store's word search is a superset).
func (f *feedFilter) matches(m *mw.Mention) bool {
	if f.Query == nil {
		return true
	}
	return f.Query.Match(query.Doc{Text: m.Title + "\n" + m.Text, Lang: m.Lang, Source: m.Source, Type: m.Type, Author: m.Author})
}

// isFeed reports whether q asks for the inbox feed rather than the
// dashboard's top-negative list.
func isFeed(q url.Values) bool {
	for _, p := range feedParams {
		if q.Has(p) {
			return true
		}
	}
	return false
}
