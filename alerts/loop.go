// Package alerts watches the scored stream for waves of negative mentions
// and for single critical mentions, keeps each alert's lifecycle (firing,
// repeated, resolved) in the store, and notifies Slack and webhooks once
// per change, with the evidence a responder needs.
package alerts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/detect"
	"github.com/mentionwatch/mentionwatch/scoring"
	"github.com/mentionwatch/mentionwatch/store"
)

// Scopes of a brand's series.
const (
	ScopeBrand   = "brand"
	ScopeMention = "mention"
)

// Loop is the alerting loop. Observe feeds it scored mentions as they are
// stored; Tick closes finished buckets, runs the detector, updates alerts
// and delivers notifications. Observe and Tick may run concurrently.
type Loop struct {
	cfg       mw.AlertsConfig
	st        store.Store
	notifiers []Notifier
	log       *slog.Logger
	det       Detector

	bucket, repeat, lateness time.Duration
	keywords                 []string // folded

	// Brands, when set, limits spike and critical alerts to these brands
	// (competitors are tracked for share of voice, not alerted on).
	Brands map[string]bool
	// OnDeliver, if set, is called after each notification attempt (its
	// retries done), with the error if it failed (for metrics).
	OnDeliver func(notifier string, a mw.Alert, err error)
	// DeliveryTimeout bounds one notification's retries within a tick;
	// what is not delivered stays pending for the next tick.
	DeliveryTimeout time.Duration

	mu         sync.Mutex
	open       map[int64]map[string]*counts // bucket start (Unix s) -> series -> counts
	lastClosed time.Time                    // end of the last closed bucket
	known      map[string]bool              // every series seen
	brandSince map[string]time.Time         // first bucket stepped for each brand
	episodes   map[string]*mw.Alert         // brand -> firing spike episode
	critical   []mw.Mention                 // critical mentions not yet turned into alerts
	pending    map[string]*mw.Alert         // alerts whose state changed or must repeat
	delivered  map[string]map[string]bool   // delivery key -> notifier -> done
}

type counts struct{ neg, total float64 }

// NewLoop builds the loop with the detector chosen in cfg.
func NewLoop(cfg mw.AlertsConfig, st store.Store, ns []Notifier, log *slog.Logger) *Loop {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Loop{
		cfg: cfg, st: st, notifiers: ns, log: log.With("component", "alerts"),
		bucket:          cfg.Bucket.Or(5 * time.Minute),
		repeat:          cfg.RepeatInterval.Or(4 * time.Hour),
		lateness:        cfg.MaxLateness.Or(2 * time.Hour),
		DeliveryTimeout: 2 * time.Minute,
		open:            map[int64]map[string]*counts{},
		known:           map[string]bool{},
		brandSince:      map[string]time.Time{},
		episodes:        map[string]*mw.Alert{},
		pending:         map[string]*mw.Alert{},
		delivered:       map[string]map[string]bool{},
	}
	for _, k := range cfg.Critical.Keywords {
		if w := words(k); w != "  " {
			l.keywords = append(l.keywords, w)
		}
	}
	l.det = NewDetector(cfg)
	return l
}

// NewDetector returns the detector named by cfg.Detector: the adaptive
// spike detector (default) or the fixed threshold.
func NewDetector(cfg mw.AlertsConfig) Detector {
	if cfg.Detector == "threshold" {
		return NewThreshold(cfg)
	}
	bucket := cfg.Bucket.Or(5 * time.Minute)
	dc := detect.Config{Bucket: bucket, MinCount: float64(cfg.MinCount)}
	if cfg.Sensitivity > 0 {
		dc.Sensitivity = cfg.Sensitivity // divides the detector's thresholds
	}
	if w := cfg.Warmup.D(); w > 0 {
		dc.WarmupBuckets = max(1, int(w/bucket))
	}
	return spike{detect.New(dc)}
}

// spike adapts detect.Detector to the loop.
type spike struct{ d *detect.Detector }

