package scoring

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	mw "github.com/mentionwatch/mentionwatch"
)

// This file holds the labelled data's types and readers, which the model
// trainers and the evaluation (both in scoring/training) read, and the
// tests of this package. Nothing here runs per mention.

// EvalSet is one labelled data set.
type EvalSet struct {
	Name string
	Kind string // "en-rating", "en-class", "id-class", "mentions", "stage", "casa"
	// Type is the source type its items are scored as (mw.Mention.Type):
	// mw.ReviewType for review sentences, "" (no source) otherwise.
	Type  string
	Items []EvalItem
}

// EvalItem is one labelled text.
type EvalItem struct {
	Text    string
	Rating  float64           // en-rating: mean human rating, -4..4
	Class   int               // id-class: clsNeg, clsNeu, clsPos
	Stage   mw.Stage          // stage
	Lang    string            // stage
	Aspects map[string]string // casa: aspect → positive | neutral | negative
	Harm    bool              // mentions: the writer marked it as reporting harm
}

// ReadLines calls fn with each non-blank line of the file at path and its
// 1-based number; an error from fn is returned with the path and line.
func ReadLines(path string, fn func(n int, line string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if err := fn(n, sc.Text()); err != nil {
			return fmt.Errorf("%s line %d: %w", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}

// ReadMoments reads a moments file (moments/dev.tsv, testdata/stage_*.tsv): stage TAB lang TAB sentiment TAB text, with a header.
func ReadMoments(path string) (EvalSet, error) {
	s := EvalSet{Name: "moments/dev", Kind: "stage"}
	err := ReadLines(path, func(n int, line string) error {
		f := strings.SplitN(line, "\t", 4)
		if len(f) != 4 {
			return errors.New("want stage<TAB>lang<TAB>sentiment<TAB>text")
		}
		if f[0] == "stage" {
			return nil // header
		}
		st := mw.Stage(f[0])
		known := false
		for _, k := range mw.Stages {
			known = known || k == st
		}
		if !known {
			return fmt.Errorf("unknown stage %q", f[0])
		}
		c, _ := classOf(f[2])
		s.Items = append(s.Items, EvalItem{Text: f[3], Stage: st, Lang: f[1], Class: c})
		return nil
	})
	if err == nil && len(s.Items) == 0 {
		err = fmt.Errorf("%s: no rows", path)
	}
	return s, err
}

// ParseMentions reads the complaint and praise sets' format: sentiment TAB lang TAB harm TAB text rows with a
// header; harm is yes or no.
func ParseMentions(name, data string) (EvalSet, error) {
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

// ReadSemEval reads a SemEval Task 4A file (id TAB label TAB text, a
// trailing tab allowed). Texts lose the quotes around them and their
// \uXXXX escapes are decoded.
func ReadSemEval(path string) ([]Labeled, error) {
	var out []Labeled
	err := ReadLines(path, func(_ int, line string) error {
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

// Labeled is a text with a gold class (negative, neutral or positive).
type Labeled struct {
	Text  string
	Class int // clsNeg, clsNeu, clsPos
}

// ReadSmSA reads an IndoNLU SmSA file: text TAB label per line.
func ReadSmSA(path string) ([]Labeled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	var out []Labeled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		i := strings.LastIndexByte(line, '\t')
		if i < 0 {
			return nil, fmt.Errorf("%s line %d: want text<TAB>label", path, n)
		}
		c, ok := classOf(strings.TrimSpace(line[i+1:]))
		if !ok {
			return nil, fmt.Errorf("%s line %d: unknown label %q", path, n, line[i+1:])
		}
		out = append(out, Labeled{Text: line[:i], Class: c})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return out, nil
}

func classOf(label string) (int, bool) {
	for c, n := range classNames {
		if n == label {
			return c, true
		}
	}
	return 0, false
}
