package collectors

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

func TestRetryAfterHonoured(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 100, AllowLoopback: true})
	start := time.Now()
	resp, err := c.Get(context.Background(), srv.URL, nil)
	if err != nil || string(resp.Body) != "ok" || calls.Load() != 2 {
		t.Fatalf("resp %v err %v calls %d", resp, err, calls.Load())
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Fatalf("retried before Retry-After elapsed")
	}
}

func TestLongRetryAfterReturnedToScheduler(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "quota", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	_, err := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 100, AllowLoopback: true}).Get(context.Background(), srv.URL, nil)
	if d, ok := RetryAfter(err); !ok || d != time.Hour {
		t.Fatalf("RetryAfter = %v %v (err %v)", d, ok, err)
	}
	if IsAuth(err) {
		t.Fatal("429 is not an auth error")
	}
}

func TestRobots(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
			return
		}
		w.Write([]byte("page"))
	}))
	defer srv.Close()
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 100, AllowLoopback: true})
	if _, err := c.Do(context.Background(), Request{URL: srv.URL + "/reviews", CheckRobots: true}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Do(context.Background(), Request{URL: srv.URL + "/private/x", CheckRobots: true})
	if err == nil || !strings.Contains(err.Error(), "robots.txt") {
		t.Fatalf("err = %v", err)
	}
}

func TestMaskURL(t *testing.T) {
	got := MaskURL("https://user:pw@api.example.com/v3/x?part=snippet&key=AIzaSECRET")
	if strings.Contains(got, "SECRET") || strings.Contains(got, "pw") {
		t.Fatalf("secret leaked: %s", got)
	}
}

func TestNextDelayBacksOff(t *testing.T) {
	if d := NextDelay(time.Minute, 0, 0); d < 54*time.Second || d > 66*time.Second {
		t.Fatalf("no error: %v", d)
	}
	if d := NextDelay(time.Minute, 3, 0); d < 3*time.Minute || d > 5*time.Minute {
		t.Fatalf("3 errors: %v", d)
	}
	if d := NextDelay(time.Hour, 20, 0); d > MaxBackoff+MaxBackoff/10 {
		t.Fatalf("cap: %v", d)
	}
	if d := NextDelay(time.Minute, 0, time.Hour); d != time.Hour {
		t.Fatalf("retry-after: %v", d)
	}
}

func TestParseRetryAfterVariants(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		header, value string
		want          time.Duration
	}{
		{"Retry-After", "7", 7 * time.Second},
		{"Retry-After", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"X-Rate-Limit-Reset", strconv.FormatInt(now.Add(time.Minute).Unix(), 10), time.Minute},    // X
		{"RateLimit-Reset", strconv.FormatInt(now.Add(2*time.Minute).Unix(), 10), 2 * time.Minute}, // Bluesky
		{"X-RateLimit-Reset", now.Add(5 * time.Minute).Format(time.RFC3339Nano), 5 * time.Minute},  // Mastodon
		{"X-RateLimit-Reset", now.Add(-time.Minute).Format(time.RFC3339), 0},
		{"Retry-After", "soon", 0},
	}
	for _, c := range cases {
		h := http.Header{}
		h.Set(c.header, c.value)
		if got, _ := RateLimitWait(h, now); got != c.want {
			t.Errorf("%s: %s = %v, want %v", c.header, c.value, got, c.want)
		}
	}
}

// TestHugeRetryAfterCapped: a Retry-After (or rate-limit reset) of a year,
// or one so large that seconds overflow a Duration, must not park the
// source for years: the wait is capped at MaxRetryAfter.
func TestHugeRetryAfterCapped(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ header, value string }{
		{"Retry-After", "31536000"},                      // a year
		{"Retry-After", "99999999999"},                   // overflows seconds → Duration
		{"Retry-After", "9223372036854775807"},           // math.MaxInt64
		{"Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"}, // an HTTP date far away
		{"X-Rate-Limit-Reset", "99999999999999"},         // an epoch far away
		{"X-RateLimit-Reset", "9999-12-31T23:59:59Z"},
	} {
		h := http.Header{}
		h.Set(tc.header, tc.value)
		got, _ := RateLimitWait(h, now)
		if got <= 0 || got > MaxRetryAfter {
			t.Errorf("%s: %s = %v, want a wait in (0, %v]", tc.header, tc.value, got, MaxRetryAfter)
		}
	}
	// A collector may build its own wait (x: x-rate-limit-reset); the
	// scheduler caps what any service asks for.
	if d := NextDelay(time.Minute, 1, 100*365*24*time.Hour); d > MaxRetryAfter {
		t.Errorf("NextDelay with a 100-year Retry-After = %v, want at most %v", d, MaxRetryAfter)
	}
	if d := NextDelay(time.Minute, 1, 2*time.Hour); d < 2*time.Hour {
		t.Errorf("NextDelay ignored a 2h Retry-After: %v", d)
	}
}

