package digest

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/store"
)

// Reader is what a digest reads from the store.
type Reader interface {
	Totals(ctx context.Context, q store.TotalsQuery) ([]store.BrandTotals, error)
	Series(ctx context.Context, q store.SeriesQuery) ([]store.SeriesPoint, error)
	Mentions(ctx context.Context, q store.MentionQuery) ([]mw.Mention, error)
	Alerts(ctx context.Context, q store.AlertQuery) ([]mw.Alert, error)
}

// Limits of a digest's lists.
const (
	TopMentions   = 5   // groups of near-duplicate negative mentions shown
	topCandidates = 50  // most impactful negative mentions read, then grouped
	TopAspects    = 6   // aspects shown
	MaxAlerts     = 500 // alerts read for one period
	listedAlerts  = 10  // alerts listed one by one; the rest are counted
)

// Totals is a brand's volume and sentiment over one period.
type Totals struct {
	Count, Negative, Neutral, Positive uint64
	Mean                               float64 // mean sentiment score, -1..1
}

// NegShare is the negative part of the volume, 0 when there is none.
func (t Totals) NegShare() float64 { return ratio(t.Negative, t.Count) }

// Bucket is one bar of the volume chart: an hour of a daily digest, a
// day of a weekly one.
type Bucket struct {
	Start                       time.Time // local
	Negative, Neutral, Positive uint64
}

// Total is the bucket's volume.
func (b Bucket) Total() uint64 { return b.Negative + b.Neutral + b.Positive }

// Stage is one moment of truth: its negatives now and before.
type Stage struct {
	Stage        mw.Stage
	Words        string // "waiting for delivery"
	Count        uint64
	Negative     uint64
	PrevNegative uint64
}

// Aspect is one aspect now and in the previous period.
type Aspect struct {
	Aspect                  string
	Words                   string // "delivery and shipping"
	Count, Negative         uint64
	PrevCount, PrevNegative uint64
}

// Voice is one brand's part of the conversation among the brand and its
// competitors.
type Voice struct {
	Name             string
	Count, PrevCount uint64
	Negative         uint64
	All, PrevAll     uint64  // all the brands' mentions
	Share, PrevShare float64 // of All and PrevAll, 0..1 (0 when they are 0)
	NegShare         float64
}

// ShareWords is the brand's share of voice, n/a when no brand had a
// mention; PrevShareWords the previous period's, MoveWords the change in
// points, NegWords its negative share.
func (v Voice) ShareWords() string     { return share(v.Count, v.All) }
func (v Voice) PrevShareWords() string { return share(v.PrevCount, v.PrevAll) }
func (v Voice) MoveWords() string      { return shareMove(v.Count, v.All, v.PrevCount, v.PrevAll) }
func (v Voice) NegWords() string       { return share(v.Negative, v.Count) }

// Top is a negative mention with its near-copies.
type Top struct {
	Mention mw.Mention
	Similar int // near-copies besides Mention
}

// Alert is an alert of the period and the time to its first response.
type Alert struct {
	Headline  string
	Why       string
	Link      string // the alert in the dashboard, or ""
	Kind      string
	State     mw.AlertState
	StartedAt time.Time // local
	AckedAt   time.Time // local; zero when nobody acknowledged it
	AckedBy   string
	Response  time.Duration // AckedAt - StartedAt; meaningful when Acked
	Acked     bool
}

// Report is one digest's content. Times are in the digest's time zone.
type Report struct {
	Brand     string
	Window    Window
	Now, Prev Totals
	Volume    []Bucket // the period's buckets in order, empty ones included
	Journey   []Stage  // mw.Stages order, unknown last
	Aspects   []Aspect // by negatives now, then volume, at most TopAspects
	Voice     []Voice  // the brand first, then its competitors
	Top       []Top
	Alerts    []Alert // newest first, at most listedAlerts
	// AlertCount counts every alert of the period, listed or not; Acked
	// those acknowledged; MedianResponse is their median time to first
	// response (0 when none was acknowledged).
	AlertCount, Acked int
	MedianResponse    time.Duration
	Dashboard         string // link to the dashboard for the period, or ""

	base string // the dashboard's base URL, for links to alerts
}

// Options say which digest to build.
type Options struct {
	Brand       mw.Brand // its competitors make the share of voice
	Period      Period
	End         time.Time // the period ends at local midnight of End's day
	Location    *time.Location
	Dashboard   string        // dashboard base URL (alerts.dashboard_url), or ""
	AlertBucket time.Duration // the detector's bucket, for alerts' baselines in words
}

// Build reads the digest of o from r.
func Build(ctx context.Context, r Reader, o Options) (*Report, error) {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	w := WindowEnding(o.Period, o.End, loc)
	rep := &Report{Brand: o.Brand.Name, Window: w}
	if o.Dashboard != "" && alerts.HTTPURL(o.Dashboard) {
		rep.Dashboard, rep.base = dashboardLink(o.Dashboard, o.Brand.Name, w), o.Dashboard
	}
	names := []string{o.Brand.Name}
	for _, c := range o.Brand.Competitors {
		if !slices.Contains(names, c.Name) {
			names = append(names, c.Name)
		}
	}
	steps := []func(context.Context, Reader, *Report, []string, time.Duration) error{
		readTotals, readVolume, readJourney, readAspects, readTop, readAlerts,
	}
	for _, step := range steps {
		if err := step(ctx, r, rep, names, o.AlertBucket); err != nil {
			return nil, fmt.Errorf("building the %s digest of %s: %w", o.Period, o.Brand.Name, err)
		}
	}
	return rep, nil
}

