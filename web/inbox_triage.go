package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/query"
	"github.com/mentionwatch/mentionwatch/store"
)

// Triage limits.
const (
	maxTriageIDs  = 500  // ids in one POST /api/mentions/triage
	bulkDefault   = 500  // mentions a bulk action changes unless max= says otherwise
	bulkMax       = 5000 // the most one bulk action may change
	maxTags       = 20
	maxTagLen     = 40
	maxNoteLen    = 2000
	maxAssigneeLn = 64
)

// TriageChange is what to change on the mentions: nil fields stay.
type TriageChange struct {
	Assignee   *string  `json:"assignee,omitempty"`
	State      *string  `json:"state,omitempty"`
	Note       *string  `json:"note,omitempty"`
	AddTags    []string `json:"add_tags,omitempty"`
	RemoveTags []string `json:"remove_tags,omitempty"`
}

// TriageRequest changes the listed mentions (a group: all its ids).
type TriageRequest struct {
	IDs []string `json:"ids"`
	// IfVersion holds, for some or all of IDs, the triage version the
	// client read (rows[].triage.version, members[].version): a mention
	// someone else changed since keeps its assignee and state (tags and
	// notes still apply) and is listed in the result's kept_ids, as on
	// the page. An id without one is changed whatever its version.
	IfVersion map[string]string `json:"if_version,omitempty"`
	TriageChange
}

// BulkRequest changes the mentions of a filtered view: Filter is the
// view's query string as the feed takes it ("brand=Acme&lang=id&q=...").
type BulkRequest struct {
	Filter string `json:"filter"`
	Max    int    `json:"max"` // default 500, at most 5000
	TriageChange
}

// TriageResult reports what a triage action did.
type TriageResult struct {
	Matched int      `json:"matched"` // mentions the request named or the filter matched (up to max+1)
	Applied int      `json:"applied"` // mentions the change was applied to
	Changed int      `json:"changed"` // of those, mentions whose triage actually changed
	Capped  bool     `json:"capped"`  // the filter matched more than max; only the first max (in the view's order) were changed
	IDs     []string `json:"ids"`     // the mentions applied to
	// Kept counts the mentions whose assignee and state were left as they
	// are: another agent changed them after the page or the client read
	// them (the page's stamps, the API's if_version); KeptIDs lists them.
	Kept    int      `json:"kept"`
	KeptIDs []string `json:"kept_ids,omitempty"`
}

// check validates the change and normalises tags.
func (c *TriageChange) check() error {
	if c.Assignee == nil && c.State == nil && c.Note == nil && len(c.AddTags) == 0 && len(c.RemoveTags) == 0 {
		return errors.New("nothing to change: give assignee, state, note, add_tags or remove_tags")
	}
	if c.State != nil {
		if err := query.CheckOne("state", *c.State, stateNames()); err != nil || *c.State == "" {
			return query.Unknown("state", *c.State, stateNames())
		}
	}
	// The page's form is not JSON, whose decoder makes text valid UTF-8:
	// make it so here, the same way (each bad byte becomes U+FFFD), so
	// that what is stored is what the API shows and its values filter.
	for _, p := range []*string{c.Assignee, c.State, c.Note} {
		if p != nil {
			*p = validUTF8(*p)
		}
	}
	for _, tags := range [][]string{c.AddTags, c.RemoveTags} {
		for i, t := range tags {
			tags[i] = validUTF8(t)
		}
	}
	if c.Assignee != nil {
		a := strings.TrimSpace(*c.Assignee)
		if utf8.RuneCountInString(a) > maxAssigneeLn {
			return fmt.Errorf("assignee: longer than %d characters", maxAssigneeLn)
		}
		c.Assignee = &a
	}
	if c.Note != nil {
		n := strings.TrimSpace(*c.Note)
		if n == "" {
			return errors.New("note: empty; a note adds to the mention's notes (each kept with who added it and when), so there is none to clear")
		}
		if utf8.RuneCountInString(n) > maxNoteLen {
			return fmt.Errorf("note: longer than %d characters", maxNoteLen)
		}
		c.Note = &n
	}
	for _, tags := range []*[]string{&c.AddTags, &c.RemoveTags} {
		var out []string
		for _, t := range *tags {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			if utf8.RuneCountInString(t) > maxTagLen || strings.ContainsAny(t, ",\n") {
				return fmt.Errorf("tag %.60q: at most %d characters, no commas", t, maxTagLen)
			}
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
		*tags = out
	}
	return nil
}

// validUTF8 replaces each byte of s that is not part of a valid UTF-8
// sequence by U+FFFD, as encoding/json does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s { // an invalid byte ranges as utf8.RuneError
		b.WriteRune(r)
	}
	return b.String()
}

