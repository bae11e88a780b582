package critical

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// Example is one row of a labelled critical-mention set
// (alerts/testdata/critical_*.tsv: label, lang, category, text).
type Example struct {
	Critical bool
	Lang     string // en | id
	Category string // the harm the writer meant; "none" for near-misses
	Text     string
}

// ReadSet reads a labelled set. Lines starting with '#' and blank lines are
// skipped; any other line must have four tab-separated fields and a label
// of critical or ok.
func ReadSet(path string) ([]Example, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading critical set: %w", err)
	}
	defer fh.Close()
	var out []Example
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, "\t", 4)
		if len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: want label<TAB>lang<TAB>category<TAB>text, got %d fields", path, n, len(f))
		}
		var crit bool
		switch f[0] {
		case "critical":
			crit = true
		case "ok":
		default:
			return nil, fmt.Errorf("%s:%d: label %q is neither critical nor ok", path, n, f[0])
		}
		out = append(out, Example{Critical: crit, Lang: f[1], Category: f[2], Text: f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w (lines are limited to 1 MiB)", path, err)
	}
	return out, nil
}

// Counts is a confusion matrix of the matcher against a labelled set.
type Counts struct {
	TP, FP, FN, TN int
}

// Recall is TP / (TP + FN); 0 when the set has no critical rows.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// Precision is TP / (TP + FP); 0 when nothing was flagged.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

func (c *Counts) add(gold, got bool) {
	switch {
	case gold && got:
		c.TP++
	case gold:
		c.FN++
	case got:
		c.FP++
	default:
		c.TN++
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score is the matcher's result on a labelled set: overall and per language,
// with the rows it got wrong.
type Score struct {
	All    Counts
	ByLang map[string]*Counts
	Missed []Example // critical rows not flagged
	Wrong  []Example // ok rows flagged
}

// Evaluate runs m over the examples as an alert does (Matcher.Check: the
// phrase lists, then the learned model).
func Evaluate(m *Matcher, ex []Example) Score { return EvaluateWith(m.Check, ex) }

// EvaluateWith runs find over the examples (m.Find: the phrase lists
// alone).
func EvaluateWith(find func(string) (Harm, bool), ex []Example) Score {
	s := Score{ByLang: map[string]*Counts{}}
	for _, e := range ex {
		_, got := find(e.Text)
		s.All.add(e.Critical, got)
		c := s.ByLang[e.Lang]
		if c == nil {
			c = &Counts{}
			s.ByLang[e.Lang] = c
		}
		c.add(e.Critical, got)
		switch {
		case e.Critical && !got:
			s.Missed = append(s.Missed, e)
		case !e.Critical && got:
			s.Wrong = append(s.Wrong, e)
		}
	}
	return s
}

// ReadTexts reads the texts of a sentiment set in ../shared/data: rows of
// id<TAB>rating-or-label<TAB>text (sentiment-en, semeval) or text<TAB>label
// (sentiment-id), told apart by the field count; more than three fields
// are a text with tabs. fn is called per text.
func ReadTexts(r io.Reader, name string, fn func(text string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\t\r")
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		switch {
		case len(f) == 2:
			fn(f[0])
		case len(f) >= 3: // a tab inside the text stays part of it
			fn(strings.Join(f[2:], "\t"))
		default:
			return fmt.Errorf("%s:%d: want 2 (text, label) or 3 (id, label, text) tab-separated fields, got 1", name, n)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w (lines are limited to 1 MiB)", name, err)
	}
	return nil
}
