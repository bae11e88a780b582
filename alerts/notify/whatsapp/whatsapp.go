// Package whatsapp sends alerts through Meta's WhatsApp Cloud API as a
// template message (POST {api_url}/{api_version}/{phone_number_id}/messages,
// type "template"): outside the 24-hour customer-service window the
// Business Platform delivers only pre-approved templates, and an alert is
// almost always outside it. The template's body placeholders {{1}}..{{n}}
// are filled from the alert (see Parameters), each sanitised to what
// Meta accepts in a text parameter (params.go).
package whatsapp

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	"github.com/mentionwatch/mentionwatch/internal/redact"
)

func init() { notify.Register("whatsapp", func() notify.Channel { return &WhatsApp{} }) }

// WhatsApp is the channel and its config (notifiers.whatsapp).
type WhatsApp struct {
	PhoneNumberID string    `yaml:"phone_number_id"` // the sender's Phone Number ID (WhatsApp Manager > API Setup), digits
	AccessToken   mw.Secret `yaml:"access_token"`    // a System User access token with whatsapp_business_messaging
	To            []string  `yaml:"to"`              // recipients, international format with or without "+": ["6281234567890"]
	Template      string    `yaml:"template"`        // the approved template's name
	Language      string    `yaml:"language"`        // the template's language code, default "en" ("id" for Bahasa Indonesia, "en_US"...)
	// Parameters fill the template body's {{1}}..{{n}} in order; each is
	// one of headline, brand, why, when, evidence, link. Default
	// [headline, evidence, link]: the template must have exactly as many
	// placeholders.
	Parameters []string `yaml:"parameters"`
	// MaxParamRunes bounds each text parameter (default 300, at most
	// 1024; the link is never cut):
	// Meta rejects a body over 1,024 characters (error 132005); all
	// together are also kept to ParamsBudget.
	MaxParamRunes int    `yaml:"max_param_runes"`
	APIVersion    string `yaml:"api_version"` // Graph API version, default v21.0
	APIURL        string `yaml:"api_url"`     // default https://graph.facebook.com (tests)

	env notify.Env
	// reached: which recipients each delivery key has reached, so a retry
	// after recipient 2 failed does not message recipient 1 again.
	reached notify.Reached
}

// Parameter names a config may use.
var paramNames = map[string]bool{"headline": true, "brand": true, "why": true, "when": true, "evidence": true, "link": true}

var (
	digits     = regexp.MustCompile(`^[0-9]{5,20}$`)
	apiVersion = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)
	langCode   = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
	tmplName   = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)
)

// Init implements notify.Channel: it checks the config, without network.
func (w *WhatsApp) Init(env notify.Env) error {
	w.env = env
	if !digits.MatchString(w.PhoneNumberID) {
		return fmt.Errorf("phone_number_id %q is not a Phone Number ID (the digits shown in WhatsApp Manager > API Setup, not the phone number)", w.PhoneNumberID)
	}
	if w.AccessToken.Value() == "" {
		return errors.New("access_token is required (a System User token with whatsapp_business_messaging, or ${WHATSAPP_TOKEN})")
	}
	if strings.ContainsAny(w.AccessToken.Value(), " \t\r\n") {
		return errors.New("access_token contains spaces: give the token alone, without \"Bearer\"")
	}
	if len(w.To) == 0 {
		return errors.New("to is required: the recipients' numbers in international format, such as [\"6281234567890\"]")
	}
	for i, to := range w.To {
		n := strings.TrimPrefix(strings.NewReplacer(" ", "", "-", "").Replace(to), "+")
		if !digits.MatchString(n) {
			return fmt.Errorf("to[%d] %q is not a phone number in international format (country code first, digits only)", i, to)
		}
		w.To[i] = n
	}
	if !tmplName.MatchString(w.Template) {
		return fmt.Errorf("template %q is not a template name (lower case, digits and _; create and approve it in WhatsApp Manager, see docs/ALERTS.md)", w.Template)
	}
	if w.Language == "" {
		w.Language = "en"
	}
	if !langCode.MatchString(w.Language) {
		return fmt.Errorf("language %q is not a template language code (such as en, en_US, id)", w.Language)
	}
	if len(w.Parameters) == 0 {
		w.Parameters = []string{"headline", "evidence", "link"}
	}
	for i, p := range w.Parameters {
		if !paramNames[p] {
			return fmt.Errorf("parameters[%d] %q is not one of headline, brand, why, when, evidence, link", i, p)
		}
	}
	switch {
	case w.MaxParamRunes == 0:
		w.MaxParamRunes = 300
	case w.MaxParamRunes < 20 || w.MaxParamRunes > 1024:
		return fmt.Errorf("max_param_runes %d is out of range (20..1024)", w.MaxParamRunes)
	}
	if w.APIVersion == "" {
		w.APIVersion = "v21.0"
	}
	if !apiVersion.MatchString(w.APIVersion) {
		return fmt.Errorf("api_version %q is not a Graph API version such as v21.0", w.APIVersion)
	}
	api, err := notify.APIURL(w.APIURL, "https://graph.facebook.com")
	if err != nil {
		return err
	}
	w.APIURL = api
	redact.Register(w.AccessToken.Value())
	return nil
}

