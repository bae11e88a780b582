package detect

import "math"

// The hour-of-week correction. The additive profiles (level + time of day +
// day of week) cannot say that a weekend's hours have another shape than a
// weekday's: city taxis peak late on Saturday night and not at 8 on Sunday
// morning, an office tool's mentions vanish on weekend afternoons. Each
// series also learns, for every time-of-day slot of every weekday, the mean
// of what the additive prediction missed there, and adds it to the
// prediction only while it has clearly helped: once the slot has two weeks
// of data, and while the recent squared error with the correction is below
// Design.WeeklyGain × the error without it. On series whose week is the daily
// shape moved up or down (most mention counts) the correction does not
// help by that much and stays out, so it cannot add noise there; an
// hour-of-week profile always on cost the realTweets files 8 points
// (docs/BENCHMARKS.md).

// Design.WeeklyGain is how much smaller the recent squared error must be
// with the correction than without it before the prediction uses it
// (default 0.8: 20% smaller).

// weeklyMinWeeks: a slot's correction is used once it has this many weeks
// of data.
const weeklyMinWeeks = 2

// weeklyHalfLifeWeeks is the half-life of each slot's correction, in weeks
// of its own data.
const weeklyHalfLifeWeeks = 2

// weeklyErrHalfLifeDays is the half-life of the two recent squared errors
// that decide whether the correction is used.
const weeklyErrHalfLifeDays = 7

// weekly is the hour-of-week correction to add to the prediction of slot
// ws: 0 until the slot has weeklyMinWeeks of data and while the correction
// has not recently cut the squared error by 1 - Design.WeeklyGain.
func (d *Detector) weekly(s *series, ws int) float64 {
	if float64(s.weekN[ws]) < weeklyMinWeeks*d.perSlot || !(s.errB < d.cfg.Design.WeeklyGain*s.errA) {
		return 0
	}
	return s.week[ws]
}

// updateWeekly moves slot ws's correction towards rA, what the additive
// prediction missed (clipped as every update is), with weight w, and
// tracks the squared errors of the prediction without the correction and
// with it (only slots with enough data count as "with").
func (d *Detector) updateWeekly(s *series, ws int, rA, w float64) {
	rB := rA
	if float64(s.weekN[ws]) >= weeklyMinWeeks*d.perSlot {
		rB = rA - s.week[ws]
	}
	ea := math.Max(d.weekErrAlpha, 1/float64(s.n+1))
	s.errA += ea * (rA*rA - s.errA)
	s.errB += ea * (rB*rB - s.errB)
	s.week[ws] += math.Max(d.weekAlpha, 1/float64(s.weekN[ws]+2)) * w * (rA - s.week[ws])
	if s.weekN[ws] < math.MaxInt32 {
		s.weekN[ws]++
	}
}
