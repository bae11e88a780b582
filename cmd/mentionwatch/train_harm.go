package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/mentionwatch/mentionwatch/alerts/critical"
	"github.com/mentionwatch/mentionwatch/internal/progress"
	"github.com/mentionwatch/mentionwatch/scoring/training"
)

func trainHarmCmd() *cobra.Command {
	var (
		data, out          string
		labelled, ordinary []string
	)
	cmd := &cobra.Command{
		Use:   "harm --data DIR [--out FILE]",
		Short: "Train the learned harm model that backs the critical phrase lists",
		Long: `Trains the learned harm model (logistic regression over hashed words, word
pairs and 3-5 letter pieces of words; alerts/critical/learned.go) on the
design sets only: the labelled harm sets whose errors were read while the
phrase lists were written and twelve writers' harm and near-miss sets
(scoring/training/harms; --labelled), and the design sentiment sets
under DIR as ordinary texts (--ordinary). Its one choice, the threshold,
is made out of fold: each labelled set, and each fifth of the ordinary
texts, is held out in turn, and the threshold is the lowest at which the
model adds at most one false critical per 2,000 non-harm texts. The
kept-aside sets are not read; eval critical scores them. Deterministic:
the same data gives the same bytes (about 5 minutes on 2 cores). Rebuild
the embedded model with
  mentionwatch train harm --data ../shared/data
then rebuild the binary.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			all, err := training.LoadHarmData(data, labelled, ordinary)
			if err != nil {
				return err
			}
			var opts training.HarmTrainOptions
			bar := progress.New("train harm", training.HarmWork(all, opts))
			opts.Progress = bar.Add
			var (
				cv training.HarmCV
				m  *critical.LearnedModel
			)
			err = compute(cmd.Context(), func() error {
				cv = training.CrossValidateHarm(all, opts)
				m = training.TrainHarm(all, nil, opts)
				return nil
			})
			bar.Finish()
			if err != nil {
				return err
			}
			m.Threshold = float32(cv.Pick.Threshold)
			fh, err := os.Create(out)
			if err != nil {
				return fmt.Errorf("writing the harm model: %w", err)
			}
			if err := m.Encode(fh); err != nil {
				fh.Close()
				return fmt.Errorf("writing the harm model %s: %w", out, err)
			}
			if err := fh.Close(); err != nil {
				return fmt.Errorf("writing the harm model %s: %w", out, err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprint(w, training.DescribeHarmCV(cv))
			fmt.Fprintf(w, "wrote %s: threshold %.2f, %d texts; rebuild the binary to embed it\n", out, cv.Pick.Threshold, len(all))
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "../shared/data", "data directory (holds sentiment-en/ and sentiment-id/)")
	cmd.Flags().StringVar(&out, "out", "alerts/critical/learned_model.bin.gz", "model file to write")
	cmd.Flags().StringSliceVar(&labelled, "labelled", training.HarmDesignSets, "labelled harm sets to learn from (critical sets or brand-mention sets)")
	cmd.Flags().StringSliceVar(&ordinary, "ordinary", training.HarmOrdinarySets, "sentiment sets under --data whose texts are learned as ordinary")
	return cmd
}
