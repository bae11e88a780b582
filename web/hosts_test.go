package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
)

// TestRebindingHostRefused: a DNS-rebinding page reaches the loopback
// dashboard with its own name in Host and a matching Origin. It can
// neither create a silence, acknowledge an alert nor read mentions.
func TestRebindingHostRefused(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{Listen: "127.0.0.1:18080"})
	evil := []string{"Host", "evil.example:18080", "Origin", "http://evil.example:18080", "Sec-Fetch-Site", "same-origin"}
	with := func(kv ...string) []string { return append(append([]string{}, evil...), kv...) }
	for _, tc := range []struct{ method, target, body string }{
		{"POST", "/api/silences", `{"brand":"Acme","for":"7d","reason":"rebinding"}`},
		{"POST", "/ui/silences", "brand=Acme&for=7d"},
		{"POST", "/api/alerts/a1/ack", `{}`},
		{"POST", "/ui/alerts/a1/resolve", ""},
		{"GET", "/api/mentions?brand=Acme&range=30d", ""},
		{"GET", "/", ""},
		{"GET", "/ui/author?author=alice", ""},
		{"GET", "/metrics", ""},
	} {
		ct := "application/json"
		if strings.HasPrefix(tc.target, "/ui/") {
			ct = "application/x-www-form-urlencoded"
		}
		// Even with the page's CSRF token the name is refused.
		w := do(t, h, tc.method, tc.target, strings.NewReader(tc.body), with("Content-Type", ct, "X-CSRF-Token", h.csrfToken)...)
		if w.Code != http.StatusMisdirectedRequest {
			t.Errorf("%s %s with Host evil.example: %d; want 421", tc.method, tc.target, w.Code)
		}
		if strings.Contains(w.Body.String(), "title m1") || strings.Contains(w.Body.String(), h.csrfToken) {
			t.Errorf("%s %s: data served to a foreign host name", tc.method, tc.target)
		}
	}
	ctx := context.Background()
	if ss, _ := st.Silences(ctx, testNow); len(ss) != 0 {
		t.Errorf("a rebinding request created silences: %+v", ss)
	}
	if a, _ := st.Alert(ctx, "a1"); !a.AckedAt.IsZero() || a.State != mw.Firing {
		t.Errorf("a rebinding request changed the alert: %+v", a)
	}
	// /healthz answers any name (load balancers); it says nothing.
	if w := do(t, h, "GET", "/healthz", nil, evil...); w.Code != http.StatusOK {
		t.Errorf("/healthz with a foreign Host: %d", w.Code)
	}
}

// TestHostsServed: the loopback names, the listen host, IP literals and
// web.hosts are served; other names are not.
func TestHostsServed(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{Listen: "127.0.0.1:18080", Hosts: []string{"Mentions.Example.com"}})
	for host, want := range map[string]int{
		"127.0.0.1:18080": 200, "localhost:18080": 200, "LOCALHOST.": 200, "[::1]:18080": 200,
		"mentions.example.com": 200, "mentions.example.com:443": 200, "192.0.2.7:18080": 200,
		"evil.example": 421, "mentions.example.com.evil.example": 421, "": 421, "localhost.evil.example": 421,
	} {
		if w := do(t, h, "GET", "/api/brands", nil, "Host", host); w.Code != want {
			t.Errorf("Host %q: %d; want %d", host, w.Code, want)
		}
	}
}

