package training

import (
	"os"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/scoring"
)

const dataDir = "../../../shared/data"

// TestEvalGoals runs the evals over the shared data when it is present and
// checks the figures loosely (docs/BENCHMARKS.md has the exact ones). The
// bounds sit a little under the measured figures, so a regression fails
// and noise does not.
func TestEvalGoals(t *testing.T) {
	if _, err := os.Stat(dataDir); err != nil {
		t.Skip("no shared data at", dataDir)
	}
	sc := scoring.NewScorer(nil)
	get := func(what string) map[string]EvalResult {
		sets, err := LoadEval(dataDir, what)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]EvalResult{}
		for _, r := range Eval(sc, sets, nil) {
			out[r.Set] = r
		}
		return out
	}
	at := func(r EvalResult, metric string, min float64) {
		t.Helper()
		if v := r.Get(metric); !(v >= min) {
			t.Errorf("%s %s = %.3f, want >= %.3f", r.Set, metric, v, min)
		} else {
			t.Logf("%s %s = %.3f", r.Set, metric, v)
		}
	}
	// Achieved figures (docs/BENCHMARKS.md), checked with a margin of 0.01.
	const margin = 0.01
	sent := get("sentiment")
	for _, c := range []struct {
		set, metric string
		achieved    float64
	}{
		{"tweets", "pearson_r", 0.885}, {"tweets", "macro_f1", 0.725},
		// The review sets are scored as type review (the review register).
		{"product_reviews", "pearson_r", 0.703}, {"product_reviews", "macro_f1", 0.607},
		{"movie_reviews", "pearson_r", 0.580}, {"movie_reviews", "macro_f1", 0.490},
		// 0.656 before the English model learned the brand mentions
		// (twelfth session: 0.650 since; docs/BENCHMARKS.md).
		{"semeval_2016test", "macro_recall", 0.650},
		// smsa_valid was 0.867 before the Indonesian model learned the
		// brand mentions (0.859 in the tenth session, 0.869 in the twelfth).
		{"smsa_valid", "macro_f1", 0.869},
		{"complaints_design", "neg_recall", 0.994}, {"complaints_design", "macro_f1", 0.994},
		{"complaints_design2", "neg_recall", 1.000}, {"complaints_design2", "macro_f1", 1.000},
		{"complaints_unseen", "neg_recall", 0.867}, {"complaints_unseen", "macro_f1", 0.878},
		{"complaints_unseen2", "neg_recall", 0.882}, {"complaints_unseen2", "macro_f1", 0.877},
		{"complaints_unseen3", "neg_recall", 0.926}, {"complaints_unseen3", "macro_f1", 0.892},
		// Hard cases by two more writers (thirteenth session), English only.
		{"complaints_unseen4", "neg_recall", 0.783}, {"complaints_unseen4", "macro_f1", 0.756},
	} {
		at(sent[c.set], c.metric, c.achieved-margin)
	}
	for _, set := range []string{"tweets", "product_reviews", "movie_reviews"} {
		at(sent[set], "lang_en", 0.99) // 0.998, 0.998, 1.000
		if want := map[bool]string{true: mw.ReviewType}[set != "tweets"]; sent[set].Type != want {
			t.Errorf("%s scored as type %q, want %q", set, sent[set].Type, want)
		}
	}
	at(sent["smsa_valid"], "lang_id", 0.99) // 0.998
	for _, set := range []string{"complaints_design", "complaints_design2", "complaints_unseen", "complaints_unseen2", "complaints_unseen3", "complaints_unseen4"} {
		if n := sent[set].Get("harm_positive"); n != 0 {
			t.Errorf("%s: %v harm mentions labelled positive, want 0", set, n)
		}
	}
	// The goals that are met must stay met.
	at(sent["smsa_valid"], "macro_f1", 0.85)
	at(sent["product_reviews"], "pearson_r", 0.68)
	at(sent["movie_reviews"], "macro_f1", 0.471)
	st := get("stage")["moments/dev"]
	at(st, "accuracy_en", 0.85)
	at(st, "accuracy_id", 0.85)
	asp := get("aspects")["casa_valid"]
	at(asp, "price_f1", 0.765-margin)
	at(asp, "service_f1", 1.0-margin)
}
