package scoring

import (
	"math"

	mw "github.com/mentionwatch/mentionwatch"
)

var stageOf = [numStages]mw.Stage{mw.ZMOT, mw.FMOT, mw.AMOT, mw.SMOT, mw.LMOT, mw.StageUnknown}

// stagePriority breaks ties by the speaker's intent, as the moments README
// asks: a warning to others is lmot even when it describes use, a support
// call is smot, a question before buying is zmot.
var stagePriority = [...]int{stL, stS, stZ, stA, stF, stU}

// minStageEvidence is the evidence below which a mention is "unknown".
const minStageEvidence = 1.0

// decideStage picks the moment of truth from the cue evidence gathered by
// scan. The confidence is the winner's share of the evidence, discounted
// when the evidence is thin.
func (s *scratch) decideStage(rating float32) (mw.Stage, float32) {
	ev := s.stage
	if rating > 0 {
		ev[stL] += 2 // a star rating is a review: feedback to others
	}
	best, total := -1, 0.0
	for _, st := range stagePriority {
		e := float64(ev[st])
		total += e
		if best < 0 || e > float64(ev[best]) {
			best = st
		}
	}
	top := float64(ev[best])
	if top < minStageEvidence {
		// No customer moment: unknown, more sure when nothing at all fired.
		return mw.StageUnknown, float32(0.6 - 0.3*top/minStageEvidence)
	}
	conf := top / total * (1 - math.Exp(-top/1.5))
	return stageOf[best], float32(conf)
}
