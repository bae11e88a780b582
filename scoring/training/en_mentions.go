package training

import "fmt"

// DefaultENMentionWeights are the weights of the brand-mention rows that
// SelectENMentionWeight compares (ENTrainOptions.MentionWeight).
var DefaultENMentionWeights = []float64{0, 1, 2, 4, 8, 16}

// ENWeightRow is one weight's cross-validated figures.
type ENWeightRow struct {
	Weight float64
	Result *ENTrainResult
}

// SelectENMentionWeight trains the English model once per weight of the
// brand-mention rows (TrainSentimentEN, each choosing its epoch and
// offsets on the held-out 2016 tweets) and keeps the weight with the best
// sum of the two cross-validated figures, the held-out tweets'
// macro-recall and the held-out brand mentions' macro-F1, among the
// weights whose held-out movie review sentences' macro-F1 is at least
// weight 0's. The mentions are what the product reads and the tweets
// keep the model general, so each counts alike; the review sentences
// guard the review register (issue 17: no ground lost on the review
// sets). weights must start with 0. Deterministic.
//
// Until the twelfth session the rule kept the tweets' figure at least
// weight 0's, which kept the English model off the mentions at every
// weight (docs/BENCHMARKS.md, "Brand mentions in training" and "Twelfth
// session: the English model learns brand mentions").
func SelectENMentionWeight(d ENData, o ENTrainOptions, weights []float64) (*ENTrainResult, float64, []ENWeightRow, error) {
	if len(weights) == 0 || weights[0] != 0 {
		return nil, 0, nil, fmt.Errorf("selecting the brand-mention weight: the weights %v must start with 0 (the tweets alone)", weights)
	}
	var rows []ENWeightRow
	for _, w := range weights {
		ow := o
		ow.MentionWeight = w
		r, err := TrainSentimentEN(d, ow)
		if err != nil {
			return nil, 0, nil, err
		}
		rows = append(rows, ENWeightRow{Weight: w, Result: r})
		if len(d.Mentions) == 0 {
			break // nothing to weigh
		}
	}
	best := chooseENWeight(rows)
	return best.Result, best.Weight, rows, nil
}

// chooseENWeight applies SelectENMentionWeight's rule to its rows
// (rows[0] is weight 0).
func chooseENWeight(rows []ENWeightRow) ENWeightRow {
	floor := rows[0].Result.ReviewsF1
	best := rows[0]
	sum := func(r *ENTrainResult) float64 { return r.MacroRecall + r.MentionsF1 }
	for _, r := range rows[1:] {
		if r.Result.ReviewsF1 >= floor && sum(r.Result) > sum(best.Result)+1e-12 {
			best = r
		}
	}
	return best
}
