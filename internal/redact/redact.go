// Package redact is the one place that takes secrets out of text bound
// for logs, error messages and the dashboard: URLs lose their user info,
// query values (but for a few harmless parameters), fragments and the
// secret path segments of webhook services (hooks.slack.com/services/...,
// Discord, Microsoft Teams, Telegram bots, and token-like segments
// anywhere); the dashboard's API tokens (mwt_<id>_<secret>) keep only
// their id; and every secret registered with Register (config.Secret
// values and passwords typed into `mentionwatch user` register
// themselves) prints as <secret>.
//
// All functions are safe for concurrent use. The registry is process-wide:
// a secret, once registered, is redacted until the process exits.
package redact

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Mask replaces every secret.
const Mask = "<secret>"

// minLiteral is the shortest registered secret replaced wherever it
// appears; shorter ones would blank out ordinary words.
const minLiteral = 6

var (
	mu       sync.RWMutex
	literals = map[string]bool{}
	replacer *strings.Replacer // nil when literals is empty
)

// Register adds secrets that must never be printed. A secret that is a URL
// registers its path, query, fragment and password instead of the whole,
// so a redacted URL still names its host, and the URL is redacted however
// it is re-encoded. Values shorter than 6 bytes are ignored.
func Register(secrets ...string) {
	var add []string
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		u, err := url.Parse(s)
		if err != nil || u.Scheme == "" || u.Host == "" {
			add = append(add, s)
		} else {
			add = append(add, strings.TrimPrefix(u.RequestURI(), "/"), strings.TrimPrefix(u.EscapedPath(), "/"), strings.TrimPrefix(u.Path, "/"), u.RawQuery, u.Fragment)
			if p, ok := u.User.Password(); ok {
				add = append(add, p, url.QueryEscape(p))
			}
			for _, vs := range u.Query() {
				for _, v := range vs {
					add = append(add, v, url.QueryEscape(v))
				}
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	changed := false
	for _, s := range add {
		if len(s) >= minLiteral && !literals[s] {
			literals[s] = true
			changed = true
		}
	}
	if !changed {
		return
	}
	keys := make([]string, 0, len(literals))
	for k := range literals {
		keys = append(keys, k)
	}
	// Longest first, so a URL is replaced whole before its parts.
	slices.SortFunc(keys, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, Mask)
	}
	replacer = strings.NewReplacer(pairs...)
}

// urlInText finds URLs in free text: a scheme, "://", and everything up
// to a space, quote or angle bracket.
var urlInText = regexp.MustCompile("(?i)\\b[a-z][a-z0-9+.-]{1,15}://[^\\s\"'<>`]+")

// apiToken finds the dashboard's API tokens (web/auth_secret.go):
// mwt_<12 hex id>_<secret>. The id stays, for `user token revoke`.
var apiToken = regexp.MustCompile(`\b(mwt_[0-9a-f]{12}_)[A-Za-z0-9_-]+`)

// String returns s with every registered secret, every API token's secret
// and every URL redacted.
func String(s string) string {
	mu.RLock()
	r := replacer
	mu.RUnlock()
	if r != nil {
		s = r.Replace(s)
	}
	if strings.Contains(s, "mwt_") {
		s = apiToken.ReplaceAllString(s, "${1}"+Mask)
	}
	if !strings.Contains(s, "://") {
		return s
	}
	return urlInText.ReplaceAllStringFunc(s, func(m string) string {
		trimmed := strings.TrimRight(m, ".,;:!?)]}")
		return URL(trimmed) + m[len(trimmed):]
	})
}

// Error returns err with a redacted message. It unwraps to err, so
// errors.Is and errors.As still see the original chain; print only the
// returned error. nil stays nil, and an error with nothing to redact is
// returned as is.
func Error(err error) error {
	if err == nil {
		return nil
	}
	var re *redacted
	if errors.As(err, &re) && re == err {
		return err
	}
	msg := err.Error()
	if red := String(msg); red != msg {
		return &redacted{msg: red, err: err}
	}
	return err
}

type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }
