// Package alertmanager posts alerts to Prometheus Alertmanager's API
// (POST /api/v2/alerts), so teams route them with Alertmanager's routes,
// inhibitions, silences and receivers.
//
// Alertmanager resolves an alert by itself when its endsAt passes, so while
// an alert fires this channel re-posts it every resend_interval with endsAt
// 4 intervals ahead, as Prometheus does; on resolve it posts endsAt = the
// resolve time and stops.
package alertmanager

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	"github.com/mentionwatch/mentionwatch/internal/redact"
)

func init() { notify.Register("alertmanager", func() notify.Channel { return &Alertmanager{} }) }

// Alertmanager is the channel and its config (notifiers.alertmanager).
type Alertmanager struct {
	URL            string            `yaml:"url"`             // Alertmanager's base URL, e.g. http://127.0.0.1:9093
	BearerToken    mw.Secret         `yaml:"bearer_token"`    // optional, for a proxy in front of it
	Username       string            `yaml:"username"`        // optional basic auth
	Password       mw.Secret         `yaml:"password"`        //
	ResendInterval mw.Duration       `yaml:"resend_interval"` // re-post a firing alert this often; default 1m, at least 1s
	Labels         map[string]string `yaml:"labels"`          // extra static labels (env: prod); they cannot replace the built-in ones

	env    notify.Env
	resend time.Duration

	// mu guards firing: the alerts posted as firing and not yet
	// resolved, by alert id. Send writes it; the re-post goroutine
	// (started once, at the first firing Send, ending with env.Context)
	// reads it.
	mu     sync.Mutex
	firing map[string]PostableAlert
	start  sync.Once
}

// PostableAlert is one element of the POST /api/v2/alerts body.
type PostableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// labelName is a valid Prometheus label name; Alertmanager refuses a post
// with any other (400), which would fail every send.
var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// builtinLabels are the labels every alert carries.
var builtinLabels = []string{"alertname", "alert_id", "brand", "scope", "stage", "aspect", "severity"}

// Init implements notify.Channel.
func (a *Alertmanager) Init(env notify.Env) error {
	a.env = env
	a.firing = map[string]PostableAlert{}
	u, err := url.Parse(a.URL)
	if a.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("url must be Alertmanager's http(s) base URL, e.g. http://127.0.0.1:9093")
	}
	a.URL = strings.TrimSuffix(strings.TrimSuffix(a.URL, "/"), "/api/v2/alerts")
	a.resend = a.ResendInterval.Or(time.Minute)
	if a.resend < time.Second {
		return fmt.Errorf("resend_interval %s is below 1s", a.resend)
	}
	for k := range a.Labels {
		if !labelName.MatchString(k) || strings.HasPrefix(k, "__") {
			return fmt.Errorf("labels.%q is not a Prometheus label name: use letters, digits and _, not starting with a digit or __ (e.g. env)", k)
		}
		for _, b := range builtinLabels {
			if k == b {
				return fmt.Errorf("labels.%s is set by mentionwatch; pick another name", k)
			}
		}
	}
	if a.Password.Value() != "" && a.Username == "" {
		return errors.New("password needs username")
	}
	return nil
}

// Name implements alerts.Notifier.
func (a *Alertmanager) Name() string { return "alertmanager" }

// Alert maps a notification to Alertmanager's alert, firing until
// endsAt (ignored when n is resolved: its resolve time is used).
func Alert(p alerts.Presentation, n alerts.Notification, extra map[string]string, endsAt time.Time) PostableAlert {
	c := alerts.ContentOf(p, n)
	al := n.Alert
	labels := map[string]string{}
	for k, v := range extra {
		labels[k] = v
	}
	// Each kind its own alertname and severity: a drop (a source may have
	// gone silent) is no wave of complaints to route or inhibit as one.
	severity, name := "spike", "MentionwatchNegativeSpike"
	switch al.Kind {
	case mw.AlertCritical:
		severity, name = "critical", "MentionwatchCriticalMention"
	case mw.AlertDrop:
		severity, name = "drop", "MentionwatchMentionDrop"
	}
	labels["alertname"] = name
	labels["alert_id"] = al.ID
	labels["brand"] = al.Brand
	labels["scope"] = al.Scope
	labels["severity"] = severity
	if k, v, ok := strings.Cut(al.Scope, ":"); ok {
		switch k {
		case "stage":
			labels["stage"] = v
		case "aspect":
			labels["aspect"] = v
		case "stage+aspect":
			labels["stage"], labels["aspect"], _ = strings.Cut(v, "/")
		}
	}
	var evidence, links []string
	for _, e := range c.Evidence {
		evidence = append(evidence, "• "+e.Line())
		if len(e.Copies) > 0 { // a critical mention's copies, linked in links too
			evidence = append(evidence, "  "+e.CopiesWords()+": "+strings.Join(e.Copies, " "))
		}
		if e.URL != "" {
			links = append(links, e.URL)
		}
		links = append(links, e.Copies...) // a critical mention's copies
	}
	if c.More > 0 {
		evidence = append(evidence, fmt.Sprintf("and %d more in the dashboard", c.More))
	}
	ann := map[string]string{"summary": c.Headline, "description": c.Why + "\n" + c.When}
	if c.Acked != "" {
		ann["description"] += "\n" + c.Acked
		ann["acknowledged"] = c.Acked
	}
	if len(evidence) > 0 {
		ann["evidence"] = strings.Join(evidence, "\n")
	}
	if c.Open != "" {
		links = append([]string{c.Open}, links...)
		ann["dashboard"] = c.Open
	}
	if len(links) > 0 {
		ann["links"] = strings.Join(links, "\n")
	}
	if c.Ack != "" {
		ann["acknowledge"] = c.Ack
	}
	if al.State == mw.Resolved && !al.ResolvedAt.IsZero() {
		endsAt = al.ResolvedAt
	}
	return PostableAlert{Labels: labels, Annotations: ann, StartsAt: al.StartedAt.UTC(), EndsAt: endsAt.UTC(), GeneratorURL: c.Open}
}