func (s spike) Step(series string, bucket time.Time, value, total float64) Decision {
	d := s.d.Step(series, bucket, value, total)
	return Decision{Firing: d.Firing, Onset: d.Onset, Resolved: d.Resolved, Expected: d.Expected, Factor: d.Factor, Score: d.Score,
		Slow: d.Slow, SlowFactor: d.SlowFactor}
}

// SetDetector replaces the detector (tests, eval).
func (l *Loop) SetDetector(d Detector) { l.det = d }

func seriesKey(brand, scope string) string { return brand + "\x1f" + scope }

func splitSeries(key string) (brand, scope string) {
	brand, scope, _ = strings.Cut(key, "\x1f")
	return brand, scope
}

// scopes lists the series a mention counts in.
func scopes(m *mw.Mention) []string {
	out := []string{ScopeBrand}
	if m.Stage != "" && m.Stage != mw.StageUnknown {
		out = append(out, "stage:"+string(m.Stage))
	}
	for _, a := range m.Aspects {
		out = append(out, "aspect:"+a)
	}
	return out
}

// Observe counts scored mentions into their buckets and notes critical
// ones. A mention published before the last closed bucket counts in the
// open bucket (it arrived late); one older than max_lateness is backfill and
// is not counted.
func (l *Loop) Observe(ms []mw.Mention) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range ms {
		m := &ms[i]
		if l.Brands != nil && !l.Brands[m.Brand] {
			continue
		}
		t := m.Published
		if !l.lastClosed.IsZero() && t.Before(l.lastClosed) {
			if l.lastClosed.Sub(t) > l.lateness {
				continue
			}
			t = l.lastClosed
		}
		b := t.Truncate(l.bucket).Unix()
		bc := l.open[b]
		if bc == nil {
			bc = map[string]*counts{}
			l.open[b] = bc
		}
		for _, sc := range scopes(m) {
			k := seriesKey(m.Brand, sc)
			c := bc[k]
			if c == nil {
				c = &counts{}
				bc[k] = c
			}
			c.total++
			if m.Label == mw.Negative {
				c.neg++
			}
		}
		if why := l.criticalReason(m); why != "" {
			c := *m
			c.Title = why + "\x00" + c.Title // reason travels with the mention until Tick
			l.critical = append(l.critical, c)
		}
	}
}

// criticalReason says why m is critical, or "".
func (l *Loop) criticalReason(m *mw.Mention) string {
	cc := l.cfg.Critical
	if m.Label != mw.Positive && len(l.keywords) > 0 {
		text := words(m.Title + " " + m.Text)
		for _, k := range l.keywords {
			if strings.Contains(text, k) {
				return fmt.Sprintf("mentions %q", k)
			}
		}
	}
	if cc.MinReach > 0 && m.Label == mw.Negative && m.AuthorReach >= cc.MinReach {
		return fmt.Sprintf("negative mention by %s with %s followers", m.Author, humanCount(m.AuthorReach))
	}
	if m.Rating > 0 && m.Rating <= 1.5 {
		for _, s := range cc.OneStarSources {
			if s == m.Source {
				return "1-star review on " + m.Source
			}
		}
	}
	return ""
}

// words folds s to its words, space separated and padded, so that a
// keyword matches whole words only.
func words(s string) string {
	var b strings.Builder
	b.WriteByte(' ')
	for _, t := range scoring.Tokenize(scoring.Fold(s)) {
		b.WriteString(t.Word)
		b.WriteByte(' ')
	}
	if b.Len() == 1 {
		b.WriteByte(' ')
	}
	return b.String()
}

// ID returns a stable alert id from its parts.
func ID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

