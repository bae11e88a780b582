// Package routing decides which receivers (notifiers, by name) get an
// alert, and when each may be told: quiet hours in the receiver's time
// zone and a token-bucket rate limit. It is pure: callers pass the time.
//
// Semantics (Alertmanager's): routes are tried in config order; the first
// that matches decides, unless it has continue: true, when the following
// routes are tried as well and every matching route's receivers get the
// alert (once each). An alert that no route matched goes to the default
// receivers: routing.default, or every configured notifier when that is
// empty. A config without routing sends every alert to every notifier, as
// before routing existed.
package routing

import (
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/scoring"
)

// Attrs are what routes match on.
type Attrs struct {
	Brand  string
	Kind   string   // mw.AlertSpike | mw.AlertCritical | mw.AlertDrop (the severity)
	Scopes []string // the alert's scope; a critical mention adds its stage:x and aspect:y
	Lang   string   // en, id, other; "" when unknown
}

// Router is the resolved routing of a config. It is read-only after New
// and safe for concurrent use; the Policies it hands out are not (each is
// owned by its receiver's worker).
type Router struct {
	routes    []route
	def       []string
	defAll    bool
	receivers []string           // every configured notifier, in order
	policies  map[string]*Policy // by receiver
}

type route struct {
	name                            string
	brands, scopes, severity, langs []string
	receivers                       []string
	cont                            bool
}

// New resolves cfg.Alerts.Routing against the notifiers that were built
// (receivers, by name). Errors name the file and key.
func New(cfg *mw.Config, receivers []string) (*Router, error) {
	rc := cfg.Alerts.Routing
	r := &Router{receivers: append([]string(nil), receivers...), policies: map[string]*Policy{}}
	aspects := scoring.AspectNames(cfg.Brands)
	known := map[string]bool{}
	for _, n := range receivers {
		known[n] = true
	}
	brands := map[string]bool{}
	for _, b := range cfg.Brands {
		brands[b.Name] = true
		for _, c := range b.Competitors {
			brands[c.Name] = true
		}
	}
	bad := func(key, msg string, args ...any) error {
		return &mw.ConfigError{File: cfg.File, Line: cfg.KeyLine("alerts.routing" + key), Key: "alerts.routing" + key, Msg: fmt.Sprintf(msg, args...)}
	}
	checkReceivers := func(key string, names []string) error {
		for i, n := range names {
			if !known[n] {
				return bad(fmt.Sprintf("%s[%d]", key, i), "receiver %q is not a configured notifier (configured: %s); add notifiers.%s or fix the name", n, list(receivers), n)
			}
		}
		return nil
	}
	for i, rt := range rc.Routes {
		key := fmt.Sprintf(".routes[%d]", i)
		if len(rt.Receivers) == 0 {
			return nil, bad(key+".receivers", "a route needs at least one receiver")
		}
		if err := checkReceivers(key+".receivers", rt.Receivers); err != nil {
			return nil, err
		}
		for j, b := range rt.Brands {
			if !brands[b] {
				return nil, bad(fmt.Sprintf("%s.brands[%d]", key, j), "unknown brand %q (brands: are matched exactly)", b)
			}
		}
		for j, s := range rt.Severity {
			if s != mw.AlertSpike && s != mw.AlertCritical && s != mw.AlertDrop {
				return nil, bad(fmt.Sprintf("%s.severity[%d]", key, j), "%q is not a severity (use spike, critical or drop)", s)
			}
		}
		for j, s := range rt.Scopes {
			if _, err := path.Match(s, ""); err != nil || !validScope(s) {
				return nil, bad(fmt.Sprintf("%s.scopes[%d]", key, j), "%q is not a scope (brand, mention, volume, stage:<stage>, aspect:<aspect>, with * globs such as stage:*)", s)
			}
			if msg := unknownScopeName(s, aspects); msg != "" {
				return nil, bad(fmt.Sprintf("%s.scopes[%d]", key, j), "%s", msg)
			}
		}
		name := rt.Name
		if name == "" {
			name = fmt.Sprintf("route %d", i+1)
		}
		r.routes = append(r.routes, route{name: name, brands: rt.Brands, scopes: rt.Scopes, severity: rt.Severity,
			langs: lower(rt.Langs), receivers: dedupe(rt.Receivers), cont: rt.Continue})
	}
	if err := checkReceivers(".default", rc.Default); err != nil {
		return nil, err
	}
	r.def, r.defAll = dedupe(rc.Default), len(rc.Default) == 0
	if r.defAll {
		r.def = append([]string(nil), receivers...)
	}
	names := make([]string, 0, len(rc.Receivers))
	for n := range rc.Receivers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !known[n] {
			return nil, bad(".receivers."+n, "%q is not a configured notifier (configured: %s)", n, list(receivers))
		}
	}
	for _, n := range receivers {
		p, err := newPolicy(rc.Receivers[n], cfg.Location())
		if err != nil {
			return nil, bad(".receivers."+n+"."+err.key, "%s", err.msg)
		}
		r.policies[n] = p
	}
	return r, nil
}

