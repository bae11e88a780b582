package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestPlainLinesAndFinish(t *testing.T) {
	var buf bytes.Buffer
	b := NewWriter(&buf, "eval", 10, false)
	b.every = 0
	b.Add(5)
	b.Add(5)
	b.Finish()
	b.Finish()
	out := buf.String()
	if !strings.Contains(out, "eval: 5/10 (50%)") || !strings.Contains(out, "eval: 10/10 (100%)") {
		t.Fatalf("unexpected progress output:\n%s", out)
	}
	if strings.Count(out, "10/10") != 3-1 {
		t.Fatalf("Finish should print once more, got:\n%s", out)
	}
}

func TestTTYRedraws(t *testing.T) {
	var buf bytes.Buffer
	b := NewWriter(&buf, "ingest", 0, true)
	b.every = 0
	b.Add(3)
	b.Finish()
	if !strings.HasPrefix(buf.String(), "\ringest: 3") || !strings.HasSuffix(buf.String(), "\n") {
		t.Fatalf("unexpected tty output %q", buf.String())
	}
}