// Name implements alerts.Notifier.
func (w *WhatsApp) Name() string { return "whatsapp" }

// Send implements alerts.Notifier: one template message per recipient,
// each recipient once per delivery however often Deliver retries. A
// recipient Meta refuses on its own (recipientCodes) does not keep the
// message from the others: Send goes on and returns that error at the end.
func (w *WhatsApp) Send(ctx context.Context, n alerts.Notification) error {
	params := Params(alerts.ContentOf(w.env.Presentation, n), n.Alert, w.Parameters, w.MaxParamRunes)
	body := request{MessagingProduct: "whatsapp", RecipientType: "individual", Type: "template"}
	body.Template.Name = w.Template
	body.Template.Language.Code = w.Language
	comp := component{Type: "body"}
	for _, p := range params {
		comp.Parameters = append(comp.Parameters, parameter{Type: "text", Text: p})
	}
	body.Template.Components = []component{comp}
	key := alerts.DeliveryKey(n.Alert)
	var refused error
	for _, to := range w.reached.Missing(key, w.To) {
		body.To = to
		if own, err := w.post(ctx, body); err != nil {
			if own {
				refused = cmp.Or(refused, err)
				continue
			}
			return err
		}
		w.reached.Mark(key, to)
	}
	if refused != nil {
		return refused
	}
	w.reached.Forget(key)
	return nil
}

// request is the Cloud API's template message.
type request struct {
	MessagingProduct string `json:"messaging_product"`
	RecipientType    string `json:"recipient_type"`
	To               string `json:"to"`
	Type             string `json:"type"`
	Template         struct {
		Name     string `json:"name"`
		Language struct {
			Code string `json:"code"`
		} `json:"language"`
		Components []component `json:"components"`
	} `json:"template"`
}

type component struct {
	Type       string      `json:"type"`
	Parameters []parameter `json:"parameters"`
}

type parameter struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// response is the Cloud API's answer: on success
// {"messaging_product":"whatsapp","contacts":[{"input":"…","wa_id":"…"}],"messages":[{"id":"wamid.…"}]},
// on failure the Graph error envelope
// {"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_subcode":2494055,"error_data":{"messaging_product":"whatsapp","details":"…"},"fbtrace_id":"…"}}.
type response struct {
	Messages []struct {
		ID string `json:"id"`
	} `json:"messages"`
	Error *graphError `json:"error"`
}

type graphError struct {
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
	FBTraceID string `json:"fbtrace_id"`
}

// Throttling codes: 4 (app request limit), 80007 (WABA rate limit),
// 130429 (Cloud API throughput), 131048 (spam rate limit), 131056
// (too many messages to one recipient: Meta asks to wait before the next).
var throttled = map[int]time.Duration{4: time.Minute, 80007: time.Minute, 130429: 30 * time.Second, 131048: time.Minute, 131056: 10 * time.Second}