// Warm replays the stored history of the last 14 days through the detector,
// without alerting, and resumes the alerts the store holds as firing or not
// yet notified, so that a restart neither re-sends nor forgets.
func (l *Loop) Warm(ctx context.Context, now time.Time) error {
	end := now.Truncate(l.bucket)
	start := end.Add(-14 * 24 * time.Hour)
	var brands []string
	for b := range l.Brands {
		brands = append(brands, b)
	}
	vals := map[string]map[int64]counts{} // series -> bucket -> counts
	for _, g := range []string{store.GroupNone, store.GroupStage, store.GroupAspect} {
		pts, err := l.st.Series(ctx, store.SeriesQuery{Brands: brands, From: start, To: end, Step: l.bucket, GroupBy: g})
		if err != nil {
			return fmt.Errorf("warming from the store: %w", err)
		}
		for _, p := range pts {
			sc := ScopeBrand
			switch g {
			case store.GroupStage:
				if p.Key == string(mw.StageUnknown) || p.Key == "" {
					continue
				}
				sc = "stage:" + p.Key
			case store.GroupAspect:
				sc = "aspect:" + p.Key
			}
			k := seriesKey(p.Brand, sc)
			if vals[k] == nil {
				vals[k] = map[int64]counts{}
			}
			vals[k][p.Bucket.Unix()] = counts{neg: float64(p.Negative), total: float64(p.Count)}
		}
	}
	l.mu.Lock()
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
		l.known[k] = true
	}
	sort.Strings(keys)
	for _, k := range keys {
		first := end
		for b := range vals[k] {
			if t := time.Unix(b, 0).UTC(); t.Before(first) {
				first = t
			}
		}
		brand, _ := splitSeries(k)
		if since, ok := l.brandSince[brand]; !ok || first.Before(since) {
			l.brandSince[brand] = first
		}
		brand, _ = splitSeries(k)
		for t := l.brandSince[brand]; t.Before(end); t = t.Add(l.bucket) {
			c := vals[k][t.Unix()]
			l.det.Step(k, t.UTC(), c.neg, c.total)
		}
	}
	l.lastClosed = end
	l.mu.Unlock()

	as, err := l.st.Alerts(ctx, store.AlertQuery{Since: now.Add(-7 * 24 * time.Hour), Limit: 1000})
	if err != nil {
		return fmt.Errorf("loading alerts: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range as {
		a := as[i]
		if a.State == mw.Firing && a.Kind == mw.AlertSpike {
			if _, dup := l.episodes[a.Brand]; !dup {
				l.episodes[a.Brand] = &a
			}
		}
		if a.State != a.NotifiedState || a.State == mw.Firing {
			l.pending[a.ID] = &a
		}
	}
	l.log.Info("alert detector warmed", "series", len(keys), "from", start, "firing", len(l.episodes), "pending", len(l.pending))
	return nil
}

