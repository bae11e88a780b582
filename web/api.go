package web

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/store"
)

// queryTimeout bounds the store queries behind one request.
const queryTimeout = 30 * time.Second

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w) // escapes <, > and & in strings
	enc.Encode(v)
}

// apiError is the body of every failed API call.
type apiError struct {
	Error string `json:"error"`
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	err = redact.Error(err) // store errors may name a DSN
	if status >= 500 {
		h.opt.Log.Error("dashboard request failed", "path", r.URL.Path, "err", err)
	}
	httpError(w, r, err.Error(), status)
}

// apiPrefix starts every JSON API path.
const apiPrefix = "/api/"

// httpError answers a refusal or failure: {"error": msg} as JSON on /api/
// paths, which API clients decode, plain text elsewhere.
func httpError(w http.ResponseWriter, r *http.Request, msg string, status int) {
	if strings.HasPrefix(r.URL.Path, apiPrefix) {
		writeJSON(w, status, apiError{Error: msg})
		return
	}
	http.Error(w, msg, status)
}

// apiUnrouted answers an /api/ request no route takes: 405 with Allow when
// the path has routes for other methods, else 404, as JSON.
func (h *Handler) apiUnrouted(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		o := r.Clone(r.Context())
		o.Method = m
		if _, p := h.mux.Handler(o); p != "" && p != apiPrefix {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		if slices.Contains(allow, http.MethodGet) {
			allow = append(allow, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		httpError(w, r, fmt.Sprintf("method %s not allowed on %s: use %s", r.Method, r.URL.Path, strings.Join(allow, " or ")), http.StatusMethodNotAllowed)
		return
	}
	httpError(w, r, fmt.Sprintf("no API endpoint %s; docs/DASHBOARD.md lists them", r.URL.Path), http.StatusNotFound)
}

// withView parses the view and runs f with a bounded context.
func (h *Handler) withView(w http.ResponseWriter, r *http.Request, f func(ctx context.Context, v view) (any, error)) {
	v, err := h.parseView(r.URL.Query())
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	out, err := f(ctx, v)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// BrandInfo lists a tracked brand and its competitors.
type BrandInfo struct {
	Name        string   `json:"name"`
	Competitors []string `json:"competitors"`
}

func (h *Handler) apiBrands(w http.ResponseWriter, _ *http.Request) {
	out := []BrandInfo{}
	for _, b := range h.opt.Brands {
		bi := BrandInfo{Name: b.Name, Competitors: []string{}}
		for _, c := range b.Competitors {
			bi.Competitors = append(bi.Competitors, c.Name)
		}
		out = append(out, bi)
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) apiSeries(w http.ResponseWriter, r *http.Request) {
	h.withView(w, r, func(ctx context.Context, v view) (any, error) { return h.series(ctx, v) })
}

func (h *Handler) apiJourney(w http.ResponseWriter, r *http.Request) {
	h.withView(w, r, func(ctx context.Context, v view) (any, error) { return h.journey(ctx, v) })
}

func (h *Handler) apiAspects(w http.ResponseWriter, r *http.Request) {
	h.withView(w, r, func(ctx context.Context, v view) (any, error) { return h.aspects(ctx, v) })
}

func (h *Handler) apiShareOfVoice(w http.ResponseWriter, r *http.Request) {
	h.withView(w, r, func(ctx context.Context, v view) (any, error) { return h.shareOfVoice(ctx, v) })
}

// apiMentions: top negative mentions by impact for the view, or, with
// author=, that author's mentions across brands and sources.
//
// With any inbox parameter (feedParams: q, label, order, cursor, feed=1,
// ...) it is the inbox feed instead: a FeedPage (inbox_api.go).
func (h *Handler) apiMentions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if isFeed(q) {
		h.apiFeed(w, r)
		return
	}
	limit := 20
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			h.fail(w, r, http.StatusBadRequest, fmt.Errorf("limit %q: want 1..500", s))
			return
		}
		limit = n
	}
	if author := q.Get("author"); author != "" {
		ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
		defer cancel()
		ms, err := h.opt.Store.Mentions(ctx, store.MentionQuery{Author: author, Limit: limit})
		if err != nil {
			h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("reading the author's mentions: %w", err))
			return
		}
		writeJSON(w, http.StatusOK, wrap(ms, h.opt.Location))
		return
	}
	h.withView(w, r, func(ctx context.Context, v view) (any, error) { return h.topNegative(ctx, v, limit) })
}

// AlertsResponse is the alerts list and the active silences.
type AlertsResponse struct {
	Alerts   []Alert       `json:"alerts"`
	Response ResponseTimes `json:"response"`
	Silences []Silence     `json:"silences"`
}

func (h *Handler) apiAlerts(w http.ResponseWriter, r *http.Request) {
	h.withView(w, r, func(ctx context.Context, v view) (any, error) {
		as, ss, err := h.alertList(ctx, v)
		return AlertsResponse{Alerts: as, Response: responseTimes(as), Silences: silenceViews(ss, h.opt.Location)}, err
	})
}

