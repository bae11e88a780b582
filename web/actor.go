package web

import (
	"context"
	"net/http"
	"slices"
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

// assignee is the name an assignee given in a triage change stands for:
// "me" is whoever acts; a dashboard user's name in other letter case or
// spacing is that user's name as registered ("rina" is Rina), so one
// person is one assignee; another name that differs from one in use only
// in letter case and spaces is the one first in use ("vendor  team" is
// "Vendor team"); a new name is kept as typed, its runs of spaces made
// one.
func (h *Handler) assignee(ctx context.Context, a string) string {
	a = strings.Join(strings.Fields(a), " ")
	if strings.EqualFold(a, "me") {
		return h.actorOf(ctx)
	}
	if a == "" {
		return a
	}
	if u := h.userNamed(ctx, a); u != "" {
		return u
	}
	if known := h.assigneeSpellings(ctx, a); len(known) > 0 {
		return known[0]
	}
	return a
}

// assigneesFor is what the assignee filter a matches: "-" is nobody (as
// in the triage bar, where it unassigns), else every spelling in use of
// the name a stands for (assignee), so that a filter finds the mentions
// of names assigned before spellings were folded ("Vendor team" and
// "vendor team") too.
func (h *Handler) assigneesFor(ctx context.Context, a string) []string {
	if strings.TrimSpace(a) == "-" {
		return []string{""}
	}
	name := h.assignee(ctx, a)
	if name == "" {
		return nil
	}
	out := h.assigneeSpellings(ctx, name)
	if !slices.Contains(out, name) {
		out = append(out, name)
	}
	return out
}

// sameAssignee reports whether two assignee names are one: equal once
// letter case and spaces are set aside.
func sameAssignee(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// userNamed returns the registered name of the dashboard user a names
// (sameAssignee), or "".
func (h *Handler) userNamed(ctx context.Context, a string) string {
	if h.users == nil {
		return ""
	}
	us, err := h.users.Users(ctx)
	if err != nil {
		return "" // the name as given; the store's error shows elsewhere
	}
	for _, u := range us {
		if sameAssignee(u.Name, a) {
			return u.Name
		}
	}
	return ""
}

// assigneeSpellings lists the stored spellings of a (sameAssignee), the
// first in use first.
func (h *Handler) assigneeSpellings(ctx context.Context, a string) []string {
	all, err := h.opt.Store.Assignees(ctx)
	if err != nil {
		return nil // the name as given; the store's error shows elsewhere
	}
	var out []string
	for _, s := range all {
		if sameAssignee(s, a) {
			out = append(out, s)
		}
	}
	return out
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
