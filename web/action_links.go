package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/store"
)

// actionPage is the page a signed action link shows: a confirmation (GET),
// the outcome (POST) or why the link cannot be used.
type actionPage struct {
	Status  string // confirm | done | error
	Title   string
	Message string
	Action  string // ack | silence
	Button  string // the confirmation button's label
	Alert   *Alert
	ID      string
	Exp     string
	Sig     string
	Expires string // when the link stops working, in the configured zone
	OpenURL string // the alert in the dashboard
	// Me is the signed-in user's name (a session, a proxy's identity or
	// an API token), who acts: the form asks for no name then, since a
	// name typed would be ignored (Handler.user).
	Me    string
	expAt time.Time
}

var actionLabels = map[string]string{
	actionlink.Ack:     "Acknowledge",
	actionlink.Silence: "Silence 4 h",
}

// actionConfirm (GET /a/{action}) checks the link and asks for a
// confirmation. It never changes state: link previews and unfurlers that
// fetch the URL cannot acknowledge or silence anything.
func (h *Handler) actionConfirm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, a, status := h.checkLink(r, r.PathValue("action"), q.Get("id"), q.Get("exp"), q.Get("sig"))
	if status != http.StatusOK {
		h.renderAction(w, r, status, p)
		return
	}
	if err := roleCheck(actionRole(p.Action))(r); err != nil {
		// Say so now rather than offer a button whose POST is refused.
		verb := map[string]string{actionlink.Ack: "acknowledge", actionlink.Silence: "silence"}[p.Action]
		h.renderAction(w, r, http.StatusForbidden, actionPage{Status: "error", Title: "You cannot " + verb + " this alert",
			Message: err.Error(), Alert: p.Alert, OpenURL: p.OpenURL})
		return
	}
	if p.Action == actionlink.Silence {
		ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
		defer cancel()
		if used, status := h.usedSilenceLink(ctx, &p); used {
			h.renderAction(w, r, status, p)
			return
		}
	}
	p.Status, p.Button = "confirm", actionLabels[p.Action]
	switch p.Action {
	case actionlink.Ack:
		p.Title = "Acknowledge this alert?"
		if !a.AckedAt.IsZero() {
			p.Message = fmt.Sprintf("Already acknowledged by %s at %s; acknowledging again changes nothing.", a.AckedBy, a.AckedAt.In(h.opt.Location).Format("2006-01-02 15:04 MST"))
		}
	case actionlink.Silence:
		until := h.opt.Now().Add(actionlink.SilenceFor).In(h.opt.Location).Format("2006-01-02 15:04 MST")
		p.Title = "Silence this alert for 4 hours?"
		p.Message = fmt.Sprintf("No notification about this alert, whatever its scope becomes, nor about any other of %s · %s until %s.", a.Brand, alerts.ScopeLabel(a.Scope), until)
		if a.Scope == alerts.ScopeMention {
			// A silence is a brand and a scope: this one mutes the
			// brand's next harm report as well.
			p.Title = fmt.Sprintf("Silence every critical mention of %s for 4 hours?", a.Brand)
			p.Message = fmt.Sprintf("No critical mention of %s is notified until %s, not only this one: a new harm report is stored and shown in the dashboard, not sent.", a.Brand, until)
		}
	}
	h.renderAction(w, r, http.StatusOK, p)
}

