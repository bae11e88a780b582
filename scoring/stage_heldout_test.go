package scoring

import "testing"

// The held-out stage sets were written blind (other brands, domains and
// phrasings, by writers who never saw the cue lists or the model's
// training rows) and are measured, not tuned on: do not write rules or
// train from their errors. They are the project's estimate of accuracy on
// mentions nobody tuned for. When the rules or the model change, report
// the new figures (docs/BENCHMARKS.md) and lower nothing silently.
//
// Each was measured after each stage model, never to choose between
// them (docs/BENCHMARKS.md has the steps); these are the figures of the
// model trained on 1,200 rows. stage_heldout3.tsv was first measured after
// the model on 720 rows.
var stageHeldout = []struct {
	path        string
	en, id, all float64 // the shipped scorer
	rulesAll    float64 // the rules alone
}{
	{"testdata/stage_heldout.tsv", 0.850, 0.833, 0.842, 0.775},
	{"testdata/stage_heldout2.tsv", 0.883, 0.883, 0.883, 0.817},
	{"testdata/stage_heldout3.tsv", 0.850, 0.933, 0.892, 0.833},
}

func TestStageHeldout(t *testing.T) {
	for _, h := range stageHeldout {
		set, err := ReadMoments(h.path)
		if err != nil {
			t.Fatal(err)
		}
		en, id, all := stageAccuracy(set.Items, scorerStage(NewScorer(nil)))
		_, _, rules := stageAccuracy(set.Items, rulesOnly)
		t.Logf("%s: en=%.3f id=%.3f all=%.3f, rules alone %.3f (n=%d)", h.path, en, id, all, rules, len(set.Items))
		// Achieved figures, with a margin of 0.01.
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"en", en, h.en}, {"id", id, h.id}, {"all", all, h.all}, {"rules alone", rules, h.rulesAll}} {
			if c.got < c.want-0.01 {
				t.Errorf("%s accuracy %s = %.3f, want >= %.3f", h.path, c.name, c.got, c.want-0.01)
			}
		}
	}
}