// Tick closes every bucket that ended by now, updates alerts and delivers
// what is due. Errors from the store leave the work pending for the next
// tick.
func (l *Loop) Tick(ctx context.Context, now time.Time) error {
	var errs []error
	if err := l.adoptOperatorChanges(ctx); err != nil {
		errs = append(errs, err)
	}
	changed := l.closeBuckets(now)
	crit := l.takeCritical()

	for _, m := range crit {
		a, err := l.criticalAlert(ctx, m, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if a != nil {
			changed = append(changed, a)
		}
	}
	for _, a := range changed {
		if err := l.st.SaveAlert(ctx, *a); err != nil {
			errs = append(errs, fmt.Errorf("saving alert %s: %w", a.ID, err))
		}
	}
	errs = append(errs, l.notifyDue(ctx, now)...)
	return errors.Join(errs...)
}

// closeBuckets runs the detector over every bucket that ended by now and
// returns the alerts it created or changed (also marked pending).
func (l *Loop) closeBuckets(now time.Time) []*mw.Alert {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lastClosed.IsZero() {
		if len(l.open) == 0 {
			l.lastClosed = now.Truncate(l.bucket)
			return nil
		}
		first := int64(1<<62 - 1)
		for b := range l.open {
			first = min(first, b)
		}
		l.lastClosed = time.Unix(first, 0).UTC()
	}
	// After a long stop, only the last day is replayed.
	if now.Sub(l.lastClosed) > 24*time.Hour {
		l.lastClosed = now.Add(-24 * time.Hour).Truncate(l.bucket)
	}
	var changed []*mw.Alert
	for b := l.lastClosed; !b.Add(l.bucket).After(now); b = b.Add(l.bucket) {
		bc := l.open[b.Unix()]
		delete(l.open, b.Unix())
		for k := range bc {
			if !l.known[k] {
				l.backfill(k, b)
			}
			l.known[k] = true
		}
		changed = append(changed, l.closeBucket(b, bc)...)
		l.lastClosed = b.Add(l.bucket)
	}
	// Counts for buckets that closed while skipped over are dropped.
	for b := range l.open {
		if b < l.lastClosed.Unix()-int64(l.lateness/time.Second) {
			delete(l.open, b)
		}
	}
	return changed
}

// backfill steps a series seen for the first time with zeros for the
// buckets its brand has already been watched (at most a week), so that a
// new stage or aspect of a known brand is judged against the brand's
// history instead of waiting out the detector's warm-up. A brand seen for
// the first time starts its history at b.
func (l *Loop) backfill(series string, b time.Time) {
	brand, _ := splitSeries(series)
	since, ok := l.brandSince[brand]
	if !ok {
		l.brandSince[brand] = b
		return
	}
	if from := b.Add(-7 * 24 * time.Hour); since.Before(from) {
		since = from
	}
	for t := since; t.Before(b); t = t.Add(l.bucket) {
		l.det.Step(series, t, 0, 0)
	}
}

type seriesDecision struct {
	scope string
	d     Decision
	c     counts
}

func (l *Loop) closeBucket(b time.Time, bc map[string]*counts) []*mw.Alert {
	byBrand := map[string][]seriesDecision{}
	keys := make([]string, 0, len(l.known))
	for k := range l.known {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var c counts
		if p := bc[k]; p != nil {
			c = *p
		}
		d := l.det.Step(k, b, c.neg, c.total)
		brand, scope := splitSeries(k)
		byBrand[brand] = append(byBrand[brand], seriesDecision{scope: scope, d: d, c: c})
	}
	brands := make([]string, 0, len(byBrand))
	for br := range byBrand {
		brands = append(brands, br)
	}
	sort.Strings(brands)
	var changed []*mw.Alert
	end := b.Add(l.bucket)
	for _, brand := range brands {
		sds := byBrand[brand]
		var best *seriesDecision
		breakdown := map[string]uint64{}
		for i := range sds {
			sd := &sds[i]
			if sd.scope != ScopeBrand && sd.c.neg > 0 {
				breakdown[sd.scope] = uint64(sd.c.neg)
			}
			if sd.d.Firing && (best == nil || sd.d.Score > best.d.Score ||
				(sd.d.Score == best.d.Score && specificity(sd.scope) > specificity(best.scope))) {
				best = sd
			}
		}
		ep := l.episodes[brand]
		switch {
		case best != nil && ep == nil:
			a := &mw.Alert{
				ID: ID(brand, mw.AlertSpike, b.UTC().Format(time.RFC3339)), Brand: brand, Kind: mw.AlertSpike,
				Scope: best.scope, State: mw.Firing, StartedAt: b.UTC(), UpdatedAt: end.UTC(),
			}
			setPeak(a, best, breakdown, l.bucket)
			l.episodes[brand] = a
			l.pending[a.ID] = a
			changed = append(changed, a)
			l.log.Info("spike alert firing", "brand", brand, "scope", a.Scope, "count", a.Count, "baseline", a.Baseline, "alert", a.ID)
		case ep != nil && ep.State == mw.Resolved:
			// Resolved by an operator while the spike went on: no new
			// episode until the series calms down.
			if best == nil {
				delete(l.episodes, brand)
			}
		case best != nil:
			if best.c.neg > ep.Count {
				setPeak(ep, best, breakdown, l.bucket)
				ep.UpdatedAt = end.UTC()
				changed = append(changed, ep)
			}
		case ep != nil:
			ep.State, ep.ResolvedAt, ep.UpdatedAt = mw.Resolved, end.UTC(), end.UTC()
			delete(l.episodes, brand)
			l.pending[ep.ID] = ep
			changed = append(changed, ep)
			l.log.Info("spike alert resolved", "brand", brand, "scope", ep.Scope, "alert", ep.ID)
		}
	}
	return changed
}

// adoptOperatorChanges reads back the open alerts the loop holds and
// takes what operators did in the dashboard: an acknowledgement is kept
// (the loop's own saves would otherwise erase it), and a resolution ends
// the episode. A resolved alert that was notified as firing is then
// notified once more, as resolved, so the channel sees who closed it.
func (l *Loop) adoptOperatorChanges(ctx context.Context) error {
	l.mu.Lock()
	held := map[string]*mw.Alert{}
	for _, a := range l.pending {
		held[a.ID] = a
	}
	for _, a := range l.episodes {
		held[a.ID] = a
	}
	l.mu.Unlock()
	var errs []error
	for id, a := range held {
		if a.State == mw.Resolved && a.AckedAt.IsZero() {
			continue
		}
		stored, err := l.st.Alert(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // not saved yet
		} else if err != nil {
			errs = append(errs, fmt.Errorf("reading alert %s for operator changes: %w", id, err))
			continue
		}
		l.mu.Lock()
		if a.AckedAt.IsZero() && !stored.AckedAt.IsZero() {
			a.AckedAt, a.AckedBy = stored.AckedAt, stored.AckedBy
		}
		if a.State == mw.Firing && stored.State == mw.Resolved {
			a.State, a.ResolvedAt, a.UpdatedAt = mw.Resolved, stored.ResolvedAt, stored.UpdatedAt
			l.pending[a.ID] = a
			l.log.Info("alert resolved by an operator", "alert", a.ID, "brand", a.Brand, "by", a.AckedBy)
		}
		l.mu.Unlock()
	}
	return errors.Join(errs...)
}

// specificity prefers "aspect:delivery" over "stage:amot" over "brand"
// when the detector scores them alike.
func specificity(scope string) int {
	switch {
	case strings.HasPrefix(scope, "aspect:"):
		return 2
	case strings.HasPrefix(scope, "stage:"):
		return 1
	}
	return 0
}

func setPeak(a *mw.Alert, sd *seriesDecision, breakdown map[string]uint64, bucket time.Duration) {
	a.Scope = sd.scope
	a.Count, a.Baseline = sd.c.neg, sd.d.Expected
	a.Factor = sd.c.neg / max(sd.d.Expected, 1)
	if sd.c.total > 0 {
		a.NegShare = sd.c.neg / sd.c.total
	}
	a.Breakdown = breakdown
	a.Summary = fmt.Sprintf("%.0f negative %s mentions in %s against a baseline of %.1f (×%.1f)",
		a.Count, ScopeLabel(sd.scope), bucket, a.Baseline, a.Factor)
	if sd.d.Slow && !sd.d.Onset {
		a.Summary += fmt.Sprintf("; a sustained rise over the last hours (×%.1f)", sd.d.SlowFactor)
	}
}

func (l *Loop) takeCritical() []mw.Mention {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.critical
	l.critical = nil
	return c
}

// criticalAlert turns a critical mention into an alert, once per mention
// (also across restarts: the store is asked first).
func (l *Loop) criticalAlert(ctx context.Context, m mw.Mention, now time.Time) (*mw.Alert, error) {
	why, title, _ := strings.Cut(m.Title, "\x00")
	m.Title = title
	id := ID(m.Brand, mw.AlertCritical, m.ID)
	if _, err := l.st.Alert(ctx, id); err == nil {
		return nil, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		l.mu.Lock()
		m.Title = why + "\x00" + title
		l.critical = append(l.critical, m) // try again next tick
		l.mu.Unlock()
		return nil, fmt.Errorf("checking critical alert %s: %w", id, err)
	}
	a := &mw.Alert{
		ID: id, Brand: m.Brand, Kind: mw.AlertCritical, Scope: ScopeMention, State: mw.Firing,
		StartedAt: m.Published.UTC(), UpdatedAt: now.UTC(), Count: 1, Factor: 1,
		Summary: fmt.Sprintf("%s (%s, %s)", why, m.Source, m.Label), MentionIDs: []string{m.ID},
	}
	if m.Label == mw.Negative {
		a.NegShare = 1
	}
	l.mu.Lock()
	l.pending[a.ID] = a
	l.mu.Unlock()
	l.log.Info("critical mention alert", "brand", m.Brand, "source", m.Source, "why", why, "alert", a.ID)
	return a, nil
}

// due reports whether a must be notified now.
func (l *Loop) due(a *mw.Alert, now time.Time) bool {
	if a.State != a.NotifiedState {
		return true
	}
	return a.State == mw.Firing && a.Kind == mw.AlertSpike && !a.NotifiedAt.IsZero() && now.Sub(a.NotifiedAt) >= l.repeat
}

// notifyDue delivers every pending alert that is due, saves the outcome and
// retires alerts with nothing left to do. Critical alerts resolve quietly
// after repeat_interval.
func (l *Loop) notifyDue(ctx context.Context, now time.Time) []error {
	l.mu.Lock()
	var due []*mw.Alert
	for id, a := range l.pending {
		switch {
		case l.due(a, now):
			due = append(due, a)
		case a.Kind == mw.AlertCritical && a.State == mw.Firing && now.Sub(a.NotifiedAt) >= l.repeat && !a.NotifiedAt.IsZero():
			a.State, a.ResolvedAt, a.UpdatedAt, a.NotifiedState = mw.Resolved, now.UTC(), now.UTC(), mw.Resolved
			due = append(due, a) // saved below, not sent
		case a.State == mw.Resolved:
			delete(l.pending, id)
		}
	}
	l.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].StartedAt.Before(due[j].StartedAt) })

	silences, err := l.silences(ctx, now)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, a := range due {
		if !l.due(a, now) { // a critical alert resolved quietly
			if err := l.st.SaveAlert(ctx, *a); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if s, ok := silenced(silences, *a, now); ok {
			l.log.Info("alert silenced; not notifying", "alert", a.ID, "brand", a.Brand, "scope", a.Scope, "silence", s.Reason, "until", s.Until)
			a.NotifiedState, a.NotifiedAt = a.State, now.UTC()
		} else if err := l.deliver(ctx, a); err != nil {
			errs = append(errs, err)
			continue
		} else {
			a.NotifiedState, a.NotifiedAt = a.State, now.UTC()
			a.NotifyCount++
		}
		if err := l.st.SaveAlert(ctx, *a); err != nil {
			errs = append(errs, fmt.Errorf("saving alert %s after notifying: %w", a.ID, err))
		}
	}
	return errs
}

