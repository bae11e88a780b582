package training

import (
	_ "embed"
	"fmt"
	"path/filepath"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// The complaint and praise sets (testdata/complaints_*.tsv): 602 brand
// mentions, half English, half Indonesian, written and labelled for the
// project before anything scored them (docs/BENCHMARKS.md). The design
// half may be looked at while the scorer is changed; the unseen half is
// measured, never tuned on. A second design set (174 mentions of other
// invented brands, 126 of them Indonesian) was written and labelled in
// the ninth session, before it was scored, because the first design half
// no longer showed the errors that the unseen half still makes. They are embedded so that `mentionwatch eval
// sentiment` prints them wherever it runs.

//go:embed testdata/complaints_design.tsv
var complaintsDesign string

//go:embed testdata/complaints_design2.tsv
var complaintsDesign2 string

//go:embed testdata/complaints_unseen.tsv
var complaintsUnseen string

//go:embed testdata/complaints_unseen2.tsv
var complaintsUnseen2 string

// complaints_unseen3 (eleventh session): 1,600 more mentions (800 English,
// 800 Indonesian) by two more writers who saw no other file, scored once
// when they arrived and kept aside: never trained on, errors never viewed.
//
//go:embed testdata/complaints_unseen3.tsv
var complaintsUnseen3 string

// complaints_unseen4 (thirteenth session): 1,000 English mentions by two
// more writers asked for the hard cases (complaints with no sentiment
// word, sarcasm, world Englishes, slang praise that looks negative),
// scored once on arrival. The English model trained on them and a third
// writer's set did not gain on a fresh writer (docs/BENCHMARKS.md), so
// they are kept aside: never trained on, errors never viewed.
//
//go:embed testdata/complaints_unseen4.tsv
var complaintsUnseen4 string

// mentionSets returns the complaint and praise sets.
func mentionSets() ([]scoring.EvalSet, error) {
	var out []scoring.EvalSet
	for _, f := range []struct{ name, data string }{
		{"complaints_design", complaintsDesign},
		{"complaints_design2", complaintsDesign2},
		{"complaints_unseen", complaintsUnseen},
		{"complaints_unseen2", complaintsUnseen2},
		{"complaints_unseen3", complaintsUnseen3},
		{"complaints_unseen4", complaintsUnseen4},
	} {
		s, err := scoring.ParseMentions(f.name, f.data)
		if err != nil {
			return nil, fmt.Errorf("embedded testdata/%s.tsv: %w", f.name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// readSemEval reads a SemEval Task 4A file: id TAB label TAB text (a
// trailing tab allowed), label positive, neutral or negative.
func readSemEval(path, name string) (scoring.EvalSet, error) {
	rows, err := scoring.ReadSemEval(path)
	if err != nil {
		return scoring.EvalSet{}, err
	}
	s := scoring.EvalSet{Name: name, Kind: "en-class"}
	for _, r := range rows {
		s.Items = append(s.Items, scoring.EvalItem{Text: r.Text, Class: r.Class})
	}
	return s, nil
}

// semevalTest is the SemEval file reported on and never selected on.
func semevalTestPath(dataDir string) string {
	return filepath.Join(dataDir, "sentiment-en", "semeval", "2016test.tsv")
}
