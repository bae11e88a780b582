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
	"github.com/mentionwatch/mentionwatch/store"
)

// outbox holds the alerts that have something to tell: a state not yet
// delivered to every notifier, or a spike still firing that is due a
// repeat. It delivers them with their evidence, honours silences, records
// which notifier took which notification (so a retry after a partial
// failure does not post twice), saves the outcome to the store and
// retires alerts with nothing left to do.
//
// An outbox is owned by the goroutine that calls Loop.Tick; it has no lock.
type outbox struct {
	st        store.Store
	notifiers []Notifier
	log       *slog.Logger
	cfg       mw.AlertsConfig
	bucket    time.Duration
	repeat    time.Duration

	timeout   time.Duration                                // one notification's retries within a tick
	onDeliver func(notifier string, a mw.Alert, err error) // may be nil

	pending   map[string]*mw.Alert       // alert id -> alert with something to tell
	delivered map[string]map[string]bool // delivery key -> notifier -> done
}

func newOutbox(st store.Store, ns []Notifier, cfg mw.AlertsConfig, bucket time.Duration, log *slog.Logger) *outbox {
	return &outbox{
		st: st, notifiers: ns, log: log, cfg: cfg, bucket: bucket, repeat: cfg.RepeatInterval.Or(4 * time.Hour),
		timeout: 2 * time.Minute, pending: map[string]*mw.Alert{}, delivered: map[string]map[string]bool{},
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

// due reports whether a must be notified now.
func (o *outbox) due(a *mw.Alert, now time.Time) bool {
	if a.State != a.NotifiedState {
		return true
	}
	return a.State == mw.Firing && a.Kind != mw.AlertCritical && !a.NotifiedAt.IsZero() && now.Sub(a.NotifiedAt) >= o.repeat
}

// flush delivers every pending alert that is due, saves the outcome and
// retires alerts with nothing left to do. Critical alerts resolve quietly
// after repeat_interval.
func (o *outbox) flush(ctx context.Context, now time.Time) []error {
	var due []*mw.Alert
	for id, a := range o.pending {
		switch {
		case o.due(a, now):
			due = append(due, a)
		case a.Kind == mw.AlertCritical && a.State == mw.Firing && !a.NotifiedAt.IsZero() && now.Sub(a.NotifiedAt) >= o.repeat:
			a.State, a.ResolvedAt, a.UpdatedAt, a.NotifiedState = mw.Resolved, now.UTC(), now.UTC(), mw.Resolved
			due = append(due, a) // saved below, not sent
		case a.State == mw.Resolved:
			delete(o.pending, id)
		}
	}
	sort.Slice(due, func(i, j int) bool {
		if !due[i].StartedAt.Equal(due[j].StartedAt) {
			return due[i].StartedAt.Before(due[j].StartedAt)
		}
		return due[i].ID < due[j].ID
	})
	if len(due) == 0 {
		return nil
	}
	silences, err := o.silences(ctx, now)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, a := range due {
		if !o.due(a, now) { // a critical alert resolved quietly
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
	} else if err := o.deliver(ctx, &shown); err != nil {
		return err
	} else {
		a.NotifiedState, a.NotifiedAt = state, now.UTC()
		a.NotifyCount++
		a.MentionIDs = shown.MentionIDs
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

// deliver sends a to every notifier that has not taken this notification
// yet, with the evidence.
func (o *outbox) deliver(ctx context.Context, a *mw.Alert) error {
	n, err := o.evidence(ctx, a)
	if err != nil {
		o.log.Warn("collecting evidence failed; notifying without it", "alert", a.ID, "err", err)
	}
	n.Alert = *a
	key := DeliveryKey(*a)
	var errs []error
	for _, nt := range o.notifiers {
		if o.delivered[key][nt.Name()] {
			continue
		}
		err := Deliver(ctx, nt, n, o.timeout, o.log)
		if o.onDeliver != nil {
			o.onDeliver(nt.Name(), *a, err)
		}
		if err != nil {
			o.log.Error("alert not delivered; it stays pending", "notifier", nt.Name(), "alert", a.ID, "err", err)
			errs = append(errs, fmt.Errorf("delivering alert %s: %w", a.ID, err))
			continue
		}
		if o.delivered[key] == nil {
			o.delivered[key] = map[string]bool{}
		}
		o.delivered[key][nt.Name()] = true
		o.log.Info("alert delivered", "notifier", nt.Name(), "alert", a.ID, "kind", a.Kind, "state", a.State, "brand", a.Brand, "scope", a.Scope)
	}
	if len(errs) == 0 {
		delete(o.delivered, key)
	}
	return errors.Join(errs...)
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
		top, err := o.st.Mentions(ctx, store.MentionQuery{IDs: a.MentionIDs, Limit: 5})
		if err != nil || len(top) == 0 {
			return n, err
		}
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
