package mentionwatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
		{"brands: [{name: A, keywords: [a]}]\nweb: {listen: \"0.0.0.0:8080\"}\n", `c.yaml:2: web.listen: "0.0.0.0:8080" is not a loopback address: set web.token`},
		// A web: check names its key's line, not web:'s (before: "c.yaml:2: web: web.listen ...").
		{"brands: [{name: A, keywords: [a]}]\nweb:\n  token: t\n  listen: \"localhost:99999\"\n", `c.yaml:4: web.listen: "localhost:99999": port "99999" is not a number`},
		{"brands: [{name: A, keywords: [a]}]\nweb:\n  users:\n    session_ttl: 30s\n", `c.yaml:4: web.users.session_ttl: 30s is shorter than a minute`},
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
		"  bucket: 61500ms\n": "not a whole number of seconds",
		"  silences:\n    - {brand: Acme, until: tomorrow}\n":                 "alerts.silences[0].until",
		"  silences:\n    - {brand: Nope, until: \"2026-12-01T00:00:00Z\"}\n": "alerts.silences[0].brand",
		// It divides the spike detector's thresholds: every bucket or none would fire.
		"  sensitivity: .inf\n": "c.yaml:5: alerts.sensitivity: must be a finite number above 0",
		"  sensitivity: .nan\n": "c.yaml:5: alerts.sensitivity: must be a finite number above 0",
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
		{base + "timezone: Asia/Jakartaa\n", "", `c.yaml:2: timezone: unknown time zone "Asia/Jakartaa": use an IANA name such as Asia/Jakarta`},
		{base + "timezone: Local\n", "", `c.yaml:2: timezone: "Local" depends on the host`},
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

// TestBadDurationsAreConfigErrors: negative and overflowing durations fail
// with the file, the line of the value and its key, so `run` never sees them.
func TestBadDurationsAreConfigErrors(t *testing.T) {
	src := "brands: [{name: A, keywords: [a]}]\nsources:\n  - name: s\n    type: rss\n    url: https://e.com/f\n    interval: %s\n"
	for _, v := range []string{"-5m", "-1d", "1e9d", "NaNd", "infd", "1dd", "0.5s"} {
		_, err := ParseConfig("c.yaml", []byte(fmt.Sprintf(src, v)), env(nil))
		if err == nil || !strings.Contains(err.Error(), "c.yaml:6: sources[s].interval") {
			t.Errorf("interval %s: err = %v, want one at c.yaml:6 naming sources[s].interval", v, err)
		}
	}
	for _, tc := range []struct{ yml, want string }{
		{"brands: [{name: A, keywords: [a]}]\nhttp:\n  timeout: -30s\n", "c.yaml:3: http.timeout"},
		{"brands: [{name: A, keywords: [a]}]\nalerts:\n  bucket: 5x\n", "c.yaml:3: alerts.bucket: invalid duration"},
		{"brands: [{name: A, keywords: [a]}]\nalerts:\n\n  warmup: -1h\n", "c.yaml:4: alerts.warmup"},
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.yml), env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	if _, err := ParseConfig("c.yaml", []byte(fmt.Sprintf(src, "1d")), env(nil)); err != nil {
		t.Errorf("interval 1d: %v", err)
	}
}

func TestParseDurationRejectsOverflowAndJunk(t *testing.T) {
	for _, in := range []string{"1e9d", "1dd", "NaNd", "+Infd", "d", "1 d", "5m d"} {
		if d, err := ParseDuration(in); err == nil {
			t.Errorf("%q = %v, want an error", in, d)
		}
	}
	if d, err := ParseDuration("1.5d"); err != nil || d != 36*time.Hour {
		t.Errorf("1.5d = %v, %v", d, err)
	}
}

