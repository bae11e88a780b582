package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/store"
)

// The acceptance tests of the alert loop (issue 15): each runs the real
// wiring (config, collectors over local feeds, scoring, writer, store,
// alert loop, Slack notifier) against the embedded store and ClickHouse,
// with a controlled clock, and asserts the exact notifications a local
// Slack receiver got. The loop is ticked by hand or through Run with a
// tick channel; nothing sleeps.

// post is one item a local feed serves.
type post struct {
	id, author, text string
	published        time.Time
}

// review is one review the local review page serves.
type review struct {
	author, text string
	rating       int
	published    time.Time // the page gives the date only
}

// site serves an RSS feed of posts and a review page with schema.org
// JSON-LD, both changeable between runs.
type site struct {
	mu      sync.Mutex
	posts   []post
	reviews []review
}

func (s *site) add(ps ...post) {
	s.mu.Lock()
	s.posts = append(s.posts, ps...)
	s.mu.Unlock()
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.URL.Path {
	case "/news.rss":
		type item struct {
			Title   string `xml:"title"`
			Link    string `xml:"link"`
			GUID    string `xml:"guid"`
			PubDate string `xml:"pubDate"`
			Creator string `xml:"http://purl.org/dc/elements/1.1/ creator"`
			Desc    string `xml:"description"`
		}
		var items []item
		for i := len(s.posts) - 1; i >= 0 && len(items) < 400; i-- {
			p := s.posts[i]
			items = append(items, item{Title: p.text, Link: "https://news.example.org/" + p.id, GUID: p.id,
				PubDate: p.published.Format(time.RFC1123Z), Creator: p.author, Desc: p.text})
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, xml.Header+`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>news</title><link>https://news.example.org/</link><description>d</description>`)
		for _, it := range items {
			b, _ := xml.Marshal(it)
			w.Write([]byte(strings.Replace(strings.Replace(string(b), "<item>", "<item>", 1), "</item>", "</item>", 1)))
		}
		fmt.Fprint(w, `</channel></rss>`)
	case "/reviews":
		var rs []map[string]any
		for _, r := range s.reviews {
			rs = append(rs, map[string]any{"@type": "Review", "author": r.author, "datePublished": r.published.Format("2006-01-02"),
				"reviewBody": r.text, "reviewRating": map[string]any{"@type": "Rating", "ratingValue": r.rating, "bestRating": 5}})
		}
		doc, _ := json.Marshal(map[string]any{"@context": "https://schema.org", "@type": "Product", "name": "Acme Robot Vacuum", "review": rs})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><script type="application/ld+json">%s</script></head><body></body></html>`, doc)
	default:
		http.NotFound(w, r)
	}
}

// slackLog is the local Slack: it records each message with the
// controlled clock's time at receipt.
type slackLog struct {
	mu    sync.Mutex
	clock func() time.Time
	msgs  []received
}

type received struct {
	at   time.Time
	body string
}

func (s *slackLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.msgs = append(s.msgs, received{at: s.clock(), body: string(b)})
	s.mu.Unlock()
	w.Write([]byte("ok"))
}

func (s *slackLog) all() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// harness is one deployment: a config, a store, a site and a Slack.
type harness struct {
	t     *testing.T
	dir   string
	site  *site
	slack *slackLog
	cfg   string

	mu  sync.Mutex
	now time.Time
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *harness) set(t time.Time) {
	h.mu.Lock()
	h.now = t
	h.mu.Unlock()
}

// backends runs f against the embedded store and ClickHouse.
func backends(t *testing.T, f func(t *testing.T, h *harness)) {
	t.Run("embedded", func(t *testing.T) { f(t, newHarness(t, "")) })
	t.Run("clickhouse", func(t *testing.T) { f(t, newHarness(t, chtest.Fresh(t))) })
}

func newHarness(t *testing.T, dsn string) *harness {
	h := &harness{t: t, dir: t.TempDir(), site: &site{}}
	// Whole minutes, near the wall clock: collectors stamp items with the
	// wall clock's collected time.
	h.now = time.Now().UTC().Truncate(time.Minute)
	h.slack = &slackLog{clock: h.clock}
	feeds := httptest.NewServer(h.site)
	t.Cleanup(feeds.Close)
	slack := httptest.NewServer(h.slack)
	t.Cleanup(slack.Close)
	storeYAML := fmt.Sprintf("  type: embedded\n  path: %q\n", filepath.Join(h.dir, "mw.db"))
	if dsn != "" {
		storeYAML = fmt.Sprintf("  type: clickhouse\n  dsn: %q\n", dsn)
	}
	h.cfg = fmt.Sprintf(`brands:
  - name: Acme
    keywords: [acme]
    languages: [en, id]
sources:
  - {name: news, type: rss, url: "%[1]s/news.rss", interval: 5m}
  - {name: shop, type: reviews, url: "%[1]s/reviews", brands: [Acme], interval: 1h}
http:
  per_host_rps: 100
  per_host_burst: 100
  allow_loopback: true
store:
%[2]s  spool_dir: %[3]q
notifiers:
  slack:
    webhook_url: "%[4]s/services/T/B/accept"
alerts:
  bucket: 5m
  detector: threshold
  threshold: 10
  min_count: 5
  max_lateness: 2h
  repeat_interval: 24h
  critical:
    one_star_sources: [shop]
log: {level: warn}
`, feeds.URL, storeYAML, filepath.Join(h.dir, "spool"), slack.URL)
	return h
}

// open starts one process's worth of wiring (newApp), closed at cleanup.
func (h *harness) open() *app {
	h.t.Helper()
	path := filepath.Join(h.dir, "config.yaml")
	if err := os.WriteFile(path, []byte(h.cfg), 0o600); err != nil {
		h.t.Fatal(err)
	}
	cfg, err := mw.ParseConfig(path, []byte(h.cfg), os.LookupEnv)
	if err != nil {
		h.t.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, newLogger(cfg.Log))
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// collectOnce is `mentionwatch collect --once`: every source once, in a
// process of its own.
func (h *harness) collectOnce() {
	h.t.Helper()
	a := h.open()
	defer a.close()
	h.collectWith(a)
}

func (h *harness) collectWith(a *app) {
	h.t.Helper()
	sched := a.scheduler()
	for _, s := range a.sources {
		if res := sched.RunOnce(context.Background(), s); res.Err != nil {
			h.t.Fatalf("collecting %s: %v", s.Config.Name, res.Err)
		}
	}
}

// run is `mentionwatch run` ticked by hand: warm, then one tick at the
// clock's time for each step, the clock advancing by step between ticks.
func (h *harness) run(a *app, ticks int, step time.Duration) {
	h.t.Helper()
	ctx := context.Background()
	if err := a.alerts.Warm(ctx, h.clock()); err != nil {
		h.t.Fatal(err)
	}
	for i := 0; i < ticks; i++ {
		if i > 0 {
			h.set(h.clock().Add(step))
		}
		if err := a.alerts.Tick(ctx, h.clock()); err != nil {
			h.t.Fatalf("tick at %s: %v", h.clock(), err)
		}
	}
}

// sent is what one Slack message says, in the terms the tests assert on.
type sent struct {
	Kind  string // spike | critical
	State string // firing | resolved
	Alert string // the alert id in the message's footer
	Text  string // for a critical alert: the mention text, for a spike the top mention
}

// readSlack turns the receiver's messages into sent records. It is the
// one place that knows the Slack message's wording (alerts/slack.go).
func readSlack(t *testing.T, msgs []received) []sent {
	t.Helper()
	var out []sent
	for _, m := range msgs {
		var body struct {
			Text   string `json:"text"`
			Blocks []struct {
				Type string `json:"type"`
				Text *struct {
					Text string `json:"text"`
				} `json:"text"`
				Elements []struct {
					Type string          `json:"type"`
					Text json.RawMessage `json:"text"` // a string in context blocks, an object on buttons
				} `json:"elements"`
			} `json:"blocks"`
		}
		if err := json.Unmarshal([]byte(m.body), &body); err != nil {
			t.Fatalf("Slack message is not JSON: %v\n%s", err, m.body)
		}
		s := sent{Kind: mw.AlertSpike, State: string(mw.Firing)}
		switch {
		case strings.HasPrefix(body.Text, "Critical mention"):
			s.Kind = mw.AlertCritical
		case strings.HasPrefix(body.Text, "Resolved"):
			s.State = string(mw.Resolved)
		}
		for _, b := range body.Blocks {
			for _, e := range b.Elements {
				var text string
				if e.Type != "mrkdwn" || json.Unmarshal(e.Text, &text) != nil {
					continue
				}
				if rest, ok := strings.CutPrefix(text, "mentionwatch alert "); ok {
					s.Alert, _, _ = strings.Cut(rest, " ")
				}
			}
			if b.Type != "section" || b.Text == nil || s.Text != "" {
				continue
			}
			switch t := b.Text.Text; {
			case strings.HasPrefix(t, "*The mention*\n>"): // a critical mention, quoted
				s.Text, _, _ = strings.Cut(strings.TrimPrefix(t, "*The mention*\n>"), "\n")
			case strings.HasPrefix(t, "<http"): // a spike's top mention, linked
				_, rest, _ := strings.Cut(t, "|")
				s.Text, _, _ = strings.Cut(rest, ">")
			}
		}
		out = append(out, s)
	}
	return out
}

// alertsOf reads the stored alerts, oldest first.
func alertsOf(t *testing.T, a *app) []mw.Alert {
	t.Helper()
	as, err := a.store.Alerts(context.Background(), store.AlertQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(as, func(i, j int) bool { return as[i].StartedAt.Before(as[j].StartedAt) })
	return as
}

func wave(prefix string, n int, at time.Time, text string) []post {
	var ps []post
	for i := 0; i < n; i++ {
		ps = append(ps, post{id: fmt.Sprintf("%s-%d", prefix, i), author: fmt.Sprintf("%s%d", prefix, i),
			text: fmt.Sprintf(text, i), published: at.Add(time.Duration(i) * time.Second)})
	}
	return ps
}

// quiet is a few ordinary mentions an hour over the last hours: praise,
// so that none of them counts in a negative wave (one lands in the
// wave's bucket at some minutes of the wall clock). "works fine, day N"
// was labelled negative once the English model learned brand mentions,
// where "day N" mostly counts the days of a wait.
func quiet(now time.Time, hours int) []post {
	var ps []post
	for i := 0; i < hours*4; i++ {
		ps = append(ps, post{id: fmt.Sprintf("q-%d", i), author: fmt.Sprintf("fan%d", i),
			text: fmt.Sprintf("Acme vacuum is great, day %d", i), published: now.Add(-time.Duration(i)*15*time.Minute - 7*time.Minute)})
	}
	return ps
}

const complaint = "Acme paket saya belum sampai, kurir hilang #%d"

// TestAcceptWaveCollectedOnceAlertsWhenRunStarts: a wave stored by
// `collect --once` fires when `run` starts, with the wave's mentions as
// evidence, and resolves once.
func TestAcceptWaveCollectedOnceAlertsWhenRunStarts(t *testing.T) {
	backends(t, func(t *testing.T, h *harness) {
		now := h.clock()
		h.site.add(quiet(now, 3)...)
		h.site.add(wave("w", 40, now.Add(-20*time.Minute).Truncate(5*time.Minute), complaint)...)
		h.collectOnce()
		if n := len(h.slack.all()); n != 0 {
			t.Fatalf("collect --once notified %d times", n)
		}
		a := h.open()
		defer a.close()
		h.run(a, 1, 0)
		as := alertsOf(t, a)
		if len(as) != 1 || as[0].Kind != mw.AlertSpike || as[0].Count != 40 || as[0].Scope == "" {
			t.Fatalf("stored alerts %+v, want one spike of 40", as)
		}
		// The wave ended 10 minutes before run started (two quiet buckets
		// end an episode of the threshold detector): it is told as firing,
		// with its mentions, then as resolved, and never again.
		want := []sent{{Kind: mw.AlertSpike, State: "firing", Alert: as[0].ID}, {Kind: mw.AlertSpike, State: "resolved", Alert: as[0].ID}}
		for _, ticks := range []int{1, 16} {
			if ticks > 1 {
				h.run(a, ticks, 5*time.Minute)
			}
			got := readSlack(t, h.slack.all())
			want[0].Text = got0(got).Text
			if fmt.Sprint(got) != fmt.Sprint(want) || !strings.Contains(got[0].Text, "belum sampai") {
				t.Fatalf("Slack got %+v, want %+v with a wave mention", got, want)
			}
		}
	})
}

func got0(s []sent) sent {
	if len(s) == 0 {
		return sent{}
	}
	return s[0]
}

// TestAcceptLateReviewAndIndonesianCriticalAlertOnce: a 1-star review
// published four days ago (the page gives its date only) and an Indonesian
// poisoning report the scorer labels positive alert once each, with their
// text, though the daemon collects them twice and restarts.
func TestAcceptLateReviewAndIndonesianCriticalAlertOnce(t *testing.T) {
	backends(t, func(t *testing.T, h *harness) {
		now := h.clock()
		h.site.add(quiet(now, 2)...)
		a := h.open()
		defer a.close()
		h.run(a, 1, 0)
		h.site.mu.Lock()
		h.site.reviews = []review{
			{author: "Rina", text: "Acme vacuum broke on day two, refund refused.", rating: 1, published: now.Add(-96 * time.Hour)},
			{author: "Tom", text: "Acme vacuum is great.", rating: 5, published: now.Add(-96 * time.Hour)},
		}
		h.site.mu.Unlock()
		poisoned := post{id: "crit-1", author: "sari", published: now.Add(-3 * time.Hour),
			text: "Terima kasih Acme, tapi adik saya keracunan setelah makan snack Acme, sekarang di rumah sakit"}
		h.site.add(poisoned)
		h.collectWith(a) // the daemon's own collection: the sink hands the mentions over
		h.run(a, 2, time.Minute)
		h.collectOnce() // collected again by another process
		b := h.open()   // and a restart
		defer b.close()
		h.run(b, 2, time.Minute)

		ms, err := b.store.Mentions(context.Background(), store.MentionQuery{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		// The critical alert does not depend on the label. Since issue 17
		// the scorer never labels a harm report positive (its thanks
		// notwithstanding), so the test checks the language only.
		for _, m := range ms {
			if strings.Contains(m.Text, "keracunan") && m.Lang != "id" {
				t.Fatalf("the poisoning report is scored %s/%s; the test needs an Indonesian mention", m.Lang, m.Label)
			}
		}
		as := alertsOf(t, b)
		var ids []string
		for _, x := range as {
			if x.Kind != mw.AlertCritical || x.Reason == "" || strings.Contains(x.Summary, "\x00") {
				t.Errorf("alert %+v: want a critical alert with its reason", x)
			}
			ids = append(ids, x.ID)
		}
		if len(as) != 2 {
			t.Fatalf("stored %d alerts, want 2 critical: %+v", len(as), as)
		}
		got := readSlack(t, h.slack.all())
		sort.Slice(got, func(i, j int) bool { return got[i].Alert < got[j].Alert })
		sort.Strings(ids)
		texts := map[string]string{}
		for _, x := range as {
			texts[x.ID] = map[bool]string{true: poisoned.text, false: "Acme vacuum broke on day two, refund refused."}[strings.Contains(x.Reason, "keracunan")]
		}
		var want []sent
		for _, id := range ids {
			want = append(want, sent{Kind: mw.AlertCritical, State: "firing", Alert: id, Text: texts[id]})
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Slack got\n%+v\nwant\n%+v", got, want)
		}
	})
}

// TestAcceptRestartMidEpisodeNoDuplicate: the daemon stops while a wave
// fires and starts again: no second firing message, one resolution.
func TestAcceptRestartMidEpisodeNoDuplicate(t *testing.T) {
	backends(t, func(t *testing.T, h *harness) {
		now := h.clock()
		h.site.add(quiet(now, 3)...)
		a := h.open()
		h.run(a, 1, 0)
		h.site.add(wave("w", 30, now, complaint)...)
		h.collectWith(a)
		h.run(a, 3, time.Minute)
		a.close()
		h.site.add(wave("v", 25, now.Add(5*time.Minute), complaint)...)
		b := h.open()
		defer b.close()
		h.collectWith(b)
		h.run(b, 20, 5*time.Minute)
		as := alertsOf(t, b)
		if len(as) != 1 || as[0].State != mw.Resolved || as[0].Count != 30 || as[0].NotifyCount != 2 {
			t.Fatalf("stored alerts %+v, want one resolved episode notified twice", as)
		}
		got := readSlack(t, h.slack.all())
		want := []sent{{Kind: mw.AlertSpike, State: "firing", Alert: as[0].ID, Text: got0(got).Text}, {Kind: mw.AlertSpike, State: "resolved", Alert: as[0].ID}}
		if fmt.Sprint(got) != fmt.Sprint(want) || !strings.Contains(got[0].Text, "belum sampai") {
			t.Fatalf("Slack got %+v, want %+v", got, want)
		}
	})
}

// TestAcceptBackfillSendsNoSpike: 30 days of history collected at once,
// with a wave ten days ago, send no spike; of two critical mentions in it
// only the one within max_age (7 days) alerts.
func TestAcceptBackfillSendsNoSpike(t *testing.T) {
	backends(t, func(t *testing.T, h *harness) {
		now := h.clock()
		var ps []post
		for d := 1; d <= 30; d++ {
			for i := 0; i < 6; i++ {
				ps = append(ps, post{id: fmt.Sprintf("b-%d-%d", d, i), author: fmt.Sprintf("u%d", i),
					text: "Acme vacuum review " + fmt.Sprint(d, i), published: now.Add(-time.Duration(d)*24*time.Hour + time.Duration(i)*time.Hour)})
			}
		}
		ps = append(ps, wave("old", 40, now.Add(-240*time.Hour), complaint)...)
		ps = append(ps, post{id: "c-old", author: "x", published: now.Add(-20 * 24 * time.Hour), text: "Acme data leak exposed my address"},
			post{id: "c-new", author: "y", published: now.Add(-3 * 24 * time.Hour), text: "Acme data leak exposed my address again"})
		h.site.add(ps...)
		h.collectOnce()
		a := h.open()
		defer a.close()
		h.run(a, 3, 5*time.Minute)
		as := alertsOf(t, a)
		if len(as) != 1 || as[0].Kind != mw.AlertCritical {
			t.Fatalf("stored alerts %+v, want only the recent critical mention", as)
		}
		got := readSlack(t, h.slack.all())
		want := []sent{{Kind: mw.AlertCritical, State: "firing", Alert: as[0].ID, Text: "Acme data leak exposed my address again"}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Slack got %+v, want %+v", got, want)
		}
	})
}

// TestAcceptBurstOneFiringOneResolvedFast: the daemon (Run, woken by the
// collection) posts a burst while its bucket is still open, at the
// controlled time of the collection that brought it, then resolves it
// once. Measured against the loop that waits for buckets to close.
func TestAcceptBurstOneFiringOneResolvedFast(t *testing.T) {
	for _, wait := range []bool{false, true} {
		t.Run(map[bool]string{false: "peek", true: "wait_for_close"}[wait], func(t *testing.T) {
			backends(t, func(t *testing.T, h *harness) {
				latency := burst(t, h, wait)
				t.Logf("burst reached Slack %s after the collection that brought it (controlled clock; wait_for_close=%v)", latency, wait)
				if !wait && latency > 60*time.Second {
					t.Errorf("latency %s on the controlled clock, want <= 60s", latency)
				}
			})
		})
	}
}

// burst runs the daemon's loop with Run and returns the controlled time
// from the collection of a burst to its firing message.
func burst(t *testing.T, h *harness, waitForClose bool) time.Duration {
	// One minute into a bucket.
	h.set(h.clock().Truncate(5 * time.Minute).Add(time.Minute))
	now := h.clock()
	h.site.add(quiet(now, 3)...)
	a := h.open()
	defer a.close()
	delivered := make(chan mw.Alert, 8)
	a.alerts.OnDeliver = func(_ string, al mw.Alert, err error) {
		if err == nil {
			delivered <- al
		}
	}
	a.alerts.WaitForClose = waitForClose
	ticks := make(chan time.Time)
	a.alerts.Ticks, a.alerts.Now = ticks, h.clock
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.alerts.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	// tick runs one tick and returns once it is done (the second send
	// waits for Run to come back to its select) and the receivers'
	// workers it started have finished.
	tick := func() { ticks <- h.clock(); ticks <- h.clock(); a.alerts.Idle() }
	tick()

	h.site.add(wave("burst", 30, now.Add(-30*time.Second), complaint)...)
	collectedAt := h.clock()
	h.collectWith(a) // the sink nudges Run
	var fired time.Time
	for i := 0; i < 40 && fired.IsZero(); i++ {
		tick()
		select {
		case al := <-delivered:
			if al.State != mw.Firing {
				t.Fatalf("first delivery %+v, want the firing spike", al)
			}
			fired = h.slack.all()[0].at
		default:
			h.set(h.clock().Add(30 * time.Second))
		}
	}
	if fired.IsZero() {
		t.Fatal("the burst never reached Slack")
	}
	for i := 0; i < 20; i++ { // quiet buckets resolve it
		h.set(h.clock().Add(5 * time.Minute))
		tick()
	}
	as := alertsOf(t, a)
	got := readSlack(t, h.slack.all())
	if len(as) != 1 || as[0].State != mw.Resolved {
		t.Fatalf("stored alerts %+v, want one resolved spike", as)
	}
	want := []sent{{Kind: mw.AlertSpike, State: "firing", Alert: as[0].ID, Text: got0(got).Text}, {Kind: mw.AlertSpike, State: "resolved", Alert: as[0].ID}}
	if fmt.Sprint(got) != fmt.Sprint(want) || !strings.Contains(got[0].Text, "belum sampai") {
		t.Fatalf("Slack got %+v, want %+v", got, want)
	}
	// The resolved message says how many negative mentions the episode
	// brought, as the store kept it.
	if total := as[0].EpisodeTotal; total < as[0].Count || !strings.Contains(h.slack.all()[1].body, fmt.Sprintf(", %.0f negative mentions)", total)) {
		t.Errorf("episode total %v (peak %v); resolved message:\n%s", total, as[0].Count, h.slack.all()[1].body)
	}
	return fired.Sub(collectedAt)
}

// TestAcceptCopiedHarmStoryAlertsOnceThenSpreads: a harm story that 50
// accounts repost, collected over an hour, is one critical alert with the
// first post's text, told again once as it spreads tenfold, and never a
// spike (the copies come a few per bucket).
func TestAcceptCopiedHarmStoryAlertsOnceThenSpreads(t *testing.T) {
	backends(t, func(t *testing.T, h *harness) {
		now := h.clock()
		h.site.add(quiet(now, 2)...)
		a := h.open()
		defer a.close()
		h.run(a, 1, 0)
		const story = "Acme leaked my home address and card number, it is all over a forum now. Check yours! #%d"
		h.site.add(wave("c", 5, now.Add(-4*time.Minute), story)...)
		h.collectWith(a)
		h.run(a, 2, time.Minute)
		// 45 more copies, one every 40 s: under the spike threshold in
		// every bucket.
		var more []post
		for i := 5; i < 50; i++ {
			more = append(more, post{id: fmt.Sprintf("c-%d", i), author: fmt.Sprintf("c%d", i),
				text: fmt.Sprintf("RT @c0: "+story, i), published: now.Add(-time.Hour + time.Duration(i)*40*time.Second)})
		}
		h.site.add(more...)
		h.collectWith(a)
		h.run(a, 2, time.Minute)

		as := alertsOf(t, a)
		if len(as) != 1 || as[0].Kind != mw.AlertCritical || as[0].Count != 50 || as[0].NotifyCount != 2 || as[0].ToldCount != 50 {
			t.Fatalf("stored alerts %+v, want one critical alert counting 50, told twice", as)
		}
		first := fmt.Sprintf(story, 0)
		got := readSlack(t, h.slack.all())
		want := []sent{{Kind: mw.AlertCritical, State: "firing", Alert: as[0].ID, Text: first}, {Kind: mw.AlertCritical, State: "firing", Alert: as[0].ID, Text: first}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Slack got\n%+v\nwant\n%+v", got, want)
		}
		msgs := h.slack.all()
		if !strings.Contains(msgs[0].body, "posted 5 times") || !strings.Contains(msgs[1].body, "Critical mention of Acme is spreading") ||
			!strings.Contains(msgs[1].body, "posted 50 times") {
			t.Fatalf("messages do not count the copies:\n%s\n---\n%s", msgs[0].body, msgs[1].body)
		}
	})
}
