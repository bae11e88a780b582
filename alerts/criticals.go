package alerts

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/critical"
	"github.com/mentionwatch/mentionwatch/internal/namemask"
	"github.com/mentionwatch/mentionwatch/store"
)

// WatermarkCollected names the store watermark of the critical scan: the
// newest collected time it has judged.
const WatermarkCollected = "alerts.collected"

// scanOverlap is how far before its watermark the scan reads again. A
// mention's collected time is when its source's run started; a slow run
// stores its items later than a quicker run that started after it. Each
// mention is judged once per process whatever the overlap (the checked
// set), and alerts once whatever the process (its alert id is asked of the
// store first).
const scanOverlap = 15 * time.Minute

// scanPage bounds one read of the scan.
const scanPage = 5000

// criticals turns single critical mentions into alerts when they are
// first collected: a harm (alerts/critical, whatever the sentiment label),
// a negative mention by a big author (min_reach) or a 1-star review on a
// one_star_sources source. The mention must be younger than max_age when
// it is judged; backfill older than that is stored but never alerts.
//
// It reads what the store holds since its persisted watermark over the
// mentions' collected time, so mentions stored by `collect --once`, by an
// earlier run or while the loop was stopped are judged on the next tick,
// exactly once. Mentions the daemon's own sink hands over (Loop.Observe)
// are judged at once, even while the store cannot be read.
//
// criticals is owned by the goroutine that calls Loop.Tick; it has no lock.
type criticals struct {
	st      store.Store
	cfg     mw.CriticalConfig
	check   func(text string) (critical.Harm, bool) // Matcher.Check, or Find with lists_only
	maxAge  time.Duration
	brands  []string
	allowed func(brand string) bool
	names   *namemask.Mask // brand and competitor names that read as a harm (maskNames)

	watermark time.Time            // newest collected time judged
	loaded    bool                 // watermark read from the store
	checked   map[string]time.Time // mention id -> collected, judged within the overlap
	retry     []mw.Mention         // critical mentions whose alert could not be checked yet
	copies    copyGroups           // the alerts that near-copies join (critical_copies.go)
	// pending returns the alert the outbox holds under an id, or nil: a
	// copy is counted into the alert the outbox will save and tell.
	pending func(id string) *mw.Alert
}

func newCriticals(st store.Store, cfg mw.CriticalConfig, brands []string, allowed func(string) bool) *criticals {
	maxAge := cfg.MaxAge.D()
	if maxAge <= 0 {
		maxAge = 7 * 24 * time.Hour
	}
	m := critical.New(cfg.Keywords)
	check := m.Check
	if cfg.ListsOnly {
		check = m.Find
	}
	return &criticals{
		st: st, cfg: cfg, check: check, maxAge: maxAge,
		brands: brands, allowed: allowed, checked: map[string]time.Time{},
	}
}

// maskNames sets the names blanked out of a mention before the harm
// check: those of names that the check alone flags. A brand or a
// competitor may be named with a harm word (a café called Lawsuit Coffee,
// a shop called Boikot Store, a band called Ambulance Chasers), and every
// mention of it would otherwise be a critical alert. The same words
// elsewhere in the text still count. A name of several words is also
// blanked written as one, as hashtags and handles write it
// ("#BoikotStore", "@LawsuitCoffee").
func (c *criticals) maskNames(names []string) {
	var harmful []string
	for _, n := range names {
		if _, ok := c.check(n); ok {
			harmful = append(harmful, n)
			if words := strings.Fields(n); len(words) > 1 {
				harmful = append(harmful, strings.Join(words, ""))
			}
		}
	}
	c.names = namemask.New(harmful)
}

// reason says why m is critical, or "".
func (c *criticals) reason(m *mw.Mention) string {
	if h, ok := c.check(c.names.Apply(m.Title + "\n" + m.Text)); ok {
		if h.Category == critical.CatLearned {
			return "reads as a report of harm (learned model; no listed phrase matched)"
		}
		return fmt.Sprintf("mentions %q (%s)", h.Term, h.Category)
	}
	if c.cfg.MinReach > 0 && m.Label == mw.Negative && m.AuthorReach >= c.cfg.MinReach {
		return fmt.Sprintf("negative mention by %s with %s followers", clip(m.Author, 80), humanCount(m.AuthorReach))
	}
	if m.Rating > 0 && m.Rating <= 1.5 {
		for _, s := range c.cfg.OneStarSources {
			if s == m.Source {
				return "1-star review on " + m.Source
			}
		}
	}
	return ""
}