// TestUnsetVariableWarns: an unset ${VAR} turns a notifier off; the config
// says so in its warnings (check-config prints them and fails on --strict).
func TestUnsetVariableWarns(t *testing.T) {
	yml := "brands: [{name: A, keywords: [a]}]\nnotifiers:\n  slack:\n    webhook_url: ${SLACK_WEBHOOK_URL}\n"
	cfg, err := ParseConfig("c.yaml", []byte(yml), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], "c.yaml:4: notifiers.slack.webhook_url: ${SLACK_WEBHOOK_URL} is not set") ||
		!strings.Contains(cfg.Warnings[0], "notifier is off") {
		t.Errorf("warnings = %q", cfg.Warnings)
	}
	cfg, err = ParseConfig("c.yaml", []byte(yml), env(map[string]string{"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/X"}))
	if err != nil || len(cfg.Warnings) != 0 {
		t.Errorf("set variable: %v %q", err, cfg.Warnings)
	}
}

// TestNonYAMLFileIsNotEchoed: pointing -c at a system file must not print
// its contents in the error.
func TestNonYAMLFileIsNotEchoed(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"shadow": "root:$6$saltsalt$HASHSECRET:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
		"passwd": "root:x:0:0:HASHSECRET:/root:/bin/bash\n",
		"binary": "\x00\x01HASHSECRET\xff\xfe",
		"list":   "- HASHSECRET\n- other\n",
		"ini":    "[section]\nkey = HASHSECRET\n",
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(body), 0o600)
		_, err := LoadConfig(path)
		if err == nil || strings.Contains(err.Error(), "HASHSECRET") || !strings.Contains(err.Error(), "YAML") {
			t.Errorf("%s: err = %v, want a YAML error that does not echo the file", name, err)
		}
	}
}

// TestConfigSizeCapped: /dev/zero (or any huge file) is refused after the
// cap instead of being read without end.
func TestConfigSizeCapped(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := LoadConfig("/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "larger than 4 MiB") {
		t.Errorf("err = %v", err)
	}
}

// TestOwnPageSourcesNeedOneBrand: reviews on a brand's own page rarely name
// it, so a reviews or appstore source must say whose page it is; otherwise
// every review would be dropped while the cursor moves past it.
func TestOwnPageSourcesNeedOneBrand(t *testing.T) {
	declareForTest(t, "reviews", SourceTraits{ReachWeight: 1.3, OwnPage: true})
	declareForTest(t, "appstore", SourceTraits{ReachWeight: 1.3, OwnPage: true})
	declareForTest(t, "rss", SourceTraits{ReachWeight: 1.5})
	two := "brands:\n  - {name: A, keywords: [a]}\n  - {name: B, keywords: [b]}\nsources:\n  - name: r\n    type: reviews\n    url: https://e.com/r\n"
	_, err := ParseConfig("c.yaml", []byte(two), env(nil))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:5: sources[r].brands: a reviews source needs exactly one brand") {
		t.Errorf("two brands, none on the source: err = %v", err)
	}
	if _, err := ParseConfig("c.yaml", []byte(two+"    brands: [A, B]\n"), env(nil)); err == nil {
		t.Error("two brands on a reviews source: no error")
	}
	cfg, err := ParseConfig("c.yaml", []byte(two+"    brands: [B]\n"), env(nil))
	if err != nil || len(cfg.Sources[0].Brands) != 1 {
		t.Errorf("one brand: %v", err)
	}
	one := "brands:\n  - {name: A, keywords: [a], competitors: [{name: C, keywords: [c]}]}\nsources:\n  - {name: r, type: appstore, app_id: \"1\"}\n  - {name: n, type: rss, url: https://e.com/f}\n"
	cfg, err = ParseConfig("c.yaml", []byte(one), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Sources[0].Brands; len(got) != 1 || got[0] != "A" {
		t.Errorf("the only brand is not the appstore source's default: %q", got)
	}
	if got := cfg.Sources[1].Brands; len(got) != 0 {
		t.Errorf("rss source got brands %q", got)
	}
}

func TestUnsetVariableInDisabledSourceIsQuiet(t *testing.T) {
	yml := "brands: [{name: A, keywords: [a]}]\nsources:\n  - {name: off, type: rss, url: \"${FEED_URL}\", disabled: true}\n  - {name: on, type: rss, url: \"${OTHER_URL}\"}\n"
	cfg, err := ParseConfig("c.yaml", []byte(yml), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], "sources[on].url: ${OTHER_URL} is not set") {
		t.Errorf("warnings = %q", cfg.Warnings)
	}
}

