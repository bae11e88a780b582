// Package collectors defines how sources are collected: the Collector
// interface, the registry of source types, the polite HTTP client they
// share, and the scheduler that runs every configured source.
package collectors

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/editdist"
	"github.com/mentionwatch/mentionwatch/query"
)

// Collector is one configured source. The scheduler calls Collect on its
// interval; calls never overlap on one instance. Collect returns the items
// it found since cur (raw: Brand and ID empty, Type, Source, NativeID and
// Collected set) and the cursor to resume from. On error it may still return
// items collected before the failure together with an advanced cursor; the
// scheduler stores them and keeps the old cursor only when the new one is
// empty.
type Collector interface {
	Collect(ctx context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error)
}

// Initer is implemented by collectors that check their config and prepare
// state. Init must not touch the network.
type Initer interface {
	Init(env Env) error
}

// Env is what a collector gets from the program.
type Env struct {
	Name   string      // the configured source name
	Type   string      // its type
	HTTP   *HTTPClient // shared polite client
	Brands []mw.Brand  // the brands this source collects for (for search queries)
	// Interval is how often the source runs (its interval:, or
	// DefaultInterval), for collectors that budget a daily quota.
	Interval time.Duration
	Log      *slog.Logger // scoped with source=<name>
	Now      func() time.Time
}

// Factory returns a new, zero collector whose struct is its config (yaml
// tags). Build decodes the source's keys into it, then calls Init.
type Factory func() Collector

var (
	regMu    sync.RWMutex
	registry = map[string]Factory{}
)

// Register adds a source type with what it declares about itself (its
// reach weight, whether it is a brand's own page; see mw.SourceTraits),
// which config validation and scoring read by the type's name. Collectors
// call it from init(). A type registered twice, or one that declares no
// reach weight, panics at start-up with the reason.
func Register(typ string, traits mw.SourceTraits, f Factory) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[typ]; dup {
		panic("collectors: type registered twice: " + typ)
	}
	if err := mw.DeclareSourceType(typ, traits); err != nil {
		panic("collectors: " + err.Error())
	}
	registry[typ] = f
}

// Types lists the registered source types, sorted.
func Types() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]string, 0, len(registry))
	for t := range registry {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Source is a built, configured source ready to schedule.
type Source struct {
	Config    mw.SourceConfig
	Collector Collector
	Env       Env
}

// Build creates the collector of one configured source: it decodes the
// type's own keys strictly (unknown keys fail with file and line) and calls
// Init.
func Build(cfg *mw.Config, sc mw.SourceConfig, env Env) (*Source, error) {
	regMu.RLock()
	f, ok := registry[sc.Type]
	regMu.RUnlock()
	if !ok {
		key, hint := "sources["+sc.Name+"].type", ""
		if near := editdist.Closest(sc.Type, Types()); near != "" {
			hint = fmt.Sprintf("did you mean %q? ", near)
		}
		line := sc.Line
		if l := cfg.KeyLine(key); l > 0 {
			line = l // the type: line itself
		}
		return nil, &mw.ConfigError{File: cfg.File, Line: line, Key: key,
			Msg: fmt.Sprintf("unknown source type %q (%sknown: %s)", sc.Type, hint, strings.Join(Types(), ", "))}
	}
	c := f()
	if sc.Node != nil {
		if err := mw.DecodeStrict(cfg.File, sc.Node, c, mw.SourceCommonKeys...); err != nil {
			if ce, ok := err.(*mw.ConfigError); ok && ce.Key != "" {
				ce.Key = "sources[" + sc.Name + "]." + ce.Key
			}
			return nil, err
		}
	}
	env.Name, env.Type = sc.Name, sc.Type
	if env.Log == nil {
		env.Log = slog.Default()
	}
	env.Log = env.Log.With("source", sc.Name, "type", sc.Type)
	if env.Now == nil {
		env.Now = time.Now
	}
	env.Brands = brandsFor(cfg.Brands, sc.Brands)
	if env.Interval = sc.Interval.D(); env.Interval <= 0 {
		env.Interval = DefaultInterval
	}
	if in, ok := c.(Initer); ok {
		if err := in.Init(env); err != nil {
			return nil, &mw.ConfigError{File: cfg.File, Line: sc.Line, Key: "sources[" + sc.Name + "]", Msg: err.Error()}
		}
	}
	return &Source{Config: sc, Collector: c, Env: env}, nil
}

// BuildAll builds every enabled source. It returns the first config error.
func BuildAll(cfg *mw.Config, http *HTTPClient, log *slog.Logger) ([]*Source, error) {
	var out []*Source
	for _, sc := range cfg.Sources {
		if sc.Disabled {
			continue
		}
		s, err := Build(cfg, sc, Env{HTTP: http, Log: log})
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func brandsFor(all []mw.Brand, only []string) []mw.Brand {
	if len(only) == 0 {
		return all
	}
	var out []mw.Brand
	for _, b := range all {
		for _, o := range only {
			if b.Name == o {
				out = append(out, b)
			}
		}
	}
	return out
}

// SearchQueries is the explicit query when set, else one query per
// distinct search term (case-insensitive), with any leading '#' or '@'
// dropped and terms of several words or with punctuation quoted
// (QuoteTerm), then one query per joined form of a phrase ("kopi
// kenangan" -> kopikenangan, query.Joined) that is not a term already:
// these services match whole words, so the phrase alone misses
// #KopiKenangan. Search APIs that AND the words of one query (Algolia,
// Bluesky, Mastodon) need one query per term; a joined form costs one more
// request per run.
func SearchQueries(explicit string, terms []string) []string {
	if explicit != "" {
		return []string{explicit}
	}
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		t = strings.TrimSpace(strings.TrimLeft(t, "#@"))
		k := strings.ToLower(t)
		if t == "" || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, QuoteTerm(t))
	}
	for _, t := range terms {
		add(t)
	}
	for _, t := range terms {
		add(query.Joined(t))
	}
	return out
}

// QuoteTerm returns t as one search term: unchanged when it is a word
// (letters, digits and '_', after an optional leading '#', '@' or '$'),
// else quoted as a phrase with any '"' in it dropped, so that its spaces
// and punctuation ("acme store", 7-Eleven, "foo:bar", "(ID)") are never
// read as the service's syntax.
func QuoteTerm(t string) string {
	if t == "" {
		return ""
	}
	body := t
	if body != "" && strings.ContainsRune("#@$", rune(body[0])) {
		body = body[1:]
	}
	if body != "" && !strings.ContainsFunc(body, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	}) {
		return t
	}
	return `"` + strings.ReplaceAll(t, `"`, "") + `"`
}

