package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mentionwatch/mentionwatch/internal/demo"
)

// TestSilenceForReadsConfigDurations: `silence add --for` reads durations
// as the config does, days included ("1d" is the same as "24h"), and its
// help says so without a meaningless default.
func TestSilenceForReadsConfigDurations(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, cfg := buildBinary(t), demoConfigFile(t, "")
	out, err := exec.Command(bin, "silence", "add", "--brand", "Acme", "--for", "1.5d", "--reason", "courier strike", "-c", cfg).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "silenced Acme until") {
		t.Fatalf("silence add --for 1.5d: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "silence", "add", "--for", "-2h", "--reason", "x", "-c", cfg).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--for") {
		t.Errorf("silence add --for -2h: %v\n%s", err, out)
	}
	out, _ = exec.Command(bin, "silence", "add", "--help").CombinedOutput()
	if !strings.Contains(string(out), "1d") || strings.Contains(string(out), "(default 0s)") {
		t.Errorf("help:\n%s", out)
	}
}

// TestSilenceTimesInTheConfiguredZone: the CLI printed its times in UTC
// while every other time people read is in timezone: (Slack, the
// dashboard, digests).
func TestSilenceTimesInTheConfiguredZone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, cfg := buildBinary(t), demoConfigFile(t, "timezone: Asia/Jakarta\n")
	out, err := exec.Command(bin, "silence", "add", "--brand", "Acme", "--for", "2h", "--reason", "courier strike", "-c", cfg).CombinedOutput()
	if err != nil || !strings.Contains(string(out), " WIB:") {
		t.Fatalf("silence add: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "silence", "list", "-c", cfg).CombinedOutput()
	if err != nil || !strings.Contains(string(out), " WIB") || strings.Contains(string(out), "Z ") {
		t.Errorf("silence list: %v\n%s", err, out)
	}
}

// demoConfigFile writes the demo's config (its store in the test's
// directory, no reachable source) after the lines of head, and returns
// its path.
func demoConfigFile(t *testing.T, head string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(head+demo.ConfigYAML("http://127.0.0.1:1", filepath.Join(dir, "mw.db"))), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// A silence whose scope no alert has would mute nothing: `silence add`
// refuses it, and so does the config (exit 2, naming the key), each with
// the scope meant.
func TestSilenceScopeChecked(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, cfg := buildBinary(t), demoConfigFile(t, "")
	out, err := exec.Command(bin, "silence", "add", "--scope", "aspect:Delivery", "--for", "2h", "--reason", "courier strike", "-c", cfg).CombinedOutput()
	if err == nil || !strings.Contains(string(out), `did you mean "aspect:delivery"`) {
		t.Errorf("silence add --scope aspect:Delivery: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "silence", "add", "--scope", "stage:amot", "--for", "2h", "--reason", "courier strike", "-c", cfg).CombinedOutput()
	if err != nil {
		t.Errorf("silence add --scope stage:amot: %v\n%s", err, out)
	}
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), "alerts:\n", "alerts:\n  silences:\n    - {scope: \"stage:amott\", until: \"2030-01-01T00:00:00Z\", reason: strike}\n", 1)
	if err := os.WriteFile(cfg, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(bin, "check-config", "-c", cfg).CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "alerts.silences[0].scope") || !strings.Contains(string(out), `did you mean "stage:amot"`) {
		t.Errorf("check-config: %v\n%s", err, out)
	}
}

// TestSilenceScopeErrorNamesLine: a config silence whose scope mutes
// nothing is refused at its line (before: "c.yaml: alerts.silences[0].scope"
// with no line).
func TestSilenceScopeErrorNamesLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	yml := "brands: [{name: Acme, keywords: [acme]}]\nalerts:\n  silences:\n    - brand: Acme\n      scope: aspect:nosuch\n      until: 2030-01-01T00:00:00Z\n"
	if err := os.WriteFile(path, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(configEnv, path)
	_, err := loadConfig()
	if err == nil || !strings.Contains(err.Error(), "c.yaml:5: alerts.silences[0].scope: ") {
		t.Errorf("err = %v, want it at c.yaml:5", err)
	}
}
