package alerts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/internal/retryafter"
)

// Webhook posts alerts as JSON. With a secret, the header (default
// X-Mentionwatch-Signature) carries "sha256=" + hex HMAC-SHA256 of the body.
// X-Mentionwatch-Delivery is a dedupe key: the same alert state and
// notification number always carry the same key, so receivers can drop a
// retried send they already took.
type Webhook struct {
	// Presentation is set before the first Send and only read after.
	Presentation Presentation

	url    string
	secret []byte
	header string
	http   *http.Client
}

// NewWebhook checks cfg.
func NewWebhook(cfg mw.WebhookConfig, client *http.Client) (*Webhook, error) {
	u, err := url.Parse(cfg.URL.Value())
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("notifiers.webhook.url is not an http(s) URL")
	}
	h := cfg.Header
	if h == "" {
		h = "X-Mentionwatch-Signature"
	}
	if !httpguts.ValidHeaderFieldName(h) {
		return nil, fmt.Errorf("notifiers.webhook.header %q is not an HTTP header name (letters, digits and -, such as X-Hub-Signature-256)", h)
	}
	for _, own := range ownHeaders {
		if strings.EqualFold(h, own) {
			return nil, fmt.Errorf("notifiers.webhook.header %q is a header the webhook sets itself: pick another name", h)
		}
	}
	return &Webhook{url: cfg.URL.Value(), secret: []byte(cfg.Secret.Value()), header: h, http: client}, nil
}

// ownHeaders are the headers Send sets (and Go's client): the signature
// header cannot be one of them.
var ownHeaders = []string{"Content-Type", "Content-Length", "Host", "User-Agent", "X-Mentionwatch-Event", "X-Mentionwatch-Delivery", "Idempotency-Key"}

// Name implements Notifier.
func (w *Webhook) Name() string { return "webhook" }

// Format prints the notifier as its kind only, whatever the verb: its URL
// may carry a token and its signing secret is a byte slice.
func (w *Webhook) Format(f fmt.State, _ rune) { fmt.Fprint(f, "alerts.Webhook{<secret>}") }

// WebhookPayload is the JSON body. Fields are only ever added: receivers
// written against an older payload keep working. Times in alert and
// top_mentions are UTC; text and the *_local fields use timezone.
type WebhookPayload struct {
	Event        string       `json:"event"` // alert.firing | alert.repeat | alert.resolved
	DeliveryKey  string       `json:"delivery_key"`
	Headline     string       `json:"headline"`
	Alert        webhookAlert `json:"alert"`
	Top          []mw.Mention `json:"top_mentions"`
	History      []authorHist `json:"author_history,omitempty"`
	DashboardURL string       `json:"dashboard_url,omitempty"`
	SentAt       time.Time    `json:"sent_at"`

	// Text is the alert for people, plain text (not escaped for any
	// markup): headline, what happened in words, since when, in timezone.
	Text     string `json:"text"`
	Timezone string `json:"timezone"` // IANA name of the zone Text uses
	// Similar groups top_mentions into near-copies, in order: each group's
	// first id is the one a message shows.
	Similar []similarGroup `json:"similar,omitempty"`
	// Actions are the dashboard links: open the alert, and the signed,
	// expiring links that acknowledge it or silence it for 4 h (each asks
	// for a confirmation before it acts).
	Actions *webhookActions `json:"actions,omitempty"`
}

type similarGroup struct {
	Count      int      `json:"count"`
	MentionIDs []string `json:"mention_ids"`
}

type webhookActions struct {
	Open        string     `json:"open,omitempty"`
	Acknowledge string     `json:"acknowledge,omitempty"`
	Silence     string     `json:"silence,omitempty"`
	Expires     *time.Time `json:"expires,omitempty"`
}

