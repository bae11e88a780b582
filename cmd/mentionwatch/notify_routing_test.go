package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestCheckConfigRoutingAndNotifyTestWhatsApp: check-config prints the
// resolved routing tree without the token, and `notify test whatsapp`
// sends the sample as a template message to a Graph-shaped server.
func TestCheckConfigRoutingAndNotifyTestWhatsApp(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v21.0/106540352242922/messages" || r.Header.Get("Authorization") != "Bearer EAAsecretWA" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":{"message":"Invalid OAuth access token","type":"OAuthException","code":190,"fbtrace_id":"X"}}`))
			return
		}
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
		w.Write([]byte(`{"messaging_product":"whatsapp","contacts":[{"input":"6281234567890","wa_id":"6281234567890"}],"messages":[{"id":"wamid.X"}]}`))
	}))
	defer srv.Close()
	bin := buildBinary(t)
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte(`timezone: Asia/Jakarta
brands: [{name: acme, keywords: [acme]}]
notifiers:
  slack:
    webhook_url: https://hooks.slack.com/services/T0/B0/xyzxyzxyz
  whatsapp:
    phone_number_id: "106540352242922"
    access_token: ${WA_TOKEN}
    to: ["+62 812-3456-7890"]
    template: mention_alert
    language: id
    api_url: `+srv.URL+`
alerts:
  routing:
    routes:
      - {name: critical to care, severity: [critical], receivers: [whatsapp], continue: true}
    receivers:
      whatsapp: {quiet_hours: "22:00-07:00", rate_limit: {burst: 5, every: 10m}}
`), 0o644)
	env := append(os.Environ(), "WA_TOKEN=EAAsecretWA")
	cmd := exec.Command(bin, "check-config", "-c", path)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("check-config: %v\n%s", err, out)
	}
	for _, want := range []string{
		"1. critical to care: severity in [critical] -> whatsapp (then continue)",
		"default (no route matched) -> slack, whatsapp (every notifier)",
		"whatsapp: time zone Asia/Jakarta, quiet 22:00-07:00 (critical goes through), rate limit burst 5",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("check-config lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "EAAsecret") {
		t.Fatalf("token printed:\n%s", out)
	}
	cmd = exec.Command(bin, "notify", "test", "whatsapp", "-c", path)
	cmd.Env = env
	out, err = cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "sent a sample alert to whatsapp") || strings.Contains(string(out), "EAAsecret") {
		t.Fatalf("notify test whatsapp: %v\n%s", err, out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0]["type"] != "template" || got[0]["to"] != "6281234567890" {
		t.Fatalf("requests: %v", got)
	}
}