// TestStateChangeNeedsCredentialsOrToken: on loopback without credentials
// a POST needs the page's CSRF token; a foreign Origin is refused even
// with it; with credentials configured the credentials suffice.
func TestStateChangeNeedsCredentialsOrToken(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{Listen: "127.0.0.1:18080"})
	body := func() *strings.Reader { return strings.NewReader(`{"by":"rina"}`) }
	if w := do(t, h, "POST", "/api/alerts/a1/ack", body(), "Content-Type", "application/json", "Sec-Fetch-Site", "same-origin"); w.Code != http.StatusForbidden {
		t.Errorf("ack without token or credentials: %d; want 403", w.Code)
	}
	if w := do(t, h, "POST", "/api/alerts/a1/ack", body(), "Content-Type", "application/json", "X-CSRF-Token", "guess"); w.Code != http.StatusForbidden {
		t.Errorf("ack with a wrong token: %d; want 403", w.Code)
	}
	if w := do(t, h, "POST", "/api/alerts/a1/ack", body(), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken,
		"Origin", "http://evil.example"); w.Code != http.StatusForbidden {
		t.Errorf("ack with a foreign Origin: %d; want 403", w.Code)
	}
	if a, _ := st.Alert(context.Background(), "a1"); !a.AckedAt.IsZero() {
		t.Fatalf("alert acknowledged without token")
	}
	// The page carries the token for htmx to send.
	page := do(t, h, "GET", "/?brand=Acme&range=24h", nil).Body.String()
	if !strings.Contains(page, `"X-CSRF-Token":"`+h.csrfToken+`"`) {
		t.Fatalf("page does not carry the CSRF token for htmx")
	}
	if w := do(t, h, "POST", "/api/alerts/a1/ack", body(), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken,
		"Origin", "http://127.0.0.1:18080", "Host", "127.0.0.1:18080"); w.Code != http.StatusOK {
		t.Errorf("ack with the token: %d %s", w.Code, w.Body)
	}

	// With a bearer token configured, the credentials are what counts.
	h2 := newTestHandlerOn(t, openStore(t), mw.WebConfig{Listen: "0.0.0.0:8080", Token: "s3cret"})
	if w := do(t, h2, "POST", "/api/alerts/a1/ack", body(), "Content-Type", "application/json", "Authorization", "Bearer s3cret"); w.Code != http.StatusOK {
		t.Errorf("ack with the bearer token: %d %s", w.Code, w.Body)
	}
}

func TestHostsConfigChecked(t *testing.T) {
	for _, h := range []string{"https://mentions.example.com", "mentions.example.com:8443", "10.0.0.0/8", "a b"} {
		if err := CheckAuth(mw.WebConfig{Listen: "127.0.0.1:8080", Hosts: []string{h}}); err == nil || !strings.Contains(err.Error(), "web.hosts") {
			t.Errorf("web.hosts %q: %v; want an error naming web.hosts", h, err)
		}
	}
	if err := CheckAuth(mw.WebConfig{Listen: "127.0.0.1:8080", Hosts: []string{"mentions.example.com", "192.0.2.7"}}); err != nil {
		t.Errorf("valid web.hosts: %v", err)
	}
}

// TestCSRFTokenSharedByMembers: the page's CSRF token comes from the
// action-link key, which every member of a cluster holds (and a restarted
// process keeps): a page served by one member may press a button that a
// load balancer sends to another, or to the same process after a
// restart. A random token per process refused those with 403 "reload the
// page". A dashboard with another key does not take it.
func TestCSRFTokenSharedByMembers(t *testing.T) {
	st := openStore(t)
	seed(t, st)
	member := func(key string) *Handler {
		t.Helper()
		signer, err := actionlink.New([]byte(key))
		if err != nil {
			t.Fatal(err)
		}
		h, err := New(Options{Store: st, Brands: testBrands, Now: func() time.Time { return testNow }, Links: signer})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	a, b := member("cluster-link-key-0123456789"), member("cluster-link-key-0123456789")
	page := do(t, a, "GET", "/?brand=Acme&range=24h", nil).Body.String()
	m := regexp.MustCompile(`"X-CSRF-Token":"([0-9a-f]{64})"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page carries no CSRF token:\n%s", page)
	}
	if w := do(t, b, "POST", "/api/alerts/a1/ack", strings.NewReader(`{}`), "Content-Type", "application/json", "X-CSRF-Token", m[1]); w.Code != http.StatusOK {
		t.Errorf("the other member refused the page's token: %d %s", w.Code, w.Body)
	}
	other := member("another-link-key-0123456789")
	if w := do(t, other, "POST", "/api/alerts/a2/resolve", strings.NewReader(`{}`), "Content-Type", "application/json", "X-CSRF-Token", m[1]); w.Code != http.StatusForbidden {
		t.Errorf("a dashboard with another key took the token: %d %s", w.Code, w.Body)
	}
}
