package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mentionwatch/mentionwatch/internal/progress"
	"github.com/mentionwatch/mentionwatch/scoring"
)

func init() {
	for _, what := range []string{"sentiment", "stage", "aspects"} {
		var dataDir string
		short := map[string]string{
			"sentiment": "Sentiment: Pearson r and 3-class macro-F1 on sentiment-en, macro-F1 on smsa_valid",
			"stage":     "Moment of truth: accuracy per language on moments/dev.tsv",
			"aspects":   "Aspects: F1 of price and service detection on CASA casa_valid.csv",
		}[what]
		cmd := &cobra.Command{
			Use:   what + " --data DIR",
			Short: short,
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				sets, err := scoring.LoadEval(dataDir, what)
				if err != nil {
					return err
				}
				total := 0
				for _, s := range sets {
					total += len(s.Items)
				}
				bar := progress.New("eval "+what, int64(total))
				res := scoring.Eval(scoring.NewScorer(nil), sets, bar.Add)
				bar.Finish()
				printEval(cmd.OutOrStdout(), res)
				return nil
			},
		}
		cmd.Flags().StringVar(&dataDir, "data", "../shared/data", "data directory (see its README.md)")
		evalCmd.AddCommand(cmd)
	}
}

func printEval(w io.Writer, res []scoring.EvalResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range res {
		var parts []string
		for _, m := range r.Metrics {
			parts = append(parts, fmt.Sprintf("%s=%.3f", m.Name, m.Value))
		}
		fmt.Fprintf(tw, "%s\tn=%d\t%s\n", r.Set, r.N, strings.Join(parts, "  "))
	}
	tw.Flush()
}
