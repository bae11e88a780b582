package training

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// MentionRows are the project's own labelled brand mentions that the
// sentiment models learn from besides their research sets: the complaint
// and praise sets' design halves (scoring/training/testdata) and the
// training sets written for it (scoring/training/mentions). The unseen
// halves are never trained on. Paths are relative to the repository root.
var MentionRows = []string{
	"scoring/training/testdata/complaints_design.tsv",
	"scoring/training/testdata/complaints_design2.tsv",
	"scoring/training/mentions/train_id_a.tsv",
	"scoring/training/mentions/train_mix_b.tsv",
	"scoring/training/mentions/train_id_c.tsv",
	"scoring/training/mentions/train_en_d.tsv",
	"scoring/training/mentions/train_en_e.tsv",
	"scoring/training/mentions/train_id_f.tsv",
	"scoring/training/mentions/train_en_g.tsv",
	"scoring/training/mentions/train_id_h.tsv",
}

// ReadMentionRows reads the rows of lang ("en" or "id") from the files at
// paths, in the complaint sets' format (sentiment, lang, harm, text).
func ReadMentionRows(paths []string, lang string) ([]scoring.Labeled, error) {
	var out []scoring.Labeled
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading brand-mention rows: %w (run from the repository root, or pass --mentions)", err)
		}
		s, err := scoring.ParseMentions(p, string(b))
		if err != nil {
			return nil, fmt.Errorf("reading brand-mention rows %s: %w", p, err)
		}
		for _, it := range s.Items {
			if it.Lang == lang {
				out = append(out, scoring.Labeled{Text: it.Text, Class: it.Class})
			}
		}
	}
	return out, nil
}

// MentionRowsUnder is MentionRows under the repository root dir (tests
// run in their package's directory).
func MentionRowsUnder(dir string) []string {
	out := make([]string, len(MentionRows))
	for i, p := range MentionRows {
		out[i] = filepath.Join(dir, p)
	}
	return out
}
