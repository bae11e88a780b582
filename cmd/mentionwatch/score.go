package main

import (
	"bufio"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mentionwatch/mentionwatch/scoring"
)

func init() {
	var typ string
	cmd := &cobra.Command{
		Use:   "score",
		Short: "Score texts: one per line on stdin, one JSON object per line on stdout",
		Long: `Reads one text per line on stdin and writes, for each, a JSON object with
lang (en, id, other), sentiment (-1..1), label, stage, stage_confidence and
aspects. No config is needed: brand-specific aspects come from a config
only in collect and run. --type review (or a review source's type, such as
appstore) scores the texts as reviews: English sentiment in the review
register (docs/SCORING.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sc := scoring.NewScorer(nil)
			in := bufio.NewScanner(cmd.InOrStdin())
			in.Buffer(make([]byte, 0, 64*1024), 4<<20)
			out := bufio.NewWriter(cmd.OutOrStdout())
			enc := json.NewEncoder(out)
			for n := 1; in.Scan(); n++ {
				r := scoring.ScoreTextAs(sc, in.Text(), typ)
				if r.Aspects == nil {
					r.Aspects = []string{}
				}
				if err := enc.Encode(r); err != nil {
					return fmt.Errorf("writing line %d: %w", n, err)
				}
			}
			if err := in.Err(); err != nil {
				return fmt.Errorf("reading stdin: %w", err)
			}
			return out.Flush()
		},
	}
	cmd.Flags().StringVar(&typ, "type", "", "source type the texts are scored as (\"review\": review register; default none)")
	rootCmd.AddCommand(cmd)
}