// OrQuery is how a service that ORs alternatives in one request (X,
// Reddit, Google News, YouTube) reads search terms.
type OrQuery struct {
	Sep    string                // between alternatives: " OR ", "|"
	Term   func(string) string   // a term as the service reads it; "" leaves it out
	Joined func(string) []string // the alternatives for a phrase's joined form ("kopikenangan", "#kopikenangan")
	Fits   func(q string) bool   // whether the query fits the service's limit; nil: any
}

// Build ORs the distinct terms (case-insensitive, as Term gives them),
// then adds the alternatives of each phrase's joined form (query.Joined)
// while the query still fits. The terms themselves are always all there
// (the caller checks their length); joined forms that do not fit are left
// out and logged once at debug, so they never turn a valid config into an
// error.
func (o OrQuery) Build(terms []string, log *slog.Logger) string {
	seen := map[string]bool{}
	var alts []string
	for _, t := range terms {
		if t = o.Term(t); t != "" && !seen[strings.ToLower(t)] {
			seen[strings.ToLower(t)] = true
			alts = append(alts, t)
		}
	}
	q := strings.Join(alts, o.Sep)
	if o.Joined == nil {
		return q
	}
	var left []string
	for _, t := range terms {
		j := query.Joined(t)
		if j == "" {
			continue
		}
		for _, f := range o.Joined(j) {
			if seen[strings.ToLower(f)] {
				continue
			}
			seen[strings.ToLower(f)] = true
			if next := q + o.Sep + f; o.Fits == nil || o.Fits(next) {
				q = next
			} else {
				left = append(left, f)
			}
		}
	}
	if len(left) > 0 && log != nil {
		log.Debug("joined forms of phrases left out of the search query: it would pass the service's limit (set query to choose the terms yourself)", "left_out", left)
	}
	return q
}

// SearchTerms returns the keywords of brands (and their competitors), for
// collectors that search a service by query: trimmed, the outer quotes a
// keyword may be written with dropped (as the matcher reads it,
// query.Phrase), and those without a letter or digit (which match
// nothing) left out.
func SearchTerms(brands []mw.Brand) []string {
	var out []string
	add := func(terms []string) {
		for _, t := range terms {
			t = strings.Trim(strings.TrimSpace(t), `"`)
			if strings.ContainsFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
				out = append(out, strings.TrimSpace(t))
			}
		}
	}
	for _, b := range brands {
		add(termsOf(b.Keywords, b.Query))
		for _, c := range b.Competitors {
			add(termsOf(c.Keywords, c.Query))
		}
	}
	return out
}

// termsOf is what a brand (or competitor) asks a search API for: its
// keywords, or the words and phrases its boolean query looks for outside a
// NOT (config validation has already parsed the query).
func termsOf(keywords []string, q string) []string {
	if q == "" {
		return keywords
	}
	parsed, err := query.Parse(q)
	if err != nil {
		return nil
	}
	return parsed.Terms()
}
