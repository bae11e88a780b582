package mentionwatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := LoadConfig("config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Brands) != 1 || len(cfg.Sources) < 2 || cfg.Brands[0].Competitors[0].Name != "Roboclean" {
		t.Fatalf("unexpected config: %+v", cfg)
	}
}

func TestUnknownKeyNamesFileLineKey(t *testing.T) {
	for _, tc := range []struct{ yml, want string }{
		{"brands:\n  - name: A\n    keywords: [a]\n    keywrds: [b]\n", `c.yaml:4: brands[A].keywrds: unknown key (did you mean "keywords"?)`},
		{"brands: [{name: A, keywords: [a]}]\nstroe:\n  type: embedded\n", `c.yaml:2: stroe: unknown key (did you mean "store"?)`},
		{"brands: [{name: A, keywords: [a]}]\nalerts:\n  bucket: 5x\n", `invalid duration`},
		{"brands: [{name: A, keywords: [a]}]\nstore: {type: mysql}\n", `unknown store type`},
		{"brands: [{name: A, keywords: [a]}]\nsources: [{name: s}]\n", `missing type`},
		{"brands: [{name: A, keywords: [a]}]\nweb: {listen: \"0.0.0.0:8080\"}\n", `c.yaml: web: web.listen "0.0.0.0:8080" is not a loopback address: set web.token`},
		{"brands: [{name: A, keywords: [a]}]\nweb: {listen: \":8080\", username: ops}\n", `web.password is empty`},
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.yml), env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	yml := "brands: [{name: A, keywords: [a]}]\nnotifiers:\n  slack:\n    webhook_url: ${SLACK_WEBHOOK_URL}\nstore:\n  type: clickhouse\n  dsn: clickhouse://u:${PW}@h:9000/db\n"
	cfg, err := ParseConfig("c.yaml", []byte(yml), env(map[string]string{"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/XYZ", "PW": "hunter2"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Notifiers.Slack.WebhookURL.Value() != "https://hooks.slack.com/services/T/B/XYZ" || !strings.Contains(cfg.Store.DSN.Value(), "hunter2") {
		t.Fatal("secret not expanded")
	}
	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("cfg", "slack", cfg.Notifiers.Slack, "dsn", cfg.Store.DSN)
	js, _ := json.Marshal(cfg)
	ym, _ := yaml.Marshal(cfg)
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", *cfg.Notifiers.Slack), "%#v": fmt.Sprintf("%#v", cfg.Store),
		"%s": fmt.Sprintf("%s", cfg.Store.DSN), "json": string(js), "yaml": string(ym), "slog": logBuf.String(),
	} {
		if strings.Contains(out, "XYZ") || strings.Contains(out, "hunter2") {
			t.Errorf("%s leaks a secret: %s", name, out)
		}
	}
	if !strings.Contains(string(ym), "<secret>") {
		t.Errorf("yaml does not show <secret>: %s", ym)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]string{"5m": "5m0s", "1d": "24h0m0s", "90s": "1m30s"} {
		d, err := ParseDuration(in)
		if err != nil || d.String() != want {
			t.Errorf("%s: %v %v", in, d, err)
		}
	}
}

func TestAlertsValidation(t *testing.T) {
	base := "brands:\n  - name: Acme\n    keywords: [acme]\nalerts:\n"
	cases := map[string]string{
		"  detector: magic\n": "alerts.detector",
		"  bucket: 10s\n":     "alerts.bucket",
		"  silences:\n    - {brand: Acme, until: tomorrow}\n":                 "alerts.silences[0].until",
		"  silences:\n    - {brand: Nope, until: \"2026-12-01T00:00:00Z\"}\n": "alerts.silences[0].brand",
	}
	for snippet, key := range cases {
		_, err := ParseConfig("c.yaml", []byte(base+snippet), func(string) (string, bool) { return "", false })
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%q: error %v, want one naming %s", snippet, err, key)
		}
	}
	if _, err := ParseConfig("c.yaml", []byte(base+"  detector: threshold\n  silences:\n    - {brand: Acme, until: \"2026-12-01T00:00:00Z\"}\n"), func(string) (string, bool) { return "", false }); err != nil {
		t.Errorf("valid alerts config: %v", err)
	}
}

func TestTimezone(t *testing.T) {
	base := "brands: [{name: A, keywords: [a]}]\n"
	for _, tc := range []struct{ yml, want, err string }{
		{base, "UTC", ""},
		{base + "timezone: Asia/Jakarta\n", "Asia/Jakarta", ""},
		{base + "timezone: UTC\n", "UTC", ""},
		{base + "timezone: Asia/Jakartaa\n", "", `c.yaml: timezone: unknown time zone "Asia/Jakartaa": use an IANA name such as Asia/Jakarta`},
		{base + "timezone: Local\n", "", `c.yaml: timezone: "Local" depends on the host`},
		{base + "timezone: ../../etc/passwd\n", "", `unknown time zone`},
	} {
		cfg, err := ParseConfig("c.yaml", []byte(tc.yml), env(nil))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err = %v, want %q", tc.yml, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.yml, err)
		}
		if got := cfg.Location().String(); got != tc.want {
			t.Errorf("%q: location %s, want %s", tc.yml, got, tc.want)
		}
	}
}

func TestLinkSecretNeverPrints(t *testing.T) {
	yml := "brands: [{name: A, keywords: [a]}]\nweb:\n  listen: 127.0.0.1:8080\n  link_secret: ${LINK}\n"
	cfg, err := ParseConfig("c.yaml", []byte(yml), env(map[string]string{"LINK": "s3cr3t-link-key-0123"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Web.LinkSecret.Value() != "s3cr3t-link-key-0123" {
		t.Fatal("link secret not expanded")
	}
	js, _ := json.Marshal(cfg)
	if out := fmt.Sprintf("%v %+v %s", cfg, cfg.Web, js); strings.Contains(out, "s3cr3t") || !strings.Contains(out, "<secret>") {
		t.Errorf("link secret leaks or is not shown as <secret>: %s", out)
	}
}
