package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/store"
)

// Inbox limits.
const (
	feedDefaultLimit = 50
	feedMaxLimit     = 200
	// feedScanRounds bounds the store pages read for one feed page when q=
	// rejects most rows the word search let through; the page then ends
	// early with a cursor to go on (FeedPage.Partial).
	feedScanRounds   = 20
	historyPerAuthor = 3
)

func (h *Handler) inboxRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /api/mentions/export", h.apiExport)
	handle("GET /api/mentions/{id}/audit", h.apiAudit)
	handle("POST /api/mentions/triage", h.apiTriage)
	handle("POST /api/mentions/bulk", h.apiBulk)
	handle("GET /mentions", h.serveInbox)
	handle("POST /ui/mentions/triage", h.uiTriage)
}

// FeedPage is one page of the inbox.
type FeedPage struct {
	Rows []FeedRow `json:"rows"`
	// Next is the cursor of the following page ("" at the end): pass it
	// as cursor= with the same filters.
	Next string `json:"next,omitempty"`
	// Partial: q= rejected so many rows that the page ended early; Next
	// goes on from where the scan stopped.
	Partial bool `json:"partial,omitempty"`
	// Total is the view's size, every page's mentions: on the page, and
	// in the API on the first page (no cursor=).
	Total *FeedTotal `json:"total,omitempty"`
}

// FeedTotal is how many mentions a view holds and how many pages of its
// size they fill.
type FeedTotal struct {
	Mentions uint64 `json:"mentions"`
	Pages    uint64 `json:"pages"`
	// Exact is false when q= holds words that more than exactCountMax
	// mentions contain: Mentions then counts those, and the rest of the
	// query, checked as each page is read, may keep fewer.
	Exact bool `json:"exact"`
}

// exactCountMax is how many mentions holding q='s words the total reads
// to check the whole query on each, for an exact count (a variable for
// tests).
var exactCountMax uint64 = 1000

// feedTotal counts f's mentions: the store counts the view's filters; a
// q= the store narrows by its words only is checked on each mention
// when they are few enough (exactCountMax).
func (h *Handler) feedTotal(ctx context.Context, f feedFilter) (*FeedTotal, error) {
	q := f.Q
	q.After = nil
	n, err := h.opt.Store.CountMentions(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("counting the view's mentions: %w", err)
	}
	t := &FeedTotal{Mentions: n, Exact: true}
	if f.Query != nil {
		t.Exact = false
		if n <= exactCountMax {
			q.Limit = int(exactCountMax) + 1
			ms, err := h.opt.Store.Mentions(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("counting the view's mentions: %w", err)
			}
			if uint64(len(ms)) <= exactCountMax { // else more arrived since the count
				t.Mentions, t.Exact = 0, true
				for i := range ms {
					if f.matches(&ms[i]) {
						t.Mentions++
					}
				}
			}
		}
	}
	if f.Limit > 0 {
		t.Pages = (t.Mentions + uint64(f.Limit) - 1) / uint64(f.Limit)
	}
	return t, nil
}

// FeedRow is a mention and its near-copies on the page, its triage and its
// author's other mentions.
type FeedRow struct {
	Mention
	Count   int              `json:"count"` // mentions in the group, this one included
	IDs     []string         `json:"ids"`   // the group's ids; triage them together
	Authors int              `json:"authors"`
	Triage  TriageView       `json:"triage"`
	History *AuthorHistoryV  `json:"author_history,omitempty"`
	Audit   []AuditEntryView `json:"audit,omitempty"` // on the page only
	// Triage above is the first mention's. A group's mentions may carry
	// their own: a note added to one through the API, or before the
	// copies were grouped. Notes are every note of the row's mentions,
	// oldest first, each with its mention's id; Members each mention's
	// triage; MixedState and MixedAssignee say how they differ when they
	// do ("2 handled, 1 new"; "2 with rina, 1 unassigned"), else "".
	Notes   []NoteView     `json:"notes"`
	Members []MemberTriage `json:"members"`
	// Tags are every tag of the row's mentions, with how many of them
	// carry it (Of: the row's mentions), most carried first.
	Tags          []TagCount `json:"tags"`
	MixedState    string     `json:"mixed_state,omitempty"`
	MixedAssignee string     `json:"mixed_assignee,omitempty"`
	// Ticked is the page's checkbox value: each id with its triage's
	// version as shown ("id@version,..."; changedSince).
	Ticked string `json:"-"`
}

