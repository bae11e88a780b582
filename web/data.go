package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/store"
)

// Ranges the page offers, and the bucket step each one uses.
var ranges = []struct {
	Name string
	Span time.Duration
	Step time.Duration
}{
	{"24h", 24 * time.Hour, 5 * time.Minute},
	{"7d", 7 * 24 * time.Hour, time.Hour},
	{"30d", 30 * 24 * time.Hour, 6 * time.Hour},
	{"90d", 90 * 24 * time.Hour, 24 * time.Hour},
}

// stepFor picks the bucket width for a span: at most about 300 buckets.
func stepFor(span time.Duration) time.Duration {
	for _, r := range ranges {
		if span <= r.Span {
			return r.Step
		}
	}
	return 24 * time.Hour
}

// view is what one request asks for: a brand and a time window.
type view struct {
	Brand string
	Range string // 24h | 7d | 30d | 90d, or "" for an explicit from/to
	From  time.Time
	To    time.Time
	Step  time.Duration
}

// parseView reads brand, range (default 7d) or from/to (Unix seconds or
// RFC 3339) from the query string.
func (h *Handler) parseView(q url.Values) (view, error) {
	v := view{Brand: q.Get("brand")}
	if v.Brand == "" && len(h.opt.Brands) > 0 {
		v.Brand = h.opt.Brands[0].Name
	}
	if v.Brand == "" {
		return v, errors.New("no brand: pass brand= (no brands are configured)")
	}
	if err := h.checkBrand(v.Brand); err != nil {
		return v, err
	}
	now, loc := h.opt.Now().UTC(), h.zone()
	if q.Get("from") != "" || q.Get("to") != "" {
		if q.Get("from") == "" {
			return v, errors.New("to= needs from= (the window's start; to defaults to now), or use range=24h|7d|30d|90d")
		}
		from, err := parseTime(q.Get("from"))
		if err != nil {
			return v, fmt.Errorf("from: %w", err)
		}
		to := now
		if q.Get("to") != "" {
			if to, err = parseTime(q.Get("to")); err != nil {
				return v, fmt.Errorf("to: %w", err)
			}
		}
		if !from.Before(to) {
			return v, fmt.Errorf("from %s is not before to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
		}
		if to.Sub(from) > 366*24*time.Hour {
			return v, errors.New("from..to spans more than a year")
		}
		v.Step = stepFor(to.Sub(from))
		v.From, v.To = store.BucketStart(from, v.Step, loc), to
		return v, nil
	}
	v.Range = q.Get("range")
	if v.Range == "" {
		v.Range = "7d"
	}
	for _, r := range ranges {
		if r.Name == v.Range {
			v.Step = r.Step
			// Whole buckets of the zone's clock (a day from local
			// midnight): the window ends with the bucket holding now and
			// starts Span before, on the bucket nearest (the same local
			// time when daylight saving time changed in between).
			v.To = store.NextBucket(store.BucketStart(now, r.Step, loc), r.Step, loc)
			v.From = store.BucketStart(v.To.Add(-r.Span).Add(r.Step/2), r.Step, loc)
			return v, nil
		}
	}
	return v, fmt.Errorf("range %q: want 24h, 7d, 30d or 90d", v.Range)
}

// maxUnix is 9999-12-31T23:59:59Z, the last second RFC 3339 can write.
const maxUnix = 253402300799

// parseTime reads from= and to=: integer Unix seconds (digits only, 0 to
// year 9999) or RFC 3339 (fractional seconds allowed; a space for the
// offset's '+', as an unencoded URL delivers it). Anything else,
// including forms that merely start like one ("1e9", "123abc", "1.5"), is
// an error naming the accepted forms.
func parseTime(s string) (time.Time, error) {
	if s != "" && strings.Trim(s, "0123456789") == "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err == nil && sec <= maxUnix {
			return time.Unix(sec, 0).UTC(), nil
		}
		return time.Time{}, fmt.Errorf("%.40q is out of range: want Unix seconds up to %d, or RFC 3339", s, maxUnix)
	}
	if i := len(s) - 6; i > 0 && s[i] == ' ' {
		// An offset's '+' written into a URL unencoded
		// (from=2026-12-01T15:00:00+07:00) arrives as a space; RFC 3339
		// has none, so it can only be that '+'.
		s = s[:i] + "+" + s[i+1:]
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%.40q is neither integer Unix seconds (1700000000) nor RFC 3339 (2026-12-01T08:00:00Z)", s)
	}
	return t.UTC(), nil
}

