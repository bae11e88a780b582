package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckConfigNamesMisspelledKeyAndLine(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte("brands:\n  - name: Acme\n    keywords: [acme]\nsources:\n  - name: news\n    type: rss\n    url: https://example.com/feed\n    intervall: 5m\n"), 0o644)
	out, err := exec.Command(bin, "check-config", "-c", path).CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("check-config exited 0 on a bad config:\n%s", out)
	}
	for _, want := range []string{"config.yaml:8", "intervall", `did you mean "interval"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// The shipped example passes.
	out, err = exec.Command(bin, "check-config", "-c", "../../config.yaml").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("example config: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "hooks.slack.com") {
		t.Fatal("secret printed")
	}
}

func TestCollectorsListsTypes(t *testing.T) {
	out, err := exec.Command(buildBinary(t), "collectors").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "rss\n") {
		t.Fatalf("collectors output:\n%s", out)
	}
}

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	cmd := exec.Command(buildBinary(t), "demo")
	cmd.Env = append(os.Environ(), "SLACK_WEBHOOK_URL=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "demo: collected=") || strings.Contains(last, "alerts=0") || strings.Contains(last, "stored=0") {
		t.Fatalf("last line %q\n%s", last, out)
	}
}