// TriageView is a mention's triage as the API shows it.
type TriageView struct {
	Tags     []string `json:"tags"`
	Assignee string   `json:"assignee"`
	State    string   `json:"state"`
	Note     string   `json:"note"` // the latest note
	// Notes are every note added to the mention, oldest first: a note
	// adds to them and never replaces another.
	Notes     []NoteView `json:"notes"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
	UpdatedBy string     `json:"updated_by,omitempty"`
	// Version changes with every change of the triage ("0": never
	// triaged); POST /api/mentions/triage takes it back in if_version.
	Version string `json:"version"`
}

// NoteView is one note: its words, who added it and when.
type NoteView struct {
	Text string    `json:"text"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	// MentionID is the mention noted, in a row's notes (FeedRow.Notes).
	MentionID string `json:"mention_id,omitempty"`
}

// TagCount is a tag of a row's group: Count of its Of mentions carry it.
type TagCount struct {
	Tag   string `json:"tag"`
	Count int    `json:"count"`
	Of    int    `json:"of"`
}

// MemberTriage is the triage of one mention of a row's group.
type MemberTriage struct {
	ID       string   `json:"id"`
	State    string   `json:"state"`
	Assignee string   `json:"assignee"`
	Tags     []string `json:"tags"`
	Version  string   `json:"version"` // TriageView.Version
}

// groupTriage fills row's Notes, Members and Mixed* from its mentions'
// triage and notes.
func groupTriage(row *FeedRow, ids []string, triage map[string]store.Triage, notes map[string][]NoteView, loc *time.Location) {
	row.Notes, row.Members, row.Tags = []NoteView{}, []MemberTriage{}, []TagCount{}
	var states, assignees []string
	tagAt := map[string]int{}
	for _, id := range ids {
		tv := triageView(triage[id], nil, loc)
		row.Members = append(row.Members, MemberTriage{ID: id, State: tv.State, Assignee: tv.Assignee, Tags: tv.Tags, Version: tv.Version})
		for _, tag := range tv.Tags {
			if i, ok := tagAt[tag]; ok {
				row.Tags[i].Count++
				continue
			}
			tagAt[tag] = len(row.Tags)
			row.Tags = append(row.Tags, TagCount{Tag: tag, Count: 1, Of: len(ids)})
		}
		states = append(states, tv.State)
		assignees = append(assignees, tv.Assignee)
		for _, n := range notes[id] {
			n.MentionID = id
			row.Notes = append(row.Notes, n)
		}
	}
	slices.SortStableFunc(row.Notes, func(a, b NoteView) int { return a.At.Compare(b.At) })
	slices.SortStableFunc(row.Tags, func(a, b TagCount) int { return b.Count - a.Count })
	row.MixedState = tally(states, func(s string) string { return s })
	row.MixedAssignee = tally(assignees, func(a string) string {
		if a == "" {
			return "unassigned"
		}
		return "with " + a
	})
}

// tally says how many of vs have each value, most first ("2 handled, 1
// new"), or "" when they are all the same.
func tally(vs []string, name func(string) string) string {
	count := map[string]int{}
	var order []string
	for _, v := range vs {
		if count[v] == 0 {
			order = append(order, v)
		}
		count[v]++
	}
	if len(order) < 2 {
		return ""
	}
	slices.SortStableFunc(order, func(a, b string) int { return count[b] - count[a] })
	parts := make([]string, len(order))
	for i, v := range order {
		parts[i] = strconv.Itoa(count[v]) + " " + name(v)
	}
	return strings.Join(parts, ", ")
}

// notesByMention lists each mention's notes from the audit trail (oldest
// first): the trail keeps every note added, with who and when, where the
// triage keeps only the latest. An entry that cleared the note (an empty
// note, which older versions took) is no note.
func notesByMention(trail []store.AuditEntry, loc *time.Location) map[string][]NoteView {
	out := map[string][]NoteView{}
	for _, a := range trail {
		if a.Field == "note" && a.New != "" {
			out[a.MentionID] = append(out[a.MentionID], NoteView{Text: a.New, By: a.Actor, At: a.At.In(loc)})
		}
	}
	return out
}

// AuthorHistoryV is the author's other mentions, across brands and sources.
type AuthorHistoryV struct {
	Count  uint64          `json:"count"` // other mentions by the author
	Recent []AuthorMention `json:"recent"`
}

