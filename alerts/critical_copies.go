package alerts

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// A harm story is copied: retweeted, reposted, pasted into a review with
// another link. Each copy is as critical as the first, but a team needs
// one alert for the story, told again only as it spreads. So a critical
// mention that is a near-copy of one already alerted (the same brand,
// render_similar.go's word-pair similarity) joins that alert: its Count
// is the mention and its copies, and it is notified again when the copies
// grow tenfold (outbox.due).

// copyWindow is how long a group takes copies after its last one: a story
// still being copied keeps its alert; one copied again the next week is
// a new alert.
const copyWindow = 24 * time.Hour

// copyMinWords is the fewest words (after normWords) a text needs to be
// grouped by word pairs: two short complaints ("kopi senja bikin
// keracunan") may share their few word pairs by chance, and each is
// someone's own report. A shorter text joins a group only as the same
// text (its numbers kept) cross-posted by its author or found again by
// another source (matchShort).
const copyMinWords = 6

// maxCopyGroups bounds the groups held at once, over all brands; past it
// the least recently copied is forgotten (a copy of it alerts anew).
const maxCopyGroups = 1000

// maxCompared bounds the groups a mention is compared with by word pairs,
// the brand's most recently copied first, so that a flood of distinct
// critical texts costs a bounded time per mention; an exact copy (the
// same words) finds its group among all of them by key.
const maxCompared = 64

// maxCopyIDs bounds an alert's MentionIDs: the first copies are its
// evidence; Count goes on counting.
const maxCopyIDs = 500

// spreadFactor is how many times its last message's copies a critical
// alert must count to be told again ("is spreading").
const spreadFactor = 10

// spreading reports whether critical alert a, told before, counts ten
// times the copies its last message did: a message is due, headed "is
// spreading". Once told, ToldCount catches up and it no longer is. A
// resolved alert whose copies grow so fires again (addCopies).
func spreading(a mw.Alert) bool {
	return a.State == mw.Firing && a.ToldCount >= 1 && a.Count >= spreadFactor*a.ToldCount
}

// copyGroup is a critical alert and what its copies are compared with.
type copyGroup struct {
	alertID string
	brand   string
	key     string              // the first mention's words, joined (copyText.key)
	sh      map[string]struct{} // their word pairs
	short   bool                // fewer than copyMinWords words: joined by the same text only (matchShort)
	source  string              // the first mention's source and author (store.HistoryKey), for short texts
	author  string
	last    time.Time       // when the last copy was judged
	ids     map[string]bool // mentions counted in the alert
}

// copyGroups are the open groups, least recently copied first. Owned by
// the goroutine that calls Loop.Tick, as criticals is.
type copyGroups struct {
	groups []*copyGroup
	byKey  map[string]*copyGroup // brand + "\x00" + key -> the group (the latest opened)
}

// copyText is what a critical mention's copies are compared on.
type copyText struct {
	words  []string // the words of its title and text (normWords)
	key    string   // the words joined; a short text's with its numbers
	short  bool     // fewer than copyMinWords words
	source string   // where it was found
	author string   // store.HistoryKey of its author: "" for nobody or a generic byline
}

// copyTextOf is what m's copies are compared on: its words folded
// (case, spaces, links, handles, punctuation).
func copyTextOf(m *mw.Mention) copyText {
	s := m.Title + " " + m.Text
	words := normWords(s)
	ct := copyText{words: words, key: strings.Join(words, " "), source: m.Source, author: store.HistoryKey(m.Author)}
	if len(words) < copyMinWords {
		ct.short, ct.key = true, strings.Join(foldWords(s, true), " ")
	}
	return ct
}

