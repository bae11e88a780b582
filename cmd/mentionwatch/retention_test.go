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

// TestEmbeddedRetentionWarns: store.retention_days deletes nothing on the
// embedded store (only ClickHouse has TTL), so setting it there is a
// config warning that names the key and the way to delete old mentions,
// and check-config --strict fails on it, instead of the store growing
// while the operator believes old mentions go.
func TestEmbeddedRetentionWarns(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	text := strings.Replace(demo.ConfigYAML("http://127.0.0.1:1", filepath.Join(dir, "mw.db")),
		"  type: embedded\n", "  type: embedded\n  retention_days: 30\n", 1)
	os.WriteFile(cfgPath, []byte(text), 0o644)

	out, err := exec.Command(bin, "check-config", "-c", cfgPath).CombinedOutput()
	if err != nil {
		t.Fatalf("check-config: %v\n%s", err, out)
	}
	for _, want := range []string{"warning:", "store.retention_days", "embedded store", "docs/OPERATIONS.md"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("check-config output lacks %q:\n%s", want, out)
		}
	}
	out, err = exec.Command(bin, "check-config", "--strict", "-c", cfgPath).CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Errorf("check-config --strict passed with retention_days on the embedded store: %v\n%s", err, out)
	}

	// Without the key, no warning.
	os.WriteFile(cfgPath, []byte(demo.ConfigYAML("http://127.0.0.1:1", filepath.Join(dir, "mw.db"))), 0o644)
	out, err = exec.Command(bin, "check-config", "--strict", "-c", cfgPath).CombinedOutput()
	if err != nil || strings.Contains(string(out), "retention_days") {
		t.Errorf("check-config --strict without retention_days: %v\n%s", err, out)
	}
}