func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// readTotals fills Now, Prev and Voice from two Totals queries.
func readTotals(ctx context.Context, r Reader, rep *Report, names []string, _ time.Duration) error {
	w := rep.Window
	read := func(from, to time.Time) (map[string]store.BrandTotals, uint64, error) {
		ts, err := r.Totals(ctx, store.TotalsQuery{Brands: names, From: from, To: to})
		if err != nil {
			return nil, 0, fmt.Errorf("reading totals: %w", err)
		}
		out := map[string]store.BrandTotals{}
		var all uint64
		for _, t := range ts {
			out[t.Brand] = t
			all += t.Count
		}
		return out, all, nil
	}
	cur, curAll, err := read(w.From, w.To)
	if err != nil {
		return err
	}
	prev, prevAll, err := read(w.PrevFrom, w.From)
	if err != nil {
		return err
	}
	conv := func(t store.BrandTotals) Totals {
		return Totals{Count: t.Count, Negative: t.Negative, Neutral: t.Neutral, Positive: t.Positive, Mean: t.Mean()}
	}
	rep.Now, rep.Prev = conv(cur[rep.Brand]), conv(prev[rep.Brand])
	if len(names) > 1 {
		for _, n := range names {
			c, p := cur[n], prev[n]
			rep.Voice = append(rep.Voice, Voice{Name: n, Count: c.Count, PrevCount: p.Count, Negative: c.Negative, All: curAll, PrevAll: prevAll,
				Share: ratio(c.Count, curAll), PrevShare: ratio(p.Count, prevAll), NegShare: ratio(c.Negative, c.Count)})
		}
	}
	return nil
}

// readVolume reads counts by label in the period's local hours (daily)
// or local days (weekly): the store buckets them by the window's time
// zone (store.SeriesQuery.Zone), exact in half-hour zones and across DST.
func readVolume(ctx context.Context, r Reader, rep *Report, _ []string, _ time.Duration) error {
	w := rep.Window
	step := time.Hour
	if w.Period != Daily {
		step = 24 * time.Hour
	}
	pts, err := r.Series(ctx, store.SeriesQuery{Brands: []string{rep.Brand}, From: w.From, To: w.To, Step: step, Zone: w.From.Location(), GroupBy: store.GroupLabel})
	if err != nil {
		return fmt.Errorf("reading volume: %w", err)
	}
	var starts []time.Time
	if w.Period == Daily {
		for t := w.From; t.Before(w.To); t = t.Add(time.Hour) {
			starts = append(starts, t)
		}
	} else {
		for t := w.From; t.Before(w.To); t = wallTime(t.Year(), t.Month(), t.Day()+1, 0, 0, t.Location()) {
			starts = append(starts, t)
		}
	}
	rep.Volume = make([]Bucket, len(starts))
	for i, s := range starts {
		rep.Volume[i].Start = s
	}
	for _, p := range pts {
		at := p.Bucket
		if at.Before(w.From) || !at.Before(w.To) {
			continue
		}
		i := sort.Search(len(starts), func(i int) bool { return starts[i].After(at) }) - 1
		if i < 0 {
			continue
		}
		b := &rep.Volume[i]
		switch mw.Label(p.Key) {
		case mw.Negative:
			b.Negative += p.Count
		case mw.Positive:
			b.Positive += p.Count
		default:
			b.Neutral += p.Count
		}
	}
	return nil
}

// counts sums a one-bucket series by key: [count, negative].
func counts(ctx context.Context, r Reader, brand, group string, from, to time.Time) (map[string][2]uint64, error) {
	pts, err := r.Series(ctx, store.SeriesQuery{Brands: []string{brand}, From: from, To: to, GroupBy: group})
	if err != nil {
		return nil, err
	}
	out := map[string][2]uint64{}
	for _, p := range pts {
		c := out[p.Key]
		out[p.Key] = [2]uint64{c[0] + p.Count, c[1] + p.Negative}
	}
	return out, nil
}

func readJourney(ctx context.Context, r Reader, rep *Report, _ []string, _ time.Duration) error {
	w := rep.Window
	cur, err := counts(ctx, r, rep.Brand, store.GroupStage, w.From, w.To)
	if err != nil {
		return fmt.Errorf("reading the journey: %w", err)
	}
	prev, err := counts(ctx, r, rep.Brand, store.GroupStage, w.PrevFrom, w.From)
	if err != nil {
		return fmt.Errorf("reading the journey of the previous %s: %w", w.Period.Noun(), err)
	}
	for _, st := range mw.Stages {
		c, p := cur[string(st)], prev[string(st)]
		if st == mw.StageUnknown {
			// Mentions stored before stages were scored have none.
			c2, p2 := cur[""], prev[""]
			c = [2]uint64{c[0] + c2[0], c[1] + c2[1]}
			p = [2]uint64{p[0] + p2[0], p[1] + p2[1]}
		}
		if st == mw.StageUnknown && c[0] == 0 && p[1] == 0 {
			continue // every mention had a stage: no row
		}
		rep.Journey = append(rep.Journey, Stage{Stage: st, Words: alerts.StageWords(st), Count: c[0], Negative: c[1], PrevNegative: p[1]})
	}
	return nil
}

