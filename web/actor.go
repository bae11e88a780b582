package web

import (
	"context"
	"net/http"
	"strings"
)

// actorKey is the request context key under which authentication puts the
// name of who is acting.
type actorKey struct{}

// WithActor returns r carrying name as the acting user, for a program that
// embeds the handler behind its own login (and for tests). The handler's
// own authentication does not need it: ServeHTTP puts the request's Actor
// in its context (auth.go), which actorFrom falls back to.
func WithActor(r *http.Request, name string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), actorKey{}, name))
}

// actorFrom names who makes a state change: the name WithActor put on the
// request, else the authenticated user (a session, an API token, the
// trusted proxy's header, the basic-auth user), else the shared
// credential's name ("token", or "dashboard" on loopback without
// credentials). Unlike
// the alerts' "by" field it never takes a name from the request body.
func (h *Handler) actorFrom(r *http.Request) string {
	return h.actorOf(r.Context())
}

// actorOf is actorFrom for a request's context.
func (h *Handler) actorOf(ctx context.Context) string {
	if name, ok := ctx.Value(actorKey{}).(string); ok && name != "" {
		return name
	}
	if a, _ := ctx.Value(actorCtxKey{}).(Actor); a.Name != "" {
		return a.Name
	}
	return "dashboard"
}

// assignee is the name an assignee given in a triage change or the
// assignee filter stands for: "me" is whoever acts, and a dashboard
// user's name in other letter case is that user's name as registered
// ("rina" is Rina), so one person is one assignee.
func (h *Handler) assignee(ctx context.Context, a string) string {
	a = strings.TrimSpace(a)
	if strings.EqualFold(a, "me") {
		return h.actorOf(ctx)
	}
	if a == "" || h.users == nil {
		return a
	}
	us, err := h.users.Users(ctx)
	if err != nil {
		return a // the name as given; the store's error shows elsewhere
	}
	for _, u := range us {
		if strings.EqualFold(u.Name, a) {
			return u.Name
		}
	}
	return a
}

// canTriage is the one check every state-changing inbox handler passes
// through (web/inbox_triage.go): it returns nil when r may change triage
// state, else why not (a 403). Authentication has already run in
// ServeHTTP; roles (agent may triage, viewer may not) plug in here.
func (h *Handler) canTriage(r *http.Request) error {
	if h.opt.CanTriage != nil {
		return h.opt.CanTriage(r)
	}
	return nil
}
