package routing

import (
	"bytes"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

func parse(t *testing.T, routing string) *mw.Config {
	t.Helper()
	cfg, err := mw.ParseConfig("c.yaml", []byte("timezone: Asia/Jakarta\nbrands: [{name: acme, keywords: [acme]}, {name: globex, keywords: [globex]}]\nalerts:\n  routing:\n"+routing),
		func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var receivers = []string{"slack", "telegram", "email", "whatsapp"}

func TestRouteSemantics(t *testing.T) {
	r, err := New(parse(t, `    routes:
      - name: critical
        severity: [critical]
        receivers: [whatsapp, telegram]
        continue: true
      - name: id delivery
        scopes: ["aspect:delivery", "stage:*"]
        langs: [ID]
        receivers: [telegram, email]
      - name: globex
        brands: [globex]
        receivers: [email]
    default: [slack]
`), receivers)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		a            Attrs
		want, routes string
	}{
		{Attrs{Brand: "acme", Kind: mw.AlertSpike, Scopes: []string{"brand"}, Lang: "en"}, "slack", "default"},
		{Attrs{Brand: "acme", Kind: mw.AlertSpike, Scopes: []string{"aspect:delivery"}, Lang: "id"}, "telegram email", "id delivery"},
		{Attrs{Brand: "acme", Kind: mw.AlertSpike, Scopes: []string{"stage:amot"}, Lang: "id"}, "telegram email", "id delivery"},
		{Attrs{Brand: "acme", Kind: mw.AlertSpike, Scopes: []string{"aspect:delivery"}, Lang: "en"}, "slack", "default"},
		// continue: critical, then the first of the others that matches.
		{Attrs{Brand: "acme", Kind: mw.AlertCritical, Scopes: []string{"mention", "stage:amot"}, Lang: "id"}, "whatsapp telegram email", "critical, id delivery"},
		{Attrs{Brand: "globex", Kind: mw.AlertCritical, Scopes: []string{"mention"}, Lang: "en"}, "whatsapp telegram email", "critical, globex"},
		{Attrs{Brand: "acme", Kind: mw.AlertCritical, Scopes: []string{"mention"}, Lang: "en"}, "whatsapp telegram", "critical"},
	}
	for _, c := range cases {
		got, routes := r.Route(c.a)
		if strings.Join(got, " ") != c.want || strings.Join(routes, ", ") != c.routes {
			t.Errorf("%+v: %v via %v, want %s via %s", c.a, got, routes, c.want, c.routes)
		}
	}
}

func TestNoRoutingSendsEverywhere(t *testing.T) {
	cfg := parse(t, "    routes: []\n")
	r, err := New(cfg, receivers)
	if err != nil {
		t.Fatal(err)
	}
	got, routes := r.Route(Attrs{Brand: "acme", Kind: mw.AlertSpike, Scopes: []string{"brand"}})
	if strings.Join(got, " ") != "slack telegram email whatsapp" || routes[0] != "default" {
		t.Errorf("without routes: %v %v", got, routes)
	}
	var b bytes.Buffer
	r.Describe(&b)
	if !strings.Contains(b.String(), "default (no route matched) -> slack, telegram, email, whatsapp (every notifier)") {
		t.Errorf("tree:\n%s", b.String())
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"    routes: [{receivers: [slak]}]\n", `c.yaml:5: alerts.routing.routes[0].receivers[0]: receiver "slak" is not a configured notifier`},
		// The error names its line (before: "c.yaml: alerts.routing...").
		{"    routes:\n      - name: ops\n        receivers:\n          - slack\n          - slak\n", `c.yaml:9: alerts.routing.routes[0].receivers[1]: receiver "slak"`},
		{"    receivers:\n      slack:\n        quiet_hours: \"22:00\"\n", `c.yaml:7: alerts.routing.receivers.slack.quiet_hours: "22:00" is not a window`},
		{"    routes: [{brands: [initech], receivers: [slack]}]\n", `routes[0].brands[0]: unknown brand "initech"`},
		{"    routes: [{severity: [high], receivers: [slack]}]\n", `"high" is not a severity (use spike, critical or drop)`},
		{"    routes: [{scopes: [\"stage\"], receivers: [slack]}]\n", `"stage" is not a scope`},
		{"    routes: [{scopes: [\"stage:amott\"], receivers: [slack]}]\n", `"stage:amott" names no stage, so it never matches; use one of zmot, fmot, amot`},
		{"    routes: [{scopes: [\"aspect:Delivery\"], receivers: [slack]}]\n", `"aspect:Delivery" names no aspect, so it never matches; use one of app, delivery`},
		{"    routes: [{brands: [acme]}]\n", `routes[0].receivers: a route needs at least one receiver`},
		{"    default: [pager]\n", `alerts.routing.default[0]: receiver "pager"`},
		{"    receivers: {sms: {quiet_hours: \"22:00-07:00\"}}\n", `alerts.routing.receivers.sms: "sms" is not a configured notifier`},
		{"    receivers: {slack: {quiet_hours: \"22:00\"}}\n", `receivers.slack.quiet_hours: "22:00" is not a window`},
		{"    receivers: {slack: {time_zone: Mars/Olympus}}\n", `receivers.slack.time_zone: unknown time zone`},
		{"    receivers: {slack: {rate_limit: {burst: 3}}}\n", `rate_limit.every: is required with burst`},
		{"    receivers: {slack: {rate_limit: {every: 1m}}}\n", `rate_limit.burst: is required with every`},
	}
	for _, c := range cases {
		_, err := New(parse(t, c.yaml), receivers)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

func TestQuietHoursInTheReceiversZone(t *testing.T) {
	jkt, _ := time.LoadLocation("Asia/Jakarta") // UTC+7
	p := &Policy{Loc: jkt, QuietFrom: 22 * 60, QuietTo: 7 * 60, QuietCritical: true}
	cases := []struct {
		utc   string
		quiet bool
		end   string
	}{
		{"2026-12-02T14:59:00Z", false, ""},                    // 21:59 WIB
		{"2026-12-02T15:00:00Z", true, "2026-12-03T00:00:00Z"}, // 22:00 WIB, ends 07:00 WIB next day
		{"2026-12-02T18:30:00Z", true, "2026-12-03T00:00:00Z"}, // 01:30 WIB
		{"2026-12-02T23:59:00Z", true, "2026-12-03T00:00:00Z"}, // 06:59 WIB
		{"2026-12-03T00:00:00Z", false, ""},                    // 07:00 WIB
	}
	for _, c := range cases {
		now, _ := time.Parse(time.RFC3339, c.utc)
		q, end := p.Quiet(now)
		if q != c.quiet || (q && end.UTC().Format(time.RFC3339) != c.end) {
			t.Errorf("%s: quiet %v until %s, want %v until %s", c.utc, q, end.UTC().Format(time.RFC3339), c.quiet, c.end)
		}
	}
	night, _ := time.Parse(time.RFC3339, "2026-12-02T18:30:00Z")
	if until, _ := p.Hold(night, mw.AlertCritical); !until.IsZero() {
		t.Errorf("a critical alert was held in quiet hours with quiet_critical")
	}
	if until, why := p.Hold(night, mw.AlertSpike); until.IsZero() || !strings.Contains(why, "quiet hours until Thu 07:00 WIB") {
		t.Errorf("a spike in quiet hours: until %v, %q", until, why)
	}
	p.QuietCritical = false
	if until, _ := p.Hold(night, mw.AlertCritical); until.IsZero() {
		t.Errorf("quiet_critical: false let a critical alert through")
	}
}

func TestBucket(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	b := NewBucket(2, 10*time.Minute)
	for i := 0; i < 2; i++ {
		if ok, _ := b.Take(t0); !ok {
			t.Fatalf("burst token %d refused", i)
		}
	}
	ok, next := b.Take(t0.Add(time.Minute))
	if ok || !next.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("over the burst: ok %v next %v, want refused until +10m", ok, next)
	}
	if ok, _ := b.Take(t0.Add(10 * time.Minute)); !ok {
		t.Fatal("the refilled token was refused")
	}
	if ok, _ := b.Take(t0.Add(5 * time.Minute)); ok { // the clock went back: nothing added
		t.Fatal("time going backwards added a token")
	}
	if ok, _ := b.Take(t0.Add(24 * time.Hour)); !ok {
		t.Fatal("a full bucket refused")
	}
}

// TestQuietHoursEndAcrossClockChanges: where a clock change skips the
// window's end (Sao Paulo's DST start at midnight) or jumps past it
// (Berlin's spring change inside a 22:00-02:30 window), quiet hours end at
// the first instant after now that is not quiet: never in the past, never
// late; through a repeated hour (Berlin in October) they last to the
// window's end.
func TestQuietHoursEndAcrossClockChanges(t *testing.T) {
	for _, tc := range []struct {
		zone, window string
		now, want    time.Time
	}{
		{"America/Sao_Paulo", "23:00-00:00", time.Date(2018, 11, 4, 2, 30, 0, 0, time.UTC), time.Date(2018, 11, 4, 3, 0, 0, 0, time.UTC)},
		{"America/Sao_Paulo", "22:00-00:30", time.Date(2018, 11, 4, 2, 30, 0, 0, time.UTC), time.Date(2018, 11, 4, 3, 0, 0, 0, time.UTC)},
		{"Europe/Berlin", "22:00-02:30", time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)},
		{"Europe/Berlin", "01:00-02:30", time.Date(2026, 10, 25, 0, 10, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)},
		{"Europe/Berlin", "22:00-07:00", time.Date(2026, 5, 4, 21, 0, 0, 0, time.UTC), time.Date(2026, 5, 5, 5, 0, 0, 0, time.UTC)},
		// New York springs forward at 02:00 EST: time.Date takes the
		// skipped 02:30 as 01:30 EST, inside the window.
		{"America/New_York", "01:00-02:30", time.Date(2026, 3, 8, 6, 0, 0, 0, time.UTC), time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)},
		{"America/New_York", "22:00-02:30", time.Date(2026, 3, 8, 3, 0, 0, 0, time.UTC), time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Skip("no time zone data:", err)
		}
		from, to, ok := parseWindow(tc.window)
		if !ok {
			t.Fatalf("window %q", tc.window)
		}
		p := &Policy{Loc: loc, QuietFrom: from, QuietTo: to}
		q, end := p.Quiet(tc.now)
		if !q || !end.Equal(tc.want) {
			t.Errorf("%s %s at %s: quiet %v until %s, want until %s", tc.zone, tc.window, tc.now.In(loc), q, end.In(loc), tc.want.In(loc))
		}
		if q, _ := p.Quiet(end); q {
			t.Errorf("%s %s: still quiet at the end it gave, %s", tc.zone, tc.window, end.In(loc))
		}
	}
}

