package scoring

import (
	"bytes"
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

// Structural signals: evidence from the shape of a mention rather than
// from one cue (docs/SCORING.md).
const (
	stageQuestion = 1.5 // a question: asking before buying
	stageAddress  = 1.0 // words addressed to others, not in a question: advice, warnings
	stageDuration = 1.0 // a duration ("2 weeks", "six months", "sebulan"): time in use
	stageStars    = 3.0 // star glyphs: a rating
)

// Word classes for the structural signals, by word id.
const (
	wcUnit     uint8 = 1 << iota // a unit of time
	wcCount                      // a number word or "a few"
	wcSelfUnit                   // a word that is a count and a unit ("sebulan", "fortnight")
	wcYou                        // addresses others
)

var stageClassWords = map[uint8][]string{
	wcUnit: {"day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours",
		"hrs", "km", "miles", "hari", "minggu", "bulan", "tahun", "jam", "pekan", "kali"},
	wcCount: {"a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
		"ten", "few", "several", "couple", "satu", "dua", "tiga", "empat", "lima", "enam",
		"tujuh", "delapan", "sembilan", "sepuluh", "beberapa", "berapa"},
	wcSelfUnit: {"sebulan", "seminggu", "setahun", "sehari", "seharian", "fortnight",
		"berbulan-bulan", "bertahun-tahun", "berminggu-minggu"},
	wcYou: {"you", "your", "you're", "y'all", "yall", "guys", "kalian", "gaes", "gais",
		"people", "everyone", "folks", "anyone", "kamu", "lo", "lu"},
}

// setStageClasses registers the class words with the vocabulary and sets
// their class bits (on the normal form of a slang spelling, which is what
// tokens carry). The vocabulary's init calls it once the slang is loaded,
// before the lookup table is built.
func setStageClasses() {
	for _, bit := range sortedKeys(stageClassWords) {
		for _, w := range stageClassWords[bit] {
			wi := word(w)
			if n := wi.norm(); n != nil {
				wi = n
			}
			wi.class |= bit
		}
	}
}

var starGlyph = []byte("★")

// noteStars records star glyphs ("★★★★☆") in an unknown token: a rating.
func (s *scratch) noteStars(t token) {
	s.stars = s.stars || t.b > t.a && s.buf[t.a] == starGlyph[0] && bytes.HasPrefix(s.buf[t.a:t.b], starGlyph)
}

// noteClass records the structural signals of token i, a word of class c
// (not 0): words addressed to others, a duration (a count then a unit of
// time, or a word that is both).
func (s *scratch) noteClass(i int, c uint8) {
	s.you = s.you || c&wcYou != 0
	s.dur = s.dur || c&wcSelfUnit != 0 || c&wcUnit != 0 && i > 0 && s.isCount(i-1)
}

// isCount reports a token that counts: a number word or one starting with
// a digit.
func (s *scratch) isCount(i int) bool {
	t := &s.toks[i]
	if t.w == nil {
		return t.b > t.a && s.buf[t.a] >= '0' && s.buf[t.a] <= '9'
	}
	return t.w.class&wcCount != 0
}

// structure adds the structural signals to the cue evidence.
func (s *scratch) structure(ev *[numStages]float32) {
	if s.quest > 0 {
		ev[stZ] += stageQuestion
	}
	if s.you && s.quest == 0 {
		ev[stL] += stageAddress
	}
	if s.dur {
		ev[stS] += stageDuration
	}
	if s.stars {
		ev[stL] += stageStars
	}
}

// stageEvidence is the rules' evidence for each moment of truth: the cues
// gathered while tokenizing, the structural signals and a star rating.
func (s *scratch) stageEvidence(rating float32) [numStages]float32 {
	ev := s.stage
	if rating > 0 {
		ev[stL] += 2 // a star rating is a review: feedback to others
	}
	s.structure(&ev)
	return ev
}

// decideStage picks the moment of truth. The rules decide whether the
// mention is a customer moment at all: with less than minStageEvidence for
// every stage nothing in it is one, and it is unknown (a model trained on
// brand mentions alone would put everyday chatter in some stage). When
// one stage's evidence leads clearly, the rules decide which; otherwise
// the stage model weighs the rules' evidence with the text's words
// (stage_model.go), and the confidence is its probability for the stage
// it picks.
func (s *scratch) decideStage(rating float32) (mw.Stage, float32) {
	st, p := stageMdl.decide(s, s.stageEvidence(rating))
	return stageOf[st], p
}

// rulesStage is the rules' decision alone, used when their winner leads
// clearly (and in TestStageCV, to measure what the model adds): the stage
// with the most evidence, ties by intent, unknown below minStageEvidence.
// The confidence is the winner's share of the evidence, discounted when
// the evidence is thin.
func rulesStage(ev [numStages]float32) (int, float32) {
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
		return stU, float32(0.6 - 0.3*top/minStageEvidence)
	}
	return best, float32(top / total * (1 - math.Exp(-top/1.5)))
}
