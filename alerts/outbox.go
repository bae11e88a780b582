package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/routing"
	"github.com/mentionwatch/mentionwatch/store"
)

// outbox holds the alerts that have something to tell: a state not yet
// handed to every receiver it routes to, or a spike still firing that is
// due a repeat. It gathers the evidence, honours silences, routes each
// notification (alerts/routing) and queues it for each of its receivers
// with a "queued" delivery record, saves the outcome to the store and
// retires alerts with nothing left to do. The receivers' queues (queue.go)
// deliver, each on its own worker.
//
// An outbox is owned by the goroutine that calls Loop.Tick; it has no
// lock. Its queues are shared with their workers (see rqueue).
type outbox struct {
	st     store.Store
	ns     []Notifier
	log    *slog.Logger
	cfg    mw.AlertsConfig
	bucket time.Duration
	repeat time.Duration

	router *routing.Router // nil: every notifier, no quiet hours or limits
	q      *queues         // built by Loop.warm

	pending  map[string]*mw.Alert // alert id -> alert with something to tell
	dueSince map[string]time.Time // delivery key -> first tick that found it due and not queued (stats.go)
}

func newOutbox(st store.Store, ns []Notifier, cfg mw.AlertsConfig, bucket time.Duration, log *slog.Logger) *outbox {
	return &outbox{
		st: st, ns: ns, log: log, cfg: cfg, bucket: bucket, repeat: cfg.RepeatInterval.Or(4 * time.Hour),
		pending: map[string]*mw.Alert{}, q: newQueues(st, ns, nil, log),
	}
}

// put queues a. A firing spike without a negative mention is refused: no
// notification may claim a wave of zero.
func (o *outbox) put(a *mw.Alert) bool {
	if a.Kind == mw.AlertSpike && a.State == mw.Firing && a.Count < 1 {
		o.log.Error("refusing a spike alert with no negative mention", "alert", a.ID, "brand", a.Brand, "scope", a.Scope)
		return false
	}
	o.pending[a.ID] = a
	return true
}

// adoptOperatorChanges reads back the open alerts the loop holds and takes
// what operators did in the dashboard: an acknowledgement is kept (the
// loop's own saves would otherwise erase it), and a resolution ends the
// episode. A resolved alert that was notified as firing is then notified
// once more, as resolved, so the channel sees who closed it.
func (o *outbox) adoptOperatorChanges(ctx context.Context, held []*mw.Alert) error {
	var errs []error
	for _, a := range held {
		if a.State == mw.Resolved && a.AckedAt.IsZero() {
			continue
		}
		stored, err := o.st.Alert(ctx, a.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue // not saved yet
		} else if err != nil {
			errs = append(errs, fmt.Errorf("reading alert %s for operator changes: %w", a.ID, err))
			continue
		}
		if a.AckedAt.IsZero() && !stored.AckedAt.IsZero() {
			a.AckedAt, a.AckedBy = stored.AckedAt, stored.AckedBy
		}
		if a.State == mw.Firing && stored.State == mw.Resolved {
			a.State, a.ResolvedAt, a.UpdatedAt = mw.Resolved, stored.ResolvedAt, stored.UpdatedAt
			o.pending[a.ID] = a
			o.log.Info("alert resolved by an operator", "alert", a.ID, "brand", a.Brand, "by", a.AckedBy)
		}
	}
	return errors.Join(errs...)
}

// due reports whether a must be notified now: a new state, a spike's
// repeat, or a critical mention whose near-copies grew tenfold since its
// last message (critical_copies.go).
func (o *outbox) due(a *mw.Alert, now time.Time) bool {
	if a.State != a.NotifiedState {
		return true
	}
	if a.Kind == mw.AlertCritical {
		return spreading(*a)
	}
	return a.State == mw.Firing && !a.NotifiedAt.IsZero() && now.Sub(a.NotifiedAt) >= o.repeat
}

// mutedEpisode reports whether a is a spike or drop episode whose firing
// notification a silence muted and that no channel was told of since.
func mutedEpisode(a *mw.Alert) bool {
	return a.Kind != mw.AlertCritical && a.NotifiedState == mw.Firing && a.NotifyCount == 0
}

