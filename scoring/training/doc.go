// Package training is the tooling beside the runtime scorer: it measures
// scoring.Scorer on the labelled sets under a data directory
// (../shared/data) and the embedded complaint and praise sets, for
// `mentionwatch eval sentiment|stage|aspects`. It does I/O; nothing in it
// runs per mention, and package scoring does not import it.
//
// It also trains the three shipped models, for `mentionwatch train
// sentiment-en|sentiment-id|stage`: train_en.go (English, selected by
// 5-fold cross-validation on the SemEval 2016 files; train_en_embed.go
// and embeddings.go fold pretrained word vectors into its weights), train_id.go and id_cv.go (Indonesian, selected by
// 5-fold cross-validation on smsa_train; IDWordList for language
// detection) and train_stage.go (the stage model). Confusion is the
// figures both the trainers and the evaluation report.
//
// The trainers read package scoring only through its training surface
// (scoring/trainable.go): the features of a text, computed by the very
// functions the scorers use (IDFeatures, ENFeatures, StageFeatures over
// the one tokenizer and hashFeatures), the weights as plain structs
// (IDWeights, ENWeights, StageWeights) whose Encode and NewStageModel
// write the embedded model format, and WriteModelFile. They own the
// weight slices they train; nothing here is shared between goroutines.
// TestENModelReproducible and TestStageModelReproducible (here) check that
// the embedded models are what their data trains, byte for byte.
package training
