package detect

import (
	"math"
	"time"
)

// Daily habits. A job that runs every day at the same time (a backup, a
// batch import, a newsletter that draws replies) makes the same spike at
// the same minute each day. The hourly profile cannot learn a spike a few
// minutes long, and the series' own tail learns it only after weeks, so
// without this rule each run would fire. An incident does not come back at
// the same minute of the day three days running; a scheduled job does. So a
// hot bucket does not start an episode when a hot bucket came within
// Design.HabitTolerance of the same time of day on each of the habitDays days
// before, unless it beats the largest of those by CooldownOverride (as a
// larger wave beats the cooldown). Incidents that come back once, the next
// day at the same hour, still fire.

// habitDays is how many days running a spike must have come at about this
// time of day before it is a habit.
const habitDays = 2

// habitSlot is the resolution of the time of day. Design.HabitTolerance
// is how far from the same time of day a spike on the day before still
// counts: the daily jobs of the NAB CloudWatch files drift by 10 to 30
// minutes from one day to the next (chosen by cross-validation,
// docs/BENCHMARKS.md).
const (
	habitSlot  = 10 * time.Minute
	habitSlots = int(24 * time.Hour / habitSlot)
)

// habitReachOf is a tolerance in habit slots; -1 (no habit) when negative.
func habitReachOf(tol time.Duration) int {
	if tol < 0 {
		return -1
	}
	return int(tol / habitSlot)
}

// habitual records a hot bucket at local time lt with score and says
// whether it repeats a daily habit (and is not clearly larger than it).
func (d *Detector) habitual(s *series, lt time.Time, score float64) bool {
	if d.habitReach < 0 {
		return false
	}
	_, off := lt.Zone()
	sec := lt.Unix() + int64(off)
	day := int32(floorDiv(sec, 86400))
	k := int((sec - int64(day)*86400) / int64(habitSlot/time.Second))
	// The run of days ending yesterday with a hot bucket near this time of
	// day, and the largest score of yesterday's: from a slot last hot
	// yesterday, or from one already hot today (which kept both).
	run, prev := 0, 0.0
	for j := k - d.habitReach; j <= k+d.habitReach; j++ {
		jj := (j + habitSlots) % habitSlots
		r, p := 0, 0.0
		switch s.habitDay[jj] {
		case day - 1:
			r, p = int(s.habitRun[jj]), float64(s.habitScore[jj])
		case day:
			r, p = int(s.habitRun[jj])-1, float64(s.habitPrev[jj])
		}
		if r > run || (r == run && p > prev) {
			run, prev = r, p
		}
	}
	if s.habitDay[k] != day {
		s.habitDay[k], s.habitRun[k] = day, uint8(min(run+1, math.MaxUint8))
		s.habitScore[k], s.habitPrev[k] = 0, float32(prev)
	}
	s.habitScore[k] = float32(math.Max(float64(s.habitScore[k]), math.Min(score, math.MaxFloat32)))
	return run >= habitDays && score < d.cfg.CooldownOverride*prev
}

// floorDiv is a / b rounded down (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
