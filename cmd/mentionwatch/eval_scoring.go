package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/jonreiter/govader"
	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/progress"
	"github.com/mentionwatch/mentionwatch/scoring"
	"github.com/mentionwatch/mentionwatch/scoring/training"
)

func init() {
	for _, what := range []string{"sentiment", "stage", "aspects"} {
		var dataDir string
		short := map[string]string{
			"sentiment": "Sentiment: macro-recall, macro-F1, r and language accuracy on every set, and govader's on the same sets",
			"stage":     "Moment of truth: accuracy per language on moments/dev.tsv",
			"aspects":   "Aspects: F1 of price and service detection on CASA casa_valid.csv",
		}[what]
		cmd := &cobra.Command{
			Use:   what + " --data DIR",
			Short: short,
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				sets, err := training.LoadEval(dataDir, what)
				if err != nil {
					return err
				}
				total := 0
				for _, s := range sets {
					total += len(s.Items)
				}
				runs := int64(total)
				if what == "sentiment" {
					runs *= 2 // and govader on the same sets
				}
				bar := progress.New("eval "+what, runs)
				var res, base []training.EvalResult
				err = compute(cmd.Context(), func() error {
					res = training.Eval(scoring.NewScorer(nil), sets, bar.Add)
					if what == "sentiment" {
						base = training.EvalWith(govaderJudge(), sets, bar.Add)
					}
					return nil
				})
				bar.Finish()
				if err != nil {
					return err
				}
				printEval(cmd.OutOrStdout(), res)
				if base != nil {
					fmt.Fprintln(cmd.OutOrStdout(), "\ngovader (label at ±0.05 of its compound), same sets, same run:")
					printEval(cmd.OutOrStdout(), baselineMetrics(base))
				}
				return nil
			},
		}
		cmd.Flags().StringVar(&dataDir, "data", "../shared/data", "data directory (see its README.md)")
		evalCmd.AddCommand(cmd)
	}
}

func printEval(w io.Writer, res []training.EvalResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range res {
		var parts []string
		for _, m := range r.Metrics {
			parts = append(parts, fmt.Sprintf("%s=%.3f", m.Name, m.Value))
		}
		name := r.Set
		if r.Type != "" {
			name += " (as type " + r.Type + ")"
		}
		fmt.Fprintf(tw, "%s\tn=%d\t%s\n", name, r.N, strings.Join(parts, "  "))
	}
	tw.Flush()
}

// govaderJudge scores a mention's sentiment with govader, the baseline:
// its compound, labelled at ±0.05 as the VADER authors advise.
func govaderJudge() training.Judge {
	g := govader.NewSentimentIntensityAnalyzer()
	return func(m *mw.Mention) {
		c := g.PolarityScores(m.Text).Compound
		m.Sentiment = float32(c)
		switch {
		case c >= 0.05:
			m.Label = mw.Positive
		case c <= -0.05:
			m.Label = mw.Negative
		default:
			m.Label = mw.Neutral
		}
	}
}

// baselineMetrics keeps the figures a sentiment-only baseline has: no
// language detection.
func baselineMetrics(res []training.EvalResult) []training.EvalResult {
	out := make([]training.EvalResult, len(res))
	for i, r := range res {
		out[i] = training.EvalResult{Set: r.Set, Type: r.Type, N: r.N}
		for _, m := range r.Metrics {
			if !strings.HasPrefix(m.Name, "lang") {
				out[i].Metrics = append(out[i].Metrics, m)
			}
		}
	}
	return out
}
