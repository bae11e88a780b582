package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"go.yaml.in/yaml/v3"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/coord"
)

// startCoordination connects to ZooKeeper when the config has a
// coordination section; without one a.coord stays nil and run works alone.
func (a *app) startCoordination() error {
	c := a.cfg.Coordination
	if !c.Enabled() {
		return nil
	}
	names := make([]string, 0, len(a.sources))
	for _, src := range a.sources {
		names = append(names, src.Config.Name)
	}
	co, err := coord.New(coord.Config{Servers: c.ZooKeeper, Root: c.Root, SessionTimeout: c.SessionTimeout.D(), ID: c.ID,
		Sources: names, Settings: sharedSettings(a.cfg), Log: a.log})
	if err != nil {
		return err
	}
	a.coord = co
	a.replay.Lock()
	a.replay.ready = true
	late := a.replay.late
	a.replay.Unlock()
	if !late.IsZero() {
		a.tellLate(late)
	}
	return nil
}

// sharedSettings fingerprints the settings every member should share: the
// brands, alerts, digests and time zone (secrets print as <secret>, so
// none is in it).
func sharedSettings(cfg *mw.Config) string {
	b, err := yaml.Marshal(struct {
		Timezone string            `yaml:"timezone"`
		Brands   []mw.Brand        `yaml:"brands"`
		Alerts   mw.AlertsConfig   `yaml:"alerts"`
		Digests  []mw.DigestConfig `yaml:"digests"`
	}{cfg.Timezone, cfg.Brands, cfg.Alerts, cfg.Digests})
	if err != nil {
		return "" // not compared
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// observe hands freshly stored mentions to the alert loop that runs in this
// process: always the one loop alone, the current term's loop while this
// member leads with coordination. A member that does not lead tells the
// leader through ZooKeeper instead, which wakes its loop to read them from
// the store (leaderTerm).
func (a *app) observe(ms []mw.Mention) {
	if a.coord == nil {
		a.alerts.Observe(ms)
		return
	}
	if l := a.term.Load(); l != nil {
		l.Observe(ms)
	} else if len(ms) > 0 {
		a.coord.Collected(lateSince(ms, time.Now()))
	}
}

// lateAfter is how long after its collected time a mention may be stored
// and still be read by the critical scan without help: a third of the
// scan's overlap (15 minutes, alerts/criticals.go), for clocks and ticks.
const lateAfter = 5 * time.Minute

// lateSince is the oldest collected time of ms when it is more than
// lateAfter before now (a run that took long, a spool replayed), else zero.
func lateSince(ms []mw.Mention, now time.Time) time.Time {
	var oldest time.Time
	for i := range ms {
		if c := ms[i].Collected; !c.IsZero() && (oldest.IsZero() || c.Before(oldest)) {
			oldest = c
		}
	}
	if oldest.IsZero() || now.Sub(oldest) <= lateAfter {
		return time.Time{}
	}
	return oldest
}

// replayed is the writer's OnReplay: mentions replayed from the spool are
// in the store only now, perhaps behind the critical scan's watermark,
// which the mentions stored meanwhile moved on. The alert loop that
// judges them reads back to them (alerts.Loop.Rescan): this process's
// alone, else the leader's, told through ZooKeeper. It runs on the
// writer's goroutine, perhaps before coordination started.
func (a *app) replayed(ms []mw.Mention) {
	late := lateSince(ms, time.Now())
	if late.IsZero() {
		return
	}
	if !a.cfg.Coordination.Enabled() {
		a.alerts.Rescan(late)
		return
	}
	a.replay.Lock()
	ready := a.replay.ready
	if !ready && (a.replay.late.IsZero() || late.Before(a.replay.late)) {
		a.replay.late = late // told once coordination starts
	}
	a.replay.Unlock()
	if ready {
		a.tellLate(late)
	}
}

// tellLate hands the oldest collected time of late mentions to the alert
// loop of the current term, or to the leader's.
func (a *app) tellLate(late time.Time) {
	if l := a.term.Load(); l != nil {
		l.Rescan(late)
	} else {
		a.coord.Collected(late)
	}
}

// leadAlerts runs the alert loop and the digests while this member leads
// (leaderTerm).
func (a *app) leadAlerts(ctx context.Context) error {
	return a.coord.Lead(ctx, a.leaderTerm(ctx))
}

// leaderTerm returns what runs during each term of leadership; ctx ends
// when the program stops.
//
// A term gets a new alert loop warmed from the store (alert state, outbox,
// watermarks), so a new leader neither re-announces what an earlier one
// sent nor loses what it left pending. A term that resumes this member's
// own previous one (it stepped down only while ZooKeeper was out of
// reach, and nobody else can have led) keeps its loop: what it delivered
// but could not save yet (ClickHouse's replicated tables are read-only
// without ZooKeeper) is not sent again.
//
// The digests go out from the leader too. Each send is recorded in the
// store, so a new leader does not send one again; the scheduler is kept
// for the life of the process, as the one that runs alone is, so that a
// digest sent while its record could not be saved (the same read-only
// tables) is not sent again when this member leads again.
func (a *app) leaderTerm(ctx context.Context) func(term context.Context, resumed bool) {
	var l *alerts.Loop
	ds, dsErr := a.digestScheduler(ctx)
	return func(term context.Context, resumed bool) {
		start := time.Now()
		if l == nil || !resumed {
			l = a.termLoop()
			if err := l.Warm(term, start); err != nil {
				a.log.Warn("warming the alert loop from the store failed; its first tick tries again", "err", err)
			}
			a.log.Info("alert loop resumed from the store", "warm_took", time.Since(start).Round(time.Millisecond))
		} else {
			a.log.Info("alert loop resumed where this member left it")
		}
		a.term.Store(l)
		defer a.term.Store(nil)
		// Another member stored mentions: judge them now, as this
		// member's own collections do (observe).
		woken := make(chan struct{})
		go func(l *alerts.Loop) {
			defer close(woken)
			for {
				select {
				case <-term.Done():
					return
				case <-a.coord.Collections():
					if late, ok := a.coord.TakeLate(); ok {
						l.Rescan(late) // nudges too
					} else {
						l.Nudge()
					}
				}
			}
		}(l)
		defer func() { <-woken }()
		digests := make(chan struct{})
		go func() {
			defer close(digests)
			err := dsErr
			if err == nil {
				err = a.runDigestScheduler(term, ds)
			}
			if err != nil && term.Err() == nil {
				a.log.Error("digests stopped", "err", err)
			}
		}()
		if err := l.Run(term); err != nil && term.Err() == nil {
			a.log.Error("alert loop stopped", "err", err)
		}
		<-digests
	}
}

// termLoop returns a new alert loop for a term of leadership, set up as
// the loop that runs without coordination: the same routing (receivers,
// quiet hours, rate limits), time zone, brands, competitors, delivery
// metrics, and clock and ticks (tests set them).
func (a *app) termLoop() *alerts.Loop {
	l := alerts.NewLoop(a.cfg.Alerts, a.store, a.notifiers, a.log)
	m := a.alerts
	l.Router, l.Location, l.Brands, l.Competitors, l.OnDeliver = m.Router, m.Location, m.Brands, m.Competitors, m.OnDeliver
	l.Now, l.Ticks = m.Now, m.Ticks
	return l
}

// coordDetail is the /readyz line about coordination ("" without it).
func (a *app) coordDetail() string {
	if a.coord == nil {
		return ""
	}
	return a.coord.Status().Detail()
}
