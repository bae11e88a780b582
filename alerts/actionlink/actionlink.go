// Package actionlink signs and checks the dashboard links that notifications
// carry for Acknowledge and Silence 4 h, so that a responder can act from
// Slack without Slack interactivity. A link is
//
//	{dashboard}/a/{action}?id={alert id}&exp={unix seconds}&sig={HMAC}
//
// where sig is the base64url HMAC-SHA256, under the configured key, of the
// action, the alert id and the expiry. Opening a link (GET) only shows a
// confirmation page; the action runs on the page's POST, so link previews
// and unfurlers cannot act. A Signer is safe for concurrent use.
package actionlink

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Actions a link can carry.
const (
	Ack     = "ack"     // acknowledge the alert
	Silence = "silence" // silence the alert's brand and scope for SilenceFor
)

// SilenceFor is how long the Silence action mutes, counted from the POST.
const SilenceFor = 4 * time.Hour

// TTL is how long a link stays valid after the message is rendered.
const TTL = 7 * 24 * time.Hour

// PathPrefix is where the dashboard serves the links.
const PathPrefix = "/a/"

// Errors Verify returns.
var (
	ErrBadSignature = errors.New("this link's signature does not match: it was altered, cut short by the chat client, or signed with another key (web.link_secret changed)")
	ErrUnknown      = errors.New("unknown action: the link must end in /a/ack or /a/silence")
)

// ExpiredError says a genuine link is too old.
type ExpiredError struct{ At time.Time }

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("this link expired at %s: open the alert in the dashboard and act there", e.At.UTC().Format(time.RFC3339))
}

// Signer makes and checks links with one key.
type Signer struct{ key []byte }

// New returns a Signer for key (at least 16 bytes).
func New(key []byte) (*Signer, error) {
	if len(key) < 16 {
		return nil, errors.New("action link key is shorter than 16 bytes: set web.link_secret to a long random value (openssl rand -hex 32)")
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

func (s *Signer) mac(action, id string, exp int64) []byte {
	m := hmac.New(sha256.New, s.key)
	fmt.Fprintf(m, "mentionwatch-action-v1\x00%s\x00%s\x00%d", action, id, exp)
	return m.Sum(nil)
}

// URL returns the signed link to action on alert id, valid until expires.
// base is the dashboard URL (alerts.dashboard_url).
func (s *Signer) URL(base, action, id string, expires time.Time) string {
	exp := expires.Unix()
	q := url.Values{"id": {id}, "exp": {strconv.FormatInt(exp, 10)}, "sig": {base64.RawURLEncoding.EncodeToString(s.mac(action, id, exp))}}
	return strings.TrimSuffix(base, "/") + PathPrefix + action + "?" + q.Encode()
}

// Verify checks a link's action, id, exp and sig at now. It returns the
// expiry of a valid link, ErrBadSignature for a forged or damaged one and an
// *ExpiredError for a genuine one past its expiry.
func (s *Signer) Verify(action, id, exp, sig string, now time.Time) (time.Time, error) {
	if action != Ack && action != Silence {
		return time.Time{}, ErrUnknown
	}
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || id == "" {
		return time.Time{}, ErrBadSignature
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(action, id, e)) {
		return time.Time{}, ErrBadSignature
	}
	at := time.Unix(e, 0).UTC()
	if !now.Before(at) {
		return at, &ExpiredError{At: at}
	}
	return at, nil
}

// Token derives a value for purpose from the key, in another domain than
// the links' signatures (it verifies no link): the same on every process
// that holds the key and across restarts. The dashboard's CSRF token is
// one, so a page served by one cluster member may post to another.
func (s *Signer) Token(purpose string) string {
	m := hmac.New(sha256.New, s.key)
	fmt.Fprintf(m, "mentionwatch-token-v1\x00%s", purpose)
	return hex.EncodeToString(m.Sum(nil))
}

// SilenceID is the id under which the Silence link for alert id expiring
// at exp saves its silence. A link always names the same silence, however
// its exp is written, so the dashboard can see that a link was used and
// not silence again: a Silence link acts once. Each notification carries
// its own link (its own expiry).
func SilenceID(id string, exp time.Time) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "mentionwatch-silence-link-v1\x00%s\x00%d", id, exp.Unix()))
	return "link-" + hex.EncodeToString(sum[:12])
}

// DefaultKeyFile is where a generated key is kept when web.link_secret is
// unset.
const DefaultKeyFile = "mentionwatch.linkkey"

// LoadKey returns the configured secret, or the key kept in file (default
// DefaultKeyFile), creating it with 32 random bytes (mode 0600) the first
// time. run and serve started in the same directory share it.
func LoadKey(secret, file string) ([]byte, error) {
	if secret != "" {
		if len(secret) < 16 {
			return nil, errors.New("web.link_secret is shorter than 16 characters: use a long random value (openssl rand -hex 32)")
		}
		return []byte(secret), nil
	}
	if file == "" {
		file = DefaultKeyFile
	}
	for range 2 {
		if key, err := ReadKey(file); !errors.Is(err, fs.ErrNotExist) {
			return key, err
		}
		var raw [32]byte
		rand.Read(raw[:])
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue // another process made it first: read theirs
		}
		if err != nil {
			return nil, fmt.Errorf("creating action link key %s: %w (set web.link_secret or web.link_secret_file to a writable path)", file, err)
		}
		key := hex.EncodeToString(raw[:])
		_, werr := f.WriteString(key + "\n")
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			os.Remove(file)
			return nil, fmt.Errorf("writing action link key %s: %w", file, err)
		}
		return []byte(key), nil
	}
	return nil, fmt.Errorf("reading action link key %s: it vanished while being created", file)
}

// ReadKey returns the key kept in file, never creating it: members of a
// cluster must all sign with one key, which a member generating its own
// would break. A missing file is an error that wraps fs.ErrNotExist.
func ReadKey(file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("action link key file %s does not exist: %w", file, err)
	}
	if err != nil {
		return nil, fmt.Errorf("reading action link key %s: %w (set web.link_secret or fix the file's permissions)", file, err)
	}
	key := strings.TrimSpace(string(b))
	if len(key) < 32 {
		return nil, fmt.Errorf("action link key file %s holds %d characters, want at least 32: delete it to generate a new key, or write one (openssl rand -hex 32)", file, len(key))
	}
	return []byte(key), nil
}
