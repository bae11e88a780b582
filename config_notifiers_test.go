package mentionwatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestNotifierChannelSecretsNeverPrint: the channels under notifiers:
// other than slack and webhook are kept as YAML nodes until their own
// structs decode them, so json.Marshal of the config (and a JSON log line
// of it) printed their tokens and passwords as expanded from ${ENV}. The
// config's JSON now names those channels and nothing of their keys.
func TestNotifierChannelSecretsNeverPrint(t *testing.T) {
	yml := `brands: [{name: A, keywords: [a]}]
notifiers:
  slack:
    webhook_url: ${SLACK}
  telegram:
    bot_token: ${TG}
    chat_id: "-100"
  teams:
    webhook_url: ${TEAMS}
  email:
    host: smtp.example.com
    username: alerts
    password: ${SMTP}
    from: a@example.com
    to: [b@example.com]
`
	secrets := map[string]string{
		"SLACK": "https://hooks.slack.com/services/T/B/slackSECRET1", "TG": "123456:telegramSECRET2",
		"TEAMS": "https://x.logic.azure.com/workflows/1/invoke?sig=teamsSECRET3", "SMTP": "smtpSECRET4",
	}
	cfg, js, logged := printedConfig(t, yml, secrets, func(c *Config) any { return c.Notifiers })
	outs := map[string]string{
		"json": js, "slog json": logged,
		"%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", cfg.Notifiers), "%#v": fmt.Sprintf("%#v", cfg.Notifiers),
	}
	for name, out := range outs {
		for _, s := range []string{"slackSECRET1", "telegramSECRET2", "teamsSECRET3", "smtpSECRET4"} {
			if strings.Contains(out, s) {
				t.Errorf("%s leaks %s: %s", name, s, out)
			}
		}
	}
	var back struct{ Notifiers struct{ Channels []string } }
	if err := json.Unmarshal([]byte(js), &back); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(back.Notifiers.Channels, ","); got != "email,teams,telegram" {
		t.Errorf("the JSON names channels %q, want email,teams,telegram", got)
	}
}

// TestSourceSecretsNeverPrint: a source's own keys (an API key expanded
// from ${ENV}) are kept as its YAML node until the collector decodes
// them; json.Marshal of the config printed that node whole.
func TestSourceSecretsNeverPrint(t *testing.T) {
	yml := `brands: [{name: A, keywords: [a]}]
sources:
  - name: yt
    type: youtube
    api_key: ${YT}
`
	_, js, logged := printedConfig(t, yml, map[string]string{"YT": "ytSECRET5"}, func(c *Config) any { return c.Sources })
	for name, out := range map[string]string{"json": js, "slog json": logged} {
		if strings.Contains(out, "ytSECRET5") {
			t.Errorf("%s leaks the source's API key: %s", name, out)
		}
		if !strings.Contains(out, `"yt"`) {
			t.Errorf("%s lost the source's name: %s", name, out)
		}
	}
}

// printedConfig parses yml with the variables in vars, and returns the
// config, its JSON, and a JSON log line of the part that part picks.
func printedConfig(t *testing.T, yml string, vars map[string]string, part func(*Config) any) (*Config, string, string) {
	t.Helper()
	cfg, err := ParseConfig("c.yaml", []byte(yml), env(vars))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("cfg", "part", part(cfg))
	return cfg, string(js), logBuf.String()
}