// brand returns the configured brand named name.
func (h *Handler) brand(name string) (mw.Brand, bool) {
	for _, b := range h.opt.Brands {
		if b.Name == name {
			return b, true
		}
	}
	return mw.Brand{}, false
}

// Series is mention volume per bucket by sentiment, for one brand.
type Series struct {
	Brand       string        `json:"brand"`
	From        time.Time     `json:"from"`
	To          time.Time     `json:"to"`
	StepSeconds int64         `json:"step_seconds"` // nominal: a day across a DST change is 23 or 25 hours
	T           []int64       `json:"t"`            // bucket starts in the dashboard's zone (local midnight for days), Unix seconds
	Negative    []uint64      `json:"negative"`
	Neutral     []uint64      `json:"neutral"`
	Positive    []uint64      `json:"positive"`
	Alerts      []AlertMarker `json:"alerts"`
}

// AlertMarker places an alert on the volume chart.
type AlertMarker struct {
	ID      string `json:"id"`
	T       int64  `json:"t"` // StartedAt, Unix seconds
	State   string `json:"state"`
	Kind    string `json:"kind"`
	Scope   string `json:"scope"`
	Summary string `json:"summary"`
	Label   string `json:"label"` // the scope in words, drawn on the chart
}

// zone is the dashboard's time zone (timezone:), UTC if none.
func (h *Handler) zone() *time.Location {
	if h.opt.Location == nil {
		return time.UTC
	}
	return h.opt.Location
}

// seriesQuery is the store query of v's chart buckets: they follow the
// dashboard zone's clock (a day runs from local midnight; hours start at
// :30 UTC in India), as the charts label them.
func (h *Handler) seriesQuery(v view, brands []string, group string) store.SeriesQuery {
	return store.SeriesQuery{Brands: brands, From: v.From, To: v.To, Step: v.Step, GroupBy: group, Zone: h.zone()}
}

// buckets lists the starts of v's buckets in loc. A day bucket is a
// calendar day, 23 or 25 hours long when daylight saving time changes.
func buckets(v view, loc *time.Location) []time.Time {
	return store.Buckets(v.From, v.To, v.Step, loc)
}

func (h *Handler) series(ctx context.Context, v view) (Series, error) {
	pts, err := h.opt.Store.Series(ctx, h.seriesQuery(v, []string{v.Brand}, store.GroupLabel))
	if err != nil {
		return Series{}, fmt.Errorf("reading volume: %w", err)
	}
	bs := buckets(v, h.zone())
	s := Series{Brand: v.Brand, From: v.From.In(h.opt.Location), To: v.To.In(h.opt.Location), StepSeconds: int64(v.Step / time.Second),
		T: make([]int64, len(bs)), Negative: make([]uint64, len(bs)), Neutral: make([]uint64, len(bs)), Positive: make([]uint64, len(bs)),
		Alerts: []AlertMarker{}}
	idx := make(map[int64]int, len(bs))
	for i, b := range bs {
		s.T[i] = b.Unix()
		idx[b.Unix()] = i
	}
	for _, p := range pts {
		i, ok := idx[p.Bucket.Unix()]
		if !ok {
			continue
		}
		switch mw.Label(p.Key) {
		case mw.Negative:
			s.Negative[i] += p.Count
		case mw.Positive:
			s.Positive[i] += p.Count
		default:
			s.Neutral[i] += p.Count
		}
	}
	as, err := h.opt.Store.Alerts(ctx, store.AlertQuery{Brand: v.Brand, Since: v.From, Limit: 200})
	if err != nil {
		return Series{}, fmt.Errorf("reading alerts: %w", err)
	}
	for _, a := range as {
		if a.StartedAt.Before(v.From) || !a.StartedAt.Before(v.To) {
			continue
		}
		s.Alerts = append(s.Alerts, AlertMarker{ID: a.ID, T: a.StartedAt.Unix(), State: string(a.State), Kind: a.Kind, Scope: a.Scope, Summary: a.Summary,
			Label: alerts.ScopeLabel(a.Scope)})
	}
	return s, nil
}