// apply computes the new triage of one mention and the audit entries.
func (c *TriageChange) apply(old store.Triage, id, actor string, now time.Time) (store.Triage, []store.AuditEntry) {
	t := old
	t.MentionID = id
	if t.State == "" {
		t.State = store.StateNew
	}
	oldState := t.State
	var audit []store.AuditEntry
	rec := func(field, o, n string) {
		if o != n {
			audit = append(audit, store.AuditEntry{MentionID: id, At: now, Actor: actor, Field: field, Old: o, New: n})
		}
	}
	if c.Assignee != nil {
		rec("assignee", t.Assignee, *c.Assignee)
		t.Assignee = *c.Assignee
	}
	if c.State != nil {
		t.State = store.TriageState(*c.State)
		rec("state", string(oldState), string(t.State))
	}
	if c.Note != nil && (*c.Note != t.Note || actor != t.UpdatedBy) {
		// A note adds to the notes (the audit trail keeps each, with who
		// and when; notesByMention); the triage keeps the latest. The same
		// words again from whoever last changed the mention are a repeated
		// submit, not a new note.
		audit = append(audit, store.AuditEntry{MentionID: id, At: now, Actor: actor, Field: "note", Old: t.Note, New: *c.Note})
		t.Note = *c.Note
	}
	if len(c.AddTags) > 0 || len(c.RemoveTags) > 0 {
		tags := slices.Clone(t.Tags)
		for _, a := range c.AddTags {
			if !slices.Contains(tags, a) {
				tags = append(tags, a)
			}
		}
		tags = slices.DeleteFunc(tags, func(s string) bool { return slices.Contains(c.RemoveTags, s) })
		slices.Sort(tags)
		rec("tags", strings.Join(t.Tags, ","), strings.Join(tags, ","))
		t.Tags = tags
	}
	if len(audit) > 0 {
		t.UpdatedAt, t.UpdatedBy = now, actor
	}
	return t, audit
}

// changeTriage is the one place triage state changes: every state-changing
// inbox handler (API and page) comes through here, after canTriage. It
// reads the current triage of ids, applies c, and saves the mentions that
// changed with their audit entries.
//
// seen holds the triage version (triageVersion) of some of the mentions
// as the page showed them or the API's client read them. A mention
// another agent changed since keeps its assignee and state: two agents
// who opened it at once do not silently take it from each other or undo
// each other's state (tags and notes, which add, still apply). An id
// without a version is not checked.
func (h *Handler) changeTriage(ctx context.Context, r *http.Request, ids []string, c TriageChange, seen map[string]string) (TriageResult, int, error) {
	if err := h.canTriage(r); err != nil {
		return TriageResult{}, http.StatusForbidden, err
	}
	if err := c.check(); err != nil {
		return TriageResult{}, http.StatusBadRequest, err
	}
	actor, now := h.actorFrom(r), h.opt.Now().UTC().Truncate(time.Second)
	res := TriageResult{Applied: len(ids), IDs: ids}
	unlock, err := h.lockWrites(ctx) // from reading the triage to saving it
	if err != nil {
		return res, http.StatusServiceUnavailable, err
	}
	defer unlock()
	if c.Assignee != nil && *c.Assignee != "" {
		a := h.assignee(ctx, *c.Assignee) // "me", a name in any case and spacing
		c.Assignee = &a
	}
	old, err := h.opt.Store.Triage(ctx, ids)
	if err != nil {
		return res, http.StatusInternalServerError, fmt.Errorf("reading triage: %w", err)
	}
	var ts []store.Triage
	var audit []store.AuditEntry
	for _, id := range ids {
		cc := c
		if at, ok := seen[id]; ok && (c.Assignee != nil || c.State != nil) && changedSince(old[id], at, actor) {
			cc.Assignee, cc.State = nil, nil
			res.Kept++
			res.KeptIDs = append(res.KeptIDs, id)
		}
		t, a := cc.apply(old[id], id, actor, now)
		if len(a) > 0 {
			ts = append(ts, t)
			audit = append(audit, a...)
		}
	}
	res.Changed = len(ts)
	if len(ts) == 0 {
		return res, http.StatusOK, nil
	}
	if err := h.opt.Store.SaveTriage(ctx, ts, audit); err != nil {
		return res, http.StatusInternalServerError, fmt.Errorf("saving triage: %w", err)
	}
	h.opt.Log.Info("triage changed", "actor", actor, "mentions", len(ts), "audit_entries", len(audit))
	return res, http.StatusOK, nil
}

