package teams

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

var now = time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)

const sig = "sig=Xy9SECRETsignatureVALUEzz"

// workflow is an httptest server shaped like a Power Automate workflow
// trigger: POST /workflows/<id>/triggers/manual/paths/invoke?...&sig=...,
// 202 Accepted with an empty body.
func workflow(t *testing.T, status int, header http.Header, body string, got *[]byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.RawQuery, sig) || r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"code":"DirectApiAuthorizationRequired","message":"The request must be authenticated"}}`)
			return
		}
		b, _ := io.ReadAll(r.Body)
		if got != nil {
			*got = b
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/workflows/0f1e2d/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&" + sig
}

func newTeams(t *testing.T, u string) *Teams {
	t.Helper()
	tm := &Teams{WebhookURL: mw.Secret(u)}
	if err := tm.Init(notify.Env{Name: "teams", HTTP: &http.Client{Timeout: 5 * time.Second}, Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestSendAdaptiveCard(t *testing.T) {
	var got []byte
	tm := newTeams(t, workflow(t, http.StatusAccepted, nil, "", &got))
	if err := tm.Send(context.Background(), notify.Sample(now, "https://dash.example/")); err != nil {
		t.Fatal(err)
	}
	var m struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string          `json:"contentType"`
			ContentURL  any             `json:"contentUrl"`
			Content     json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != "message" || len(m.Attachments) != 1 || m.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" {
		t.Fatalf("envelope %s", got)
	}
	var c struct {
		Type    string `json:"type"`
		Version string `json:"version"`
		Body    []struct {
			Type    string `json:"type"`
			Text    string `json:"text"`
			Inlines []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"inlines"`
		} `json:"body"`
		Actions []struct {
			Type, Title, URL string
		} `json:"actions"`
	}
	if err := json.Unmarshal(m.Attachments[0].Content, &c); err != nil {
		t.Fatal(err)
	}
	if c.Type != "AdaptiveCard" || c.Version != "1.4" {
		t.Errorf("card %s %s", c.Type, c.Version)
	}
	// Every text is a TextRun, never Markdown: the hostile text arrives
	// literally and only there.
	found := false
	for _, b := range c.Body {
		if b.Type != "RichTextBlock" || b.Text != "" {
			t.Errorf("element %s with text %q: only RichTextBlocks of TextRuns carry text", b.Type, b.Text)
		}
		for _, in := range b.Inlines {
			if in.Type != "TextRun" {
				t.Errorf("inline %s", in.Type)
			}
			found = found || strings.Contains(in.Text, notify.Hostile)
		}
	}
	if !found {
		t.Errorf("hostile text not shown literally in a TextRun")
	}
	for _, raw := range []string{"<b>", "</a>", "<!channel>"} {
		if strings.Contains(string(got), raw) {
			t.Errorf("raw %q in the JSON body", raw)
		}
	}
	var urls []string
	for _, a := range c.Actions {
		if a.Type != "Action.OpenUrl" {
			t.Errorf("action %s", a.Type)
		}
		urls = append(urls, a.URL)
	}
	all := strings.Join(urls, " ")
	if !strings.Contains(all, "https://dash.example/#alert=") || !strings.Contains(all, "https://example.com/post/1?a=1&b=2") || strings.Contains(all, "javascript:") {
		t.Errorf("actions %v", urls)
	}
}

func TestStatusClasses(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		permanent bool
		retry     time.Duration
	}{
		{"429", 429, http.Header{"Retry-After": {"12"}}, `{"error":{"code":"WorkflowTriggerIsThrottled","message":"The workflow trigger is throttled"}}`, false, 12 * time.Second},
		{"400", 400, nil, `{"error":{"code":"InvalidRequestContent","message":"The request content is not valid"}}`, true, 0},
		{"404", 404, nil, `{"error":{"code":"WorkflowNotFound","message":"The workflow could not be found"}}`, true, 0},
		{"502", 502, nil, `{"error":{"code":"BadGateway","message":"upstream"}}`, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tm := newTeams(t, workflow(t, c.status, c.header, c.body, nil))
			err := tm.Send(context.Background(), notify.Sample(now, ""))
			var de *alerts.DeliveryError
			if !errors.As(err, &de) || de.Permanent != c.permanent || de.RetryAfter != c.retry {
				t.Fatalf("err %v (%+v), want permanent=%v retry=%s", err, de, c.permanent, c.retry)
			}
			if strings.Contains(err.Error(), "SECRETsignature") {
				t.Errorf("signature in error: %v", err)
			}
		})
	}
}

func TestNetworkErrorHidesSignature(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL + "/workflows/x/invoke?" + sig
	srv.Close()
	err := newTeams(t, u).Send(context.Background(), notify.Sample(now, ""))
	if err == nil || strings.Contains(err.Error(), "SECRETsignature") {
		t.Fatalf("err %v", err)
	}
}

// TestConnectorFailureIn200IsNotDelivered: a legacy Office 365 connector
// answers 200 with "1" when it posted, and 200 with "Webhook message
// delivery failed with error: ..." when Teams refused it; the error names
// the status Teams gave, retried when it is a 429 or 5xx. Its 4xx text
// bodies and a 413 say their cause.
func TestConnectorFailureIn200IsNotDelivered(t *testing.T) {
	cases := []struct {
		name, body, want string // want "" is delivered
		status           int
		permanent        bool
	}{
		{"posted", "1", "", 200, false},
		{"throttled", "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-production-eus-azsc2-4-170,cv=deadbeef.0..", "HTTP error 429", 200, false},
		{"teams down", "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 500 with ContextId MS-CV=abc.0..", "HTTP error 500", 200, false},
		{"no status", "Webhook message delivery failed with error: Bad payload", "Bad payload", 200, false},
		{"text 400", "Summary or Text is required.", "Summary or Text is required. (HTTP 400)", 400, true},
		{"too large", "", "too large", 413, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := newTeams(t, workflow(t, c.status, nil, c.body, nil)).Send(context.Background(), notify.Sample(now, ""))
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var de *alerts.DeliveryError
			if !errors.As(err, &de) || de.Permanent != c.permanent || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v (%+v), want permanent=%v and %q", err, de, c.permanent, c.want)
			}
			if strings.Contains(err.Error(), "SECRETsignature") {
				t.Errorf("signature in error: %v", err)
			}
		})
	}
}
