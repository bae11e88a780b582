package training

import (
	"testing"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// TestChooseBestSum: with brand mentions, the choice is the best sum of
// SmSA's and the mentions' figures over every configuration, weight and
// epoch; ties go to the earlier; without mentions, SmSA alone's best.
func TestChooseBestSum(t *testing.T) {
	cfg := scoring.IDConfig{Bits: 20}
	row := func(w int, smsa, ment []float64) CVRow {
		r := CVRow{Config: cfg, MentionWeight: w, SmSAF1: smsa, MentionF1: ment}
		for e := range smsa {
			r.FoldF1 = append(r.FoldF1, []float64{smsa[e]})
		}
		return r
	}
	res := &CVResult{Rows: []CVRow{
		row(0, []float64{0.85, 0.86}, []float64{0.60, 0.61}),
		row(1, []float64{0.861, 0.859}, []float64{0.80, 0.84}), // epoch 2: 1.699
		row(8, []float64{0.84, 0.85}, []float64{0.84, 0.845}),  // epoch 2: 1.695
	}}
	res.choose()
	if res.MentionWeight != 1 || res.Epoch != 2 || res.SmSAF1 != 0.859 || res.MentionF1 != 0.84 {
		t.Errorf("chose weight %d epoch %d (SmSA %v, mentions %v), want weight 1 epoch 2 (0.859, 0.84)",
			res.MentionWeight, res.Epoch, res.SmSAF1, res.MentionF1)
	}
	res = &CVResult{Rows: []CVRow{
		row(0, []float64{0.85, 0.86}, []float64{0.60, 0.61}),
		row(4, []float64{0.84, 0.85}, []float64{0.90, 0.91}),
		row(8, []float64{0.83, 0.85}, []float64{0.90, 0.91}), // the same sum: the smaller weight wins
	}}
	res.choose()
	if res.MentionWeight != 4 || res.Epoch != 2 {
		t.Errorf("chose weight %d epoch %d, want weight 4 epoch 2", res.MentionWeight, res.Epoch)
	}
	res = &CVResult{Rows: []CVRow{row(0, []float64{0.85, 0.86, 0.855}, nil)}}
	res.choose()
	if res.Epoch != 2 || res.SmSAF1 != 0.86 {
		t.Errorf("without mentions: chose epoch %d (%v), want the best SmSA epoch 2", res.Epoch, res.SmSAF1)
	}
}
