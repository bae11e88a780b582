package scoring

import (
	_ "embed"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// The complaint and praise sets (testdata/complaints_*.tsv): 602 brand
// mentions, half English, half Indonesian, written and labelled for the
// project before anything scored them (docs/BENCHMARKS.md). The design
// half may be looked at while the scorer is changed; the unseen half is
// measured, never tuned on. They are embedded so that `mentionwatch eval
// sentiment` prints them wherever it runs.

//go:embed testdata/complaints_design.tsv
var complaintsDesign string

//go:embed testdata/complaints_unseen.tsv
var complaintsUnseen string

// mentionSets returns the two complaint and praise sets.
func mentionSets() ([]EvalSet, error) {
	var out []EvalSet
	for _, f := range []struct{ name, data string }{
		{"complaints_design", complaintsDesign},
		{"complaints_unseen", complaintsUnseen},
	} {
		s, err := parseMentions(f.name, f.data)
		if err != nil {
			return nil, fmt.Errorf("embedded testdata/%s.tsv: %w", f.name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// parseMentions reads sentiment TAB lang TAB harm TAB text rows with a
// header; harm is yes or no.
func parseMentions(name, data string) (EvalSet, error) {
	s := EvalSet{Name: name, Kind: "mentions"}
	for n, line := range strings.Split(data, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.SplitN(line, "\t", 4)
		if len(f) != 4 {
			return s, fmt.Errorf("line %d: want sentiment<TAB>lang<TAB>harm<TAB>text", n+1)
		}
		if f[0] == "sentiment" {
			continue // header
		}
		c, ok := classOf(f[0])
		if !ok {
			return s, fmt.Errorf("line %d: unknown sentiment %q", n+1, f[0])
		}
		if f[2] != "yes" && f[2] != "no" {
			return s, fmt.Errorf("line %d: harm %q, want yes or no", n+1, f[2])
		}
		s.Items = append(s.Items, EvalItem{Text: f[3], Class: c, Lang: f[1], Harm: f[2] == "yes"})
	}
	if len(s.Items) == 0 {
		return s, errors.New("no rows")
	}
	return s, nil
}

// readSemEval reads a SemEval Task 4A file: id TAB label TAB text (a
// trailing tab allowed), label positive, neutral or negative.
func readSemEval(path, name string) (EvalSet, error) {
	rows, err := ReadSemEval(path)
	if err != nil {
		return EvalSet{}, err
	}
	s := EvalSet{Name: name, Kind: "en-class"}
	for _, r := range rows {
		s.Items = append(s.Items, EvalItem{Text: r.Text, Class: r.Class})
	}
	return s, nil
}

// ReadSemEval reads a SemEval Task 4A file (id TAB label TAB text, a
// trailing tab allowed). Texts lose the quotes around them and their
// \uXXXX escapes are decoded.
func ReadSemEval(path string) ([]Labeled, error) {
	var out []Labeled
	err := readLines(path, func(_ int, line string) error {
		f := strings.SplitN(strings.TrimRight(line, "\t\r"), "\t", 3)
		if len(f) != 3 {
			return errors.New("want id<TAB>label<TAB>text")
		}
		c, ok := classOf(strings.TrimSpace(f[1]))
		if !ok {
			return fmt.Errorf("unknown label %q", f[1])
		}
		out = append(out, Labeled{Text: cleanSemEval(f[2]), Class: c})
		return nil
	})
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("%s: no rows", path)
	}
	return out, err
}

// cleanSemEval strips the CSV quotes around a tweet and decodes the
// \uXXXX escapes some years' files carry (\u2019, \u002c).
func cleanSemEval(t string) string {
	t = strings.TrimSpace(t)
	if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
		t = strings.ReplaceAll(t[1:len(t)-1], `""`, `"`)
	} else if len(t) >= 1 && t[0] == '"' {
		t = t[1:]
	}
	if !strings.Contains(t, `\u`) {
		return t
	}
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		if t[i] == '\\' && i+5 < len(t)+0 && i+6 <= len(t) && t[i+1] == 'u' {
			var r rune
			ok := true
			for _, c := range t[i+2 : i+6] {
				switch {
				case c >= '0' && c <= '9':
					r = r<<4 | (c - '0')
				case c >= 'a' && c <= 'f':
					r = r<<4 | (c - 'a' + 10)
				case c >= 'A' && c <= 'F':
					r = r<<4 | (c - 'A' + 10)
				default:
					ok = false
				}
			}
			if ok {
				b.WriteRune(r)
				i += 5
				continue
			}
		}
		b.WriteByte(t[i])
	}
	return b.String()
}

// semevalTest is the SemEval file reported on and never selected on.
func semevalTestPath(dataDir string) string {
	return filepath.Join(dataDir, "sentiment-en", "semeval", "2016test.tsv")
}