// scan judges the mentions observed in process and those stored since the
// watermark (or since rescan, when earlier: Loop.Rescan), and returns the
// new critical alerts. The watermark moves only past what was read; errors
// leave the rest for the next tick.
func (c *criticals) scan(ctx context.Context, now time.Time, observed []mw.Mention, rescan time.Time) ([]*mw.Alert, error) {
	var errs []error
	var found []*mw.Alert
	type critMention struct {
		m   mw.Mention
		why string
	}
	var crits []critMention
	made := map[string]*mw.Alert{}
	var copies []copied
	// decide alerts the critical mentions judged so far, the earliest
	// post first: a story's alert is its first post, whichever copy a
	// source listed first.
	decide := func() {
		sort.SliceStable(crits, func(i, j int) bool {
			if !crits[i].m.Published.Equal(crits[j].m.Published) {
				return crits[i].m.Published.Before(crits[j].m.Published)
			}
			return crits[i].m.ID < crits[j].m.ID
		})
		for _, cm := range crits {
			m, why := cm.m, cm.why
			ct := copyTextOf(&m)
			if g := c.copies.match(m.Brand, ct, now); g != nil {
				if !g.ids[m.ID] { // not counted before a restart
					copies = addCopy(copies, g, m)
				}
				continue
			}
			a, err := c.alert(ctx, m, why, now)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if a != nil {
				found = append(found, a)
				made[a.ID] = a
			}
			// Also when the store has the alert already (made before a
			// restart and not adopted): its copies join it.
			c.copies.open(m.Brand, ID(m.Brand, mw.AlertCritical, m.ID), ct, []string{m.ID}, now, now)
		}
		crits = crits[:0]
	}
	judge := func(m mw.Mention) {
		if _, done := c.checked[m.ID]; done || (c.allowed != nil && !c.allowed(m.Brand)) {
			return
		}
		c.checked[m.ID] = m.Collected
		if now.Sub(m.Published) > c.maxAge {
			return
		}
		if why := c.reason(&m); why != "" {
			crits = append(crits, critMention{m, why})
			if len(crits) == scanPage { // a flood: decided a page at a time
				decide()
			}
		}
	}
	retry := c.retry
	c.retry = nil
	for _, m := range retry {
		delete(c.checked, m.ID)
		judge(m)
	}
	for _, m := range observed {
		judge(m)
	}
	if err := c.readStored(ctx, now, rescan, judge); err != nil {
		errs = append(errs, err)
	}
	decide()
	grown, err := c.addCopies(ctx, now, copies, made)
	if err != nil {
		errs = append(errs, err)
	}
	found = append(found, grown...)
	for id, at := range c.checked {
		if at.Before(c.watermark.Add(-scanOverlap)) {
			delete(c.checked, id)
		}
	}
	return found, errors.Join(errs...)
}

// readStored judges what the store holds since the watermark (or since
// rescan, when earlier), page by page, and saves the watermark it reached.
func (c *criticals) readStored(ctx context.Context, now, rescan time.Time, judge func(mw.Mention)) error {
	if !c.loaded {
		w, err := c.st.Watermark(ctx, WatermarkCollected)
		if err != nil {
			return fmt.Errorf("reading the critical scan's watermark: %w", err)
		}
		c.watermark, c.loaded = w, true
	}
	start := c.watermark
	from := time.Time{}
	if !start.IsZero() {
		from = start.Add(-scanOverlap)
	}
	if !rescan.IsZero() && rescan.Before(from) {
		from = rescan
	}
	see := func(ms []mw.Mention) {
		for _, m := range ms {
			judge(m)
			// Never past now: a collected time ahead of this clock (a
			// member whose clock runs ahead) would otherwise carry the
			// watermark, and the next reads, past what the others store.
			if m.Collected.After(c.watermark) && !m.Collected.After(now) {
				c.watermark = m.Collected
			}
		}
	}
	for {
		ms, err := c.st.Mentions(ctx, store.MentionQuery{
			Brands: c.brands, From: now.Add(-c.maxAge), CollectedFrom: from, OrderBy: store.ByCollected, Limit: scanPage,
		})
		if err != nil {
			return fmt.Errorf("reading mentions collected since %s: %w", from.Format(time.RFC3339), err)
		}
		see(ms)
		if len(ms) < scanPage {
			break
		}
		if !ms[len(ms)-1].Collected.After(from) {
			// A full page of one collected time: a source run stores all
			// its items with the run's start. Collected order has no
			// cursor to page within it, and the next tick would read the
			// same page again, so read everything collected since then in
			// publish order, which has one.
			if err := c.readAfter(ctx, now, from, see); err != nil {
				return err
			}
			break
		}
		from = ms[len(ms)-1].Collected
	}
	if c.watermark.After(start) {
		if err := c.st.SaveWatermark(ctx, WatermarkCollected, c.watermark); err != nil {
			return fmt.Errorf("saving the critical scan's watermark: %w", err)
		}
	}
	return nil
}

// readAfter hands see every mention collected since from (and published
// within max_age), page by page in publish order.
func (c *criticals) readAfter(ctx context.Context, now, from time.Time, see func([]mw.Mention)) error {
	var after *store.Cursor
	for {
		ms, err := c.st.Mentions(ctx, store.MentionQuery{
			Brands: c.brands, From: now.Add(-c.maxAge), CollectedFrom: from, OrderBy: store.ByPublished, After: after, Limit: scanPage,
		})
		if err != nil {
			return fmt.Errorf("reading mentions collected since %s: %w", from.Format(time.RFC3339), err)
		}
		see(ms)
		if len(ms) < scanPage {
			return nil
		}
		last := ms[len(ms)-1]
		after = &store.Cursor{Published: last.Published, ID: last.ID}
	}
}

// alert turns critical mention m into an alert, once per mention: the
// store is asked first, so a restart or a second process does not alert
// again. A store error keeps m for the next tick.
func (c *criticals) alert(ctx context.Context, m mw.Mention, why string, now time.Time) (*mw.Alert, error) {
	id := ID(m.Brand, mw.AlertCritical, m.ID)
	if _, err := c.st.Alert(ctx, id); err == nil {
		return nil, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		c.retry = append(c.retry, m)
		return nil, fmt.Errorf("checking critical alert %s: %w", id, err)
	}
	a := &mw.Alert{
		ID: id, Brand: m.Brand, Kind: mw.AlertCritical, Scope: ScopeMention, State: mw.Firing,
		StartedAt: m.Published.UTC(), UpdatedAt: now.UTC(), Count: 1, Factor: 1, Reason: why,
		Summary: fmt.Sprintf("%s (%s, %s)", why, m.Source, m.Label), MentionIDs: []string{m.ID},
	}
	if m.Label == mw.Negative {
		a.NegShare = 1
	}
	return a, nil
}
