package alerts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

var ctx = context.Background()

// receiver is a local Slack (or webhook) endpoint that records bodies and
// can answer with scripted statuses first.
type receiver struct {
	mu       sync.Mutex
	bodies   []string
	headers  []http.Header
	statuses []int // answered in order before 200
	requests int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if len(r.statuses) > 0 {
		st := r.statuses[0]
		r.statuses = r.statuses[1:]
		if st == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		w.WriteHeader(st)
		return
	}
	r.bodies = append(r.bodies, string(body))
	r.headers = append(r.headers, req.Header.Clone())
	w.Write([]byte("ok"))
}

func (r *receiver) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.bodies...)
}

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "mw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func slackTo(t *testing.T, r *receiver) []Notifier {
	t.Helper()
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	s, err := NewSlack(mw.SlackConfig{WebhookURL: mw.Secret(srv.URL + "/services/T/B/x")}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return []Notifier{s}
}

var t0 = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

func mention(i int, at time.Time, label mw.Label, text string) mw.Mention {
	m := mw.Mention{
		Brand: "acme", Source: "news", Type: "rss", NativeID: fmt.Sprintf("n%d", i), URL: fmt.Sprintf("https://example.com/%d", i),
		Author: fmt.Sprintf("user%d", i), Text: text, Published: at, Collected: at, Lang: "en", Label: label,
		Stage: mw.AMOT, Aspects: []string{"delivery"}, Reach: 1,
	}
	if label == mw.Negative {
		m.Sentiment = -0.5
	}
	m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
	return m
}

// feed stores and observes the mentions of each bucket, then ticks at its
// end, like the run loop does.
func feed(t *testing.T, l *Loop, st store.Store, start time.Time, buckets []int, label mw.Label, text string) time.Time {
	t.Helper()
	id := 0
	b := start
	for _, n := range buckets {
		var ms []mw.Mention
		for i := 0; i < n; i++ {
			id++
			ms = append(ms, mention(int(b.Unix())*1000+id, b.Add(time.Duration(i)*time.Second), label, text))
		}
		if err := st.InsertMentions(ctx, ms); err != nil {
			t.Fatal(err)
		}
		l.Observe(ms)
		b = b.Add(5 * time.Minute)
		if err := l.Tick(ctx, b); err != nil {
			t.Fatalf("Tick(%s): %v", b, err)
		}
	}
	return b
}

func newLoop(st store.Store, ns []Notifier, cfg mw.AlertsConfig) *Loop {
	if cfg.Bucket == 0 {
		cfg.Bucket = mw.Duration(5 * time.Minute)
	}
	cfg.Threshold = 10
	l := NewLoop(cfg, st, ns, nil)
	l.NewDetector = func() Detector { return NewThreshold(cfg) }
	l.Brands = map[string]bool{"acme": true}
	return l
}

const evil = "Acme lost my parcel <!channel> <@U123> <http://evil.example|click here> & more"

