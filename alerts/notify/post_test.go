package notify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
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