func (l *Loop) silences(ctx context.Context, now time.Time) ([]mw.Silence, error) {
	ss, err := l.st.Silences(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("reading silences: %w", err)
	}
	for _, c := range l.cfg.Silences {
		until, err := time.Parse(time.RFC3339, c.Until)
		if err != nil {
			continue // check-config reports it
		}
		ss = append(ss, mw.Silence{ID: "config", Brand: c.Brand, Scope: c.Scope, Until: until, Reason: c.Reason})
	}
	return ss, nil
}

func silenced(ss []mw.Silence, a mw.Alert, now time.Time) (mw.Silence, bool) {
	for _, s := range ss {
		if s.Matches(a, now) {
			return s, true
		}
	}
	return mw.Silence{}, false
}

// deliver sends a to every notifier that has not taken this notification
// yet, with the evidence.
func (l *Loop) deliver(ctx context.Context, a *mw.Alert) error {
	n, err := l.evidence(ctx, a)
	if err != nil {
		l.log.Warn("collecting evidence failed; notifying without it", "alert", a.ID, "err", err)
	}
	n.Alert = *a
	key := DeliveryKey(*a)
	var errs []error
	for _, nt := range l.notifiers {
		l.mu.Lock()
		done := l.delivered[key][nt.Name()]
		l.mu.Unlock()
		if done {
			continue
		}
		err := Deliver(ctx, nt, n, l.DeliveryTimeout, l.log)
		if l.OnDeliver != nil {
			l.OnDeliver(nt.Name(), *a, err)
		}
		if err != nil {
			l.log.Error("alert not delivered; it stays pending", "notifier", nt.Name(), "alert", a.ID, "err", err)
			errs = append(errs, fmt.Errorf("delivering alert %s: %w", a.ID, err))
			continue
		}
		l.mu.Lock()
		if l.delivered[key] == nil {
			l.delivered[key] = map[string]bool{}
		}
		l.delivered[key][nt.Name()] = true
		l.mu.Unlock()
		l.log.Info("alert delivered", "notifier", nt.Name(), "alert", a.ID, "state", a.State, "brand", a.Brand, "scope", a.Scope)
	}
	if len(errs) == 0 {
		l.mu.Lock()
		delete(l.delivered, key)
		l.mu.Unlock()
	}
	return errors.Join(errs...)
}

