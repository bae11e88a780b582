package training

import (
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
	"github.com/mentionwatch/mentionwatch/scoring"
)

// This file measures the scorer on the labelled sets under a data
// directory (../shared/data, see its README.md). It does I/O; the scorer
// it measures does not.

// Metric is one named figure of a set.
type Metric struct {
	Name  string
	Value float64
}

// EvalResult is the figures of one set.
type EvalResult struct {
	Set     string
	Type    string // the source type the set's items were scored as ("" none)
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
func LoadEval(dataDir, what string) ([]scoring.EvalSet, error) {
	switch what {
	case "sentiment":
		var sets []scoring.EvalSet
		for _, n := range []string{"tweets", "product_reviews", "movie_reviews"} {
			s, err := readRatings(filepath.Join(dataDir, "sentiment-en", n+".tsv"), n)
			if err != nil {
				return nil, err
			}
			if n != "tweets" {
				// Review sentences are scored as reviews, as the
				// mentions of review sources are (docs/SCORING.md).
				s.Type = mw.ReviewType
			}
			sets = append(sets, s)
		}
		valid, err := scoring.ReadSmSA(filepath.Join(dataDir, "sentiment-id", "smsa_valid.tsv"))
		if err != nil {
			return nil, err
		}
		sem, err := readSemEval(semevalTestPath(dataDir), "semeval_2016test")
		if err != nil {
			return nil, err
		}
		sets = append(sets, sem)
		s := scoring.EvalSet{Name: "smsa_valid", Kind: "id-class"}
		for _, l := range valid {
			s.Items = append(s.Items, scoring.EvalItem{Text: l.Text, Class: l.Class})
		}
		ms, err := mentionSets()
		if err != nil {
			return nil, err
		}
		return append(append(sets, s), ms...), nil
	case "stage":
		s, err := scoring.ReadMoments(filepath.Join(dataDir, "moments", "dev.tsv"))
		if err != nil {
			return nil, err
		}
		return []scoring.EvalSet{s}, nil
	case "aspects":
		s, err := readCASA(filepath.Join(dataDir, "aspects-id", "casa_valid.csv"))
		if err != nil {
			return nil, err
		}
		return []scoring.EvalSet{s}, nil
	}
	return nil, fmt.Errorf("unknown eval %q (want sentiment, stage or aspects)", what)
}

// readRatings reads id TAB mean_rating TAB text.
func readRatings(path, name string) (scoring.EvalSet, error) {
	s := scoring.EvalSet{Name: name, Kind: "en-rating"}
	err := scoring.ReadLines(path, func(_ int, line string) error {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			return errors.New("want id<TAB>mean_rating<TAB>text")
		}
		r, err := strconv.ParseFloat(strings.TrimSpace(f[1]), 64)
		if err != nil {
			return fmt.Errorf("mean_rating %q: %w", f[1], err)
		}
		s.Items = append(s.Items, scoring.EvalItem{Text: f[2], Rating: r})
		return nil
	})
	if err == nil && len(s.Items) == 0 {
		err = fmt.Errorf("%s: no rows", path)
	}
	return s, err
}

// readCASA reads sentence,aspect... with a header row.
func readCASA(path string) (scoring.EvalSet, error) {
	s := scoring.EvalSet{Name: "casa_valid", Kind: "casa"}
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
		it := scoring.EvalItem{Text: rec[0], Aspects: map[string]string{}}
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
func Eval(sc *scoring.Scorer, sets []scoring.EvalSet, progress func(int64)) []EvalResult {
	return EvalWith(sc.Score, sets, progress)
}

// EvalWith is Eval with any judge: the CLI runs govader through it on the
// same sets in the same run.
func EvalWith(judge Judge, sets []scoring.EvalSet, progress func(int64)) []EvalResult {
	var out []EvalResult
	for _, set := range sets {
		res := EvalResult{Set: set.Name, Type: set.Type, N: len(set.Items)}
		var (
			pred, gold []float64
			cm         Confusion
			lang       int
			harmPos    int
			stageOK    = map[string][2]int{}
			asp        = map[string]*aspectCount{"price": {}, "service": {}}
			byLang     = map[string]*Confusion{}
		)
		for i, it := range set.Items {
			m := mw.Mention{Text: it.Text, Type: set.Type}
			judge(&m)
			switch set.Kind {
			case "en-rating":
				pred, gold = append(pred, float64(m.Sentiment)), append(gold, it.Rating)
				cm.Add(goldClass(it.Rating), labelClass(m.Label))
				if m.Lang == "en" {
					lang++
				}
			case "en-class", "id-class":
				cm.Add(it.Class, labelClass(m.Label))
				if set.Kind == "en-class" && m.Lang == "en" || set.Kind == "id-class" && m.Lang == "id" {
					lang++
				}
			case "mentions":
				cm.Add(it.Class, labelClass(m.Label))
				if byLang[it.Lang] == nil {
					byLang[it.Lang] = &Confusion{}
				}
				byLang[it.Lang].Add(it.Class, labelClass(m.Label))
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
			res.Metrics = []Metric{{"pearson_r", pearson(pred, gold)}, {"macro_f1", cm.MacroF1()},
				{"macro_recall", cm.MacroRecall()}, {"accuracy", cm.Accuracy()}, {"lang_en", float64(lang) / n}}
		case "en-class":
			res.Metrics = []Metric{{"macro_recall", cm.MacroRecall()}, {"macro_f1", cm.MacroF1()},
				{"accuracy", cm.Accuracy()}, {"lang_en", float64(lang) / n}}
		case "id-class":
			res.Metrics = []Metric{{"macro_f1", cm.MacroF1()}, {"macro_recall", cm.MacroRecall()},
				{"accuracy", cm.Accuracy()}, {"lang_id", float64(lang) / n}}
		case "mentions":
			res.Metrics = []Metric{{"neg_recall", cm.Recall(scoring.ClassNeg)}, {"macro_f1", cm.MacroF1()},
				{"macro_recall", cm.MacroRecall()}, {"harm_positive", float64(harmPos)}}
			for _, l := range []string{"en", "id"} {
				if c := byLang[l]; c != nil {
					res.Metrics = append(res.Metrics, Metric{"neg_recall_" + l, c.Recall(scoring.ClassNeg)},
						Metric{"macro_f1_" + l, c.MacroF1()})
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
		return scoring.ClassPos
	case r <= -0.5:
		return scoring.ClassNeg
	}
	return scoring.ClassNeu
}

func labelClass(l mw.Label) int {
	switch l {
	case mw.Positive:
		return scoring.ClassPos
	case mw.Negative:
		return scoring.ClassNeg
	}
	return scoring.ClassNeu
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