// actionPerform (POST /a/{action}) checks the link again and acts.
func (h *Handler) actionPerform(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.renderAction(w, r, http.StatusBadRequest, actionPage{Status: "error", Title: "Bad request", Message: "Reading the form: " + err.Error()})
		return
	}
	f := r.PostForm
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	unlock, err := h.lockWrites(ctx) // from reading the alert (checkLink) to saving it
	if err != nil {
		h.renderAction(w, r, http.StatusServiceUnavailable, actionPage{Status: "error", Title: "Busy", Message: "Another change is being saved: try again."})
		return
	}
	defer unlock()
	p, a, status := h.checkLink(r, r.PathValue("action"), f.Get("id"), f.Get("exp"), f.Get("sig"))
	if status != http.StatusOK {
		h.renderAction(w, r, status, p)
		return
	}
	now := h.opt.Now().UTC()
	by := h.user(r, f.Get("by"))
	p.Status = "done"
	switch p.Action {
	case actionlink.Ack:
		if err := ack(&a, by, now); err != nil {
			h.renderAction(w, r, http.StatusConflict, actionPage{Status: "error", Title: "Not acknowledged", Message: err.Error(), OpenURL: p.OpenURL})
			return
		}
		if err := h.opt.Store.SaveAlert(ctx, a); err != nil {
			h.saveFailed(w, r, "Not acknowledged", "acknowledge", a.ID, p.OpenURL, err)
			return
		}
		p.Title = "Acknowledged"
		p.Message = fmt.Sprintf("Acknowledged by %s at %s.", a.AckedBy, a.AckedAt.In(h.opt.Location).Format("2006-01-02 15:04 MST"))
		h.opt.Log.Info("alert acknowledged from an action link", "alert", a.ID, "by", by)
	case actionlink.Silence:
		if used, status := h.usedSilenceLink(ctx, &p); used {
			h.renderAction(w, r, status, p)
			return
		}
		// The alert too: its scope follows its peak, and its later
		// messages must stay muted whatever it becomes.
		s := mw.Silence{ID: actionlink.SilenceID(a.ID, p.expAt), Brand: a.Brand, Scope: a.Scope, AlertID: a.ID, Until: now.Add(actionlink.SilenceFor),
			Reason: "silenced from a notification link: " + alerts.Headline(a), CreatedBy: by, CreatedAt: now}
		if err := h.opt.Store.SaveSilence(ctx, s); err != nil {
			h.saveFailed(w, r, "Not silenced", "silence", a.ID, p.OpenURL, err)
			return
		}
		p.Title = "Silenced"
		p.Message = fmt.Sprintf("%s · %s is silenced until %s (by %s).", a.Brand, alerts.ScopeLabel(a.Scope), s.Until.In(h.opt.Location).Format("2006-01-02 15:04 MST"), by)
		h.opt.Log.Info("alert silenced from an action link", "alert", a.ID, "brand", a.Brand, "scope", a.Scope, "until", s.Until, "by", by)
	}
	v := h.alertView(a)
	p.Alert = &v
	h.renderAction(w, r, http.StatusOK, p)
}

// usedSilenceLink reports whether the Silence link p was already used, and
// then fills p with what it did. A link saves its silence under
// actionlink.SilenceID, so a second press (a double submit, another
// responder, the same message days later) finds it, whether it still
// runs, ended or was lifted, and silences nothing more: a link acts once.
// The silence began after the link was made (TTL before its expiry; a day
// more for clocks that disagree), so the silences active since then hold
// it.
func (h *Handler) usedSilenceLink(ctx context.Context, p *actionPage) (bool, int) {
	ss, err := h.opt.Store.Silences(ctx, p.expAt.Add(-actionlink.TTL-24*time.Hour))
	if err != nil {
		err = redact.Error(err) // a store error may name a DSN
		h.opt.Log.Error("reading silences for an action link failed", "alert", p.ID, "err", err)
		*p = actionPage{Status: "error", Title: "The store did not answer", Message: "Reading the silences failed: " + err.Error() + ". Try again in a minute.", OpenURL: p.OpenURL}
		return true, http.StatusInternalServerError
	}
	sid := actionlink.SilenceID(p.ID, p.expAt)
	for _, s := range ss {
		if s.ID != sid {
			continue
		}
		what := s.Brand + " · " + alerts.ScopeLabel(s.Scope)
		until := s.Until.In(h.opt.Location).Format("2006-01-02 15:04 MST")
		p.Status, p.Title = "error", "This link was already used"
		if h.opt.Now().Before(s.Until) {
			p.Message = fmt.Sprintf("%s is silenced until %s (by %s). A Silence link acts once: to change the silence, use the dashboard.", what, until, s.CreatedBy)
		} else {
			p.Message = fmt.Sprintf("It silenced %s from %s until %s (by %s). A Silence link acts once: to silence again, use the dashboard.",
				what, s.CreatedAt.In(h.opt.Location).Format("2006-01-02 15:04 MST"), until, s.CreatedBy)
		}
		return true, http.StatusConflict
	}
	return false, http.StatusOK
}

