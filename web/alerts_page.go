package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
	"github.com/mentionwatch/mentionwatch/store"
)

// alertRoutes adds the alert-specific pages: the focused alert that
// /#alert=<id> opens, and the signed action links of notifications.
func (h *Handler) alertRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /ui/alert", h.uiAlert)
	handle("GET /api/alerts/{id}/deliveries", h.apiAlertDeliveries)
	handle("GET /a/{action}", h.actionConfirm)
	handle("POST /a/{action}", func(w http.ResponseWriter, r *http.Request) {
		requireRole(actionRole(r.PathValue("action")), h.actionPerform)(w, r)
	})
}

// actionRole is the role an action link's action needs: silencing is an
// admin's, acknowledging an agent's (the same as in the dashboard).
func actionRole(action string) mw.Role {
	if action == actionlink.Silence {
		return mw.RoleAdmin
	}
	return mw.RoleAgent
}

// zoneFuncs override the page's time functions to show times in loc, with
// the zone's abbreviation ("2026-03-10 17:00 WIB").
func zoneFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"ago": func(t time.Time) string {
			if t.IsZero() {
				return "never"
			}
			return t.In(loc).Format("2006-01-02 15:04 MST")
		},
		"timeptr": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(loc).Format("2006-01-02 15:04 MST")
		},
		"zone": func() string { return loc.String() },
	}
}

// alertView is a's view with its times in the configured zone and its
// headline and reason in words.
func (h *Handler) alertView(a mw.Alert) Alert {
	v := alertView(a, h.opt.Location)
	first := a
	first.NotifyCount = 0 // the dashboard's headline never says "Still firing"
	v.Headline, v.Why, v.Reason = alerts.Headline(first), alerts.Why(a, h.opt.Bucket), a.Reason
	return v
}

// attachCriticalMentions gives each critical alert its mention (text and
// link), read in one query.
func (h *Handler) attachCriticalMentions(ctx context.Context, as []Alert) error {
	var ids []string
	for _, a := range as {
		if a.Kind == mw.AlertCritical && len(a.MentionIDs) > 0 {
			ids = append(ids, a.MentionIDs[0])
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ms, err := h.opt.Store.Mentions(ctx, store.MentionQuery{IDs: ids, Limit: len(ids)})
	if err != nil {
		return fmt.Errorf("reading the mentions of critical alerts: %w", err)
	}
	byID := make(map[string]Mention, len(ms))
	for _, m := range wrap(ms, h.opt.Location) {
		byID[m.ID] = m
	}
	for i := range as {
		if as[i].Kind != mw.AlertCritical || len(as[i].MentionIDs) == 0 {
			continue
		}
		if m, ok := byID[as[i].MentionIDs[0]]; ok {
			as[i].Mention = &m
		}
	}
	return nil
}

// alertIDPattern is what an alert id may look like in a URL.
var alertIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,128}$`)

// focusData is the alert /#alert=<id> opens.
type focusData struct {
	ID       string
	Found    bool
	Alert    Alert
	Groups   []focusGroup // the evidence, near-copies grouped
	Log      []Delivery   // the alert's delivery log, oldest first
	Query    template.URL // the alert's brand, for the buttons' refresh of the list
	BrandURL string       // the alert's brand's dashboard, focused on it
}

type focusGroup struct {
	Mention Mention
	Count   int
}

// uiAlert renders one alert in full for the page's #alert-focus: what
// happened in words, the evidence with its text and links, and actions.
// An unknown id renders a message, not an error status, so the page can
// show it in place.
func (h *Handler) uiAlert(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if !alertIDPattern.MatchString(id) {
		h.fail(w, r, http.StatusBadRequest, errors.New("id= must be an alert id (letters, digits, - _ . :)"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d := focusData{ID: id}
	a, err := h.opt.Store.Alert(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.render(w, r, "alert-focus", d)
		return
	case err != nil:
		h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("reading alert %s: %w", id, err))
		return
	}
	d.Found, d.Alert = true, h.alertView(a)
	now := h.opt.Now()
	ss, err := h.activeSilences(ctx, now)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("reading silences: %w", err))
		return
	}
	for _, s := range ss {
		if s.Matches(a, now) {
			d.Alert.Silenced = true
		}
	}
	if len(a.MentionIDs) > 0 {
		ms, err := h.opt.Store.Mentions(ctx, store.MentionQuery{IDs: a.MentionIDs, Limit: alerts.EvidenceLimit})
		if err != nil {
			h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("reading alert %s's mentions: %w", id, err))
			return
		}
		ms = inOrder(ms, a.MentionIDs)
		views := wrap(ms, h.opt.Location)
		byID := make(map[string]Mention, len(views))
		for _, m := range views {
			byID[m.ID] = m
		}
		for _, g := range alerts.GroupSimilar(ms) {
			d.Groups = append(d.Groups, focusGroup{Mention: byID[g.Mention.ID], Count: g.Count})
		}
	}
	if d.Log, err = h.alertDeliveries(ctx, id); err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	q := url.Values{"brand": {a.Brand}, "range": {"7d"}}
	d.Query = template.URL(q.Encode())
	if pageView(r.URL.Query()) {
		// The page's own view (app.js sends it): the buttons refresh the
		// list the page shows, not the alert brand's 7 days.
		if v, err := h.parseView(r.URL.Query()); err == nil {
			d.Query = viewQuery(v)
		}
	}
	d.BrandURL = "/?" + q.Encode() + "#alert=" + url.QueryEscape(id)
	h.render(w, r, "alert-focus", d)
}

// pageView reports whether q names a page's view (brand, range, from, to).
func pageView(q url.Values) bool {
	return q.Get("brand") != "" || q.Get("range") != "" || q.Get("from") != "" || q.Get("to") != ""
}

// inOrder sorts ms in the order of ids (the store returns its own order).
func inOrder(ms []mw.Mention, ids []string) []mw.Mention {
	pos := make(map[string]int, len(ids))
	for i, id := range ids {
		pos[id] = i
	}
	out := make([]mw.Mention, len(ids))
	n := 0
	for _, m := range ms {
		if i, ok := pos[m.ID]; ok && out[i].ID == "" {
			out[i] = m
			n++
		}
	}
	res := out[:0]
	for _, m := range out {
		if m.ID != "" {
			res = append(res, m)
		}
	}
	return res[:n]
}