type webhookAlert struct {
	ID         string            `json:"id"`
	Brand      string            `json:"brand"`
	Kind       string            `json:"kind"`
	Scope      string            `json:"scope"`
	State      mw.AlertState     `json:"state"`
	StartedAt  time.Time         `json:"started_at"`
	ResolvedAt *time.Time        `json:"resolved_at,omitempty"`
	Count      float64           `json:"count"`
	Baseline   float64           `json:"baseline"`
	Factor     float64           `json:"factor"`
	NegShare   float64           `json:"negative_share"`
	Summary    string            `json:"summary"`
	Breakdown  map[string]uint64 `json:"breakdown,omitempty"`

	Reason         string `json:"reason,omitempty"`            // why a critical alert fired
	BaselineWords  string `json:"baseline_words,omitempty"`    // "40 negative in 5 min; usually 0–2" (spikes)
	UsualLow       int    `json:"usual_low"`                   // the bucket's usual range (UsualRange of baseline)
	UsualHigh      int    `json:"usual_high"`                  //
	StartedAtLocal string `json:"started_at_local"`            // started_at in timezone, RFC 3339 with its offset
	ResolvedLocal  string `json:"resolved_at_local,omitempty"` // resolved_at likewise
	// EpisodeTotal is a resolved spike's negative mentions over the
	// episode (all scopes of the brand); absent otherwise.
	EpisodeTotal float64 `json:"episode_total,omitempty"`
	// AckedAt and AckedBy: who acknowledged the alert in the dashboard,
	// and when (UTC; AckedAtLocal in timezone); absent while nobody has.
	AckedAt      *time.Time `json:"acked_at,omitempty"`
	AckedAtLocal string     `json:"acked_at_local,omitempty"`
	AckedBy      string     `json:"acked_by,omitempty"`
}

type authorHist struct {
	Author   string       `json:"author"`
	Mentions []mw.Mention `json:"mentions"`
}

// DeliveryKey identifies one notification of an alert: its id, the state
// notified and the notification number.
func DeliveryKey(a mw.Alert) string {
	return fmt.Sprintf("%s:%s:%d", a.ID, a.State, a.NotifyCount+1)
}

// Payload builds the webhook body for n, sent at sentAt. n's presentation
// fields must be complete (Send does it).
func Payload(n Notification, sentAt time.Time) WebhookPayload {
	n = Presentation{}.complete(n)
	a, loc := n.Alert, n.Location
	event := "alert.firing"
	switch {
	case a.State == mw.Resolved:
		event = "alert.resolved"
	case a.NotifyCount > 0:
		event = "alert.repeat"
	}
	p := WebhookPayload{
		Event: event, DeliveryKey: DeliveryKey(a), Headline: Headline(a), Top: n.Top, DashboardURL: n.DashboardURL,
		SentAt: sentAt.UTC(), Timezone: loc.String(), Text: humanText(n),
		Alert: webhookAlert{ID: a.ID, Brand: a.Brand, Kind: a.Kind, Scope: a.Scope, State: a.State, StartedAt: a.StartedAt,
			Count: a.Count, Baseline: a.Baseline, Factor: a.Factor, NegShare: a.NegShare, Summary: a.Summary, Breakdown: a.Breakdown,
			Reason: a.Reason, StartedAtLocal: a.StartedAt.In(loc).Format(time.RFC3339), EpisodeTotal: a.EpisodeTotal},
	}
	if a.Kind != mw.AlertCritical {
		p.Alert.BaselineWords = AmountWords(a, n.Bucket)
		p.Alert.UsualLow, p.Alert.UsualHigh = UsualRange(a.Baseline)
	}
	if !a.ResolvedAt.IsZero() {
		t := a.ResolvedAt
		p.Alert.ResolvedAt = &t
		p.Alert.ResolvedLocal = t.In(loc).Format(time.RFC3339)
	}
	if !a.AckedAt.IsZero() {
		t := a.AckedAt.UTC()
		p.Alert.AckedAt, p.Alert.AckedAtLocal, p.Alert.AckedBy = &t, t.In(loc).Format(time.RFC3339), a.AckedBy
	}
	authors := make([]string, 0, len(n.History))
	for au := range n.History {
		authors = append(authors, au)
	}
	sort.Strings(authors)
	for _, au := range authors {
		p.History = append(p.History, authorHist{Author: au, Mentions: n.History[au]})
	}
	if p.Top == nil {
		p.Top = []mw.Mention{}
	}
	if gs := GroupSimilar(n.Top); len(gs) < len(n.Top) {
		for _, g := range gs {
			p.Similar = append(p.Similar, similarGroup{Count: g.Count, MentionIDs: g.IDs})
		}
	}
	if l := n.Links; l.Open != "" || l.Ack != "" || l.Silence != "" {
		p.Actions = &webhookActions{Open: l.Open, Acknowledge: l.Ack, Silence: l.Silence}
		if !l.Expires.IsZero() && (l.Ack != "" || l.Silence != "") {
			e := l.Expires.UTC()
			p.Actions.Expires = &e
		}
	}
	return p
}