// Share is a count and its negative part.
type Share struct {
	Count    uint64  `json:"count"`
	Negative uint64  `json:"negative"`
	NegShare float64 `json:"neg_share"` // Negative / Count, 0 when Count is 0
}

func share(count, neg uint64) Share {
	s := Share{Count: count, Negative: neg}
	if count > 0 {
		s.NegShare = float64(neg) / float64(count)
	}
	return s
}

// JourneyStage is one moment of truth.
type JourneyStage struct {
	Stage string `json:"stage"`
	Share
	Pain float64 `json:"pain"` // this stage's part of all negative mentions, 0..1
}

func (h *Handler) journey(ctx context.Context, v view) ([]JourneyStage, error) {
	pts, err := h.opt.Store.Series(ctx, store.SeriesQuery{Brands: []string{v.Brand}, From: v.From, To: v.To, GroupBy: store.GroupStage})
	if err != nil {
		return nil, fmt.Errorf("reading journey: %w", err)
	}
	by := map[string][2]uint64{}
	var negAll uint64
	for _, p := range pts {
		c := by[p.Key]
		by[p.Key] = [2]uint64{c[0] + p.Count, c[1] + p.Negative}
		negAll += p.Negative
	}
	out := make([]JourneyStage, 0, len(mw.Stages))
	for _, st := range mw.Stages {
		c := by[string(st)]
		js := JourneyStage{Stage: string(st), Share: share(c[0], c[1])}
		if negAll > 0 {
			js.Pain = float64(c[1]) / float64(negAll)
		}
		out = append(out, js)
	}
	return out, nil
}

// Aspect is one aspect's volume and negative share now and in the window
// before, of the same length.
type Aspect struct {
	Aspect string `json:"aspect"`
	Share
	Previous Share `json:"previous"`
	// Trend is the change in negative share against the previous window,
	// in points (0.1 = ten percentage points more negative).
	Trend float64 `json:"trend"`
	// Growth is the change in negative count: (now - before) / max(before, 1).
	Growth float64 `json:"growth"`
}

func (h *Handler) aspects(ctx context.Context, v view) ([]Aspect, error) {
	span := v.To.Sub(v.From)
	var now, before []store.SeriesPoint
	var err error
	if now, err = h.opt.Store.Series(ctx, store.SeriesQuery{Brands: []string{v.Brand}, From: v.From, To: v.To, GroupBy: store.GroupAspect}); err != nil {
		return nil, fmt.Errorf("reading aspects: %w", err)
	}
	if before, err = h.opt.Store.Series(ctx, store.SeriesQuery{Brands: []string{v.Brand}, From: v.From.Add(-span), To: v.From, GroupBy: store.GroupAspect}); err != nil {
		return nil, fmt.Errorf("reading aspects of the previous window: %w", err)
	}
	cur, prev := map[string][2]uint64{}, map[string][2]uint64{}
	for _, p := range now {
		c := cur[p.Key]
		cur[p.Key] = [2]uint64{c[0] + p.Count, c[1] + p.Negative}
	}
	for _, p := range before {
		c := prev[p.Key]
		prev[p.Key] = [2]uint64{c[0] + p.Count, c[1] + p.Negative}
	}
	out := []Aspect{}
	for k, c := range cur {
		if k == "" {
			continue
		}
		p := prev[k]
		a := Aspect{Aspect: k, Share: share(c[0], c[1]), Previous: share(p[0], p[1])}
		a.Trend = a.NegShare - a.Previous.NegShare
		a.Growth = (float64(c[1]) - float64(p[1])) / max(float64(p[1]), 1)
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].NegShare != out[j].NegShare {
			return out[i].NegShare > out[j].NegShare
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Aspect < out[j].Aspect
	})
	return out, nil
}

// ShareOfVoice compares a brand with its configured competitors.
type ShareOfVoice struct {
	Brand       string     `json:"brand"`
	StepSeconds int64      `json:"step_seconds"`
	T           []int64    `json:"t"`
	Brands      []SOVBrand `json:"brands"` // the brand first, then its competitors
}

// SOVBrand is one brand's part of the conversation.
type SOVBrand struct {
	Name string `json:"name"`
	Share
	Voice  float64  `json:"voice"`  // Count / all brands' count, 0..1
	Counts []uint64 `json:"counts"` // per bucket, aligned with T
}