// match returns the open group of brand that ct is a copy of, or nil.
// Cost: O(groups × words).
func (cg *copyGroups) match(brand string, ct copyText, now time.Time) *copyGroup {
	if ct.key == "" {
		return nil
	}
	if ct.short {
		return cg.matchShort(brand, ct, now)
	}
	words := ct.words
	if g := cg.byKey[brand+"\x00"+ct.key]; g != nil && now.Sub(g.last) <= copyWindow {
		return g
	}
	var sh map[string]struct{}
	compared := 0
	for i := len(cg.groups) - 1; i >= 0 && compared < maxCompared; i-- { // the most recently copied first
		g := cg.groups[i]
		if g.brand != brand || g.short || now.Sub(g.last) > copyWindow {
			continue
		}
		compared++
		if sh == nil {
			sh = shingles(words)
		}
		// Jaccard ≥ similarJaccard needs the smaller set to be at least
		// that share of the larger.
		lo, hi := min(len(sh), len(g.sh)), max(len(sh), len(g.sh))
		if float64(lo) >= similarJaccard*float64(hi) && jaccard(g.sh, sh) >= similarJaccard {
			return g
		}
	}
	return nil
}

// matchShort returns the open group of brand whose first mention has
// the short text ct has: its author's (a cross-post, on any source), or
// else one found on another source (the same post listed by a feed and
// a review page). The same few words by someone else on the same source
// are that person's own report. Cost: O(groups).
func (cg *copyGroups) matchShort(brand string, ct copyText, now time.Time) *copyGroup {
	var elsewhere *copyGroup
	for i := len(cg.groups) - 1; i >= 0; i-- { // the most recently copied first
		g := cg.groups[i]
		if !g.short || g.brand != brand || g.key != ct.key || now.Sub(g.last) > copyWindow {
			continue
		}
		if ct.author != "" && g.author == ct.author {
			return g
		}
		if elsewhere == nil && g.source != ct.source {
			elsewhere = g
		}
	}
	return elsewhere
}

// open starts the group of alert id, made for the mention whose text is
// ct, or refreshes it. It forgets groups past copyWindow, and the least
// recently copied past maxCopyGroups.
func (cg *copyGroups) open(brand, id string, ct copyText, mentionIDs []string, last, now time.Time) {
	if ct.key == "" {
		return
	}
	kept := cg.groups[:0]
	for _, g := range cg.groups {
		if g.alertID != id && now.Sub(g.last) <= copyWindow {
			kept = append(kept, g)
		} else {
			cg.unkey(g)
		}
	}
	cg.groups = kept
	if n := len(cg.groups) - maxCopyGroups + 1; n > 0 {
		for _, g := range cg.groups[:n] {
			cg.unkey(g)
		}
		cg.groups = append(cg.groups[:0], cg.groups[n:]...)
	}
	g := &copyGroup{alertID: id, brand: brand, key: ct.key, short: ct.short, source: ct.source, author: ct.author, last: last, ids: map[string]bool{}}
	if !ct.short {
		g.sh = shingles(ct.words)
	}
	for _, m := range mentionIDs {
		g.ids[m] = true
	}
	cg.groups = append(cg.groups, g)
	if ct.short {
		return // found by matchShort, not by key
	}
	if cg.byKey == nil {
		cg.byKey = map[string]*copyGroup{}
	}
	cg.byKey[brand+"\x00"+g.key] = g
}

// unkey removes g from the key index, unless a later group took its key.
func (cg *copyGroups) unkey(g *copyGroup) {
	if k := g.brand + "\x00" + g.key; cg.byKey[k] == g {
		delete(cg.byKey, k)
	}
}

// touch marks g as copied at now: it moves to the end of the order.
func (cg *copyGroups) touch(g *copyGroup, now time.Time) {
	g.last = now
	for i, h := range cg.groups {
		if h == g {
			copy(cg.groups[i:], cg.groups[i+1:])
			cg.groups[len(cg.groups)-1] = g
			return
		}
	}
}

// drop forgets g (its alert is gone from the store).
func (cg *copyGroups) drop(g *copyGroup) {
	cg.unkey(g)
	for i, h := range cg.groups {
		if h == g {
			cg.groups = append(cg.groups[:i], cg.groups[i+1:]...)
			return
		}
	}
}

