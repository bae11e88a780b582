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
	"strconv"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// Webhook posts alerts as JSON. With a secret, the header (default
// X-Mentionwatch-Signature) carries "sha256=" + hex HMAC-SHA256 of the body.
// X-Mentionwatch-Delivery is a dedupe key: the same alert state and
// notification number always carry the same key, so receivers can drop a
// retried send they already took.
type Webhook struct {
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
	return &Webhook{url: cfg.URL.Value(), secret: []byte(cfg.Secret.Value()), header: h, http: client}, nil
}

// Name implements Notifier.
func (w *Webhook) Name() string { return "webhook" }

// WebhookPayload is the JSON body.
type WebhookPayload struct {
	Event        string       `json:"event"` // alert.firing | alert.repeat | alert.resolved
	DeliveryKey  string       `json:"delivery_key"`
	Headline     string       `json:"headline"`
	Alert        webhookAlert `json:"alert"`
	Top          []mw.Mention `json:"top_mentions"`
	History      []authorHist `json:"author_history,omitempty"`
	DashboardURL string       `json:"dashboard_url,omitempty"`
	SentAt       time.Time    `json:"sent_at"`
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

// Send implements Notifier.
func (w *Webhook) Send(ctx context.Context, n Notification) error {
	a := n.Alert
	event := "alert.firing"
	switch {
	case a.State == mw.Resolved:
		event = "alert.resolved"
	case a.NotifyCount > 0:
		event = "alert.repeat"
	}
	p := WebhookPayload{
		Event: event, DeliveryKey: DeliveryKey(a), Headline: Headline(a), Top: n.Top, DashboardURL: n.DashboardURL,
		SentAt: time.Now().UTC(),
		Alert: webhookAlert{ID: a.ID, Brand: a.Brand, Kind: a.Kind, Scope: a.Scope, State: a.State, StartedAt: a.StartedAt,
			Count: a.Count, Baseline: a.Baseline, Factor: a.Factor, NegShare: a.NegShare, Summary: a.Summary, Breakdown: a.Breakdown},
	}
	if !a.ResolvedAt.IsZero() {
		t := a.ResolvedAt
		p.Alert.ResolvedAt = &t
	}
	for au, hist := range n.History {
		p.History = append(p.History, authorHist{Author: au, Mentions: hist})
	}
	if p.Top == nil {
		p.Top = []mw.Mention{}
	}
	body, err := json.Marshal(p)
	if err != nil {
		return &DeliveryError{Notifier: w.Name(), Permanent: true, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return &DeliveryError{Notifier: w.Name(), Permanent: true, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mentionwatch-webhook")
	req.Header.Set("X-Mentionwatch-Event", event)
	req.Header.Set("X-Mentionwatch-Delivery", p.DeliveryKey)
	req.Header.Set("Idempotency-Key", p.DeliveryKey)
	if len(w.secret) > 0 {
		req.Header.Set(w.header, "sha256="+Sign(w.secret, body))
	}
	resp, err := w.http.Do(req)
	if err != nil {
		return &DeliveryError{Notifier: w.Name(), Err: err}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return classify(w.Name(), resp.StatusCode, retryAfter(resp.Header.Get("Retry-After")), nil)
}

// Sign returns the hex HMAC-SHA256 of body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, time.Until(t))
	}
	return 0
}