func (h *Handler) apiSilences(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	ss, err := h.activeSilences(ctx, h.opt.Now())
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("reading silences: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, silenceViews(ss, h.opt.Location))
}

func (h *Handler) apiSources(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	s, err := h.sources(ctx)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

// actionBody is the optional JSON (or form) body of ack and resolve.
type actionBody struct {
	By string `json:"by"`
}

// maxBody bounds the JSON or form body of an API call.
const maxBody = 64 << 10

// readBody decodes a small JSON body (one value; empty is none) or a form
// into v. A body past maxBody is an error that says so.
func readBody(r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		err := dec.Decode(v)
		if err == nil {
			if _, next := dec.Token(); !errors.Is(next, io.EOF) {
				err = errors.New("the body holds more than one JSON value; send one object")
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading JSON body: %w", bodyError(err))
		}
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("reading the form: %w", bodyError(err))
	}
	return nil
}

// bodyError names the limit when err is a body past maxBody.
func bodyError(err error) error {
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return fmt.Errorf("the body is larger than %d KiB; send a smaller one (a triage names at most %d ids; POST /api/mentions/bulk takes a filter)", maxBody>>10, maxTriageIDs)
	}
	return err
}

// act loads the alert named in the path, applies f and saves it.
func (h *Handler) act(r *http.Request, f func(a *mw.Alert, by string, now time.Time) error) (mw.Alert, int, error) {
	var body actionBody
	if err := readBody(r, &body); err != nil {
		return mw.Alert{}, http.StatusBadRequest, err
	}
	if body.By == "" {
		body.By = r.PostFormValue("by")
	}
	id := r.PathValue("id")
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	unlock, err := h.lockWrites(ctx) // from reading the alert to saving it
	if err != nil {
		return mw.Alert{}, http.StatusServiceUnavailable, err
	}
	defer unlock()
	a, err := h.opt.Store.Alert(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return mw.Alert{}, http.StatusNotFound, fmt.Errorf("alert %q not found", id)
	}
	if err != nil {
		return mw.Alert{}, http.StatusInternalServerError, fmt.Errorf("reading alert %s: %w", id, err)
	}
	now := h.opt.Now().UTC()
	if err := f(&a, h.user(r, body.By), now); err != nil {
		return a, http.StatusConflict, err
	}
	if err := h.opt.Store.SaveAlert(ctx, a); err != nil {
		return a, http.StatusInternalServerError, fmt.Errorf("saving alert %s: %w", id, err)
	}
	return a, http.StatusOK, nil
}

func ack(a *mw.Alert, by string, now time.Time) error {
	if !a.AckedAt.IsZero() {
		return nil // the first acknowledgement counts for time to first response
	}
	a.AckedAt, a.AckedBy = now, by
	return nil
}

func resolve(a *mw.Alert, by string, now time.Time) error {
	if a.State == mw.Resolved {
		return nil
	}
	a.State, a.ResolvedAt, a.UpdatedAt = mw.Resolved, now, now
	if a.AckedAt.IsZero() {
		a.AckedAt, a.AckedBy = now, by
	}
	return nil
}

func (h *Handler) apiAck(w http.ResponseWriter, r *http.Request) {
	a, status, err := h.act(r, ack)
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	writeJSON(w, status, h.alertView(a))
}

func (h *Handler) apiResolve(w http.ResponseWriter, r *http.Request) {
	a, status, err := h.act(r, resolve)
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	writeJSON(w, status, h.alertView(a))
}

// SilenceRequest creates a silence. Give For (a duration such as 4h or 1d)
// or Until (RFC 3339). With Alert (an alert's id), the silence also holds
// for that alert whatever its scope becomes, and Brand and Scope default
// to the alert's.
type SilenceRequest struct {
	Brand  string `json:"brand"` // "" = every brand
	Scope  string `json:"scope"` // "" = every scope
	Alert  string `json:"alert_id"`
	For    string `json:"for"`
	Until  string `json:"until"`
	Reason string `json:"reason"`
	By     string `json:"by"`
}

func (h *Handler) silence(r *http.Request) (mw.Silence, int, error) {
	var req SilenceRequest
	if err := readBody(r, &req); err != nil {
		return mw.Silence{}, http.StatusBadRequest, err
	}
	if r.PostForm != nil {
		req = SilenceRequest{Brand: r.PostFormValue("brand"), Scope: r.PostFormValue("scope"), Alert: r.PostFormValue("alert"), For: r.PostFormValue("for"),
			Until: r.PostFormValue("until"), Reason: r.PostFormValue("reason"), By: r.PostFormValue("by")}
	}
	now := h.opt.Now().UTC()
	var until time.Time
	switch {
	case req.Until != "":
		t, err := time.Parse(time.RFC3339, req.Until)
		if err != nil {
			return mw.Silence{}, http.StatusBadRequest, fmt.Errorf("until %q: want RFC 3339, e.g. 2026-01-02T15:04:05Z", req.Until)
		}
		until = t.UTC()
	case req.For != "":
		d, err := mw.ParseDuration(req.For)
		if err != nil {
			return mw.Silence{}, http.StatusBadRequest, fmt.Errorf("for: %w", err)
		}
		until = now.Add(d)
	default:
		return mw.Silence{}, http.StatusBadRequest, errors.New("silence needs for (e.g. 4h) or until (RFC 3339)")
	}
	if !until.After(now) {
		return mw.Silence{}, http.StatusBadRequest, fmt.Errorf("silence would end at %s, which is not in the future", until.Format(time.RFC3339))
	}
	if until.Sub(now) > 366*24*time.Hour {
		return mw.Silence{}, http.StatusBadRequest, errors.New("silence longer than a year")
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if req.Alert != "" {
		a, err := h.opt.Store.Alert(ctx, req.Alert)
		if errors.Is(err, store.ErrNotFound) {
			return mw.Silence{}, http.StatusBadRequest, fmt.Errorf("alert %q is not in the store: GET /api/alerts lists them", clipLog(req.Alert))
		} else if err != nil {
			return mw.Silence{}, http.StatusInternalServerError, fmt.Errorf("reading alert %s: %w", req.Alert, err)
		}
		if req.Brand == "" {
			req.Brand, req.Scope = a.Brand, cmp.Or(req.Scope, a.Scope)
		}
		if req.Brand != a.Brand {
			return mw.Silence{}, http.StatusBadRequest, fmt.Errorf("alert %s is of brand %q, not %q", a.ID, a.Brand, req.Brand)
		}
	}
	if req.Brand != "" && len(h.opt.Brands) > 0 {
		if _, ok := h.brand(req.Brand); !ok {
			return mw.Silence{}, http.StatusBadRequest, fmt.Errorf("brand %q is not configured", req.Brand)
		}
	}
	if err := alerts.CheckScope(req.Scope, h.opt.Brands); err != nil {
		return mw.Silence{}, http.StatusBadRequest, err // it would mute nothing
	}
	var id [8]byte
	rand.Read(id[:])
	s := mw.Silence{ID: hex.EncodeToString(id[:]), Brand: req.Brand, Scope: req.Scope, AlertID: req.Alert, Until: until, Reason: strings.TrimSpace(req.Reason),
		CreatedBy: h.user(r, req.By), CreatedAt: now}
	if err := h.opt.Store.SaveSilence(ctx, s); err != nil {
		return s, http.StatusInternalServerError, fmt.Errorf("saving silence: %w", err)
	}
	return s, http.StatusCreated, nil
}

// liftSilence ends now the active silence the path names, keeping who
// lifted it in its reason. The store replaces a silence by its id.
func (h *Handler) liftSilence(r *http.Request) (mw.Silence, int, error) {
	id := r.PathValue("id")
	if strings.HasPrefix(id, configSilencePrefix) {
		return mw.Silence{}, http.StatusConflict, fmt.Errorf("silence %s is written in the config (alerts.silences): remove or change it there, then restart", id)
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	unlock, err := h.lockWrites(ctx) // from reading the silence to saving it
	if err != nil {
		return mw.Silence{}, http.StatusServiceUnavailable, err
	}
	defer unlock()
	now := h.opt.Now().UTC()
	ss, err := h.opt.Store.Silences(ctx, now)
	if err != nil {
		return mw.Silence{}, http.StatusInternalServerError, fmt.Errorf("reading silences: %w", err)
	}
	for _, s := range ss {
		if s.ID != id {
			continue
		}
		by := h.user(r, "")
		s.Until = now
		s.Reason = strings.TrimSpace(s.Reason + " · lifted by " + by + " at " + now.In(h.opt.Location).Format("2006-01-02 15:04 MST"))
		if err := h.opt.Store.SaveSilence(ctx, s); err != nil {
			return s, http.StatusInternalServerError, fmt.Errorf("saving silence %s: %w", id, err)
		}
		h.opt.Log.Info("silence lifted", "silence", id, "brand", s.Brand, "scope", s.Scope, "by", by)
		return s, http.StatusOK, nil
	}
	return mw.Silence{}, http.StatusNotFound, fmt.Errorf("silence %q is not active (it ended, was lifted, or never was): GET /api/silences lists the active ones", id)
}

func (h *Handler) apiLiftSilence(w http.ResponseWriter, r *http.Request) {
	s, status, err := h.liftSilence(r)
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	writeJSON(w, status, silenceViews([]mw.Silence{s}, h.opt.Location)[0])
}

func (h *Handler) apiSilence(w http.ResponseWriter, r *http.Request) {
	s, status, err := h.silence(r)
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	writeJSON(w, status, silenceViews([]mw.Silence{s}, h.opt.Location)[0])
}
