package collectors

import (
	"slices"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// DedupSlack is how far before a source's publish-time watermark an item
// may be published and still be new (a late-indexed article, a feed that
// is not in date order). Older items are not new, unless published before
// every item the window ever admitted (Window.Oldest): those were never
// admitted, whatever it forgot, and a backlog read newest first over
// several runs (a feed longer than its max_items) is made of them.
const DedupSlack = 7 * 24 * time.Hour

// MaxWindowIDs bounds the ids a Window keeps. When a source publishes more
// than this within DedupSlack, the oldest ids go and the window's floor
// rises to their publish time: items at or before the floor are not new.
const MaxWindowIDs = 100_000

// Window deduplicates a source's items across runs by native id and by a
// publish-time watermark, whatever the collector's own cursor remembers (a
// feed's cursor keeps 2,000 ids, so a 6,000-item feed came back as 4,000
// "new" items on every poll). It keeps the ids of the items published
// within DedupSlack of the watermark: an item is new when its id is not
// among them and it is not older than that window. Owned by the source's
// scheduler goroutine; persisted with the source's state.
type Window struct {
	Mark  time.Time            `json:"mark,omitzero"`  // newest publish time admitted (never after the run that admitted it)
	Floor time.Time            `json:"floor,omitzero"` // raised when ids were evicted past MaxWindowIDs
	IDs   map[string]time.Time `json:"ids,omitempty"`  // admitted id → its publish time (the run's time when unknown)
	// Oldest is the earliest publish time the window ever admitted; zero
	// when unknown (a window saved before it was kept) or nothing was.
	Oldest time.Time `json:"oldest,omitzero"`
}

// cutoff is the publish time at or before which an item is not new.
func (w *Window) cutoff() time.Time {
	if w.Mark.IsZero() {
		return w.Floor
	}
	c := w.Mark.Add(-DedupSlack)
	if w.Floor.After(c) {
		return w.Floor
	}
	return c
}

// Filter returns the items of one run that are new: not admitted before,
// not repeated within the run, not older than the window. Items without a
// native id pass. It does not change w; Admit does, once the items are
// durable. dupes and stale count the items dropped.
func (w *Window) Filter(items []mw.Mention) (fresh []mw.Mention, dupes, stale int) {
	cut := w.cutoff()
	inRun := make(map[string]bool, len(items))
	fresh = items[:0:0]
	for _, m := range items {
		if id := m.NativeID; id != "" {
			if _, seen := w.IDs[id]; seen || inRun[id] {
				dupes++
				continue
			}
			if !cut.IsZero() && !m.Published.IsZero() && !m.Published.After(cut) && !m.Published.Before(w.Oldest) {
				stale++
				continue
			}
			inRun[id] = true
		}
		fresh = append(fresh, m)
	}
	return fresh, dupes, stale
}

// Admit records items (returned by Filter and made durable) collected at
// now: their ids join the window, the watermark moves to the newest
// publish time (capped at now, so a bogus future date cannot make every
// later item stale), and ids that fell out of the window are forgotten.
func (w *Window) Admit(items []mw.Mention, now time.Time) { w.admit(items, now, MaxWindowIDs) }

// admit is Admit keeping at most limit ids.
func (w *Window) admit(items []mw.Mention, now time.Time, limit int) {
	// Oldest is known from a window's first admission on; a window that
	// admitted before it was kept may have forgotten older ids.
	known := !w.Oldest.IsZero() || (w.Mark.IsZero() && w.Floor.IsZero() && len(w.IDs) == 0)
	if w.IDs == nil {
		w.IDs = make(map[string]time.Time, len(items))
	}
	for _, m := range items {
		if m.NativeID == "" {
			continue
		}
		t := m.Published
		if t.IsZero() || t.After(now) {
			t = now
		}
		w.IDs[m.NativeID] = t.UTC()
		if known && (w.Oldest.IsZero() || t.Before(w.Oldest)) {
			w.Oldest = t.UTC()
		}
		if t.After(w.Mark) {
			w.Mark = t.UTC()
		}
	}
	cut := w.cutoff()
	for id, t := range w.IDs {
		if !t.After(cut) {
			delete(w.IDs, id)
		}
	}
	if over := len(w.IDs) - limit; over > 0 {
		times := make([]time.Time, 0, len(w.IDs))
		for _, t := range w.IDs {
			times = append(times, t)
		}
		slices.SortFunc(times, time.Time.Compare)
		w.Floor = times[over-1]
		for id, t := range w.IDs {
			if !t.After(w.Floor) {
				delete(w.IDs, id)
			}
		}
	}
}