// TestRequestSecretsNotEchoed: a server may echo the request back: a
// redirect whose Location keeps the query (and fails to parse), an error
// page that quotes the URL or the Authorization header. The API key in the
// query and the bearer token must still print as <secret> in the error.
func TestRequestSecretsNotEchoed(t *testing.T) {
	const apiKey, bearer = "AIzaSyEchoedKey0001", "eyJhbGciOiJIUzI1NiJ9.echoed.token"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bad-location":
			w.Header().Set("Location", "http://[::1%zz/v3/search?"+r.URL.RawQuery)
			w.WriteHeader(http.StatusFound)
		case "/echo-url":
			http.Error(w, `{"error": "no route for `+r.URL.String()+`"}`, http.StatusNotFound)
		case "/echo-auth":
			http.Error(w, "invalid token: "+r.Header.Get("Authorization"), http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, RetryMax: -1, AllowLoopback: true})
	for _, path := range []string{"/bad-location", "/echo-url", "/echo-auth"} {
		_, err := c.Get(context.Background(), srv.URL+path+"?part=snippet&key="+apiKey, http.Header{"Authorization": {"Bearer " + bearer}})
		if err == nil {
			t.Fatalf("%s: no error", path)
		}
		if msg := err.Error(); strings.Contains(msg, apiKey) || strings.Contains(msg, bearer) || !strings.Contains(msg, "<secret>") {
			t.Errorf("%s: %s", path, msg)
		}
	}
}

// TestHugeHeadersBounded: a server's headers are bounded, and an ETag or
// Last-Modified that a source would keep in its cursor and send back on
// every run is not kept when it is longer than maxValidator.
func TestHugeHeadersBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/long-validators":
			w.Header().Set("ETag", `"`+strings.Repeat("e", 64<<10)+`"`)
			w.Header().Set("Last-Modified", strings.Repeat("Mon, 02 Jan 2006 ", 4<<10))
		case "/huge-headers":
			for i := range 3 {
				w.Header().Set("X-Pad-"+strconv.Itoa(i), strings.Repeat("p", 1<<20))
			}
		}
		w.Write([]byte("feed"))
	}))
	defer srv.Close()
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, RetryMax: -1, AllowLoopback: true})
	resp, err := c.Get(context.Background(), srv.URL+"/long-validators", nil)
	if err != nil || string(resp.Body) != "feed" {
		t.Fatalf("long validators: %v", err)
	}
	if len(resp.ETag) > maxValidator || len(resp.LastModified) > maxValidator {
		t.Fatalf("kept an ETag of %d bytes and a Last-Modified of %d bytes", len(resp.ETag), len(resp.LastModified))
	}
	if _, err := c.Get(context.Background(), srv.URL+"/huge-headers", nil); err == nil || !strings.Contains(err.Error(), "exceeded") {
		t.Fatalf("3 MiB of headers: err %v, want one saying they exceeded the bound", err)
	}
}

// TestUnaskedContentEncodingRefused: only gzip is asked for, and the
// transport decodes it. A body in another coding (br, deflate, gzip twice)
// is refused with an error that names it, instead of reaching a parser as
// bytes that fail with "not a feed".
func TestUnaskedContentEncodingRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", r.URL.Query().Get("ce"))
		w.Write([]byte("\x1b\x03\x00\xf8\xa5\x40\x02"))
	}))
	defer srv.Close()
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, RetryMax: -1, AllowLoopback: true})
	for _, ce := range []string{"br", "deflate", "gzip, gzip", "x-bomb"} {
		_, err := c.Get(context.Background(), srv.URL+"/?ce="+url.QueryEscape(ce), nil)
		if err == nil || !strings.Contains(err.Error(), "Content-Encoding "+strconv.Quote(ce)) {
			t.Errorf("%s: err %v, want one naming the coding", ce, err)
		}
	}
	if resp, err := c.Get(context.Background(), srv.URL+"/?ce=identity", nil); err != nil || len(resp.Body) == 0 {
		t.Errorf("identity: %v", err)
	}
}

// TestSlowBodyTimesOut: a server that sends its body a byte at a time
// without end is cut by the one deadline of the whole request, and the
// error says it timed out and what to change.
func TestSlowBodyTimesOut(t *testing.T) {
	done := make(chan struct{})
	defer close(done)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for range 5000 {
			select {
			case <-done:
				return
			case <-r.Context().Done():
				return
			case <-tick.C:
			}
			w.Write([]byte("<"))
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, RetryMax: -1, AllowLoopback: true, Timeout: mw.Duration(300 * time.Millisecond)})
	_, err := c.Get(context.Background(), srv.URL, nil)
	if err == nil || !strings.Contains(err.Error(), "timed out") || !strings.Contains(err.Error(), "raise http.timeout") {
		t.Fatalf("err %v, want a timeout that names http.timeout", err)
	}
}