func (h *Handler) shareOfVoice(ctx context.Context, v view) (ShareOfVoice, error) {
	names := []string{v.Brand}
	if b, ok := h.brand(v.Brand); ok {
		for _, c := range b.Competitors {
			if !slices.Contains(names, c.Name) {
				names = append(names, c.Name)
			}
		}
	}
	pts, err := h.opt.Store.Series(ctx, h.seriesQuery(v, names, store.GroupNone))
	if err != nil {
		return ShareOfVoice{}, fmt.Errorf("reading share of voice: %w", err)
	}
	bs := buckets(v, h.zone())
	sov := ShareOfVoice{Brand: v.Brand, StepSeconds: int64(v.Step / time.Second), T: make([]int64, len(bs))}
	idx := make(map[int64]int, len(bs))
	for i, b := range bs {
		sov.T[i] = b.Unix()
		idx[b.Unix()] = i
	}
	pos := map[string]int{}
	for i, n := range names {
		pos[n] = i
		sov.Brands = append(sov.Brands, SOVBrand{Name: n, Counts: make([]uint64, len(bs))})
	}
	var total uint64
	for _, p := range pts {
		j, ok := pos[p.Brand]
		if !ok {
			continue
		}
		b := &sov.Brands[j]
		b.Count += p.Count
		b.Negative += p.Negative
		total += p.Count
		if i, ok := idx[p.Bucket.Unix()]; ok {
			b.Counts[i] += p.Count
		}
	}
	for i := range sov.Brands {
		b := &sov.Brands[i]
		b.Share = share(b.Count, b.Negative)
		if total > 0 {
			b.Voice = float64(b.Count) / float64(total)
		}
	}
	return sov, nil
}

// Mention is a stored mention as the dashboard shows it.
type Mention struct {
	mw.Mention
	Impact float64 `json:"impact"` // negativity × reach
}