// TestWrongTypesNameLineAndKey: a value of the wrong type is reported at
// its own line and key, without quoting the value (a ${VAR} may have put
// a secret there).
func TestWrongTypesNameLineAndKey(t *testing.T) {
	const b = "brands: [{name: A, keywords: [a]}]\n"
	for _, tc := range []struct{ yml, want string }{
		{b + "store:\n  batch_size: ${PW}\n", "c.yaml:3: store.batch_size: expected a whole number (int)"},
		{b + "http:\n  respect_robots: sometimes\n", "c.yaml:3: http.respect_robots: expected true or false"},
		{b + "notifiers:\n  slack:\n    webhook_url: {a: b}\n", "c.yaml:4: notifiers.slack.webhook_url: expected a single value"},
		{b + "sources:\n  name: s\n", "c.yaml:3: sources: expected a list, not a mapping"},
		{b + "sources: [abc]\n", "c.yaml:2: sources[0]: expected a mapping of the source's keys"},
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.yml), env(map[string]string{"PW": "hunter2-secret"}))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: err = %v, want %q", tc.yml, err, tc.want)
		}
	}
}

// TestSecondYAMLDocumentRefused: settings after a "---" line form a second
// YAML document, which nothing read: they were silently ignored. A
// trailing empty document is harmless; a syntax error after it is not.
func TestSecondYAMLDocumentRefused(t *testing.T) {
	const b = "brands: [{name: A, keywords: [a]}]\n"
	for _, tc := range []struct{ yml, want string }{
		{b + "---\nalerts: {detector: threshold}\n", "c.yaml:2: a second YAML document starts here (---): mentionwatch reads only the first"},
		{b + "---\n---\nlog: {level: debug}\n", "c.yaml:3: a second YAML document"},
		{b + "---\nlog: {level: [\n", "not valid YAML"},
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.yml), env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.yml, err, tc.want)
		}
	}
	for _, yml := range []string{b + "---\n", b + "...\n", "---\n" + b, b + "---\n# nothing more\n"} {
		if _, err := ParseConfig("c.yaml", []byte(yml), env(nil)); err != nil {
			t.Errorf("%q: %v", yml, err)
		}
	}
}

// TestDuplicateKeysNameLineAndKey: a key given twice was reported by the
// YAML library as "c.yaml: line 8: mapping key ... already defined",
// without the file:line form or the key path; a source's own keys too.
func TestDuplicateKeysNameLineAndKey(t *testing.T) {
	const b = "brands: [{name: A, keywords: [a]}]\n"
	for _, tc := range []struct{ yml, want string }{
		{b + "store:\n  type: embedded\n  type: clickhouse\n", "c.yaml:4: store.type: given twice (first at line 3): keep one"},
		{b + "sources:\n  - name: s\n    type: rss\n    url: https://a.example/f\n    url: https://b.example/f\n", "c.yaml:6: sources[s].url: given twice (first at line 5)"},
		{b + "notifiers:\n  telegram:\n    chat_id: \"1\"\n    chat_id: \"2\"\n", "c.yaml:5: notifiers.telegram.chat_id: given twice (first at line 4)"},
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.yml), env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.yml, err, tc.want)
		}
	}
}

