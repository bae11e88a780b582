package web

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestLoginThrottledPerClient: failed logins from one client drain its
// budget; then it gets 429 with Retry-After whatever it sends, while
// another client is unaffected; the budget refills with time. Every
// failure is logged with client, user and count.
func TestLoginThrottledPerClient(t *testing.T) {
	st := openStore(t)
	seed(t, st)
	var logBuf bytes.Buffer
	var mu sync.Mutex
	now := testNow
	h, err := New(Options{Store: st, Brands: testBrands, Auth: mw.WebConfig{Listen: "0.0.0.0:8080", Username: "ops", Password: "pw"},
		Log: slog.New(slog.NewJSONHandler(&logBuf, nil)),
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	if err != nil {
		t.Fatal(err)
	}
	get := func(client, user, pass string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/api/brands", nil)
		r.Host, r.RemoteAddr = "127.0.0.1:8080", client+":40000"
		r.SetBasicAuth(user, pass)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	var codes []int
	for i := 0; i < 12; i++ {
		codes = append(codes, get("192.0.2.1", "admin", "guess"+strconv.Itoa(i)).Code)
	}
	if codes[0] != http.StatusUnauthorized || codes[len(codes)-1] != http.StatusTooManyRequests {
		t.Fatalf("codes for 12 wrong passwords: %v; want 401 first, 429 at the end", codes)
	}
	w := get("192.0.2.1", "ops", "pw")
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("right password while throttled: %d; want 429 (no password test while throttled)", w.Code)
	}
	ra, err := strconv.Atoi(w.Header().Get("Retry-After"))
	if err != nil || ra < 1 {
		t.Fatalf("Retry-After %q", w.Header().Get("Retry-After"))
	}
	if w := get("198.51.100.7", "ops", "pw"); w.Code != http.StatusOK {
		t.Fatalf("another client: %d; want 200", w.Code)
	}
	mu.Lock()
	now = now.Add(time.Duration(ra) * time.Second)
	mu.Unlock()
	if w := get("192.0.2.1", "ops", "pw"); w.Code != http.StatusOK {
		t.Fatalf("after Retry-After: %d; want 200", w.Code)
	}
	logs := logBuf.String()
	for _, want := range []string{`"msg":"login failed"`, `"client":"192.0.2.1"`, `"user":"admin"`, `"failures":3`, `"msg":"login throttled"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "guess") {
		t.Errorf("a tried password was logged")
	}
}

// TestStaticNoDirectoryListing: /static/ serves files, never a listing.
func TestStaticNoDirectoryListing(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	for _, p := range []string{"/static/", "/static/vendor/", "/static/vendor", "/static/nope.js"} {
		if w := do(t, h, "GET", p, nil); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d; want 404\n%.200s", p, w.Code, w.Body)
		}
	}
	if w := do(t, h, "GET", "/static/app.js", nil); w.Code != http.StatusOK {
		t.Errorf("GET /static/app.js: %d", w.Code)
	}
}

// TestQueryValuesEncoded: an author name with &, =, # and spaces goes into
// hx-get as one percent-encoded value, not as extra parameters.
func TestQueryValuesEncoded(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	author := "eve&brand=Roboclean#frag x+y"
	m := mention("Acme", "m9", author, -0.95, mw.Negative, mw.AMOT, 50, time.Hour)
	if err := st.InsertMentions(context.Background(), []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	page := do(t, h, "GET", "/?brand=Acme&range=24h", nil).Body.String()
	found := false
	for _, m := range regexp.MustCompile(`(hx-get|hx-post|href)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		u, err := url.Parse(html.UnescapeString(m[2]))
		if err != nil {
			t.Errorf("%s=%q does not parse: %v", m[1], m[2], err)
			continue
		}
		if u.Path == "/ui/author" {
			if q := u.Query(); len(q) != 1 || len(q["author"]) != 1 || u.Fragment != "" {
				t.Errorf("hx-get %q reads as %v #%q; want one author value", m[2], q, u.Fragment)
			}
			found = found || u.Query().Get("author") == author
		}
	}
	if !found {
		t.Fatalf("no author history link for %q on the page", author)
	}
}

// selfSigned writes a certificate and key for 127.0.0.1 and returns their
// paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mentionwatch test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestTLS: with web.tls_cert and web.tls_key the dashboard speaks HTTPS;
// check-config refuses files that do not load, naming the key.
func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	cfg := mw.WebConfig{Listen: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile}
	if err := CheckAuth(cfg); err != nil {
		t.Fatal(err)
	}
	h, _ := newTestHandler(t, mw.WebConfig{})
	ln, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeListener(ctx, ln, h, nil) }()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + ln.Addr().String() + "/api/brands")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil || !strings.Contains(string(b), "Acme") {
		t.Errorf("HTTPS GET: %d tls=%v %s", resp.StatusCode, resp.TLS != nil, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		cfg  mw.WebConfig
		want string
	}{
		{mw.WebConfig{Listen: "127.0.0.1:8443", TLSCert: certFile}, "web.tls_key"},
		{mw.WebConfig{Listen: "127.0.0.1:8443", TLSCert: filepath.Join(t.TempDir(), "missing.pem"), TLSKey: keyFile}, "web.tls_cert"},
		{mw.WebConfig{Listen: "127.0.0.1:8443", TLSCert: keyFile, TLSKey: certFile}, "web.tls_cert"},
		{mw.WebConfig{Listen: "0.0.0.0:8443", TLSCert: certFile, TLSKey: keyFile}, "web.token"},
	} {
		if err := CheckAuth(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v; want an error naming %s", tc.cfg, err, tc.want)
		}
	}
	yml := "brands: [{name: A, keywords: [a]}]\nweb: {listen: \"127.0.0.1:8443\", tls_cert: /nonexistent/cert.pem, tls_key: /nonexistent/key.pem}\n"
	if _, err := mw.ParseConfig("c.yaml", []byte(yml), func(string) (string, bool) { return "", false }); err == nil || !strings.Contains(err.Error(), "web.tls_cert") {
		t.Errorf("check-config with missing TLS files: %v", err)
	}
}

