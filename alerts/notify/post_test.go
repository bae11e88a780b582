package notify

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mentionwatch/mentionwatch/alerts"
)

func TestPostKeepsTheURLOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	p := Post{Notifier: "telegram", What: "POST sendMessage", URL: closed + "/botSECRET-TOKEN-123/sendMessage", Hint: "check the api_url", Limit: 16}
	_, _, err = p.Send(context.Background(), http.DefaultClient, []byte(`{}`))
	var de *alerts.DeliveryError
	if !errors.As(err, &de) || de.Permanent || strings.Contains(err.Error(), "SECRET-TOKEN") || !strings.Contains(err.Error(), "POST sendMessage") {
		t.Errorf("transport error: %v (want retryable, named, without the URL)", err)
	}
	p.URL = "http://bad host/botSECRET-TOKEN-123"
	_, _, err = p.Send(context.Background(), http.DefaultClient, nil)
	if !errors.As(err, &de) || !de.Permanent || strings.Contains(err.Error(), "SECRET-TOKEN") {
		t.Errorf("bad URL: %v (want permanent, without the URL)", err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "Bearer x" {
			w.WriteHeader(http.StatusBadRequest)
		}
		w.Write([]byte("0123456789abcdefXYZ"))
	}))
	defer srv.Close()
	p = Post{Notifier: "am", What: "POST x", URL: srv.URL, Limit: 16, Header: func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") }}
	resp, raw, err := p.Send(context.Background(), srv.Client(), []byte(`{}`))
	if err != nil || resp.StatusCode != http.StatusOK || string(raw) != "0123456789abcdef" {
		t.Errorf("got %v %q %v, want 200 and the first 16 bytes", resp, raw, err)
	}
}

// TestPostRedirects: Go's client follows a 301, 302 or 303 to a POST with a
// GET without the body, and Alertmanager (like many APIs) answers GET
// /api/v2/alerts with 200: the alert was lost and counted as delivered.
// Such a redirect is now a permanent error that names where it points; a
// 307 or 308, which keeps the method and the body, is followed.
func TestPostRedirects(t *testing.T) {
	var (
		mu     sync.Mutex
		posted []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved", "/found", "/see-other":
			code := map[string]int{"/moved": 301, "/found": 302, "/see-other": 303}[r.URL.Path]
			http.Redirect(w, r, "/api/v2/alerts?sig=SECRET-SIG-123", code)
		case "/kept":
			http.Redirect(w, r, "/api/v2/alerts", http.StatusPermanentRedirect)
		case "/api/v2/alerts":
			if r.Method == http.MethodPost {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				posted = append(posted, string(b))
				mu.Unlock()
			}
			w.Write([]byte("[]")) // GET lists the alerts
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/moved", "/found", "/see-other"} {
		p := Post{Notifier: "alertmanager", What: "POST /api/v2/alerts", URL: srv.URL + path, Hint: "check notifiers.alertmanager.url", Limit: 64}
		_, _, err := p.Send(context.Background(), srv.Client(), []byte(`[{"labels":{"a":"b"}}]`))
		var de *alerts.DeliveryError
		if !errors.As(err, &de) || !de.Permanent || !strings.Contains(err.Error(), "/api/v2/alerts") || strings.Contains(err.Error(), "SECRET-SIG") {
			t.Errorf("%s: err %v, want a permanent error naming the new address without its secrets", path, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posted) != 0 {
		t.Errorf("posted %q after a method-changing redirect", posted)
	}
	mu.Unlock()
	p := Post{Notifier: "alertmanager", What: "POST /api/v2/alerts", URL: srv.URL + "/kept", Limit: 64}
	resp, _, err := p.Send(context.Background(), srv.Client(), []byte(`[1]`))
	mu.Lock()
	if err != nil || resp.StatusCode != http.StatusOK || len(posted) != 1 || posted[0] != "[1]" {
		t.Errorf("308: %v %v %q, want the body posted at the new address", resp, err, posted)
	}
}