// TestCheckErrorsNameTheLineOfTheirKey: the checks after decoding (time
// zone, store type, silences, keywords...) named the key but no line.
func TestCheckErrorsNameTheLineOfTheirKey(t *testing.T) {
	for _, tc := range []struct{ yml, want string }{
		{"brands: [{name: A, keywords: [a]}]\n\ntimezone: WIB\n", "c.yaml:3: timezone: unknown time zone"},
		{"brands: [{name: A, keywords: [a]}]\nstore:\n  path: x.db\n  type: mysql\n", "c.yaml:4: store.type: unknown store type"},
		{"brands: [{name: A, keywords: [a]}]\nalerts:\n  silences:\n    - {brand: A, until: 2026-12-01T00:00:00Z}\n    - brand: A\n      until: tomorrow\n",
			"c.yaml:6: alerts.silences[1].until:"},
		{"brands:\n  - name: A\n    keywords: [a]\n  - name: \"B.v2 [beta]\"\n    keywords: [\"!!\"]\n", "c.yaml:5: brands[B.v2 [beta]].keywords:"},
		{"brands:\n  - name: A\n    keywords: [a]\n    competitors:\n      - name: R\n        keywords: [\"--\"]\n", "c.yaml:6: brands[A].competitors[R].keywords:"},
		// A required key that is missing: the line of its parent.
		{"brands:\n  - name: A\n  - name: B\n", "c.yaml:2: brands[A].keywords: at least one keyword"},
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.yml), env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.yml, err, tc.want)
		}
	}
}

// TestDuplicateBrandNamesRefused: two brands of one name loaded, and were
// stored, counted and alerted on as one brand, the second's competitors
// left out of the first's digest.
func TestDuplicateBrandNamesRefused(t *testing.T) {
	yml := "brands:\n  - name: Acme\n    keywords: [acme]\n  - name: Globex\n    keywords: [globex]\n  - name: Acme\n    keywords: [acme store]\n"
	_, err := ParseConfig("c.yaml", []byte(yml), env(nil))
	want := `c.yaml:6: brands[Acme].name: a second brand named "Acme" (the first is at line 2)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// TestConfigPathIsADirectory: -c naming a directory said only "read X: is
// a directory"; it now says to name the file.
func TestConfigPathIsADirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my conf ü")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(dir)
	want := dir + " is a directory: give the config file's path, such as -c " + filepath.Join(dir, "config.yaml")
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
	// A file on a path with spaces and non-ASCII letters loads.
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte("brands: [{name: A, keywords: [a]}]\n"), 0o644)
	if cfg, err := LoadConfig(path); err != nil || cfg.File != path {
		t.Errorf("%s: %v", path, err)
	}
}

// TestYAMLMistakesSayWhatToDo: a tab that indents a line and an unquoted
// @handle were "found character that cannot start any token" alone; an
// unquoted #hashtag list item ("- #acmeid") was a comment, so the item was
// silently dropped and check-config said ok. Each now says what to do.
func TestYAMLMistakesSayWhatToDo(t *testing.T) {
	for _, tc := range []struct{ yml, want string }{
		{"brands:\n\t- name: A\n", `c.yaml:2: not valid YAML: found character that cannot start any token (a tab indents this line: YAML indents with spaces only)`},
		{"brands:\n  - name: A\n    keywords: [a, @a_id]\n", `c.yaml:3: not valid YAML: found character that cannot start any token (a value that starts with @ or ` + "`" + ` must be quoted, such as "@acme")`},
		{"brands:\n  - name: A\n    keywords:\n      - a\n      - #aid\n", `c.yaml:5: brands[A].keywords[1]: an empty list item (a # after a space starts a comment: quote a hashtag, "#acmeid")`},
		{"brands:\n  - name: A\n    keywords: [a]\n    exclude:\n      -\n", `c.yaml:5: brands[A].exclude[0]: an empty list item`},
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.yml), env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.yml, err, tc.want)
		}
	}
}

// TestFormatDuration: settings show as a config writes them (before: Go's
// "30m0s", "48h0m0s" in check-config and the routing summary), and what
// it writes reads back as the same duration.
func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Minute:               "30m",
		90 * time.Minute:               "1h30m",
		time.Hour:                      "1h",
		90 * time.Second:               "1m30s",
		45 * time.Second:               "45s",
		48 * time.Hour:                 "2d",
		14 * 24 * time.Hour:            "14d",
		36 * time.Hour:                 "36h",
		1500 * time.Millisecond:        "1.5s",
		0:                              "0s",
		24*time.Hour + 30*time.Minute:  "24h30m",
		10*time.Minute + 5*time.Second: "10m5s",
	} {
		got := FormatDuration(d)
		if got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := ParseDuration(got); err != nil || back != d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", got, back, err, d)
		}
	}
}