func readAspects(ctx context.Context, r Reader, rep *Report, _ []string, _ time.Duration) error {
	w := rep.Window
	cur, err := counts(ctx, r, rep.Brand, store.GroupAspect, w.From, w.To)
	if err != nil {
		return fmt.Errorf("reading aspects: %w", err)
	}
	prev, err := counts(ctx, r, rep.Brand, store.GroupAspect, w.PrevFrom, w.From)
	if err != nil {
		return fmt.Errorf("reading aspects of the previous %s: %w", w.Period.Noun(), err)
	}
	for k, c := range cur {
		if k == "" {
			continue
		}
		p := prev[k]
		rep.Aspects = append(rep.Aspects, Aspect{Aspect: k, Words: alerts.AspectLabel(k), Count: c[0], Negative: c[1], PrevCount: p[0], PrevNegative: p[1]})
	}
	// An aspect that was talked about before and not at all now changed
	// too: show it when there is room.
	for k, p := range prev {
		if _, ok := cur[k]; !ok && k != "" && p[1] > 0 {
			rep.Aspects = append(rep.Aspects, Aspect{Aspect: k, Words: alerts.AspectLabel(k), PrevCount: p[0], PrevNegative: p[1]})
		}
	}
	sort.Slice(rep.Aspects, func(i, j int) bool {
		a, b := rep.Aspects[i], rep.Aspects[j]
		if a.Negative != b.Negative {
			return a.Negative > b.Negative
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Aspect < b.Aspect
	})
	if len(rep.Aspects) > TopAspects {
		rep.Aspects = rep.Aspects[:TopAspects]
	}
	return nil
}

// readTop reads the most impactful negative mentions and groups their
// near-copies (alerts.GroupSimilar), keeping the first TopMentions groups.
func readTop(ctx context.Context, r Reader, rep *Report, _ []string, _ time.Duration) error {
	w := rep.Window
	ms, err := r.Mentions(ctx, store.MentionQuery{Brands: []string{rep.Brand}, From: w.From, To: w.To, Label: mw.Negative, OrderBy: store.ByImpact, Limit: topCandidates})
	if err != nil {
		return fmt.Errorf("reading the top mentions: %w", err)
	}
	for _, g := range alerts.GroupSimilar(ms) {
		if len(rep.Top) == TopMentions {
			break
		}
		m := g.Mention
		m.Published = m.Published.In(w.From.Location())
		rep.Top = append(rep.Top, Top{Mention: m, Similar: g.Count - 1})
	}
	return nil
}

func readAlerts(ctx context.Context, r Reader, rep *Report, _ []string, bucket time.Duration) error {
	w := rep.Window
	as, err := r.Alerts(ctx, store.AlertQuery{Brand: rep.Brand, Since: w.From, Until: w.To, Limit: MaxAlerts})
	if err != nil {
		return fmt.Errorf("reading alerts: %w", err)
	}
	loc := w.From.Location()
	var resp []time.Duration
	for _, a := range as {
		if a.StartedAt.Before(w.From) || !a.StartedAt.Before(w.To) {
			continue // still firing from before the period
		}
		rep.AlertCount++
		v := Alert{Headline: alerts.Headline(a), Why: alerts.Why(a, bucket), Kind: a.Kind, State: a.State, StartedAt: a.StartedAt.In(loc),
			Link: alerts.DeepLink(rep.base, a.ID)}
		if !a.AckedAt.IsZero() {
			v.Acked, v.AckedAt, v.AckedBy = true, a.AckedAt.In(loc), a.AckedBy
			v.Response = max(a.AckedAt.Sub(a.StartedAt), 0)
			resp = append(resp, v.Response)
		}
		if len(rep.Alerts) < listedAlerts {
			rep.Alerts = append(rep.Alerts, v)
		}
	}
	rep.Acked = len(resp)
	if len(resp) > 0 {
		slices.Sort(resp)
		mid := len(resp) / 2
		rep.MedianResponse = resp[mid]
		if len(resp)%2 == 0 {
			rep.MedianResponse = (resp[mid-1] + resp[mid]) / 2
		}
	}
	return nil
}

// dashboardLink opens the dashboard on the brand and the digest's period.
func dashboardLink(base, brand string, w Window) string {
	q := url.Values{"brand": {brand}, "from": {strconv.FormatInt(w.From.Unix(), 10)}, "to": {strconv.FormatInt(w.To.Unix(), 10)}}
	return strings.TrimSuffix(base, "/") + "/?" + q.Encode()
}
