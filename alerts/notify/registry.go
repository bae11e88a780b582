// Package notify is the registry of alert channels beyond the built-in
// Slack and webhook notifiers (package alerts). Each channel is one folder,
// alerts/notify/<name>/, that registers itself from init(); its struct is
// its config, decoded strictly from notifiers.<name> in the config file.
// alerts/notify/all imports every channel.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/internal/editdist"
)

// Channel is a registered notifier. Init checks its config and prepares
// state without touching the network; Build calls it once, before Send.
type Channel interface {
	alerts.Notifier
	Init(env Env) error
}

// Env is what a channel gets from the program.
type Env struct {
	Name         string              // the channel's name, its key under notifiers:
	HTTP         *http.Client        // shared client with a timeout
	Presentation alerts.Presentation // time zone, bucket, action links
	Log          *slog.Logger        // scoped with notifier=<name>
	Now          func() time.Time
	// Context ends when the program stops: a channel that works in the
	// background (Alertmanager's re-posting) stops with it.
	Context context.Context
}

// Factory returns a new, zero channel whose struct is its config.
type Factory func() Channel

var (
	mu       sync.RWMutex
	registry = map[string]Factory{}
)

// builtin are the notifiers package alerts builds itself.
var builtin = []string{"slack", "webhook"}

// Register adds a channel. Channels call it from init().
func Register(name string, f Factory) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[name]; dup {
		panic("notify: channel registered twice: " + name)
	}
	registry[name] = f
}

// Names lists every channel a config may name, the built-in ones
// included, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := append([]string(nil), builtin...)
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Options are what Build needs beyond the config.
type Options struct {
	Presentation alerts.Presentation
	HTTP         *http.Client     // default: 20 s timeout
	Now          func() time.Time // default time.Now
	Context      context.Context  // default context.Background()
}

// Build builds every configured notifier: Slack and the webhook through
// alerts.NewNotifiers, then each channel under notifiers: in name order.
// It returns the first config error, with file, line and key.
func Build(cfg *mw.Config, log *slog.Logger, o Options) ([]alerts.Notifier, error) {
	if log == nil {
		log = slog.Default()
	}
	ns, err := alerts.NewNotifiers(cfg.Notifiers, nil, alerts.WithPresentation(o.Presentation))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(cfg.Notifiers.Channels))
	for n := range cfg.Notifiers.Channels {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		c, err := BuildOne(cfg, name, log, o)
		if err != nil {
			return nil, err
		}
		if c != nil {
			ns = append(ns, c)
		}
	}
	if len(ns) == 0 {
		log.Warn("no notifier configured: alerts are stored and shown in the dashboard only (set notifiers.slack.webhook_url, or another channel of docs/ALERTS.md)")
	}
	return ns, nil
}

// BuildOne builds the notifier configured under notifiers.<name>, the
// built-in ones included. It returns nil, nil for a channel section that
// is present but empty (disabled).
func BuildOne(cfg *mw.Config, name string, log *slog.Logger, o Options) (alerts.Notifier, error) {
	if log == nil {
		log = slog.Default()
	}
	if name == "slack" || name == "webhook" {
		ns, err := alerts.NewNotifiers(cfg.Notifiers, nil, alerts.WithPresentation(o.Presentation))
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if n.Name() == name {
				return n, nil
			}
		}
		return nil, fmt.Errorf("notifiers.%s is not configured in %s", name, cfg.File)
	}
	node, ok := cfg.Notifiers.Channels[name]
	key := "notifiers." + name
	mu.RLock()
	f, known := registry[name]
	mu.RUnlock()
	if !known {
		line := 0
		if node != nil {
			line = node.Line
		}
		return nil, &mw.ConfigError{File: cfg.File, Line: line, Key: key, Msg: fmt.Sprintf("unknown notifier %q%s (known: %v)", name, suggest(name, Names()), Names())}
	}
	if !ok {
		return nil, fmt.Errorf("%s is not configured in %s", key, cfg.File)
	}
	c := f()
	if node != nil {
		if err := mw.DecodeStrict(cfg.File, node, c); err != nil {
			if ce, ok := err.(*mw.ConfigError); ok {
				if ce.Key != "" {
					ce.Key = key + "." + ce.Key
				} else {
					ce.Key = key
				}
			}
			return nil, err
		}
	}
	env := Env{Name: name, HTTP: o.HTTP, Presentation: o.Presentation,
		Log: log.With("notifier", name), Now: o.Now, Context: o.Context}
	if env.HTTP == nil {
		env.HTTP = &http.Client{Timeout: 20 * time.Second}
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Context == nil {
		env.Context = context.Background()
	}
	if err := c.Init(env); err != nil {
		line := 0
		if node != nil {
			line = node.Line
		}
		return nil, &mw.ConfigError{File: cfg.File, Line: line, Key: key, Msg: err.Error()}
	}
	return c, nil
}

// suggest names the closest known channel within two edits.
func suggest(name string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editdist.Levenshtein(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