// evidence finds the top mentions of the alert's scope and, for a critical
// mention, the author's earlier mentions across sources.
func (l *Loop) evidence(ctx context.Context, a *mw.Alert) (Notification, error) {
	n := Notification{DashboardURL: l.cfg.DashboardURL}
	if a.State == mw.Resolved {
		return n, nil
	}
	if a.Kind == mw.AlertCritical {
		top, err := l.st.Mentions(ctx, store.MentionQuery{IDs: a.MentionIDs, Limit: 5})
		if err != nil || len(top) == 0 {
			return n, err
		}
		n.Top = top
		m := top[0]
		if m.Author != "" {
			hist, err := l.st.Mentions(ctx, store.MentionQuery{Author: m.Author, To: m.Published.Add(time.Second), Limit: 21})
			if err != nil {
				return n, err
			}
			var earlier []mw.Mention
			for _, h := range hist {
				if h.NativeID != m.NativeID {
					earlier = append(earlier, h)
				}
			}
			n.History = map[string][]mw.Mention{m.Author: earlier}
		}
		return n, nil
	}
	q := store.MentionQuery{
		Brands: []string{a.Brand}, From: a.StartedAt.Add(-l.bucket), To: a.UpdatedAt.Add(l.bucket),
		Label: mw.Negative, OrderBy: store.ByImpact, Limit: 5,
	}
	if a.NotifyCount > 0 { // a repeat shows what came since the last message
		q.From = a.NotifiedAt.Add(-l.bucket)
		q.To = time.Time{}
	}
	if k, v, ok := strings.Cut(a.Scope, ":"); ok {
		switch k {
		case "stage":
			q.Stage = mw.Stage(v)
		case "aspect":
			q.Aspect = v
		}
	}
	top, err := l.st.Mentions(ctx, q)
	if err != nil {
		return n, err
	}
	n.Top = top
	ids := make([]string, len(top))
	for i, m := range top {
		ids[i] = m.ID
	}
	a.MentionIDs = ids
	return n, nil
}

// Run ticks until ctx ends.
func (l *Loop) Run(ctx context.Context) error {
	every := min(l.bucket/5, 30*time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			if err := l.Tick(ctx, now.UTC()); err != nil && ctx.Err() == nil {
				l.log.Error("alert tick failed; retrying next tick", "err", err)
			}
		}
	}
}