// changedSince reports whether someone other than actor changed t after
// it was read at version seen (triageVersion).
func changedSince(t store.Triage, seen, actor string) bool {
	return triageVersion(t) != seen && t.UpdatedBy != actor
}

// triageVersion names a mention's triage as read: "0" for a mention never
// triaged, else a digest of every field with who changed it last and
// when. Any change gives another version, two in the same second too
// (the stores keep whole seconds, which a version of the time alone
// could not tell apart).
func triageVersion(t store.Triage) string {
	if t.UpdatedAt.IsZero() && t.UpdatedBy == "" && t.Assignee == "" && t.Note == "" && len(t.Tags) == 0 &&
		(t.State == "" || t.State == store.StateNew) {
		return "0"
	}
	if t.State == "" {
		t.State = store.StateNew
	}
	if len(t.Tags) == 0 {
		t.Tags = nil // one store reads none as [], the other as nil
	}
	b, _ := json.Marshal([]any{t.UpdatedAt.UnixNano(), t.UpdatedBy, t.Assignee, t.State, t.Tags, t.Note})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// seenStamps splits the page's ticked values, each a row's
// "id@version,id@version" (triageVersion as the page showed it), into
// the ids and their versions. A value without one (a client of its own)
// is an id to check nothing for.
func seenStamps(values []string) ([]string, map[string]string) {
	var ids []string
	seen := map[string]string{}
	for _, v := range values {
		for p := range strings.SplitSeq(v, ",") {
			id, stamp, ok := strings.Cut(p, "@")
			id = strings.TrimSpace(id)
			if stamp = strings.TrimSpace(stamp); ok && stamp != "" && id != "" {
				seen[id] = stamp
			}
			ids = append(ids, id)
		}
	}
	return ids, seen
}

// knownIDs checks that every id names a stored mention.
func (h *Handler) knownIDs(ctx context.Context, ids []string) error {
	found := map[string]bool{}
	for chunk := range slices.Chunk(ids, 200) {
		ms, err := h.opt.Store.Mentions(ctx, store.MentionQuery{IDs: chunk, Limit: len(chunk)})
		if err != nil {
			return fmt.Errorf("reading mentions: %w", err)
		}
		for _, m := range ms {
			found[m.ID] = true
		}
	}
	var missing []string
	for _, id := range ids {
		if !found[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no such mention: %s", strings.Join(missing[:min(len(missing), 5)], ", "))
	}
	return nil
}

// errTooManyIDs is cleanIDs' error for more than maxTriageIDs ids.
var errTooManyIDs = fmt.Errorf("more than %d mentions at once", maxTriageIDs)

// cleanIDs splits comma-separated ids, trims and deduplicates them, and
// refuses more than maxTriageIDs as soon as it meets one more: the work is
// bounded by the limit, not by the size of the body.
func cleanIDs(ids []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		for p := range strings.SplitSeq(id, ",") {
			if p = strings.TrimSpace(p); p == "" || seen[p] {
				continue
			}
			if len(out) == maxTriageIDs {
				return nil, fmt.Errorf("ids: %w; use POST /api/mentions/bulk for a filtered view", errTooManyIDs)
			}
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("ids: name at least one mention")
	}
	return out, nil
}

// apiTriage serves POST /api/mentions/triage.
func (h *Handler) apiTriage(w http.ResponseWriter, r *http.Request) {
	var req TriageRequest
	if err := readJSONBody(r, &req); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	ids, err := cleanIDs(req.IDs)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	seen := map[string]string{}
	for id, v := range req.IfVersion {
		if id = strings.TrimSpace(id); !slices.Contains(ids, id) {
			h.fail(w, r, http.StatusBadRequest, fmt.Errorf("if_version: %.80q is not one of ids; give the version of the mentions changed only", id))
			return
		}
		if v = strings.TrimSpace(v); v == "" {
			h.fail(w, r, http.StatusBadRequest, fmt.Errorf("if_version: %.80q has an empty version; give triage.version as read, or leave the id out", id))
			return
		}
		seen[id] = v
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if err := h.knownIDs(ctx, ids); err != nil {
		h.fail(w, r, http.StatusNotFound, err)
		return
	}
	res, status, err := h.changeTriage(ctx, r, ids, req.TriageChange, seen)
	res.Matched = len(ids)
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	writeJSON(w, status, res)
}

// bulkIDs collects up to max ids of the filtered view (and one more, to
// know it was capped).
func (h *Handler) bulkIDs(ctx context.Context, filter string, max int) ([]string, bool, error) {
	vals, err := url.ParseQuery(strings.TrimPrefix(filter, "?"))
	if err != nil {
		return nil, false, fmt.Errorf("filter: not a query string: %w", err)
	}
	// A parameter the view does not take would be left out, and the
	// change would apply to a wider view than meant ("lable=negative":
	// every mention of the brand).
	valid := append([]string{"brand", "range", "from", "to", "author", "limit", "msg"}, feedParams...) // msg: the page's own, in a copied URL
	for k := range vals {
		if !slices.Contains(valid, k) {
			return nil, false, fmt.Errorf("filter: %w; nothing was changed", query.Unknown("parameter", k, valid))
		}
	}
	vals.Del("cursor")
	vals.Del("limit")
	f, err := h.parseFeed(ctx, vals, 0, 1)
	if err != nil {
		return nil, false, fmt.Errorf("filter: %w", err)
	}
	var ids []string
	capped := false
	stop := errors.New("capped")
	err = h.opt.Store.EachMention(ctx, f.Q, func(m mw.Mention) error {
		if !f.matches(&m) {
			return nil
		}
		if len(ids) == max {
			capped = true
			return stop
		}
		ids = append(ids, m.ID)
		return nil
	})
	if err != nil && !errors.Is(err, stop) {
		return nil, false, fmt.Errorf("reading the filtered mentions: %w", err)
	}
	return ids, capped, nil
}

// apiBulk serves POST /api/mentions/bulk.
func (h *Handler) apiBulk(w http.ResponseWriter, r *http.Request) {
	var req BulkRequest
	if err := readJSONBody(r, &req); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if req.Max == 0 {
		req.Max = bulkDefault
	}
	if req.Max < 1 || req.Max > bulkMax {
		h.fail(w, r, http.StatusBadRequest, fmt.Errorf("max %d: want 1..%d", req.Max, bulkMax))
		return
	}
	if err := h.canTriage(r); err != nil { // before reading the view
		h.fail(w, r, http.StatusForbidden, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	ids, capped, err := h.bulkIDs(ctx, req.Filter, req.Max)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if len(ids) == 0 {
		writeJSON(w, http.StatusOK, TriageResult{IDs: []string{}})
		return
	}
	res, status, err := h.changeTriage(ctx, r, ids, req.TriageChange, nil)
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	res.Matched, res.Capped = len(ids), capped
	if capped {
		res.Matched++
	}
	writeJSON(w, status, res)
}

// readJSONBody decodes a small JSON body strictly.
func readJSONBody(r *http.Request, v any) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return errors.New("send a JSON body with Content-Type: application/json")
	}
	return readBody(r, v)
}

// formChange reads a triage change from the page's form: assignee (with
// "-" to unassign), state, add_tag, remove_tag and note; empty fields stay.
func formChange(r *http.Request) TriageChange {
	var c TriageChange
	if a := r.PostFormValue("assignee"); a != "" {
		if a == "-" {
			a = ""
		}
		c.Assignee = &a
	}
	if s := r.PostFormValue("state"); s != "" {
		c.State = &s
	}
	if n := r.PostFormValue("note"); strings.TrimSpace(n) != "" {
		c.Note = &n
	}
	if t := r.PostFormValue("add_tag"); t != "" {
		c.AddTags = strings.Split(t, ",")
	}
	if t := r.PostFormValue("remove_tag"); t != "" {
		c.RemoveTags = strings.Split(t, ",")
	}
	return c
}

// uiTriage applies the page's triage form to the checked rows, then sends
// the browser back to the same view with a message.
func (h *Handler) uiTriage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, http.StatusBadRequest, fmt.Errorf("reading the form: %w", err))
		return
	}
	ticked, seen := seenStamps(r.PostForm["id"])
	ids, err := cleanIDs(ticked)
	if err != nil {
		msg := "tick at least one mention"
		if errors.Is(err, errTooManyIDs) {
			msg = fmt.Sprintf("more than %d mentions ticked: triage at most %d at once (POST /api/mentions/bulk changes a whole filtered view)", maxTriageIDs, maxTriageIDs)
		}
		h.fail(w, r, http.StatusBadRequest, errors.New(msg))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if err := h.knownIDs(ctx, ids); err != nil {
		h.fail(w, r, http.StatusNotFound, err)
		return
	}
	res, status, err := h.changeTriage(ctx, r, ids, formChange(r), seen)
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	view, _ := url.ParseQuery(r.PostFormValue("view"))
	msg := strconv.Itoa(res.Changed) + " of " + strconv.Itoa(len(ids)) + " mentions changed"
	if res.Kept > 0 {
		msg += "; " + strconv.Itoa(res.Kept) + keptMessage
	}
	view.Set("msg", msg)
	target := "/mentions?" + view.Encode()
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}