// adoptCopies rebuilds the groups of the critical alerts among as (the
// alerts Loop.warm read) that took a copy, or were made, within
// copyWindow of now, so that after a restart a copy joins its alert as
// before. Their first mentions are read in one query.
func (c *criticals) adoptCopies(ctx context.Context, now time.Time, as []mw.Alert) error {
	byID := map[string]mw.Alert{}
	var first []string
	for _, a := range as {
		if a.Kind != mw.AlertCritical || len(a.MentionIDs) == 0 || now.Sub(a.UpdatedAt) > copyWindow {
			continue
		}
		if c.allowed != nil && !c.allowed(a.Brand) {
			continue
		}
		byID[a.MentionIDs[0]] = a
		first = append(first, a.MentionIDs[0])
	}
	if len(first) == 0 {
		return nil
	}
	ms, err := c.st.Mentions(ctx, store.MentionQuery{IDs: first, Limit: len(first)})
	if err != nil {
		return fmt.Errorf("reading the first mentions of %d critical alerts (to group their copies): %w", len(first), err)
	}
	// Oldest last copy first, as open keeps them.
	var adopted []mw.Alert
	texts := map[string]copyText{}
	for _, m := range ms {
		if a, ok := byID[m.ID]; ok {
			adopted = append(adopted, a)
			texts[a.ID] = copyTextOf(&m)
		}
	}
	sort.SliceStable(adopted, func(i, j int) bool { return adopted[i].UpdatedAt.Before(adopted[j].UpdatedAt) })
	for _, a := range adopted {
		c.copies.open(a.Brand, a.ID, texts[a.ID], a.MentionIDs, a.UpdatedAt, now)
	}
	return nil
}

// copied is the copies one scan found of one group.
type copied struct {
	g  *copyGroup
	ms []mw.Mention
}

// addCopy adds m to the copies of g.
func addCopy(cs []copied, g *copyGroup, m mw.Mention) []copied {
	for i := range cs {
		if cs[i].g == g {
			cs[i].ms = append(cs[i].ms, m)
			return cs
		}
	}
	return append(cs, copied{g: g, ms: []mw.Mention{m}})
}

// addCopies counts the copies found in a scan into their alerts: an alert
// made in the same scan (made), one the outbox holds (the pointer it will
// save and tell), or else the stored one. It returns the alerts to save
// that are not in made. A copy whose alert cannot be read waits for the
// next tick; one whose alert is gone alerts on its own then.
func (c *criticals) addCopies(ctx context.Context, now time.Time, found []copied, made map[string]*mw.Alert) ([]*mw.Alert, error) {
	var out []*mw.Alert
	var errs []error
	for _, f := range found {
		a := made[f.g.alertID]
		if a == nil && c.pending != nil {
			a = c.pending(f.g.alertID)
		}
		if a == nil {
			stored, err := c.st.Alert(ctx, f.g.alertID)
			if err != nil {
				if errors.Is(err, store.ErrNotFound) {
					c.copies.drop(f.g)
				} else {
					errs = append(errs, fmt.Errorf("reading critical alert %s to add %d copies: %w", f.g.alertID, len(f.ms), err))
				}
				c.retry = append(c.retry, f.ms...)
				continue
			}
			a = &stored
		}
		for _, m := range f.ms {
			if f.g.ids[m.ID] {
				continue
			}
			f.g.ids[m.ID] = true
			a.Count++
			if len(a.MentionIDs) < maxCopyIDs {
				a.MentionIDs = append(a.MentionIDs, m.ID)
			}
		}
		if a.State == mw.Resolved && a.ToldCount >= 1 && a.Count >= spreadFactor*a.ToldCount {
			// Resolved (quietly after repeat_interval, or by an operator)
			// while the story goes on spreading: it fires again, and the
			// message is headed "is spreading".
			a.State, a.ResolvedAt = mw.Firing, time.Time{}
		}
		a.UpdatedAt = now.UTC()
		c.copies.touch(f.g, now)
		if made[a.ID] == nil {
			out = append(out, a)
		}
	}
	return out, errors.Join(errs...)
}