// TestRobotsServerErrorNotCached: a robots.txt that answers 503 is a
// passing failure, not the site's rule: the page is not fetched, the error
// says robots.txt failed (not that it disallows the page) and carries the
// Retry-After, and the next run asks robots.txt again.
func TestRobotsServerErrorNotCached(t *testing.T) {
	var robots atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			if robots.Add(1) == 1 {
				w.Header().Set("Retry-After", "120")
				http.Error(w, "maintenance", http.StatusServiceUnavailable)
				return
			}
			w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
			return
		}
		w.Write([]byte("page"))
	}))
	defer srv.Close()
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, RetryMax: -1, AllowLoopback: true})
	_, err := c.Do(context.Background(), Request{URL: srv.URL + "/reviews", CheckRobots: true})
	if err == nil || errors.Is(err, ErrRobots) || !strings.Contains(err.Error(), "robots.txt") || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("robots.txt 503: err %v, want a robots.txt fetch failure, not a disallow", err)
	}
	if d, ok := RetryAfter(err); !ok || d != 2*time.Minute {
		t.Errorf("RetryAfter = %v %v, want 2m", d, ok)
	}
	if resp, err := c.Do(context.Background(), Request{URL: srv.URL + "/reviews", CheckRobots: true}); err != nil || string(resp.Body) != "page" {
		t.Fatalf("next run, robots.txt answers: %v", err)
	}
	if _, err := c.Do(context.Background(), Request{URL: srv.URL + "/private/x", CheckRobots: true}); !errors.Is(err, ErrRobots) {
		t.Fatalf("disallowed page: %v", err)
	}
}

// A POST (a login carrying a password) redirected with 307/308 to another
// host is refused: Go would resend the body there. A redirect on the same
// host, and a GET's redirect to another host, still follow.
func TestBodyNotResentToAnotherHost(t *testing.T) {
	var leaked []byte
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked, _ = io.ReadAll(r.Body)
		io.WriteString(w, "{}")
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/steal", http.StatusTemporaryRedirect)
		case "/moved":
			http.Redirect(w, r, "/final", http.StatusPermanentRedirect)
		case "/final":
			b, _ := io.ReadAll(r.Body)
			w.Write(b)
		}
	}))
	defer srv.Close()
	c := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 1000, PerHostBurst: 1000, RetryMax: -1, AllowLoopback: true})
	body := []byte(`{"identifier":"acme.bsky.social","password":"app-pass-1234"}`)
	_, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL + "/login", Body: body})
	if err == nil || !strings.Contains(err.Error(), "another host") || leaked != nil {
		t.Fatalf("err %v, leaked %q", err, leaked)
	}
	resp, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL + "/moved", Body: body})
	if err != nil || string(resp.Body) != string(body) {
		t.Fatalf("same-host redirect: %v", err)
	}
	if _, err := c.Get(context.Background(), srv.URL+"/login", nil); err != nil {
		t.Fatalf("GET redirected to another host: %v", err)
	}
}

// TestHugeRetryAfterReported: a wait asked for beyond MaxRetryAfter was
// cut to it silently: the error said "retry after 24h0m0s" as if the
// service had asked for a day. It says the service asked for longer, with
// the header as sent, whichever header it was; a wait within the cap is
// reported as it was asked.
func TestHugeRetryAfterReported(t *testing.T) {
	far := time.Now().AddDate(5, 0, 0)
	for _, tc := range []struct {
		status        int
		header, value string
		capped        bool
	}{
		{429, "Retry-After", "31536000", true},
		{503, "Retry-After", far.UTC().Format(http.TimeFormat), true},
		{429, "X-Rate-Limit-Reset", strconv.FormatInt(far.Unix(), 10), true},
		{429, "X-RateLimit-Reset", far.UTC().Format(time.RFC3339), true},
		{429, "Retry-After", "86400", false},
		{503, "Retry-After", "120", false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(tc.header, tc.value)
			http.Error(w, "slow down", tc.status)
		}))
		_, err := NewHTTPClient(mw.HTTPConfig{PerHostRPS: 100, AllowLoopback: true, RetryMax: -1}).Get(context.Background(), srv.URL, nil)
		srv.Close()
		d, ok := RetryAfter(err)
		if !ok || d > MaxRetryAfter || (tc.capped && d != MaxRetryAfter) {
			t.Errorf("%s: %s: RetryAfter = %v, %v; want at most %v", tc.header, tc.value, d, ok, MaxRetryAfter)
		}
		reported := strings.Contains(err.Error(), "asked for longer") && strings.Contains(err.Error(), tc.value)
		if reported != tc.capped {
			t.Errorf("%s: %s: error %q; want the cut reported with the value asked: %v", tc.header, tc.value, err, tc.capped)
		}
	}
}
