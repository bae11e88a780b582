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
// offsets on the held-out 2016 tweets) and keeps the one with the best
// held-out brand-mention macro-F1 among those whose tweets' macro-recall
// is at least weight 0's: the same rule as the Indonesian model's
// (CVResult.choose), so that learning brand mentions loses no ground on
// the tweets. weights must start with 0. Deterministic.
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
	floor := rows[0].Result.MacroRecall
	best := rows[0]
	for _, r := range rows[1:] {
		if r.Result.MacroRecall >= floor && r.Result.MentionsF1 > best.Result.MentionsF1 {
			best = r
		}
	}
	return best.Result, best.Weight, rows, nil
}
