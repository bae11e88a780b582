package scoring

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	mw "github.com/mentionwatch/mentionwatch"
)

// This file measures the scorer on the labelled sets under a data
// directory (../shared/data, see its README.md). It does I/O; the scorer
// it measures does not.

// EvalSet is one labelled data set.
type EvalSet struct {
	Name  string
	Kind  string // "en-rating", "en-class", "id-class", "mentions", "stage", "casa"
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

// Metric is one named figure of a set.
type Metric struct {
	Name  string
	Value float64
}

// EvalResult is the figures of one set.
type EvalResult struct {
	Set     string
	N       int
	Metrics []Metric
}

// Get returns the named metric (NaN when absent).
func (r EvalResult) Get(name string) float64 {
	for _, m := range r.Metrics {
		if m.Name == name {
			return m.Value
		}
	}
	return math.NaN()
}

// LoadEval reads the sets an eval needs: what is "sentiment", "stage" or
// "aspects".
func LoadEval(dataDir, what string) ([]EvalSet, error) {
	switch what {
	case "sentiment":
		var sets []EvalSet
		for _, n := range []string{"tweets", "product_reviews", "movie_reviews"} {
			s, err := readRatings(filepath.Join(dataDir, "sentiment-en", n+".tsv"), n)
			if err != nil {
				return nil, err
			}
			sets = append(sets, s)
		}
		valid, err := ReadSmSA(filepath.Join(dataDir, "sentiment-id", "smsa_valid.tsv"))
		if err != nil {
			return nil, err
		}
		sem, err := readSemEval(semevalTestPath(dataDir), "semeval_2016test")
		if err != nil {
			return nil, err
		}
		sets = append(sets, sem)
		s := EvalSet{Name: "smsa_valid", Kind: "id-class"}
		for _, l := range valid {
			s.Items = append(s.Items, EvalItem{Text: l.Text, Class: l.Class})
		}
		ms, err := mentionSets()
		if err != nil {
			return nil, err
		}
		return append(append(sets, s), ms...), nil
	case "stage":
		s, err := readMoments(filepath.Join(dataDir, "moments", "dev.tsv"))
		if err != nil {
			return nil, err
		}
		return []EvalSet{s}, nil
	case "aspects":
		s, err := readCASA(filepath.Join(dataDir, "aspects-id", "casa_valid.csv"))
		if err != nil {
			return nil, err
		}
		return []EvalSet{s}, nil
	}
	return nil, fmt.Errorf("unknown eval %q (want sentiment, stage or aspects)", what)
}

func readLines(path string, fn func(n int, line string) error) error {
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

// readRatings reads id TAB mean_rating TAB text.
func readRatings(path, name string) (EvalSet, error) {
	s := EvalSet{Name: name, Kind: "en-rating"}
	err := readLines(path, func(_ int, line string) error {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			return errors.New("want id<TAB>mean_rating<TAB>text")
		}
		r, err := strconv.ParseFloat(strings.TrimSpace(f[1]), 64)
		if err != nil {
			return fmt.Errorf("mean_rating %q: %w", f[1], err)
		}
		s.Items = append(s.Items, EvalItem{Text: f[2], Rating: r})
		return nil
	})
	if err == nil && len(s.Items) == 0 {
		err = fmt.Errorf("%s: no rows", path)
	}
	return s, err
}

// readMoments reads stage TAB lang TAB sentiment TAB text, with a header.
func readMoments(path string) (EvalSet, error) {
	s := EvalSet{Name: "moments/dev", Kind: "stage"}
	err := readLines(path, func(n int, line string) error {
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

// readCASA reads sentence,aspect... with a header row.
func readCASA(path string) (EvalSet, error) {
	s := EvalSet{Name: "casa_valid", Kind: "casa"}
	f, err := os.Open(path)
	if err != nil {
		return s, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return s, fmt.Errorf("reading %s header: %w", path, err)
	}
	if len(head) < 2 || head[0] != "sentence" {
		return s, fmt.Errorf("%s: header should start with sentence, got %q", path, head)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s, fmt.Errorf("reading %s: %w", path, err)
		}
		it := EvalItem{Text: rec[0], Aspects: map[string]string{}}
		for i := 1; i < len(head) && i < len(rec); i++ {
			it.Aspects[head[i]] = rec[i]
		}
		s.Items = append(s.Items, it)
	}
	if len(s.Items) == 0 {
		return s, fmt.Errorf("%s: no rows", path)
	}
	return s, nil
}

// Judge fills the scoring fields of a mention (Scorer.Score, or a
// baseline's stand-in).
type Judge func(m *mw.Mention)

// Eval scores every item of sets with sc and computes each set's metrics.
// progress, if not nil, is called with the number of items done.
func Eval(sc *Scorer, sets []EvalSet, progress func(int64)) []EvalResult {
	return EvalWith(sc.Score, sets, progress)
}

// EvalWith is Eval with any judge: the CLI runs govader through it on the
// same sets in the same run.
func EvalWith(judge Judge, sets []EvalSet, progress func(int64)) []EvalResult {
	var out []EvalResult
	for _, set := range sets {
		res := EvalResult{Set: set.Name, N: len(set.Items)}
		var (
			pred, gold []float64
			cm         confusion
			lang       int
			harmPos    int
			stageOK    = map[string][2]int{}
			asp        = map[string]*aspectCount{"price": {}, "service": {}}
			byLang     = map[string]*confusion{}
		)
		for i, it := range set.Items {
			m := mw.Mention{Text: it.Text}
			judge(&m)
			switch set.Kind {
			case "en-rating":
				pred, gold = append(pred, float64(m.Sentiment)), append(gold, it.Rating)
				cm.add(goldClass(it.Rating), labelClass(m.Label))
				if m.Lang == "en" {
					lang++
				}
			case "en-class", "id-class":
				cm.add(it.Class, labelClass(m.Label))
				if set.Kind == "en-class" && m.Lang == "en" || set.Kind == "id-class" && m.Lang == "id" {
					lang++
				}
			case "mentions":
				cm.add(it.Class, labelClass(m.Label))
				if byLang[it.Lang] == nil {
					byLang[it.Lang] = &confusion{}
				}
				byLang[it.Lang].add(it.Class, labelClass(m.Label))
				if m.Lang == it.Lang {
					lang++
				}
				if it.Harm && m.Label == mw.Positive {
					harmPos++
				}
			case "stage":
				c := stageOK[it.Lang]
				c[1]++
				if m.Stage == it.Stage {
					c[0]++
				}
				stageOK[it.Lang] = c
				if m.Lang == it.Lang {
					lang++
				}
			case "casa":
				for name, a := range asp {
					a.add(it.Aspects[name], m.Aspects, name, m.Label)
				}
			}
			if progress != nil && (i%256 == 255 || i == len(set.Items)-1) {
				progress(int64(i%256 + 1))
			}
		}
		n := float64(len(set.Items))
		switch set.Kind {
		case "en-rating":
			res.Metrics = []Metric{{"pearson_r", pearson(pred, gold)}, {"macro_f1", cm.macroF1()},
				{"macro_recall", cm.macroRecall()}, {"accuracy", cm.accuracy()}, {"lang_en", float64(lang) / n}}
		case "en-class":
			res.Metrics = []Metric{{"macro_recall", cm.macroRecall()}, {"macro_f1", cm.macroF1()},
				{"accuracy", cm.accuracy()}, {"lang_en", float64(lang) / n}}
		case "id-class":
			res.Metrics = []Metric{{"macro_f1", cm.macroF1()}, {"macro_recall", cm.macroRecall()},
				{"accuracy", cm.accuracy()}, {"lang_id", float64(lang) / n}}
		case "mentions":
			res.Metrics = []Metric{{"neg_recall", cm.recall(clsNeg)}, {"macro_f1", cm.macroF1()},
				{"macro_recall", cm.macroRecall()}, {"harm_positive", float64(harmPos)}}
			for _, l := range []string{"en", "id"} {
				if c := byLang[l]; c != nil {
					res.Metrics = append(res.Metrics, Metric{"neg_recall_" + l, c.recall(clsNeg)},
						Metric{"macro_f1_" + l, c.macroF1()})
				}
			}
			res.Metrics = append(res.Metrics, Metric{"lang_accuracy", float64(lang) / n})
		case "stage":
			all := [2]int{}
			for _, l := range []string{"en", "id"} {
				c := stageOK[l]
				all[0], all[1] = all[0]+c[0], all[1]+c[1]
				if c[1] > 0 {
					res.Metrics = append(res.Metrics, Metric{"accuracy_" + l, float64(c[0]) / float64(c[1])})
				}
			}
			res.Metrics = append(res.Metrics, Metric{"accuracy", float64(all[0]) / float64(max(all[1], 1))},
				Metric{"lang_accuracy", float64(lang) / n})
		case "casa":
			for _, name := range []string{"price", "service"} {
				a := asp[name]
				res.Metrics = append(res.Metrics, Metric{name + "_precision", a.precision()},
					Metric{name + "_recall", a.recall()}, Metric{name + "_f1", a.f1()},
					Metric{name + "_sentiment_accuracy", a.sentAcc()})
			}
		}
		out = append(out, res)
	}
	return out
}

// goldClass maps a -4..4 mean rating to a class (README: ±0.5).
func goldClass(r float64) int {
	switch {
	case r >= 0.5:
		return clsPos
	case r <= -0.5:
		return clsNeg
	}
	return clsNeu
}

func labelClass(l mw.Label) int {
	switch l {
	case mw.Positive:
		return clsPos
	case mw.Negative:
		return clsNeg
	}
	return clsNeu
}

func pearson(x, y []float64) float64 {
	n := float64(len(x))
	if n < 2 {
		return math.NaN()
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

// aspectCount scores aspect detection (gold: the aspect's label is not
// neutral) and, where both agree it is mentioned, whether the mention's
// label matches the aspect's.
type aspectCount struct{ tp, fp, fn, sentOK int }

func (a *aspectCount) add(gold string, got []string, name string, label mw.Label) {
	g := gold == "positive" || gold == "negative"
	p := false
	for _, x := range got {
		p = p || x == name
	}
	switch {
	case g && p:
		a.tp++
		if string(label) == gold {
			a.sentOK++
		}
	case p:
		a.fp++
	case g:
		a.fn++
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (a *aspectCount) precision() float64 { return ratio(a.tp, a.tp+a.fp) }
func (a *aspectCount) recall() float64    { return ratio(a.tp, a.tp+a.fn) }
func (a *aspectCount) f1() float64        { return ratio(2*a.tp, 2*a.tp+a.fp+a.fn) }
func (a *aspectCount) sentAcc() float64   { return ratio(a.sentOK, a.tp) }
