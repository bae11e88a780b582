package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

const (
	token   = "EAAGm0PX4ZCpsBAKsecretTOKENvalue"
	phoneID = "106540352242922"
)

var now = time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)

// graphAPI is an httptest server shaped like the Cloud API's messages
// endpoint: it checks the path and the bearer token, answers the i-th
// call with replies[i] (the last repeats) and records the requests.
type graphAPI struct {
	mu      sync.Mutex
	got     []request
	replies []reply
}

type reply struct {
	status int
	header map[string]string
	body   string
}

func (g *graphAPI) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190,"fbtrace_id":"AbCdEf"}}`))
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/v21.0/"+phoneID+"/messages" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":{"message":"Unsupported post request.","type":"GraphMethodException","code":100,"error_subcode":33,"fbtrace_id":"Xy"}}`))
			return
		}
		var m request
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			t.Errorf("request body: %v", err)
		}
		g.mu.Lock()
		g.got = append(g.got, m)
		rp := g.replies[min(len(g.got), len(g.replies))-1]
		g.mu.Unlock()
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(rp.status)
		w.Write([]byte(rp.body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func ok(to string) reply {
	return reply{200, nil, fmt.Sprintf(`{"messaging_product":"whatsapp","contacts":[{"input":"%s","wa_id":"%s"}],"messages":[{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA"}]}`, to, to)}
}

func newWhatsApp(t *testing.T, api string, to ...string) *WhatsApp {
	t.Helper()
	if len(to) == 0 {
		to = []string{"+62 812-3456-7890"}
	}
	w := &WhatsApp{PhoneNumberID: phoneID, AccessToken: mw.Secret(token), To: to, Template: "mention_alert", Language: "id", APIURL: api}
	if err := w.Init(notify.Env{Name: "whatsapp", HTTP: &http.Client{Timeout: 5 * time.Second}, Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestSendTemplateWithInertParameters(t *testing.T) {
	g := &graphAPI{replies: []reply{ok("6281234567890")}}
	w := newWhatsApp(t, g.serve(t).URL)
	if err := w.Send(context.Background(), notify.Sample(now, "https://dash.example/mw_dash/")); err != nil {
		t.Fatal(err)
	}
	if len(g.got) != 1 {
		t.Fatalf("%d requests, want 1", len(g.got))
	}
	m := g.got[0]
	if m.MessagingProduct != "whatsapp" || m.RecipientType != "individual" || m.To != "6281234567890" || m.Type != "template" ||
		m.Template.Name != "mention_alert" || m.Template.Language.Code != "id" || len(m.Template.Components) != 1 || m.Template.Components[0].Type != "body" {
		t.Fatalf("request %+v", m)
	}
	ps := m.Template.Components[0].Parameters
	if len(ps) != 3 {
		t.Fatalf("%d parameters, want headline, evidence, link", len(ps))
	}
	for i, p := range ps {
		if p.Type != "text" || p.Text == "" {
			t.Errorf("parameter %d: %+v", i, p)
		}
		if strings.ContainsAny(p.Text, "\n\t\r") || strings.Contains(p.Text, "     ") {
			t.Errorf("parameter %d has a newline, tab or 5 spaces: %q", i, p.Text)
		}
		if utf8.RuneCountInString(p.Text) > 300 {
			t.Errorf("parameter %d has %d runes", i, utf8.RuneCountInString(p.Text))
		}
	}
	ev := ps[1].Text
	for _, mark := range []string{"*", "_", "~", "`"} {
		if strings.Contains(ev, mark) {
			t.Errorf("formatting mark %q left in the evidence: %q", mark, ev)
		}
	}
	// HTML and Slack markup mean nothing in WhatsApp: shown as typed.
	for _, lit := range []string{"<b>Refund NOW</b>", "</a>", "<!channel>", "\u2217bold\u2217"} {
		if !strings.Contains(ev, lit) {
			t.Errorf("evidence lacks the literal %q: %q", lit, ev)
		}
	}
	if !strings.HasPrefix(ps[2].Text, "https://dash.example/mw_dash/#alert=") {
		t.Errorf("link parameter %q (the config's URL keeps its underscores)", ps[2].Text)
	}
}

func TestSanitize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a\n\tb      c\r\nd", "a b c d"},
		{"*bold* _it_ ~s~ `m`", "\u2217bold\u2217 \u02cdit\u02cd \u223cs\u223c \u02cbm\u02cb"},
		{"zero\u200bwidth\u200d\u0007bell", "zerowidthbell"},
		{"   lead and trail   ", "lead and trail"},
	}
	for _, c := range cases {
		if got := Sanitize(c.in, 100); got != c.want {
			t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	long := strings.Repeat("word ", 100)
	got := Sanitize(long, 50)
	if n := utf8.RuneCountInString(got); n > 50 || !strings.HasSuffix(got, "word…") {
		t.Errorf("clipped to %d runes: %q", n, got)
	}
}

func TestErrorClasses(t *testing.T) {
	cases := []struct {
		name      string
		r         reply
		status    int
		permanent bool
		retry     time.Duration
		says      string
	}{
		{"throughput 429 with Retry-After", reply{429, map[string]string{"Retry-After": "12"},
			`{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},"error_subcode":2494055,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}`},
			429, false, 12 * time.Second, "130429"},
		{"throughput 429 without header", reply{429, nil,
			`{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},"fbtrace_id":"Az8or2"}}`},
			429, false, 30 * time.Second, "fbtrace_id Az8or2"},
		{"pair rate limit as 400", reply{400, nil,
			`{"error":{"message":"(#131056) (Business Account, Consumer Account) pair rate limit hit","type":"OAuthException","code":131056,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."},"fbtrace_id":"A4O5a8RAgePwbcGSu"}}`},
			429, false, 10 * time.Second, "131056"},
		{"expired token", reply{401, nil,
			`{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"Bq1"}}`},
			401, true, 0, "renew notifiers.whatsapp.access_token"},
		{"template missing", reply{404, nil,
			`{"error":{"message":"(#132001) Template name does not exist in the translation","type":"OAuthException","code":132001,"error_data":{"messaging_product":"whatsapp","details":"template name (mention_alert) does not exist in id"},"fbtrace_id":"C9"}}`},
			404, true, 0, "approved template"},
		{"parameter format", reply{400, nil,
			`{"error":{"message":"(#132018) There was an issue with the parameters in your template.","type":"OAuthException","code":132018,"fbtrace_id":"D1"}}`},
			400, true, 0, "132018"},
		{"something went wrong", reply{500, nil,
			`{"error":{"message":"(#131000) Something went wrong","type":"OAuthException","code":131000,"fbtrace_id":"E2"}}`},
			500, false, 0, "131000"},
		{"html from a proxy", reply{502, nil, `<html><body>Bad Gateway</body></html>`}, 502, false, 0, "Bad Gateway"},
		{"200 without a message id", reply{200, nil, `{}`}, 502, false, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := &graphAPI{replies: []reply{c.r}}
			w := newWhatsApp(t, g.serve(t).URL)
			err := w.Send(context.Background(), notify.Sample(now, ""))
			var de *alerts.DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("err %v, want a DeliveryError", err)
			}
			if de.Status != c.status || de.Permanent != c.permanent || de.RetryAfter != c.retry {
				t.Errorf("status %d permanent %v retry %s, want %d %v %s (%v)", de.Status, de.Permanent, de.RetryAfter, c.status, c.permanent, c.retry, err)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %q does not say %q", err, c.says)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("token in error: %v", err)
			}
		})
	}
}

func TestRetryReachesOnlyTheMissingRecipient(t *testing.T) {
	g := &graphAPI{replies: []reply{ok("6281111111111"),
		{429, map[string]string{"Retry-After": "1"}, `{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"fbtrace_id":"F"}}`},
		ok("6282222222222")}}
	w := newWhatsApp(t, g.serve(t).URL, "6281111111111", "6282222222222")
	if err := alerts.Deliver(context.Background(), w, notify.Sample(now, ""), time.Minute, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, m := range g.got {
		to = append(to, m.To)
	}
	if strings.Join(to, " ") != "6281111111111 6282222222222 6282222222222" {
		t.Errorf("requests to %v; want recipient 1 once, recipient 2 (429) then again", to)
	}
}

// TestOneUnreachableRecipient: a number Meta refuses on its own (not in
// the test number's allowed list, 131030) stopped the send there, so the
// recipients after it never got the alert while the error was permanent.
// Now the others get it, the error names the number, and a later round
// tries only that one.
func TestOneUnreachableRecipient(t *testing.T) {
	g := &graphAPI{replies: []reply{ok("6281111111111"),
		{400, nil, `{"error":{"message":"(#131030) Recipient phone number not in allowed list","type":"OAuthException","code":131030,"error_data":{"messaging_product":"whatsapp","details":"Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again."},"error_subcode":2655007,"fbtrace_id":"Akf6"}}`},
		ok("6283333333333")}}
	w := newWhatsApp(t, g.serve(t).URL, "6281111111111", "6282222222222", "6283333333333")
	err := w.Send(context.Background(), notify.Sample(now, ""))
	var de *alerts.DeliveryError
	if !errors.As(err, &de) || !de.Permanent || !strings.Contains(err.Error(), "6282222222222") || !strings.Contains(err.Error(), "notifiers.whatsapp.to") {
		t.Fatalf("err %v, want a permanent error naming recipient 2 and the key to check", err)
	}
	w.Send(context.Background(), notify.Sample(now, ""))
	var to []string
	for _, m := range g.got {
		to = append(to, m.To)
	}
	if strings.Join(to, " ") != "6281111111111 6282222222222 6283333333333 6282222222222" {
		t.Errorf("requests to %v; want 1, 2 (refused), 3, then only 2 again", to)
	}
}

func TestConfigChecks(t *testing.T) {
	head := "brands: [{name: A, keywords: [a]}]\nnotifiers:\n  whatsapp:\n"
	good := "    phone_number_id: \"106540352242922\"\n    access_token: \"" + token + "\"\n    to: [\"+6281234567890\"]\n    template: mention_alert\n"
	cases := []struct{ yaml, want string }{
		{good + "    templte: x\n", `notifiers.whatsapp.templte: unknown key (did you mean "template"?)`},
		{strings.Replace(good, "106540352242922", "+62 812", 1), "is not a Phone Number ID"},
		{strings.Replace(good, "    to: [\"+6281234567890\"]\n", "", 1), "to is required"},
		{strings.Replace(good, "mention_alert", "Mention Alert", 1), "is not a template name"},
		{good + "    parameters: [headline, mood]\n", `parameters[1] "mood" is not one of`},
		{good + "    api_version: \"21\"\n", "is not a Graph API version"},
		{good + "    max_param_runes: 5000\n", "out of range"},
	}
	for _, c := range cases {
		cfg, err := mw.ParseConfig("c.yaml", []byte(head+c.yaml), func(string) (string, bool) { return "", false })
		if err == nil {
			_, err = notify.BuildOne(cfg, "whatsapp", nil, notify.Options{})
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
	cfg, err := mw.ParseConfig("c.yaml", []byte(head+good), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	n, err := notify.BuildOne(cfg, "whatsapp", nil, notify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%v %+v %s", n, n, n)
	if strings.Contains(buf.String(), "secretTOKEN") || !strings.Contains(buf.String(), "<secret>") {
		t.Errorf("printed config leaks the token or hides nothing: %s", buf.String())
	}
}

// TestParamsFitTheTemplateBody: Meta refuses a body over 1,024
// characters (error 132005) for every send alike, so six parameters of
// up to max_param_runes each (1,800 with the default 300) made every
// alert fail for good. Together they now fit ParamsBudget, the longest
// clipped first, and the link is never cut.
func TestParamsFitTheTemplateBody(t *testing.T) {
	long := strings.Repeat("paket belum sampai sudah dua minggu ", 40)
	c := alerts.Content{Headline: long, Why: long, When: "Since Wed Dec 2 10:03 WIB",
		Evidence: []alerts.Evidence{{Source: "x", Author: "budi", Text: long}, {Source: "x", Author: "rina", Text: long}},
		Open:     "https://dash.example/#alert=" + strings.Repeat("a", 60)}
	names := []string{"headline", "brand", "why", "when", "evidence", "link"}
	for _, max := range []int{300, 1024} {
		ps := Params(c, mw.Alert{Brand: "Kopi Senja"}, names, max)
		total := 0
		for _, p := range ps {
			total += utf8.RuneCountInString(p)
		}
		if total > ParamsBudget {
			t.Errorf("max %d: the parameters take %d characters together, over %d", max, total, ParamsBudget)
		}
		if ps[5] != c.Open || ps[1] != "Kopi Senja" || ps[3] != c.When {
			t.Errorf("max %d: short parameters or the link were cut: %q", max, ps)
		}
		if !strings.HasSuffix(ps[0], "…") || utf8.RuneCountInString(ps[0]) < 100 {
			t.Errorf("max %d: headline %q, want it clipped, not emptied", max, ps[0])
		}
	}
}

// TestLinkParamIsNeverCut: max_param_runes (20 to 1,024) clipped the link
// parameter like the text ones, so a max below the deep link's length
// (about 60 characters for https://mentionwatch.example.com/#alert=…)
// sent every alert with a cut link ending in "…", which opens nothing.
// The link stays whole; the text parameters are clipped to max.
func TestLinkParamIsNeverCut(t *testing.T) {
	c := alerts.Content{Headline: strings.Repeat("paket belum sampai ", 10), Open: "https://mentionwatch.example.com/#alert=" + strings.Repeat("a", 32)}
	ps := Params(c, mw.Alert{Brand: "Kopi Senja"}, []string{"headline", "link"}, 20)
	if ps[1] != c.Open {
		t.Errorf("link parameter %q, want the whole link %q", ps[1], c.Open)
	}
	if utf8.RuneCountInString(ps[0]) > 20 {
		t.Errorf("headline parameter %q is longer than max_param_runes 20", ps[0])
	}
}

// A clipped parameter never ends in half a flag or a lone skin tone.
func TestClipKeepsGraphemeClustersWhole(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"Kopi 🇮🇩🇮🇩!", 9, "Kopi 🇮🇩…"},
		{"ok👍🏽👍🏽!", 6, "ok👍🏽…"},
	} {
		if got := clip(tc.in, tc.max); got != tc.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
