package mentionwatch

import (
	"strings"
	"testing"
	"time"
)

// TestVariablesTypedByTheirValue: an unquoted ${VAR} in a number or bool
// key reads as if its value had been written there, and an unset one
// leaves the key at its default (with a warning), instead of failing as a
// string where a number, bool or duration belongs.
func TestVariablesTypedByTheirValue(t *testing.T) {
	yml := `brands: [{name: A, keywords: [a]}]
sources:
  - name: news
    type: rss
    url: https://example.com/feed
    disabled: ${OFF}
    interval: ${IV}
http:
  retry_max: ${RM}
  per_host_rps: ${RPS}
  allow_loopback: ${LOOP}
  timeout: ${UNSET_TIMEOUT}
store:
  batch_size: ${UNSET_BATCH}
  path: ${DB}
`
	cfg, err := ParseConfig("c.yaml", []byte(yml), env(map[string]string{
		"OFF": "true", "IV": "5m", "RM": "3", "RPS": "2.5", "LOOP": "false", "DB": "123",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Sources[0].Disabled || cfg.Sources[0].Interval.D() != 5*time.Minute {
		t.Errorf("source = %+v", cfg.Sources[0])
	}
	if cfg.HTTP.RetryMax != 3 || cfg.HTTP.PerHostRPS != 2.5 || cfg.HTTP.AllowLoopback || cfg.HTTP.Timeout != 0 {
		t.Errorf("http = %+v", cfg.HTTP)
	}
	if cfg.Store.BatchSize != 0 || cfg.Store.Path != "123" {
		t.Errorf("store = %+v", cfg.Store)
	}
	if len(cfg.Warnings) != 2 || !strings.Contains(cfg.Warnings[0], "c.yaml:12: http.timeout: ${UNSET_TIMEOUT} is not set") {
		t.Errorf("warnings = %q", cfg.Warnings)
	}

	// Quoted, the value stays a string, as YAML has it.
	_, err = ParseConfig("c.yaml", []byte("brands: [{name: A, keywords: [a]}]\nhttp:\n  retry_max: \"${RM}\"\n"), env(map[string]string{"RM": "3"}))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:3: http.retry_max: expected a whole number") {
		t.Errorf("quoted number: err = %v", err)
	}
}

// TestVariableEscapesAndBadReferences: $${ is a literal "${"; any other
// "${" that is not a ${NAME} reference (a shell default such as
// ${NAME:-x}) is an error at its line and key, not literal text sent to a
// server; a variable's value is never expanded again.
func TestVariableEscapesAndBadReferences(t *testing.T) {
	const b = "brands: [{name: A, keywords: [a]}]\n"
	cfg, err := ParseConfig("c.yaml", []byte(b+"web:\n  password: \"p$${X}q ${PW}\"\n"), env(map[string]string{"PW": "a${X}b", "X": "no"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Web.Password.Value(); got != "p${X}q a${X}b" {
		t.Errorf("password = %q, want %q", got, "p${X}q a${X}b")
	}
	for _, v := range []string{"${PORT:-8080}", "${PORT", "${1X}", "x ${} y"} {
		_, err := ParseConfig("c.yaml", []byte(b+"web:\n  token: \"secret-"+v+"\"\n"), env(nil))
		if err == nil || !strings.Contains(err.Error(), "c.yaml:3: web.token:") || !strings.Contains(err.Error(), "$${") ||
			strings.Contains(err.Error(), "secret-") {
			t.Errorf("%s: err = %v", v, err)
		}
	}
}

// TestNegativeNumbersAndUnknownLogSettingsRefused: values the program
// would quietly replace by its default (a negative size, rate or count, a
// misspelt log level or format) are errors naming the key.
func TestNegativeNumbersAndUnknownLogSettingsRefused(t *testing.T) {
	const b = "brands: [{name: A, keywords: [a]}]\n"
	for _, tc := range []struct{ yml, want string }{
		{"http: {max_body_bytes: -1}", "c.yaml:2: http.max_body_bytes: must be a number, 0 or more"},
		{"http: {per_host_rps: -0.5}", "c.yaml:2: http.per_host_rps: must be a number, 0 or more"},
		{"http: {per_host_rps: .nan}", "c.yaml:2: http.per_host_rps: must be a number, 0 or more"},
		{"http: {per_host_burst: -2}", "c.yaml:2: http.per_host_burst: must be a number, 0 or more"},
		{"store: {batch_size: -10}", "c.yaml:2: store.batch_size: must be a number, 0 or more"},
		{"store: {spool_max_bytes: -1}", "c.yaml:2: store.spool_max_bytes: must be a number, 0 or more"},
		{"store: {retention_days: -30}", "c.yaml:2: store.retention_days: must be a number, 0 or more"},
		{"store: {flush_interval: 1ns}", "c.yaml:2: store.flush_interval: 1ns is too short"},
		{"log: {level: debgu}", `c.yaml:2: log.level: unknown level "debgu"`},
		{"log: {format: jsn}", `c.yaml:2: log.format: unknown format "jsn"`},
		{"log: {format: JSON}", `c.yaml:2: log.format: unknown format "JSON" (use text or json)`},
	} {
		_, err := ParseConfig("c.yaml", []byte(b+tc.yml+"\n"), env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.yml, err, tc.want)
		}
	}
	cfg, err := ParseConfig("c.yaml", []byte(b+"log: {level: WARN, format: json}\nhttp: {retry_max: -1}\nstore: {flush_interval: 10ms}\n"), env(nil))
	if err != nil || cfg.Log.Level != "WARN" {
		t.Errorf("valid settings: %v", err)
	}
}

// TestKeywordsThatMatchNothingRefused: keywords without a letter or digit
// (an unset ${VAR} expands to nothing) would match no text at all.
func TestKeywordsThatMatchNothingRefused(t *testing.T) {
	yml := "brands:\n  - name: A\n    keywords: [\"${BRAND_KW}\", \"!!\"]\n"
	_, err := ParseConfig("c.yaml", []byte(yml), env(nil))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:3: brands[A].keywords: no keyword has a letter or digit") {
		t.Errorf("err = %v", err)
	}
	if _, err := ParseConfig("c.yaml", []byte(yml), env(map[string]string{"BRAND_KW": "acme"})); err != nil {
		t.Errorf("with the variable set: %v", err)
	}
}

// TestYAMLSyntaxErrorsNameTheirLine: the YAML parser counts the lines of
// its errors from 0 (and names none on the first line); the config error
// names the real line, and says how to write a ${VAR} inside { } or [ ].
func TestYAMLSyntaxErrorsNameTheirLine(t *testing.T) {
	for _, tc := range []struct{ yml, want string }{
		{"brands: [{name: A, keywords: [a]}]\nweb: {token: ${TOKEN}}\n",
			`c.yaml:2: not valid YAML: did not find expected ',' or '}' (inside [ ] or { }, quote a ${VAR}: "${VAR}")`},
		{"web: {token: ${TOKEN}}\n", `c.yaml:1: not valid YAML: did not find expected ',' or '}'`},
		{"brands: [{name: A, keywords: [a]}]\nhttp:\n  allow_hosts: [a, b\n", `c.yaml:3: not valid YAML: did not find expected ',' or ']'`},
		{"brands: [{name: A, keywords: [a]}]\nhttp:\n  timeout: 1s\n allow_loopback: true\n", `c.yaml:4: not valid YAML: did not find expected key`},
		{"brands: [{name: A, keywords: [a]}]\nhttp:\n  timeout: 1s\n  allow_hosts: [a\n", `c.yaml:4: not valid YAML: did not find expected ',' or ']'`},
		// Scanner errors already count from 1.
		{"x: 1\ny: 2\n  a: b\n", "c.yaml:3: not valid YAML: mapping values are not allowed in this context"},
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.yml), env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n err = %v\nwant %s", tc.yml, err, tc.want)
		}
	}
}

// TestNumericLookingSecretsKeepTheirText: typing an expanded ${VAR} by its
// value must not change a string key's text: a token that reads as a hex,
// octal or exponent number, or as a bool, is kept exactly as set.
func TestNumericLookingSecretsKeepTheirText(t *testing.T) {
	for _, v := range []string{"0x1F", "0777", "1e3", "1_000", "true", "0o17", "+12", ".5"} {
		cfg, err := ParseConfig("c.yaml", []byte("brands: [{name: A, keywords: [a]}]\nweb:\n  token: ${TOKEN}\nstore:\n  path: ${DB}\n"),
			env(map[string]string{"TOKEN": v, "DB": v}))
		if err != nil {
			t.Errorf("%q: %v", v, err)
			continue
		}
		if got := cfg.Web.Token.Value(); got != v {
			t.Errorf("web.token ${TOKEN}=%q read as %q", v, got)
		}
		if cfg.Store.Path != v {
			t.Errorf("store.path ${DB}=%q read as %q", v, cfg.Store.Path)
		}
	}
}