func (h *Handler) topNegative(ctx context.Context, v view, limit int) ([]Mention, error) {
	ms, err := h.opt.Store.Mentions(ctx, store.MentionQuery{Brands: []string{v.Brand}, From: v.From, To: v.To, Label: mw.Negative, OrderBy: store.ByImpact, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("reading top negative mentions: %w", err)
	}
	return wrap(ms, h.opt.Location), nil
}

// wrap makes the dashboard's mentions, their times in loc.
func wrap(ms []mw.Mention, loc *time.Location) []Mention {
	out := make([]Mention, len(ms))
	for i := range ms {
		out[i] = Mention{Mention: ms[i], Impact: ms[i].Impact()}
		out[i].Published, out[i].Collected = inZone(ms[i].Published, loc), inZone(ms[i].Collected, loc)
		if out[i].Aspects == nil {
			out[i].Aspects = []string{} // [] in JSON, not null
		}
	}
	return out
}

// inZone is t in loc, or the zero time as it is (in UTC): a time never
// set (a mention's unknown collected time) would otherwise show as year
// 1 at loc's local mean time ("0001-01-01T07:07:12+07:07").
func inZone(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(loc)
}

// Alert is a stored alert as the dashboard and API show it.
type Alert struct {
	ID         string            `json:"id"`
	Brand      string            `json:"brand"`
	Kind       string            `json:"kind"`
	Scope      string            `json:"scope"`
	State      mw.AlertState     `json:"state"`
	StartedAt  time.Time         `json:"started_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
	ResolvedAt *time.Time        `json:"resolved_at,omitempty"`
	Count      float64           `json:"count"`
	Baseline   float64           `json:"baseline"`
	Factor     float64           `json:"factor"`
	NegShare   float64           `json:"neg_share"`
	Summary    string            `json:"summary"`
	MentionIDs []string          `json:"mention_ids"`
	Breakdown  map[string]uint64 `json:"breakdown,omitempty"`
	Notified   int               `json:"notify_count"`
	AckedAt    *time.Time        `json:"acked_at,omitempty"`
	AckedBy    string            `json:"acked_by,omitempty"`
	Silenced   bool              `json:"silenced"` // an active silence matches it

	// EpisodeTotal is a resolved spike's negative mentions over its
	// whole episode (mw.Alert.EpisodeTotal); absent otherwise, as in the
	// webhook.
	EpisodeTotal float64 `json:"episode_total,omitempty"`

	// In words (alerts_page.go): the headline, why it fired (the baseline
	// as "40 negative in 5 min; usually 0–2", or a critical reason), and a
	// critical alert's mention with its text and link.
	Headline string   `json:"headline"`
	Why      string   `json:"why"`
	Reason   string   `json:"reason,omitempty"`
	Mention  *Mention `json:"mention,omitempty"`
	// Deliveries: each notification's status with each receiver
	// (alert_deliveries.go); the focused alert shows the whole log.
	Deliveries []Delivery `json:"deliveries"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func alertView(a mw.Alert, loc *time.Location) Alert {
	ids := a.MentionIDs
	if ids == nil {
		ids = []string{}
	}
	in := func(t time.Time) time.Time { return t.In(loc) }
	return Alert{ID: a.ID, Brand: a.Brand, Kind: a.Kind, Scope: a.Scope, State: a.State, StartedAt: in(a.StartedAt), UpdatedAt: in(a.UpdatedAt),
		ResolvedAt: timePtr(in(a.ResolvedAt)), Count: a.Count, Baseline: a.Baseline, Factor: a.Factor, NegShare: a.NegShare, Summary: a.Summary,
		EpisodeTotal: a.EpisodeTotal, MentionIDs: ids, Breakdown: a.Breakdown, Notified: a.NotifyCount, AckedAt: timePtr(in(a.AckedAt)), AckedBy: a.AckedBy}
}

// Silence is an active silence as the API shows it.
type Silence struct {
	ID        string    `json:"id"`
	Brand     string    `json:"brand"`
	Scope     string    `json:"scope"`
	AlertID   string    `json:"alert_id,omitempty"` // made from this alert: it stays muted whatever its scope becomes
	Until     time.Time `json:"until"`
	Reason    string    `json:"reason"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	// Config: written in config (alerts.silences); change it there.
	Config bool `json:"config,omitempty"`
}

func silenceViews(ss []mw.Silence, loc *time.Location) []Silence {
	out := make([]Silence, len(ss))
	for i, s := range ss {
		out[i] = Silence{ID: s.ID, Brand: s.Brand, Scope: s.Scope, AlertID: s.AlertID, Until: s.Until.In(loc), Reason: s.Reason, CreatedBy: s.CreatedBy,
			CreatedAt: s.CreatedAt.In(loc), Config: strings.HasPrefix(s.ID, configSilencePrefix)}
	}
	return out
}

// configSilencePrefix starts the ids of the silences written in config.
const configSilencePrefix = "config:"

// activeSilences are the silences active at t: the stored ones and those
// written in config (alerts.silences), as the alert loop reads them.
func (h *Handler) activeSilences(ctx context.Context, t time.Time) ([]mw.Silence, error) {
	ss, err := h.opt.Store.Silences(ctx, t)
	if err != nil {
		return nil, err
	}
	for i, c := range h.opt.ConfigSilences {
		until, err := time.Parse(time.RFC3339, c.Until)
		if err != nil || !until.After(t) {
			continue // an unreadable one is check-config's to report
		}
		ss = append(ss, mw.Silence{ID: configSilencePrefix + strconv.Itoa(i+1), Brand: c.Brand, Scope: c.Scope, Until: until,
			Reason: c.Reason, CreatedBy: "config"})
	}
	return ss, nil
}

func (h *Handler) alertList(ctx context.Context, v view) ([]Alert, []mw.Silence, error) {
	as, err := h.opt.Store.Alerts(ctx, store.AlertQuery{Brand: v.Brand, Since: v.From, Limit: 100})
	if err != nil {
		return nil, nil, fmt.Errorf("reading alerts: %w", err)
	}
	now := h.opt.Now()
	ss, err := h.activeSilences(ctx, now)
	if err != nil {
		return nil, nil, fmt.Errorf("reading silences: %w", err)
	}
	out := make([]Alert, len(as))
	for i, a := range as {
		out[i] = h.alertView(a)
		for _, s := range ss {
			if s.Matches(a, now) {
				out[i].Silenced = true
			}
		}
	}
	// Firing first, newest first within each state.
	sort.SliceStable(out, func(i, j int) bool { return out[i].State == mw.Firing && out[j].State != mw.Firing })
	if err := h.attachCriticalMentions(ctx, out); err != nil {
		return nil, nil, err
	}
	if err := h.attachDeliveries(ctx, out); err != nil {
		return nil, nil, err
	}
	return out, ss, nil
}

// ResponseTimes is the team's time to first response over the alerts of
// the view: from an alert's start to its first acknowledgement (or to a
// resolution from the dashboard, which acknowledges too).
type ResponseTimes struct {
	Alerts        int     `json:"alerts"`
	Acknowledged  int     `json:"acknowledged"`
	MedianSeconds float64 `json:"median_seconds"` // 0 when none was acknowledged
	P90Seconds    float64 `json:"p90_seconds"`
}

func responseTimes(as []Alert) ResponseTimes {
	r := ResponseTimes{Alerts: len(as)}
	var secs []float64
	for _, a := range as {
		if a.AckedAt != nil {
			secs = append(secs, max(a.AckedAt.Sub(a.StartedAt).Seconds(), 0))
		}
	}
	r.Acknowledged = len(secs)
	if len(secs) > 0 {
		sort.Float64s(secs)
		r.MedianSeconds = quantile(secs, 0.5)
		r.P90Seconds = quantile(secs, 0.9)
	}
	return r
}

// quantile interpolates linearly between the closest ranks of sorted xs.
func quantile(xs []float64, q float64) float64 {
	pos := q * float64(len(xs)-1)
	i := int(pos)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (pos-float64(i))*(xs[i+1]-xs[i])
}

// Source is one source's health.
type Source struct {
	Source            string     `json:"source"`
	Kind              string     `json:"kind"`
	LastRun           *time.Time `json:"last_run,omitempty"`
	LastSuccess       *time.Time `json:"last_success,omitempty"`
	LastError         string     `json:"last_error,omitempty"`
	LastErrorAt       *time.Time `json:"last_error_at,omitempty"`
	ItemsLastRun      int        `json:"items_last_run"`
	TotalItems        uint64     `json:"total_items"`
	ConsecutiveErrors int        `json:"consecutive_errors"`
	Healthy           bool       `json:"healthy"` // it succeeded and has not failed since
	// Disabled: configured with disabled: true, so it does not run.
	Disabled bool `json:"disabled,omitempty"`
}

// Sources is source health plus the writer's spool.
type Sources struct {
	Sources      []Source `json:"sources"`
	SpoolKnown   bool     `json:"spool_known"`
	SpoolBatches int      `json:"spool_batches"`
	SpoolBytes   int64    `json:"spool_bytes"`
}

func (h *Handler) sources(ctx context.Context) (Sources, error) {
	sts, err := h.opt.Store.SourceStates(ctx)
	if err != nil {
		return Sources{}, fmt.Errorf("reading source states: %w", err)
	}
	out := Sources{Sources: make([]Source, len(sts))}
	for i, s := range sts {
		in := func(t time.Time) *time.Time { return timePtr(t.In(h.opt.Location)) }
		out.Sources[i] = Source{Source: s.Source, Kind: s.Type, LastRun: in(s.LastRun), LastSuccess: in(s.LastSuccess),
			LastError: redact.String(s.LastError), LastErrorAt: in(s.LastErrorAt), ItemsLastRun: s.ItemsLastRun, TotalItems: s.TotalItems,
			ConsecutiveErrors: s.ConsecutiveErrors, Healthy: s.ConsecutiveErrors == 0 && !s.LastSuccess.IsZero()}
	}
	// A configured source that has not run yet is listed too, as never
	// run (or disabled), not left out until its first run.
	for _, c := range h.opt.Sources {
		i := slices.IndexFunc(out.Sources, func(s Source) bool { return s.Source == c.Name })
		if i < 0 {
			out.Sources = append(out.Sources, Source{Source: c.Name, Kind: c.Type})
			i = len(out.Sources) - 1
		}
		out.Sources[i].Disabled = c.Disabled
	}
	sort.Slice(out.Sources, func(i, j int) bool { return out.Sources[i].Source < out.Sources[j].Source })
	switch {
	case h.opt.Counters != nil:
		ws := h.opt.Counters().Writer
		out.SpoolKnown, out.SpoolBatches, out.SpoolBytes = true, ws.SpoolBatches, ws.SpoolBytes
	case h.opt.Spool != nil:
		out.SpoolBatches, out.SpoolBytes, out.SpoolKnown = h.opt.Spool()
	}
	return out, nil
}
