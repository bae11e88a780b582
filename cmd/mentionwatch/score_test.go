package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// TestScoreLinesAnyLength: `score` reads lines of any length (here 5 MB,
// beyond any bufio.Scanner buffer it had), CRLF, NUL bytes and invalid
// UTF-8, and scores each as the scorer scores the whole line.
func TestScoreLinesAnyLength(t *testing.T) {
	long := strings.Repeat("terrible ", 5<<20/9)
	atCap := strings.Repeat("a", scoring.MaxScoredBytes-5) + " bad"
	lines := []string{"great product", long, "awful \x00 service \xff\xfe", "", atCap, "ok then"}
	in := lines[0] + "\n" + lines[1] + "\r\n" + lines[2] + "\n\n" + lines[3+1] + "\r\n" + lines[5] // no final newline
	var out bytes.Buffer
	if err := scoreLines(strings.NewReader(in), &out, ""); err != nil {
		t.Fatal(err)
	}
	sc := scoring.NewScorer(nil)
	dec := json.NewDecoder(&out)
	for i, l := range lines {
		var got scoring.Result
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		want := scoring.ScoreTextAs(sc, l, "")
		if got.Sentiment != want.Sentiment || got.Label != want.Label || got.Lang != want.Lang {
			t.Errorf("line %d: got %+v, want %+v", i+1, got, want)
		}
	}
	if dec.More() {
		t.Errorf("more results than lines")
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestScoreLinesKeepsOutputOnReadError: the lines scored before a read
// error are written, and the error names the line.
func TestScoreLinesKeepsOutputOnReadError(t *testing.T) {
	var out bytes.Buffer
	err := scoreLines(io.MultiReader(strings.NewReader("good\nbad\n"), failingReader{}), &out, "")
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v, want the read error at line 3", err)
	}
	if n := strings.Count(out.String(), "\n"); n != 2 {
		t.Errorf("wrote %d results before the error, want 2:\n%s", n, out.String())
	}
}