// saveFailed logs a failed save of an action and shows what to do.
func (h *Handler) saveFailed(w http.ResponseWriter, r *http.Request, title, verb, alertID, openURL string, err error) {
	err = redact.Error(err) // a store error may name a DSN
	h.opt.Log.Error("saving an action link's change failed", "action", verb, "alert", alertID, "err", err)
	h.renderAction(w, r, http.StatusInternalServerError, actionPage{Status: "error", Title: title,
		Message: "Saving failed: " + err.Error() + ". Try again, or " + verb + " in the dashboard.", OpenURL: openURL})
}

// checkLink verifies a link and loads its alert. On failure it returns the
// error page to show and its status.
func (h *Handler) checkLink(r *http.Request, action, id, exp, sig string) (actionPage, mw.Alert, int) {
	p := actionPage{Action: action, ID: id, Exp: exp, Sig: sig}
	if alertIDPattern.MatchString(id) {
		p.OpenURL = "/#alert=" + url.QueryEscape(id)
	}
	if h.opt.Links == nil {
		return actionPage{Status: "error", Title: "Action links are off",
			Message: "This dashboard has no key for action links: start it with the daemon's config (web.link_secret, or the key file it generated) to use them.",
			OpenURL: p.OpenURL}, mw.Alert{}, http.StatusNotFound
	}
	at, err := h.opt.Links.Verify(action, id, exp, sig, h.opt.Now())
	var ee *actionlink.ExpiredError
	switch {
	case errors.As(err, &ee):
		return actionPage{Status: "error", Title: "This link has expired", Message: strings.Replace(err.Error(), at.UTC().Format("2006-01-02T15:04:05Z"),
			at.In(h.opt.Location).Format("2006-01-02 15:04 MST"), 1), OpenURL: p.OpenURL}, mw.Alert{}, http.StatusGone
	case errors.Is(err, actionlink.ErrUnknown):
		return actionPage{Status: "error", Title: "Unknown action", Message: err.Error(), OpenURL: p.OpenURL}, mw.Alert{}, http.StatusNotFound
	case err != nil:
		h.opt.Log.Warn("action link with a bad signature", "action", action, "alert", clipLog(id), "remote", r.RemoteAddr)
		return actionPage{Status: "error", Title: "This link is not valid", Message: err.Error(), OpenURL: p.OpenURL}, mw.Alert{}, http.StatusForbidden
	}
	p.Expires, p.expAt = at.In(h.opt.Location).Format("2006-01-02 15:04 MST"), at
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	a, err := h.opt.Store.Alert(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return actionPage{Status: "error", Title: "Alert not found", Message: fmt.Sprintf("Alert %s is not in the store (deleted, or older than the retention).", id)}, a, http.StatusNotFound
	}
	if err != nil {
		err = redact.Error(err) // a store error may name a DSN
		h.opt.Log.Error("reading the alert of an action link failed", "alert", id, "err", err)
		return actionPage{Status: "error", Title: "The store did not answer", Message: "Reading the alert failed: " + err.Error() + ". Try again in a minute."}, a, http.StatusInternalServerError
	}
	v := h.alertView(a)
	p.Alert = &v
	return p, a, http.StatusOK
}

func clipLog(s string) string { return clipBytes(s, 64) }

func (h *Handler) renderAction(w http.ResponseWriter, r *http.Request, status int, p actionPage) {
	if a := actorFrom(r); a.Named() {
		p.Me = a.Name
	}
	// The link's signature is in the URL: never send it on as a referrer.
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	if status == http.StatusOK {
		h.render(w, r, "action-page", p)
		return
	}
	var buf strings.Builder
	if err := h.page.t.ExecuteTemplate(&buf, "action-page", p); err != nil {
		h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("rendering action-page: %w", err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write([]byte(buf.String()))
}