// Pages link their assets with the build's version (?v=), which may be
// cached for a year; after an upgrade the URL changes, so no browser runs
// an old app.js. A URL without it (or with an old one) is revalidated.
func TestStaticAssetsVersioned(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	body := do(t, h, "GET", "/", nil).Body.String()
	want := `src="/static/app.js?v=` + assetVersion() + `"`
	if !strings.Contains(body, want) {
		t.Fatalf("no %s in the page", want)
	}
	for target, cc := range map[string]string{
		"/static/app.js?v=" + assetVersion(): "public, max-age=31536000, immutable",
		"/static/app.js?v=0123456789ab":      "no-cache",
		"/static/app.js":                     "no-cache",
	} {
		w := do(t, h, "GET", target, nil)
		if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != cc {
			t.Errorf("%s: %d, Cache-Control %q, want %q", target, w.Code, w.Header().Get("Cache-Control"), cc)
		}
	}
}

// TestLoginThrottledPerUser: guesses at one user's password spread over
// many addresses, each failing only once, still drain that user's budget:
// then even the right password gets 429 with Retry-After, from any
// address, on the login form and with basic auth, while other users log
// in; the budget refills with time.
func TestLoginThrottledPerUser(t *testing.T) {
	e := newUsersEnv(t, mw.WebConfig{Username: "ops", Password: "bootstrap-pw-1"})
	client := func(i int) string { return fmt.Sprintf("203.0.113.%d", i%250+1) }
	var codes []int
	for i := range userBurst + 1 {
		codes = append(codes, e.login("ana", "guess"+strconv.Itoa(i), client(i)).Code)
	}
	if codes[0] != http.StatusUnauthorized || codes[len(codes)-1] != http.StatusTooManyRequests {
		t.Fatalf("wrong passwords for ana, each from a new address: %v; want 401 first, 429 at the end", codes)
	}
	w := e.login("ana", "agent-password-22", "198.51.100.77")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("ana's right password from a fresh address while her budget is spent: %d (Retry-After %q); want 429",
			w.Code, w.Header().Get("Retry-After"))
	}
	if w := e.login("ada", "admin-password-333", "198.51.100.78"); w.Code != http.StatusSeeOther {
		t.Fatalf("another user: %d; want 303", w.Code)
	}
	for i := range userBurst + 1 {
		r := httptest.NewRequest("GET", "/api/me", nil)
		r.Host, r.RemoteAddr = "127.0.0.1:8080", client(i+100)+":40000"
		r.SetBasicAuth("ops", "guess"+strconv.Itoa(i))
		e.h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if code, _ := e.me(t, "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("ops:bootstrap-pw-1"))); code != http.StatusTooManyRequests {
		t.Fatalf("basic auth as ops after %d wrong passwords from many addresses: %d; want 429", userBurst+1, code)
	}
	ra, _ := strconv.Atoi(w.Header().Get("Retry-After"))
	e.advance(time.Duration(ra) * time.Second)
	if w := e.login("ana", "agent-password-22", "198.51.100.77"); w.Code != http.StatusSeeOther {
		t.Fatalf("after Retry-After: %d; want 303", w.Code)
	}
	if !strings.Contains(e.log.String(), `"user_failures":`) {
		t.Errorf("failed logins do not log the user's count:\n%s", e.log)
	}
}

// TestHSTSOverHTTPS: over HTTPS every response, a refusal, a missing
// asset and a misdirected request included, tells the browser to come
// back only over HTTPS (Strict-Transport-Security), so a later plain
// http:// link or a network attacker's downgrade cannot expose the
// session cookie or the login form; over plain HTTP it is not sent
// (browsers ignore it there, and it would pin a dashboard that has no
// TLS).
func TestHSTSOverHTTPS(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{Listen: "0.0.0.0:8443", Token: "tok-0123456789"})
	for _, tc := range []struct{ target, host string }{
		{"https://127.0.0.1:8443/api/brands", "127.0.0.1:8443"},
		{"https://127.0.0.1:8443/static/missing.js", "127.0.0.1:8443"},
		{"https://127.0.0.1:8443/", "evil.example"},
	} {
		r := httptest.NewRequest("GET", tc.target, nil)
		r.Host = tc.host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got := w.Header().Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
			t.Errorf("HTTPS %s (Host %s): %d with Strict-Transport-Security %q; want max-age", tc.target, tc.host, w.Code, got)
		}
	}
	r := httptest.NewRequest("GET", "http://127.0.0.1:8443/api/brands", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if got := w.Header().Get("Strict-Transport-Security"); got != "" {
		t.Errorf("plain HTTP: Strict-Transport-Security %q; want none", got)
	}
}