// AuthorMention is one of them, briefly, with how the team worked it:
// its state, assignee and notes, so that the agent on the author's next
// mention does not treat them as a stranger.
type AuthorMention struct {
	ID        string     `json:"id"`
	Brand     string     `json:"brand"`
	Source    string     `json:"source"`
	Type      string     `json:"type"`
	Published time.Time  `json:"published"`
	Label     mw.Label   `json:"label"`
	Title     string     `json:"title"`
	URL       string     `json:"url"`
	State     string     `json:"state"`
	Assignee  string     `json:"assignee"`
	Notes     []NoteView `json:"notes"` // oldest first
}

// AuditEntryView is one recorded change.
type AuditEntryView struct {
	MentionID string    `json:"mention_id"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Field     string    `json:"field"`
	Old       string    `json:"old"`
	New       string    `json:"new"`
}

func triageView(t store.Triage, notes []NoteView, loc *time.Location) TriageView {
	v := TriageView{Tags: t.Tags, Assignee: t.Assignee, State: string(t.State), Note: t.Note, Notes: notes, UpdatedBy: t.UpdatedBy,
		Version: triageVersion(t)}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	if v.Notes == nil {
		v.Notes = []NoteView{}
	}
	if v.State == "" {
		v.State = string(store.StateNew)
	}
	if !t.UpdatedAt.IsZero() {
		at := t.UpdatedAt.In(loc)
		v.UpdatedAt = &at
	}
	return v
}

func auditViews(as []store.AuditEntry, loc *time.Location) []AuditEntryView {
	out := make([]AuditEntryView, len(as))
	for i, a := range as {
		out[i] = AuditEntryView{MentionID: a.MentionID, At: a.At.In(loc), Actor: a.Actor, Field: a.Field, Old: a.Old, New: a.New}
	}
	return out
}

// scanFeed reads the rows of one page: store pages in f's order, each row
// checked against q=, until the page is full or the rows end.
func (h *Handler) scanFeed(ctx context.Context, f feedFilter) (rows []mw.Mention, next string, partial bool, err error) {
	q := f.Q
	q.Limit = f.Limit
	if f.Query != nil {
		q.Limit = max(f.Limit, 100)
	}
	for round := 0; ; round++ {
		batch, err := h.opt.Store.Mentions(ctx, q)
		if err != nil {
			return nil, "", false, fmt.Errorf("reading mentions: %w", err)
		}
		for i := range batch {
			if !f.matches(&batch[i]) {
				continue
			}
			rows = append(rows, batch[i])
			if len(rows) == f.Limit {
				return rows, encodeCursor(f.Order, batch[i]), false, nil
			}
		}
		if len(batch) < q.Limit {
			return rows, "", false, nil
		}
		last := batch[len(batch)-1]
		q.After = &store.Cursor{Published: last.Published, Impact: last.Impact(), ID: last.ID}
		if round+1 == feedScanRounds {
			return rows, encodeCursor(f.Order, last), true, nil
		}
	}
}

// feedPage builds a page: rows grouped by near-duplicates (within the
// page), with triage and author history.
func (h *Handler) feedPage(ctx context.Context, f feedFilter, withAudit bool) (FeedPage, error) {
	ms, next, partial, err := h.scanFeed(ctx, f)
	if err != nil {
		return FeedPage{}, err
	}
	page := FeedPage{Rows: []FeedRow{}, Next: next, Partial: partial}
	var groups []alerts.Group
	if f.Group {
		groups = alerts.GroupSimilar(ms)
	} else {
		for _, m := range ms {
			groups = append(groups, alerts.Group{Mention: m, Count: 1, IDs: []string{m.ID}, Authors: min(len(m.Author), 1)})
		}
	}
	var ids, authors []string
	authorOf := make(map[string]string, len(ms))
	for _, m := range ms {
		authorOf[m.ID] = m.Author
	}
	for _, g := range groups {
		ids = append(ids, g.IDs...)
		if g.Mention.Author != "" {
			authors = append(authors, g.Mention.Author)
		}
	}
	hist, err := h.opt.Store.AuthorHistory(ctx, authors, historyPerAuthor+1)
	if err != nil {
		return page, fmt.Errorf("reading authors' history: %w", err)
	}
	// The history's mentions show their triage and notes too: the author
	// was talked to before, and the next agent should know it.
	var histIDs, others []string // the history's mentions; those of them not on the page
	for _, ah := range hist {
		for _, m := range ah.Recent {
			if !slices.Contains(histIDs, m.ID) {
				histIDs = append(histIDs, m.ID)
				if !slices.Contains(ids, m.ID) {
					others = append(others, m.ID)
				}
			}
		}
	}
	triage, err := h.opt.Store.Triage(ctx, append(slices.Clone(ids), others...))
	if err != nil {
		return page, fmt.Errorf("reading triage: %w", err)
	}
	// The trail holds the notes: read it for the page (withAudit), else
	// for the rows' mentions that have a note (any of a group's); and for
	// the history's mentions that have one.
	trailIDs := slices.Clone(ids)
	if !withAudit {
		trailIDs = nil
		for _, id := range ids {
			if triage[id].Note != "" {
				trailIDs = append(trailIDs, id)
			}
		}
	}
	for _, id := range histIDs {
		if triage[id].Note != "" && !slices.Contains(trailIDs, id) {
			trailIDs = append(trailIDs, id)
		}
	}
	var trail []store.AuditEntry
	if len(trailIDs) > 0 {
		if trail, err = h.opt.Store.Audit(ctx, trailIDs); err != nil {
			return page, fmt.Errorf("reading the audit trail: %w", err)
		}
	}
	notes := notesByMention(trail, h.opt.Location)
	for _, g := range groups {
		row := FeedRow{Mention: wrap([]mw.Mention{g.Mention}, h.opt.Location)[0], Count: g.Count, IDs: g.IDs, Authors: g.Authors,
			Triage: triageView(triage[g.Mention.ID], notes[g.Mention.ID], h.opt.Location)}
		groupTriage(&row, g.IDs, triage, notes, h.opt.Location)
		if ah, ok := hist[g.Mention.Author]; ok {
			// Other mentions: the author's count less the row's own, which
			// may be older than the few newest that Recent lists. The store
			// counts by store.AuthorKey, so the row's mentions by "@Budi"
			// and by "budi" are both the author's own.
			v := &AuthorHistoryV{Count: ah.Count, Recent: []AuthorMention{}}
			key := store.AuthorKey(g.Mention.Author)
			for _, id := range g.IDs {
				if store.AuthorKey(authorOf[id]) == key && v.Count > 0 {
					v.Count--
				}
			}
			for _, m := range ah.Recent {
				if slices.Contains(g.IDs, m.ID) {
					continue
				}
				if len(v.Recent) < historyPerAuthor {
					tv := triageView(triage[m.ID], notes[m.ID], h.opt.Location)
					v.Recent = append(v.Recent, AuthorMention{ID: m.ID, Brand: m.Brand, Source: m.Source, Type: m.Type,
						Published: m.Published.In(h.opt.Location), Label: m.Label, Title: m.Title, URL: m.URL,
						State: tv.State, Assignee: tv.Assignee, Notes: tv.Notes})
				}
			}
			if v.Count > 0 {
				row.History = v
			}
		}
		var ticked []string
		for _, id := range g.IDs {
			ticked = append(ticked, id+"@"+triageVersion(triage[id]))
		}
		row.Ticked = strings.Join(ticked, ",")
		for _, a := range trail {
			if withAudit && slices.Contains(g.IDs, a.MentionID) {
				row.Audit = append(row.Audit, auditViews([]store.AuditEntry{a}, h.opt.Location)...)
			}
		}
		page.Rows = append(page.Rows, row)
	}
	return page, nil
}

// apiFeed serves GET /api/mentions with inbox parameters.
func (h *Handler) apiFeed(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	f, err := h.parseFeed(ctx, r.URL.Query(), feedDefaultLimit, feedMaxLimit)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	page, err := h.feedPage(ctx, f, false)
	if err == nil && f.Q.After == nil {
		page.Total, err = h.feedTotal(ctx, f)
	}
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// apiAudit serves a mention's audit trail, oldest first.
func (h *Handler) apiAudit(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	id := r.PathValue("id")
	trail, err := h.opt.Store.Audit(ctx, []string{id})
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("reading the audit trail: %w", err))
		return
	}
	if len(trail) == 0 { // no change yet, or no such mention: say which, as triage does
		if err := h.knownIDs(ctx, []string{id}); err != nil {
			h.fail(w, r, http.StatusNotFound, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, auditViews(trail, h.opt.Location))
}
