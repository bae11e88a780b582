package training

import (
	"testing"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// TestChooseKeepsSmSA: with brand mentions, the choice is the best
// mentions' figure among the choices whose SmSA figure is at least SmSA
// alone's best; a weight that buys the mentions with SmSA's ground is
// passed over, and without any qualifying choice SmSA alone's best wins.
func TestChooseKeepsSmSA(t *testing.T) {
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
		row(1, []float64{0.861, 0.859}, []float64{0.80, 0.84}), // epoch 2 gains more but loses SmSA ground
		row(8, []float64{0.84, 0.85}, []float64{0.90, 0.91}),   // the best mentions, SmSA lost
	}}
	res.choose()
	if res.MentionWeight != 1 || res.Epoch != 1 || res.SmSAF1 != 0.861 || res.MentionF1 != 0.80 {
		t.Errorf("chose weight %d epoch %d (SmSA %v, mentions %v), want weight 1 epoch 1 (0.861, 0.80)",
			res.MentionWeight, res.Epoch, res.SmSAF1, res.MentionF1)
	}
	res = &CVResult{Rows: []CVRow{
		row(0, []float64{0.85, 0.86}, []float64{0.60, 0.61}),
		row(4, []float64{0.84, 0.85}, []float64{0.90, 0.91}),
	}}
	res.choose()
	if res.MentionWeight != 0 || res.Epoch != 2 {
		t.Errorf("chose weight %d epoch %d, want SmSA alone's best (weight 0, epoch 2): no other choice keeps SmSA's ground",
			res.MentionWeight, res.Epoch)
	}
	res = &CVResult{Rows: []CVRow{row(0, []float64{0.85, 0.86, 0.855}, nil)}}
	res.choose()
	if res.Epoch != 2 || res.SmSAF1 != 0.86 {
		t.Errorf("without mentions: chose epoch %d (%v), want the best SmSA epoch 2", res.Epoch, res.SmSAF1)
	}
}
