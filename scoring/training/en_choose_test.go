package training

import "testing"

// TestChooseENWeight: the best sum of the tweets' macro-recall and the
// mentions' macro-F1 wins among the weights that keep the review
// sentences' macro-F1, and weight 0 stays when no weight keeps them.
func TestChooseENWeight(t *testing.T) {
	row := func(w, tweets, mentions, reviews float64) ENWeightRow {
		return ENWeightRow{Weight: w, Result: &ENTrainResult{MacroRecall: tweets, MentionsF1: mentions, ReviewsF1: reviews}}
	}
	rows := []ENWeightRow{
		row(0, 0.6036, 0.650, 0.478),
		row(1, 0.5987, 0.742, 0.481),
		row(8, 0.5915, 0.820, 0.483),
		row(16, 0.5871, 0.833, 0.482),
		row(32, 0.5813, 0.900, 0.470), // the best sum, but the reviews lose ground
	}
	if w := chooseENWeight(rows).Weight; w != 16 {
		t.Fatalf("chose weight %v, want 16", w)
	}
	for i := 1; i < len(rows); i++ {
		rows[i].Result.ReviewsF1 = 0.47
	}
	if w := chooseENWeight(rows).Weight; w != 0 {
		t.Fatalf("chose weight %v with every weight losing the reviews, want 0", w)
	}
	// A tie keeps the smaller weight.
	if w := chooseENWeight([]ENWeightRow{row(0, 0.6, 0.7, 0.48), row(1, 0.55, 0.75, 0.48)}).Weight; w != 0 {
		t.Fatalf("chose weight %v on a tie, want 0", w)
	}
}
