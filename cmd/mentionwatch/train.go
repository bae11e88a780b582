package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mentionwatch/mentionwatch/internal/progress"
	"github.com/mentionwatch/mentionwatch/scoring"
)

// trainCmd groups `mentionwatch train <model>`.
var trainCmd = &cobra.Command{Use: "train", Short: "Rebuild a shipped model from its training data"}

func init() {
	var (
		data, out string
		epochs    int
		verbose   bool
	)
	cmd := &cobra.Command{
		Use:   "sentiment-id --data DIR [--out FILE]",
		Short: "Train the Indonesian sentiment model on IndoNLU SmSA (selects on smsa_valid)",
		Long: `Trains multinomial logistic regression over hashed word, bigram, negation
and character n-gram features on DIR/sentiment-id/smsa_train.tsv, compares
the feature sets of the grid on DIR/sentiment-id/smsa_valid.tsv after each
epoch, and writes the best model, plus id_words.txt (frequent non-English
training words, for language detection) next to it. Deterministic: the
same data gives the same bytes. Rebuild the embedded model with
  mentionwatch train sentiment-id --data ../shared/data --out scoring/model/sentiment_id.bin.gz
then rebuild the binary.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir := filepath.Join(data, "sentiment-id")
			train, err := scoring.ReadSmSA(filepath.Join(dir, "smsa_train.tsv"))
			if err != nil {
				return err
			}
			valid, err := scoring.ReadSmSA(filepath.Join(dir, "smsa_valid.tsv"))
			if err != nil {
				return err
			}
			opts := scoring.TrainOptions{Epochs: epochs, Seed: 1}
			bar := progress.New("train sentiment-id", opts.TotalWork(len(train), len(valid)))
			opts.Progress = bar.Add
			if verbose {
				opts.Log = cmd.ErrOrStderr()
			} else {
				opts.Log = io.Discard
			}
			res, err := scoring.TrainSentimentID(train, valid, opts)
			bar.Finish()
			if err != nil {
				return err
			}
			if err := res.WriteModel(out); err != nil {
				return err
			}
			wordsOut := filepath.Join(filepath.Dir(out), "id_words.txt")
			if err := scoring.WriteWordList(wordsOut, scoring.IDWordList(train, 3, 4000)); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s, epoch %d, smsa_valid macro-F1 %.4f\nwrote %s\n",
				out, res.Describe(), res.Epoch, res.MacroF1, wordsOut)
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "../shared/data", "data directory (holds sentiment-id/)")
	cmd.Flags().StringVar(&out, "out", "scoring/model/sentiment_id.bin.gz", "model file to write")
	cmd.Flags().IntVar(&epochs, "epochs", 0, "epochs per feature set (0: default)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print validation macro-F1 after every epoch")
	trainCmd.AddCommand(cmd)
	rootCmd.AddCommand(trainCmd)
}