// humanText is the payload's text: plain, in the configured zone.
func humanText(n Notification) string {
	a, loc := n.Alert, n.Location
	lines := []string{Headline(a), Why(a, n.Bucket)}
	switch {
	case a.State == mw.Resolved:
		lines = append(lines, closedWords(a, loc))
	case a.Kind == mw.AlertCritical && len(n.Top) > 0:
		// The mention's fields are one line each (OneLine), and only an
		// http(s) URL is shown, cleaned (CleanURL): none can forge a line
		// ("Open: ...").
		m := n.Top[0]
		by := ""
		if m.Author != "" {
			by = " by " + clip(m.Author, 80)
		}
		lines = append(lines, fmt.Sprintf("Posted %s on %s%s: %s", timeWords(m.Published, loc), OneLine(m.Source), by, clip(mentionBody(m), 500)))
		if u := CleanURL(m.URL); u != "" {
			lines = append(lines, u)
		}
		if links, more := CopyLinks(n); len(links) > 0 {
			lines = append(lines, Evidence{Copies: links, MoreCopies: more}.CopiesWords()+":")
			lines = append(lines, links...)
		}
	default:
		lines = append(lines, "Since "+timeWords(a.StartedAt, loc))
	}
	if ack := AckedWords(a, loc); ack != "" && a.State != mw.Resolved {
		lines = append(lines, ack)
	}
	if n.Links.Open != "" {
		lines = append(lines, "Open: "+n.Links.Open)
	}
	return strings.Join(lines, "\n")
}

// Send implements Notifier.
func (w *Webhook) Send(ctx context.Context, n Notification) error {
	now := time.Now
	if w.Presentation.Now != nil {
		now = w.Presentation.Now
	}
	p := Payload(w.Presentation.complete(n), now())
	event := p.Event
	body, err := json.Marshal(p)
	if err != nil {
		return &DeliveryError{Notifier: w.Name(), Permanent: true, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return &DeliveryError{Notifier: w.Name(), Permanent: true, Err: redact.Error(err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mentionwatch-webhook")
	req.Header.Set("X-Mentionwatch-Event", event)
	req.Header.Set("X-Mentionwatch-Delivery", p.DeliveryKey)
	req.Header.Set("Idempotency-Key", p.DeliveryKey)
	if len(w.secret) > 0 {
		req.Header.Set(w.header, "sha256="+Sign(w.secret, body))
	}
	resp, err := PostClient(w.http).Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // it quotes the URL, whose path or query may hold a token
		}
		return &DeliveryError{Notifier: w.Name(), Err: redact.Error(fmt.Errorf("POST: %w (check notifiers.webhook.url and the network)", err))}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	if resp.StatusCode/100 == 3 {
		return &DeliveryError{Notifier: w.Name(), Status: resp.StatusCode, Permanent: true,
			Err: errors.New("the server redirects, and a POST cannot follow it (set the webhook's url to the address it redirects to)")}
	}
	// The receiver's own reason ({"error":"field x is required"}, a
	// line of text), unless it is an HTML error page.
	reason := http.StatusText(resp.StatusCode)
	if b := clip(OneLine(strings.TrimSpace(string(raw))), 300); b != "" && !strings.HasPrefix(b, "<") {
		reason += ": the receiver says " + strconv.Quote(b)
	}
	var hint error
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		hint = fmt.Errorf("%s (check notifiers.webhook.url, and notifiers.webhook.secret if the receiver checks the signature)", reason)
	case http.StatusNotFound, http.StatusGone, http.StatusMethodNotAllowed:
		hint = fmt.Errorf("%s (check notifiers.webhook.url)", reason)
	default:
		if reason != http.StatusText(resp.StatusCode) {
			hint = errors.New(reason)
		}
	}
	if hint != nil {
		hint = redact.Error(hint)
	}
	return classify(w.Name(), resp.StatusCode, RetryAfter(resp.Header.Get("Retry-After")), hint)
}

// Sign returns the hex HMAC-SHA256 of body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// RetryAfter reads a Retry-After header, in seconds or as an HTTP date; 0
// when it is absent or unreadable. Every HTTP notifier reads it here.
func RetryAfter(v string) time.Duration {
	d, _ := retryafter.Parse(v, time.Now())
	return d
}