// Send implements alerts.Notifier: it posts the alert, and keeps a firing
// one re-posted in the background until it resolves.
func (a *Alertmanager) Send(ctx context.Context, n alerts.Notification) error {
	now := a.env.Now()
	pa := Alert(a.env.Presentation, n, a.Labels, now.Add(4*a.resend))
	if n.Alert.State == mw.Resolved {
		// Off the re-post list first: while the resolve waits for a
		// retry, a re-post must not mark the alert firing again.
		a.mu.Lock()
		delete(a.firing, n.Alert.ID)
		a.mu.Unlock()
	}
	if err := a.post(ctx, []PostableAlert{pa}); err != nil {
		return err
	}
	if n.Alert.State != mw.Resolved {
		a.mu.Lock()
		a.firing[n.Alert.ID] = pa
		a.mu.Unlock()
	}
	if n.Alert.State != mw.Resolved {
		a.start.Do(func() { go a.repost(a.env.Context, false) })
	}
	return nil
}

// Resume implements alerts.Resumer: at start, the loop hands over an
// alert a previous process posted as firing and that still fires. It is
// re-posted with the others, the first time at once, so that
// Alertmanager does not resolve it when the old process's endsAt passes.
func (a *Alertmanager) Resume(n alerts.Notification) {
	if n.Alert.State == mw.Resolved {
		return
	}
	pa := Alert(a.env.Presentation, n, a.Labels, a.env.Now().Add(4*a.resend))
	a.mu.Lock()
	a.firing[n.Alert.ID] = pa
	a.mu.Unlock()
	a.start.Do(func() { go a.repost(a.env.Context, true) })
}

// repost re-posts the firing alerts every resend interval until ctx ends,
// and once at the start when now is set (resumed alerts). It runs on its
// own goroutine; a failure is logged and retried next time.
func (a *Alertmanager) repost(ctx context.Context, now bool) {
	t := time.NewTicker(a.resend)
	defer t.Stop()
	for {
		if !now {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
		now = false
		endsAt := a.env.Now().Add(4 * a.resend).UTC()
		a.mu.Lock()
		batch := make([]PostableAlert, 0, len(a.firing))
		for _, pa := range a.firing {
			pa.EndsAt = endsAt
			batch = append(batch, pa)
		}
		a.mu.Unlock()
		if len(batch) == 0 {
			continue
		}
		sort.Slice(batch, func(i, j int) bool { return batch[i].Labels["alert_id"] < batch[j].Labels["alert_id"] })
		pctx, cancel := context.WithTimeout(ctx, a.resend)
		if err := a.post(pctx, batch); err != nil {
			a.env.Log.Warn("re-posting firing alerts to Alertmanager failed; Alertmanager resolves them if this lasts 4 intervals", "alerts", len(batch), "resend_interval", a.resend, "err", err)
		}
		cancel()
	}
}

func (a *Alertmanager) post(ctx context.Context, batch []PostableAlert) error {
	body, err := json.Marshal(batch)
	if err != nil {
		return &alerts.DeliveryError{Notifier: a.Name(), Permanent: true, Err: err}
	}
	resp, raw, err := notify.Post{Notifier: a.Name(), What: "POST /api/v2/alerts", URL: a.URL + "/api/v2/alerts",
		Hint: "is Alertmanager running at notifiers.alertmanager.url?", Limit: 4 << 10,
		Header: func(req *http.Request) {
			if t := a.BearerToken.Value(); t != "" {
				req.Header.Set("Authorization", "Bearer "+t)
			} else if a.Username != "" {
				req.SetBasicAuth(a.Username, a.Password.Value())
			}
		}}.Send(ctx, a.env.HTTP, body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 == 2 {
		return nil
	}
	// Alertmanager answers a bad alert with 400 and a JSON string; a proxy
	// in front of it may answer with an HTML page: one short line of it.
	msg := strings.TrimSpace(string(raw))
	var s string
	if json.Unmarshal(raw, &s) == nil {
		msg = s
	}
	msg = alerts.Clip(msg, 300)
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		msg += " (check notifiers.alertmanager.bearer_token, or username and password, against the proxy in front of Alertmanager)"
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		msg += " (check notifiers.alertmanager.url: Alertmanager's base URL, such as http://127.0.0.1:9093, not Prometheus's)"
	}
	return alerts.Classify(a.Name(), resp.StatusCode, alerts.RetryAfter(resp.Header.Get("Retry-After")), redact.Error(errors.New("alertmanager: "+msg)))
}