func TestSpikeFiresOnceThenResolves(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	end := feed(t, l, st, t0, []int{1, 2, 0, 1, 14, 20, 12, 1, 0, 0, 0}, mw.Negative, evil)

	msgs := r.messages()
	if len(msgs) != 2 {
		t.Fatalf("Slack got %d messages, want 2 (firing, resolved):\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
	if !strings.Contains(msgs[0], "Spike in negative mentions of acme (delivery and shipping)") {
		t.Errorf("firing message lacks the headline: %s", msgs[0])
	}
	if !strings.Contains(msgs[1], "Resolved") {
		t.Errorf("second message is not the resolution: %s", msgs[1])
	}
	for _, bad := range []string{"<!channel>", "<@U123>", "<http://evil.example|click here>"} {
		if strings.Contains(msgs[0], bad) || strings.Contains(msgs[0], jsonEsc(bad)) {
			t.Errorf("untrusted %q reached Slack unescaped", bad)
		}
	}
	if !strings.Contains(msgs[0], jsonEsc("&lt;!channel&gt;")) {
		t.Errorf("escaped mention text missing from the evidence: %s", msgs[0])
	}
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 {
		t.Fatalf("stored %d alerts, want 1 episode", len(as))
	}
	a := as[0]
	if a.State != mw.Resolved || a.NotifiedState != mw.Resolved || a.NotifyCount != 2 || a.Count != 20 {
		t.Errorf("stored alert %+v", a)
	}
	if a.StartedAt != t0.Add(20*time.Minute) || a.Scope != "aspect:delivery" || len(a.MentionIDs) != 15 { // every negative delivery mention of the episode, up to EvidenceLimit
		t.Errorf("episode start %s scope %s evidence %d", a.StartedAt, a.Scope, len(a.MentionIDs))
	}
	if a.Breakdown["stage:amot"] == 0 {
		t.Errorf("no stage breakdown: %v", a.Breakdown)
	}
	// More ticks change nothing.
	if err := l.Tick(ctx, end.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := len(r.messages()); n != 2 {
		t.Fatalf("after quiet ticks Slack has %d messages", n)
	}
}

func jsonEsc(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

func TestRateLimitedStillOneMessage(t *testing.T) {
	st := openStore(t)
	r := &receiver{statuses: []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	feed(t, l, st, t0, []int{0, 0, 15, 15}, mw.Negative, "late delivery")
	if msgs := r.messages(); len(msgs) != 1 {
		t.Fatalf("Slack shows %d messages after 429 then 503 then 200, want exactly 1", len(msgs))
	}
	if r.requests != 3 {
		t.Errorf("%d requests, want 3 (429, 503, 200)", r.requests)
	}
}

func TestPermanentErrorStaysPendingThenDelivers(t *testing.T) {
	st := openStore(t)
	r := &receiver{statuses: []int{http.StatusNotFound}}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	var attempts []string
	l.OnDeliver = func(notifier string, a mw.Alert, err error) {
		attempts = append(attempts, fmt.Sprintf("%s %s %s %v", notifier, a.Kind, a.State, err != nil))
	}
	l.Observe([]mw.Mention{})
	ms := make([]mw.Mention, 12)
	for i := range ms {
		ms[i] = mention(i, t0, mw.Negative, "late")
	}
	st.InsertMentions(ctx, ms)
	l.Observe(ms)
	err := l.Tick(ctx, t0.Add(5*time.Minute))
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("Tick after a 404: %v, want the delivery error", err)
	}
	if r.requests != 1 {
		t.Fatalf("a 404 was retried: %d requests", r.requests)
	}
	// The alert is queued for Slack: the delivery log says the attempt
	// failed and when the next is due.
	ds, err := st.Deliveries(ctx, store.DeliveryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	cur := Latest(ds)
	if len(cur) != 1 || cur[0].Receiver != "slack" || cur[0].Status != mw.DeliveryRetrying || cur[0].Attempt != 1 ||
		!strings.Contains(cur[0].Error, "404") || cur[0].NextAt.After(t0.Add(6*time.Minute)) {
		t.Fatalf("undelivered alert must stay queued with its error: %+v", cur)
	}
	// The next tick tries again (the webhook was fixed).
	if err := l.Tick(ctx, t0.Add(6*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n := len(r.messages()); n != 1 {
		t.Fatalf("after the fix: %d messages, want 1", n)
	}
	if diff := cmp.Diff([]string{"slack spike firing true", "slack spike firing false"}, attempts); diff != "" {
		t.Errorf("OnDeliver calls (-want +got):\n%s", diff)
	}
}

func TestRestartNeitherResendsNorForgets(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	ns := slackTo(t, r)
	l1 := newLoop(st, ns, mw.AlertsConfig{RepeatInterval: mw.Duration(time.Hour)})
	end := feed(t, l1, st, t0, []int{0, 0, 15, 15}, mw.Negative, "late")
	if n := len(r.messages()); n != 1 {
		t.Fatalf("first run: %d messages", n)
	}
	// Restart mid-episode: warm from the store, keep ticking while it fires.
	l2 := newLoop(st, ns, mw.AlertsConfig{RepeatInterval: mw.Duration(time.Hour)})
	if err := l2.Warm(ctx, end); err != nil {
		t.Fatal(err)
	}
	end = feed(t, l2, st, end, []int{15}, mw.Negative, "late")
	if n := len(r.messages()); n != 1 {
		t.Fatalf("after restart: %d messages, want still 1 (no re-send)", n)
	}
	// Still firing an hour later: one repeat.
	end = feed(t, l2, st, end, []int{15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15}, mw.Negative, "late")
	msgs := r.messages()
	if len(msgs) != 2 || !strings.Contains(msgs[1], "Still firing") {
		t.Fatalf("after an hour of firing: %d messages, want a repeat", len(msgs))
	}
	// It ends: the restarted loop resolves the episode it did not start.
	feed(t, l2, st, end, []int{0, 0, 0}, mw.Negative, "late")
	msgs = r.messages()
	if len(msgs) != 3 || !strings.Contains(msgs[2], "Resolved") {
		t.Fatalf("resolution after restart: %d messages", len(msgs))
	}
}

func TestCriticalMentionWithAuthorHistory(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{Critical: mw.CriticalConfig{Keywords: []string{"keracunan", "data leak"}}})
	earlier := mention(1, t0.Add(-48*time.Hour), mw.Negative, "Pesanan saya belum sampai")
	earlier.Author, earlier.Source = "budi", "appstore"
	other := mention(2, t0.Add(-24*time.Hour), mw.Neutral, "Acme ada promo?")
	other.Author, other.Source = "budi", "x"
	crit := mention(3, t0, mw.Negative, "Anak saya keracunan setelah makan produk Acme <!here>")
	crit.Author = "budi"
	harmless := mention(4, t0, mw.Negative, "my data leaks everywhere") // "leaks" is not "leak"
	st.InsertMentions(ctx, []mw.Mention{earlier, other, crit, harmless})
	l.Observe([]mw.Mention{crit, harmless})
	l.Observe([]mw.Mention{crit}) // collected twice
	if err := l.Tick(ctx, t0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	msgs := r.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1 critical alert", len(msgs))
	}
	m := msgs[0]
	for _, want := range []string{"Critical mention of acme", "keracunan", "budi's earlier mentions", "appstore", "https://example.com/1", "https://example.com/2"} {
		if !strings.Contains(m, want) {
			t.Errorf("critical message lacks %q:\n%s", want, m)
		}
	}
	if strings.Contains(m, "<!here>") {
		t.Error("<!here> reached Slack")
	}
	// A restarted loop that sees the mention again does not alert twice.
	l2 := newLoop(st, l.out.ns, l.cfg)
	l2.Observe([]mw.Mention{crit})
	if err := l2.Tick(ctx, t0.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n := len(r.messages()); n != 1 {
		t.Fatalf("critical mention alerted %d times", n)
	}
}

// TestCriticalWhateverTheLabel: a harm report the scorer labelled
// positive (thanks and emoji around a poisoning) still alerts, through the
// built-in harms alone (no keywords configured), once.
func TestCriticalWhateverTheLabel(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	crit := mention(7, t0, mw.Positive, "Adik saya keracunan setelah minum Kopi Senja, sekarang di rumah sakit. Makasih ya kak 🙏")
	crit.Lang, crit.Sentiment = "id", 0.31
	praise := mention(8, t0, mw.Positive, "Kopi Senja mantul banget, makasih kak")
	st.InsertMentions(ctx, []mw.Mention{crit, praise})
	l.Observe([]mw.Mention{crit, praise})
	for i := 1; i <= 3; i++ {
		if err := l.Tick(ctx, t0.Add(time.Duration(i)*5*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	msgs := r.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "Critical mention of acme") || !strings.Contains(msgs[0], "keracunan") {
		t.Fatalf("want one critical alert for the positive-labelled poisoning report, got %d:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Kind != mw.AlertCritical || !strings.Contains(as[0].Reason, "keracunan") || as[0].MentionIDs[0] != crit.ID {
		t.Fatalf("stored alerts %+v", as)
	}
}

func TestSilenceMutes(t *testing.T) {
	st, r, l := silencedLoop(t, t0.Add(24*time.Hour))
	feed(t, l, st, t0, []int{0, 15, 15, 0, 0, 0}, mw.Negative, "late")
	if n := len(r.messages()); n != 0 {
		t.Fatalf("a silenced brand got %d messages", n)
	}
	as, _ := st.Alerts(ctx, store.AlertQuery{})
	if len(as) != 1 || as[0].State != mw.Resolved {
		t.Fatalf("silenced alerts are still recorded: %+v", as)
	}
}

// silencedLoop is a loop to Slack with acme silenced until until.
func silencedLoop(t *testing.T, until time.Time) (store.Store, *receiver, *Loop) {
	t.Helper()
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	if err := st.SaveSilence(ctx, mw.Silence{ID: "s", Brand: "acme", Until: until, Reason: "courier strike"}); err != nil {
		t.Fatal(err)
	}
	return st, r, l
}

// TestSilenceEndsWhileFiring: an episode that opened under a silence and
// still fires when the silence ends is sent then, as a new spike, and its
// resolution after it; one that resolved before any channel was told of
// it is not announced as resolved out of nowhere.
func TestSilenceEndsWhileFiring(t *testing.T) {
	st, r, l := silencedLoop(t, t0.Add(20*time.Minute))
	end := feed(t, l, st, t0, []int{0, 15, 15}, mw.Negative, "late") // ticks up to 08:15
	if n := len(r.messages()); n != 0 {
		t.Fatalf("under the silence Slack got %d messages", n)
	}
	end = feed(t, l, st, end, []int{15}, mw.Negative, "late") // 08:20: the silence is over, the episode fires
	msgs := r.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "Spike in negative mentions of acme") || !strings.Contains(msgs[0], "Since:* Mon May 4 08:05 UTC") {
		t.Fatalf("the silence ended while the episode fired: Slack got %d messages, want the spike at once:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
	feed(t, l, st, end, []int{0, 0, 0, 0, 0, 0}, mw.Negative, "late")
	if msgs := r.messages(); len(msgs) != 2 || !strings.Contains(msgs[1], "Resolved") {
		t.Fatalf("after the episode ended Slack has %d messages, want the spike and its resolution", len(msgs))
	}

	// Under a silence until 08:30 the episode ends; the first tick after
	// it is at 10:00.
	st, r, l = silencedLoop(t, t0.Add(30*time.Minute))
	feed(t, l, st, t0, []int{0, 15, 15}, mw.Negative, "late")
	if err := l.Tick(ctx, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if msgs := r.messages(); len(msgs) != 0 {
		t.Fatalf("an episode that fired and ended under a silence sent %d messages:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
	as, _ := st.Alerts(ctx, store.AlertQuery{})
	if len(as) != 1 || as[0].State != mw.Resolved || as[0].NotifiedState != mw.Resolved {
		t.Fatalf("the silenced episode is recorded as resolved: %+v", as)
	}
}

// TestSilenceOfAnAlertHoldsAsItsScopeMoves: a silence made from an alert
// (its Silence link or the dashboard) holds for that alert's episode
// whatever its scope becomes. The episode opens on delivery complaints
// (scope aspect:delivery) and is silenced from its first message; its
// peak then moves to complaints about everything else (scope brand).
// Before, the silence (acme · aspect:delivery) no longer matched, and the
// "Still firing" repeat and the resolution went out. It still ends when
// it was set to: a later episode of the brand, at another scope, is sent.
func TestSilenceOfAnAlertHoldsAsItsScopeMoves(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{RepeatInterval: mw.Duration(10 * time.Minute)})
	b := feed(t, l, st, t0, []int{0, 15}, mw.Negative, "parcel late") // delivery complaints: 08:05
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil || len(as) != 1 || as[0].Scope != "aspect:delivery" || len(r.messages()) != 1 {
		t.Fatalf("after the delivery burst: alerts %+v (%v), %d messages; want one at aspect:delivery, told once", as, err, len(r.messages()))
	}
	first := as[0]
	until := b.Add(2 * time.Hour)
	if err := st.SaveSilence(ctx, mw.Silence{ID: "from-link", Brand: first.Brand, Scope: first.Scope, AlertID: first.ID, Until: until,
		Reason: "silenced from a notification link", CreatedBy: "dana", CreatedAt: b}); err != nil {
		t.Fatal(err)
	}
	// Complaints about the app and prices, twice as many: the peak moves to
	// the brand series; then quiet until the episode resolves.
	id := 0
	general := func(n int) {
		ms := make([]mw.Mention, n)
		for i := range ms {
			id++
			ms[i] = mention(70000+id, b.Add(time.Duration(i)*time.Second), mw.Negative, "acme is awful")
			ms[i].Stage, ms[i].Aspects = mw.StageUnknown, nil
		}
		if err := st.InsertMentions(ctx, ms); err != nil {
			t.Fatal(err)
		}
		l.Observe(ms)
		b = b.Add(5 * time.Minute)
		if err := l.Tick(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []int{30, 30, 30, 30, 0, 0, 0} {
		general(n)
	}
	got, err := st.Alert(ctx, first.ID)
	if err != nil || got.Scope != ScopeBrand || got.State != mw.Resolved {
		t.Fatalf("the episode: %+v (%v); want its scope moved to brand, then resolved", got, err)
	}
	if msgs := r.messages(); len(msgs) != 1 {
		t.Fatalf("the silenced episode's later messages went out: Slack has %d messages, want only the first:\n%s", len(msgs), strings.Join(msgs[1:], "\n---\n"))
	}
	// After the silence, a new episode of the brand is told.
	if b.Before(until) {
		b = until
		if err := l.Tick(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	general(30)
	if msgs := r.messages(); len(msgs) != 2 || !strings.Contains(msgs[1], "Spike in negative mentions of acme") {
		t.Fatalf("after the silence ended Slack has %d messages, want the new episode's:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
}

func TestWebhookSignedWithDeliveryKey(t *testing.T) {
	st := openStore(t)
	r := &receiver{statuses: []int{http.StatusBadGateway}}
	srv := httptest.NewServer(r)
	defer srv.Close()
	wh, err := NewWebhook(mw.WebhookConfig{URL: mw.Secret(srv.URL), Secret: "s3cret"}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	l := newLoop(st, []Notifier{wh}, mw.AlertsConfig{})
	feed(t, l, st, t0, []int{0, 12, 0, 0, 0}, mw.Negative, "late")
	if len(r.bodies) != 2 {
		t.Fatalf("webhook got %d bodies, want firing and resolved", len(r.bodies))
	}
	for i, body := range r.bodies {
		mac := hmac.New(sha256.New, []byte("s3cret"))
		mac.Write([]byte(body))
		if got, want := r.headers[i].Get("X-Mentionwatch-Signature"), "sha256="+hex.EncodeToString(mac.Sum(nil)); got != want {
			t.Errorf("signature %q, want %q", got, want)
		}
		var p WebhookPayload
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		if p.DeliveryKey != r.headers[i].Get("X-Mentionwatch-Delivery") || p.DeliveryKey == "" {
			t.Errorf("delivery key %q vs header %q", p.DeliveryKey, r.headers[i].Get("X-Mentionwatch-Delivery"))
		}
	}
	var first WebhookPayload
	json.Unmarshal([]byte(r.bodies[0]), &first)
	if first.Event != "alert.firing" || len(first.Top) == 0 || first.Alert.Count != 12 {
		t.Errorf("firing payload %+v", first)
	}
}

func TestEscapeMrkdwnAndLinks(t *testing.T) {
	cases := map[string]string{
		"<!channel> & <@U1>":       "&lt;!channel&gt; &amp; &lt;@U1&gt;",
		"<http://x.example|click>": "&lt;http://x.example|click&gt;",
		"plain":                    "plain",
	}
	for in, want := range cases {
		if got := EscapeMrkdwn(in); got != want {
			t.Errorf("EscapeMrkdwn(%q) = %q, want %q", in, got, want)
		}
	}
	if got := slackLink("javascript:alert(1)", "x<y"); got != "x&lt;y" {
		t.Errorf("unsafe scheme linked: %q", got)
	}
	if got := slackLink("https://example.com/a|<!channel>", "t|<b>"); strings.Contains(got, "<!channel>") || strings.Count(got, "|") != 1 {
		t.Errorf("link breaks out: %q", got)
	}
}

// TestSlackBotToken posts through chat.postMessage with a bot token and
// channel (a local stand-in for Slack's Web API).
func TestSlackBotToken(t *testing.T) {
	var (
		mu      sync.Mutex
		auth    string
		channel string
		calls   int
	)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		calls++
		auth, channel = r.Header.Get("Authorization"), r.FormValue("channel")
		if tok := r.FormValue("token"); auth == "" && tok != "" {
			auth = "Bearer " + tok
		}
		mu.Unlock()
		if !strings.HasSuffix(r.URL.Path, "/chat.postMessage") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true,"channel":"C123","ts":"1700000000.000100"}`))
	}))
	defer api.Close()
	s, err := NewSlack(mw.SlackConfig{BotToken: "xoxb-test", Channel: "#brand-alerts", APIURL: api.URL + "/api/"}, api.Client())
	if err != nil {
		t.Fatal(err)
	}
	a := mw.Alert{ID: "a1", Brand: "acme", Kind: mw.AlertSpike, Scope: "stage:amot", State: mw.Firing, StartedAt: t0, Count: 9, Baseline: 1, Factor: 9}
	if err := s.Send(ctx, Notification{Alert: a}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if calls != 1 || auth != "Bearer xoxb-test" || channel != "#brand-alerts" {
		t.Fatalf("calls=%d auth=%q channel=%q", calls, auth, channel)
	}
	if _, err := NewSlack(mw.SlackConfig{BotToken: "xoxb-test"}, api.Client()); err == nil {
		t.Error("bot token without channel: no error")
	}
}

// An acknowledgement or resolution made in the dashboard (saved to the
// store) survives the loop's own saves; a resolution is told to Slack once
// and no new episode opens while the spike goes on.
func TestOperatorAckAndResolveAreKept(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	b := feed(t, l, st, t0, []int{1, 2, 0, 1, 14}, mw.Negative, evil)
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil || len(as) != 1 || as[0].State != mw.Firing {
		t.Fatalf("before the operator: alerts %+v, err %v", as, err)
	}
	ackAt := b.Add(time.Minute).UTC()
	a := as[0]
	a.AckedAt, a.AckedBy = ackAt, "dana"
	if err := st.SaveAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	// A higher peak makes the loop save the episode again.
	b = feed(t, l, st, b, []int{30}, mw.Negative, evil)
	got, err := st.Alert(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Count != 30 || !got.AckedAt.Equal(ackAt) || got.AckedBy != "dana" {
		t.Fatalf("after the loop's save: count %v acked %s by %q, want 30, %s by dana", got.Count, got.AckedAt, got.AckedBy, ackAt)
	}
	// The operator resolves while the spike goes on.
	got.State, got.ResolvedAt, got.UpdatedAt = mw.Resolved, b.UTC(), b.UTC()
	if err := st.SaveAlert(ctx, got); err != nil {
		t.Fatal(err)
	}
	b = feed(t, l, st, b, []int{25, 20}, mw.Negative, evil)
	msgs := r.messages()
	if len(msgs) != 2 || !strings.Contains(msgs[1], "Resolved") {
		t.Fatalf("Slack got %d messages, want firing then resolved:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
	// Calm, then a new burst: a new episode.
	b = feed(t, l, st, b, []int{0, 0, 1}, mw.Negative, evil)
	feed(t, l, st, b, []int{18}, mw.Negative, evil)
	as, err = st.Alerts(ctx, store.AlertQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	states := map[mw.AlertState]int{}
	for _, x := range as {
		states[x.State]++
		if x.ID == a.ID && (x.State != mw.Resolved || x.NotifiedState != mw.Resolved || !x.AckedAt.Equal(ackAt)) {
			t.Errorf("operator-resolved alert stored as %+v", x)
		}
	}
	if len(as) != 2 || states[mw.Firing] != 1 || states[mw.Resolved] != 1 {
		t.Errorf("alerts after a new burst: %d (%v), want the resolved one and one new firing", len(as), states)
	}
	if n := len(r.messages()); n != 3 {
		t.Errorf("Slack has %d messages, want 3 (firing, resolved by operator, new firing)", n)
	}
}

// TestMentionCollectedTwiceCountsOnce (issue 16, item 8): a big feed read
// again hands the same mentions over twice; the loop counts what the store
// holds, by distinct id, so 6 complaints collected twice are 6, below the
// threshold of 10, and 12 collected twice fire with a count of 12.
func TestMentionCollectedTwiceCountsOnce(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	collect := func(n int, at time.Time) {
		ms := make([]mw.Mention, n)
		for i := range ms {
			ms[i] = mention(int(at.Unix())+i, at.Add(time.Duration(i)*time.Second), mw.Negative, "late parcel")
		}
		for pass := 0; pass < 2; pass++ {
			for i := range ms {
				ms[i].Collected = at.Add(time.Duration(pass) * time.Minute)
			}
			if err := st.InsertMentions(ctx, ms); err != nil {
				t.Fatal(err)
			}
			l.Observe(ms)
		}
	}
	collect(6, t0)
	if err := l.Tick(ctx, t0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if as, _ := st.Alerts(ctx, store.AlertQuery{}); len(as) != 0 || len(r.messages()) != 0 {
		t.Fatalf("6 mentions collected twice fired: %+v", as)
	}
	collect(12, t0.Add(5*time.Minute))
	if err := l.Tick(ctx, t0.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil || len(as) != 1 || as[0].Count != 12 {
		t.Fatalf("12 mentions collected twice: alerts %+v (%v), want one with count 12", as, err)
	}
}

// TestNoSpikeWithoutNegatives: a detector still firing from an old wave
// when the loop starts (the restart that sent "×0.0: 0 negative mentions")
// opens no episode; only an onset with negative mentions does.
func TestNoSpikeWithoutNegatives(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	// The wave is older than the horizon: the detector fires through the
	// quiet buckets after it, but no episode may open there.
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{MaxLateness: mw.Duration(10 * time.Minute)})
	ms := make([]mw.Mention, 20)
	for i := range ms {
		ms[i] = mention(i, t0, mw.Negative, "late")
	}
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if err := l.Tick(ctx, t0.Add(15*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if as, _ := st.Alerts(ctx, store.AlertQuery{}); len(as) != 0 || len(r.messages()) != 0 {
		t.Fatalf("alerts %+v and %d messages without a negative mention after the horizon", as, len(r.messages()))
	}
	ob := &outbox{log: l.log, pending: map[string]*mw.Alert{}}
	if ob.put(&mw.Alert{ID: "x", Kind: mw.AlertSpike, State: mw.Firing, Count: 0}) {
		t.Fatal("the outbox took a firing spike with no negative mention")
	}
}

// TestLateMentionsReopenTheirBucket: complaints published in a bucket that
// closed quiet, collected 15 minutes late (within max_lateness), count in
// their own bucket: the episode starts there, once, however many ticks
// re-read it; the judge rebuilt the detector for it.
func TestLateMentionsReopenTheirBucket(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{})
	end := feed(t, l, st, t0, []int{1, 0, 1, 0, 0, 0}, mw.Negative, "late parcel") // t0+30m
	if n := len(r.messages()); n != 0 {
		t.Fatalf("quiet buckets sent %d messages", n)
	}
	rebuilds := l.judge.Rebuilds
	late := t0.Add(15 * time.Minute) // a bucket that closed quiet
	ms := make([]mw.Mention, 14)
	for i := range ms {
		ms[i] = mention(9000+i, late.Add(time.Duration(i)*time.Second), mw.Negative, "late parcel")
		ms[i].Collected = end
	}
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := l.Tick(ctx, end.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil || len(as) != 1 {
		t.Fatalf("alerts %+v (%v), want one episode", as, err)
	}
	if !as[0].StartedAt.Equal(late) || as[0].Count != 14 {
		t.Errorf("episode started %s with %v negatives, want %s with 14", as[0].StartedAt, as[0].Count, late)
	}
	if l.judge.Rebuilds != rebuilds+1 {
		t.Errorf("%d rebuilds for one late change, want 1", l.judge.Rebuilds-rebuilds)
	}
	msgs := r.messages()
	if len(msgs) != 2 || !strings.Contains(msgs[1], "Resolved") {
		t.Fatalf("Slack got %d messages, want the late episode told firing then resolved:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
}

// TestPeekFiresBeforeTheBucketCloses: with the adaptive detector (the
// default), a burst in the open bucket fires on the tick after it is
// stored, and the episode keeps its start when the bucket closes.
func TestPeekFiresBeforeTheBucketCloses(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	cfg := mw.AlertsConfig{Bucket: mw.Duration(5 * time.Minute), Warmup: mw.Duration(2 * time.Hour)}
	l := NewLoop(cfg, st, slackTo(t, r), nil)
	l.Brands = map[string]bool{"acme": true}
	open := seedSixHours(t, st)
	if err := l.Tick(ctx, open.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	burst := make([]mw.Mention, 25)
	for i := range burst {
		burst[i] = mention(5000+i, open.Add(time.Duration(i)*time.Second), mw.Negative, "acme parcel lost")
	}
	if err := st.InsertMentions(ctx, burst); err != nil {
		t.Fatal(err)
	}
	if err := l.Tick(ctx, open.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	msgs := r.messages()
	if len(msgs) != 1 || strings.Contains(msgs[0], "Resolved") {
		t.Fatalf("one minute into the bucket Slack got %d messages, want the firing one", len(msgs))
	}
	if err := l.Tick(ctx, open.Add(5*time.Minute)); err != nil { // the bucket closes
		t.Fatal(err)
	}
	as, _ := st.Alerts(ctx, store.AlertQuery{})
	if len(as) != 1 || !as[0].StartedAt.Equal(open) || as[0].Count != 25 || len(r.messages()) != 1 {
		t.Fatalf("after the bucket closed: alerts %+v, %d messages; want the same episode from %s", as, len(r.messages()), open)
	}
}

// TestThresholdFiresInASeriesFirstBucket: with the fixed threshold, a burst
// in the first bucket a brand's series has (a fresh install, or a brand
// first mentioned now) fires on the tick after it is stored, not when the
// bucket closes: the threshold needs no history. (The cluster test waited
// up to a whole bucket for it when its burst fell in the first minute of
// data.)
func TestThresholdFiresInASeriesFirstBucket(t *testing.T) {
	st := openStore(t)
	r := &receiver{}
	l := newLoop(st, slackTo(t, r), mw.AlertsConfig{Bucket: mw.Duration(time.Minute)})
	open := t0
	neutral := []mw.Mention{mention(1, open, mw.Neutral, "acme opened a store")}
	if err := st.InsertMentions(ctx, neutral); err != nil {
		t.Fatal(err)
	}
	if err := l.Tick(ctx, open.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	burst := make([]mw.Mention, 12)
	for i := range burst {
		burst[i] = mention(100+i, open.Add(10*time.Second), mw.Negative, "acme parcel lost")
	}
	if err := st.InsertMentions(ctx, burst); err != nil {
		t.Fatal(err)
	}
	if err := l.Tick(ctx, open.Add(15*time.Second)); err != nil {
		t.Fatal(err)
	}
	if msgs := r.messages(); len(msgs) != 1 || strings.Contains(msgs[0], "Resolved") {
		t.Fatalf("15 s into the series' first bucket Slack got %d messages, want the firing one:\n%s", len(msgs), strings.Join(msgs, "\n---\n"))
	}
	if err := l.Tick(ctx, open.Add(time.Minute)); err != nil { // the bucket closes
		t.Fatal(err)
	}
	as, err := st.Alerts(ctx, store.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || !as[0].StartedAt.Equal(open) || as[0].Count != 12 || len(r.messages()) != 1 {
		t.Fatalf("after the bucket closed: alerts %+v, %d messages; want the same episode from %s", as, len(r.messages()), open)
	}
}

// seedSixHours stores six hours of one mention of acme per 5-minute bucket
// from t0 (every fourth negative) and returns the bucket after them.
func seedSixHours(t *testing.T, st *sqlite.Store) time.Time {
	t.Helper()
	var hist []mw.Mention
	for i := 0; i < 6*12; i++ {
		label := mw.Neutral
		if i%4 == 0 {
			label = mw.Negative
		}
		hist = append(hist, mention(i, t0.Add(time.Duration(i)*5*time.Minute+time.Minute), label, "acme parcel"))
	}
	if err := st.InsertMentions(ctx, hist); err != nil {
		t.Fatal(err)
	}
	return t0.Add(6 * time.Hour)
}
