package training

import (
	"bytes"
	"fmt"
	"os"

	"github.com/mentionwatch/mentionwatch/alerts/critical"
	"github.com/mentionwatch/mentionwatch/scoring"
)

// ReadCriticalSet reads a labelled set for the critical-mention matcher:
// a critical set (critical.ReadSet) or a brand-mention set
// (scoring.ParseMentions: the complaint sets and the training mentions,
// whose writers marked each mention that reports harm). A brand-mention
// set's harm yes is a critical example (category "harm"), no an ordinary
// mention or a near-miss (category "none").
func ReadCriticalSet(path string) ([]critical.Example, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading critical set: %w", err)
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	if string(first) != mentionsHeader {
		return critical.ReadSet(path)
	}
	s, err := scoring.ParseMentions(path, string(b))
	if err != nil {
		return nil, fmt.Errorf("reading brand-mention set %s: %w", path, err)
	}
	out := make([]critical.Example, len(s.Items))
	for i, it := range s.Items {
		out[i] = critical.Example{Critical: it.Harm, Lang: it.Lang, Category: "none", Text: it.Text}
		if it.Harm {
			out[i].Category = "harm"
		}
	}
	return out, nil
}

// mentionsHeader is the first line of a brand-mention set.
const mentionsHeader = "sentiment\tlang\tharm\ttext"