// flush delivers every pending alert that is due, saves the outcome and
// retires alerts with nothing left to do. Critical alerts resolve quietly
// after repeat_interval. An episode still firing when the silence that
// muted it ends is told then; one that resolved unseen is not told it
// resolved.
func (o *outbox) flush(ctx context.Context, now time.Time) []error {
	var due, muted []*mw.Alert
	for id, a := range o.pending {
		switch {
		case o.due(a, now):
			due = append(due, a)
		case a.Kind == mw.AlertCritical && a.State == mw.Firing && !a.NotifiedAt.IsZero() && now.Sub(a.NotifiedAt) >= o.repeat:
			a.State, a.ResolvedAt, a.UpdatedAt, a.NotifiedState = mw.Resolved, now.UTC(), now.UTC(), mw.Resolved
			due = append(due, a) // saved below, not sent
		case a.State == mw.Firing && mutedEpisode(a):
			muted = append(muted, a) // told once its silence is over
		case a.State == mw.Resolved:
			delete(o.pending, id)
			for _, r := range o.q.byName {
				r.forget(id)
			}
		}
	}
	if len(due) == 0 && len(muted) == 0 {
		return nil
	}
	silences, err := o.silences(ctx, now)
	if err != nil {
		return []error{err}
	}
	for _, a := range muted {
		if _, ok := silenced(silences, *a, now); !ok {
			o.log.Info("the silence that muted a firing alert is over; notifying", "alert", a.ID, "brand", a.Brand, "scope", a.Scope)
			due = append(due, a)
		}
	}
	sort.Slice(due, func(i, j int) bool {
		if !due[i].StartedAt.Equal(due[j].StartedAt) {
			return due[i].StartedAt.Before(due[j].StartedAt)
		}
		return due[i].ID < due[j].ID
	})
	var errs []error
	for _, a := range due {
		switch {
		case a.State == mw.Firing && mutedEpisode(a): // its silence is over
			if err := o.tell(ctx, a, now, silences, mw.Firing); err != nil {
				errs = append(errs, err)
			}
			continue
		case a.State == mw.Resolved && mutedEpisode(a):
			// No channel saw it fire: a resolution would be news of
			// nothing they know of.
			o.log.Info("alert resolved while no channel had been told of it (silenced); not notifying", "alert", a.ID, "brand", a.Brand, "scope", a.Scope)
			a.NotifiedState, a.NotifiedAt = mw.Resolved, now.UTC()
			if err := o.st.SaveAlert(ctx, *a); err != nil {
				errs = append(errs, fmt.Errorf("saving alert %s: %w", a.ID, err))
			}
			continue
		case !o.due(a, now): // a critical alert resolved quietly
			if err := o.st.SaveAlert(ctx, *a); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if a.Kind != mw.AlertCritical && a.State == mw.Resolved && a.NotifiedState == "" {
			// A wave (or a drop) that had ended by the time it was read (collected by
			// `collect --once`, or late): it is told as firing, with its
			// evidence, then as resolved.
			if err := o.tell(ctx, a, now, silences, mw.Firing); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if err := o.tell(ctx, a, now, silences, a.State); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// tell delivers a in state (its own, or firing for a wave that ended
// before it was told) unless a silence mutes it, and saves the outcome.
func (o *outbox) tell(ctx context.Context, a *mw.Alert, now time.Time, silences []mw.Silence, state mw.AlertState) error {
	shown := *a
	shown.State = state
	if state == mw.Firing {
		shown.ResolvedAt = time.Time{}
	}
	if s, ok := silenced(silences, shown, now); ok {
		o.log.Info("alert silenced; not notifying", "alert", a.ID, "brand", a.Brand, "scope", a.Scope, "silence", s.Reason, "until", s.Until)
		a.NotifiedState, a.NotifiedAt = state, now.UTC()
	} else if err := o.enqueue(ctx, &shown, now); err != nil {
		return err
	} else {
		a.NotifiedState, a.NotifiedAt = state, now.UTC()
		a.NotifyCount++
		a.MentionIDs = shown.MentionIDs
	}
	if a.Kind == mw.AlertCritical {
		a.ToldCount = max(a.Count, 1) // told or silenced: the next message is due at 10 × as many
	}
	if err := o.st.SaveAlert(ctx, *a); err != nil {
		return fmt.Errorf("saving alert %s after notifying: %w", a.ID, err)
	}
	return nil
}

func (o *outbox) silences(ctx context.Context, now time.Time) ([]mw.Silence, error) {
	ss, err := o.st.Silences(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("reading silences: %w", err)
	}
	for _, c := range o.cfg.Silences {
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

// enqueue routes a and queues it, with its evidence, for each of its
// receivers that does not have this notification yet, saving a "queued"
// delivery record first. It fails (and a stays pending, to be queued next
// tick for the receivers that were missed) when a record cannot be saved.
func (o *outbox) enqueue(ctx context.Context, a *mw.Alert, now time.Time) error {
	n, err := o.evidence(ctx, a)
	if err != nil {
		o.log.Warn("collecting evidence failed; notifying without it", "alert", a.ID, "err", err)
	}
	n.Alert = *a
	key := DeliveryKey(*a)
	names, routes := o.route(n)
	var errs []error
	for _, name := range names {
		r := o.q.byName[name]
		if r == nil || r.has(a.ID, key) {
			continue
		}
		if err := o.st.SaveDelivery(ctx, mw.Delivery{Key: key, AlertID: a.ID, Receiver: name, Status: mw.DeliveryQueued, At: now.UTC(), NextAt: now.UTC()}); err != nil {
			errs = append(errs, fmt.Errorf("queueing alert %s for %s: %w", a.ID, name, err))
			continue
		}
		r.add(a.ID, &job{key: key, n: n, nextAt: now, since: now})
	}
	o.log.Info("alert routed", "alert", a.ID, "kind", a.Kind, "state", a.State, "brand", a.Brand, "scope", a.Scope,
		"routes", strings.Join(routes, ", "), "receivers", strings.Join(names, ", "))
	return errors.Join(errs...)
}

// route returns the receivers of n and the routes that chose them.
func (o *outbox) route(n Notification) (names, routes []string) {
	if o.router == nil {
		for _, nt := range o.ns {
			names = append(names, nt.Name())
		}
		return names, []string{"default"}
	}
	return o.router.Route(AttrsOf(n))
}

// AttrsOf returns what routes match n on: its brand and kind, its scope
// (and, for a critical mention, the mention's stage:x and aspect:y), and
// its language: the critical mention's, or the most common one of a
// spike's evidence.
func AttrsOf(n Notification) routing.Attrs {
	a := n.Alert
	at := routing.Attrs{Brand: a.Brand, Kind: a.Kind, Scopes: []string{a.Scope}}
	if len(n.Top) == 0 {
		return at
	}
	if a.Kind == mw.AlertCritical {
		m := n.Top[0]
		at.Lang = m.Lang
		if m.Stage != "" {
			at.Scopes = append(at.Scopes, "stage:"+string(m.Stage))
		}
		for _, asp := range m.Aspects {
			at.Scopes = append(at.Scopes, "aspect:"+asp)
		}
		return at
	}
	count := map[string]int{}
	for _, m := range n.Top {
		if m.Lang != "" {
			count[m.Lang]++
		}
	}
	for l, c := range count {
		if c > count[at.Lang] || c == count[at.Lang] && l < at.Lang {
			at.Lang = l
		}
	}
	return at
}

// evidence finds the top mentions of the alert's scope and, for a critical
// mention, the mention itself and its author's earlier mentions across
// sources.
func (o *outbox) evidence(ctx context.Context, a *mw.Alert) (Notification, error) {
	n := Notification{DashboardURL: o.cfg.DashboardURL}
	if a.State == mw.Resolved {
		return n, nil
	}
	if a.Kind == mw.AlertCritical {
		// The mention first, then its latest copies, the newest first:
		// a message links MaxCopyLinks of them (CopyLinks), and a
		// "spreading" one shows where the story went since the last.
		// Twice as many are read, for copies that share a URL.
		if len(a.MentionIDs) == 0 {
			return n, nil
		}
		ids := []string{a.MentionIDs[0]}
		for i := len(a.MentionIDs) - 1; i >= 1 && len(ids) <= 2*MaxCopyLinks; i-- {
			ids = append(ids, a.MentionIDs[i])
		}
		top, err := o.st.Mentions(ctx, store.MentionQuery{IDs: ids, Limit: len(ids)})
		if err != nil || len(top) == 0 {
			return n, err
		}
		rank := make(map[string]int, len(ids))
		for i, id := range ids {
			rank[id] = i
		}
		sort.SliceStable(top, func(i, j int) bool { return rank[top[i].ID] < rank[top[j].ID] })
		n.Top = top
		m := top[0]
		if m.Author != "" {
			hist, err := o.st.Mentions(ctx, store.MentionQuery{Author: m.Author, To: m.Published.Add(time.Second), Limit: 21})
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
		Brands: []string{a.Brand}, From: a.StartedAt.Add(-o.bucket), To: a.UpdatedAt.Add(o.bucket),
		Label: mw.Negative, OrderBy: store.ByImpact, Limit: EvidenceLimit,
	}
	if a.NotifyCount > 0 { // a repeat shows what came since the last message
		q.From = a.NotifiedAt.Add(-o.bucket)
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
	top, err := o.st.Mentions(ctx, q)
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