// Transient codes: 1 and 2 (API unknown / service), 131000 (something
// went wrong), 131016 (service unavailable), 133004 (server temporarily
// unavailable).
var transient = map[int]bool{1: true, 2: true, 131000: true, 131016: true, 133004: true}

// recipientCodes are refusals of one recipient, not of the message:
// 131021 (recipient is the sender), 131026 (undeliverable), 131030 (not in
// a test number's allowed list), 131047 (outside the 24-hour window).
var recipientCodes = map[int]bool{131021: true, 131026: true, 131030: true, 131047: true}

// post sends m; own reports an error that refuses m's recipient only
// (recipientCodes).
func (w *WhatsApp) post(ctx context.Context, m request) (own bool, err error) {
	body, err := json.Marshal(m)
	if err != nil {
		return false, &alerts.DeliveryError{Notifier: w.Name(), Permanent: true, Err: err}
	}
	resp, raw, err := notify.Post{Notifier: w.Name(), What: "POST messages", URL: w.APIURL + "/" + w.APIVersion + "/" + w.PhoneNumberID + "/messages",
		Hint: "check notifiers.whatsapp.api_url and the network", Limit: 64 << 10,
		Header: func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+w.AccessToken.Value()) }}.Send(ctx, w.env.HTTP, body)
	if err != nil {
		return false, err
	}
	var r response
	decodeErr := json.Unmarshal(raw, &r)
	if resp.StatusCode/100 == 2 && decodeErr == nil && r.Error == nil && len(r.Messages) > 0 {
		return false, nil
	}
	status := resp.StatusCode
	retry := alerts.RetryAfter(resp.Header.Get("Retry-After"))
	if r.Error == nil {
		if status/100 == 2 { // 200 without a message id: the answer is not the Cloud API's
			status = http.StatusBadGateway
		}
		return false, alerts.Classify(w.Name(), status, retry, fmt.Errorf("whatsapp: %s", http.StatusText(status)))
	}
	e := r.Error
	msg := fmt.Sprintf("whatsapp: error %d", e.Code)
	if e.Subcode != 0 {
		msg += fmt.Sprintf(" (subcode %d)", e.Subcode)
	}
	msg += ": " + e.Message
	if e.ErrorData.Details != "" {
		msg += ": " + e.ErrorData.Details
	}
	if e.FBTraceID != "" {
		msg += " [fbtrace_id " + e.FBTraceID + "]"
	}
	if wait, ok := throttled[e.Code]; ok {
		if retry <= 0 {
			retry = wait
		}
		return false, &alerts.DeliveryError{Notifier: w.Name(), Status: http.StatusTooManyRequests, RetryAfter: retry, Err: redact.Error(errors.New(msg))}
	}
	if transient[e.Code] || status/100 == 5 {
		if status/100 != 5 {
			status = http.StatusServiceUnavailable
		}
		return false, &alerts.DeliveryError{Notifier: w.Name(), Status: status, Err: redact.Error(errors.New(msg))}
	}
	switch {
	case e.Code == 190 || e.Code == 0 && status == http.StatusUnauthorized:
		msg += " (the access token is invalid or expired: renew notifiers.whatsapp.access_token)"
	case e.Code == 10 || e.Code == 200:
		msg += " (the token lacks the whatsapp_business_messaging permission)"
	case e.Code >= 132000 && e.Code < 133000:
		msg += " (check notifiers.whatsapp.template, language and parameters against the approved template)"
	case recipientCodes[e.Code]:
		msg += fmt.Sprintf(" (check notifiers.whatsapp.to: %s cannot receive this message; the other recipients are sent it all the same)", m.To)
	}
	if status/100 != 4 {
		status = http.StatusBadRequest
	}
	return recipientCodes[e.Code], &alerts.DeliveryError{Notifier: w.Name(), Status: status, Permanent: true, Err: redact.Error(errors.New(msg))}
}
