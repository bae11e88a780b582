// Package training is the tooling beside the runtime scorer: it measures
// scoring.Scorer on the labelled sets under a data directory
// (../shared/data) and the embedded complaint and praise sets, for
// `mentionwatch eval sentiment|stage|aspects`. It does I/O; nothing in it
// runs per mention, and package scoring does not import it.
//
// The model training code (scoring/train.go, en_train.go, stage_train.go,
// id_cv.go) is still in package scoring: it reads the models' unexported
// features and weights, and moves here once those have a narrow exported
// form (issue 21 item 3).
package training