// TestRateLimitHoldSaysTheConfiguredLimit: the delayed record of a
// notification over the limit names the limit as configured (burst 5,
// one more every 10m), not as a made-up "5 per 50m0s", and says in plain
// words when it goes out, in the receiver's zone (before: "next token at
// 00:10:00 UTC", the bucket's jargon, without the day).
func TestRateLimitHoldSaysTheConfiguredLimit(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	p := &Policy{Loc: jakarta, Bucket: NewBucket(5, 10*time.Minute)}
	for i := 0; i < 5; i++ {
		if until, why := p.Hold(t0, mw.AlertSpike); !until.IsZero() {
			t.Fatalf("message %d of a burst of 5 held: %s", i+1, why)
		}
	}
	until, why := p.Hold(t0, mw.AlertSpike)
	if want := "over the rate limit of 5 messages at once, then one every 10m: waits until Wed 07:10 WIB"; why != want || !until.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("the sixth is held until %s: %q, want %q", until, why, want)
	}
	// A wait that ends inside a minute says its seconds.
	p = &Policy{Loc: jakarta, Bucket: NewBucket(1, 90*time.Second)}
	p.Hold(t0, mw.AlertSpike)
	if _, why := p.Hold(t0, mw.AlertSpike); why != "over the rate limit of 1 message at once, then one every 1m30s: waits until Wed 07:01:30 WIB" {
		t.Errorf("burst 1, every 90 s: %q", why)
	}
}