// unknownScopeName says why a stage or aspect scope without globs can
// never match (a typo, a capital letter), or "".
func unknownScopeName(s string, aspects []string) string {
	k, v, _ := strings.Cut(s, ":")
	if strings.ContainsAny(v, "*?[") {
		return ""
	}
	switch k {
	case "stage":
		names := make([]string, 0, len(mw.Stages))
		for _, st := range mw.Stages {
			if string(st) == v {
				return ""
			}
			names = append(names, string(st))
		}
		return fmt.Sprintf("%q names no stage, so it never matches; use one of %s", s, strings.Join(names, ", "))
	case "aspect":
		if slices.Contains(aspects, v) {
			return ""
		}
		return fmt.Sprintf("%q names no aspect, so it never matches; use one of %s (or add it to a brand's aspects:)", s, strings.Join(aspects, ", "))
	}
	return ""
}

func validScope(s string) bool {
	if s == "brand" || s == "mention" || s == "volume" || s == "*" {
		return true
	}
	k, v, ok := strings.Cut(s, ":")
	return ok && v != "" && (k == "stage" || k == "aspect")
}

// Route returns the receivers of an alert with attrs a, in config order,
// each once, and the names of the routes that matched ("default" when
// none did).
func (r *Router) Route(a Attrs) (receivers, routes []string) {
	seen := map[string]bool{}
	add := func(ns []string) {
		for _, n := range ns {
			if !seen[n] {
				seen[n] = true
				receivers = append(receivers, n)
			}
		}
	}
	for _, rt := range r.routes {
		if !rt.matches(a) {
			continue
		}
		add(rt.receivers)
		routes = append(routes, rt.name)
		if !rt.cont {
			return receivers, routes
		}
	}
	if len(routes) == 0 {
		add(r.def)
		routes = append(routes, "default")
	}
	return receivers, routes
}

func (rt route) matches(a Attrs) bool {
	if len(rt.brands) > 0 && !slices.Contains(rt.brands, a.Brand) {
		return false
	}
	if len(rt.severity) > 0 && !slices.Contains(rt.severity, a.Kind) {
		return false
	}
	if len(rt.langs) > 0 && !slices.Contains(rt.langs, strings.ToLower(a.Lang)) {
		return false
	}
	if len(rt.scopes) == 0 {
		return true
	}
	for _, pat := range rt.scopes {
		for _, s := range a.Scopes {
			if ok, _ := path.Match(pat, s); ok {
				return true
			}
		}
	}
	return false
}

// Policy returns the delivery policy of receiver name (never nil: an
// unknown name gets one without quiet hours or limit).
func (r *Router) Policy(name string) *Policy {
	if p := r.policies[name]; p != nil {
		return p
	}
	return &Policy{Loc: time.UTC, QuietCritical: true}
}

// Describe writes the resolved routing tree, as check-config shows it.
func (r *Router) Describe(w io.Writer) {
	fmt.Fprintf(w, "routing: %d route(s), first match wins unless continue\n", len(r.routes))
	for i, rt := range r.routes {
		var m []string
		for _, f := range []struct {
			k  string
			vs []string
		}{{"brand", rt.brands}, {"scope", rt.scopes}, {"severity", rt.severity}, {"lang", rt.langs}} {
			if len(f.vs) > 0 {
				m = append(m, f.k+" in ["+strings.Join(f.vs, ", ")+"]")
			}
		}
		match := "every alert"
		if len(m) > 0 {
			match = strings.Join(m, " and ")
		}
		then := "stop"
		if rt.cont {
			then = "continue"
		}
		fmt.Fprintf(w, "  %d. %s: %s -> %s (then %s)\n", i+1, rt.name, match, strings.Join(rt.receivers, ", "), then)
	}
	def := strings.Join(r.def, ", ")
	switch {
	case def == "":
		def = "(no notifier: alerts are stored and shown in the dashboard only)"
	case r.defAll:
		def += " (every notifier)"
	}
	fmt.Fprintf(w, "  default (no route matched) -> %s\n", def)
	fmt.Fprintf(w, "receivers: %d\n", len(r.receivers))
	for _, n := range r.receivers {
		fmt.Fprintf(w, "  %s: %s\n", n, r.Policy(n))
	}
}

func dedupe(ns []string) []string {
	var out []string
	for _, n := range ns {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

func list(ns []string) string {
	if len(ns) == 0 {
		return "none"
	}
	return strings.Join(ns, ", ")
}
