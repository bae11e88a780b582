package detect

import "time"

// The committee. One model's two horizons forget at one pace each (the
// level over LevelHalfLife, the run of surprises over SlowHalfLife), and
// which pace is right differs from series to series and from incident to
// incident: a fast-forgetting model adapts to a new level within hours
// and misses a slow build-up, a slow one sees the build-up and fires on
// every level shift. So a Detector is a committee of models that differ
// only in those two paces, the configured ones times committeeLevel and
// committeeSlow (9 models), and an episode starts when at least Quorum of
// them fire, and resolves when none does. A single model's chance alarm
// is rarely shared by enough of the others; an incident is. The design
// and the quorum were chosen by leave-one-category-out cross-validation
// on the 53 NAB files (docs/BENCHMARKS.md, "Twentieth session: a
// committee of paces").

// committeeLevel and committeeSlow scale LevelHalfLife and SlowHalfLife
// for the committee's members; the middle member is the configured model,
// whose numbers (expected value, factor, scores) a Decision reports.
var (
	committeeLevel = [...]float64{0.25, 1, 3}
	committeeSlow  = [...]float64{0.5, 1, 2}
)

// defaultQuorum is how many of the 9 members must fire to start an
// episode.
const defaultQuorum = 4

// A committeeShape is one committee design: members whose level and slow
// half-lives are the configured ones times each pair of level × slow, or
// members that differ in FireEvery × TailQuantile instead (fireEvery and
// tails set).
type committeeShape struct {
	level, slow []float64
	fireEvery   []time.Duration
	tails       []float64
}

// Committees names the committee designs the leave-one-category-out
// cross-validation chose among (docs/BENCHMARKS.md, "Twentieth session: a
// committee of paces"; nab.DesignGrid). Design.Committee "" is the
// default, "paces".
var Committees = []string{"paces", "thresholds", "paces-narrow", "level-only", "slow-only", "paces-25",
	"level-6h-96h", "level-4h-72h", "slow-20m-3h", "level-15", "slow-15"}

var committeeShapes = map[string]committeeShape{
	"paces":        {level: committeeLevel[:], slow: committeeSlow[:]}, // 6h/24h/72h × 30m/1h/2h
	"thresholds":   {fireEvery: []time.Duration{7 * 24 * time.Hour, 14 * 24 * time.Hour, 30 * 24 * time.Hour}, tails: []float64{0.999, 0.9995, 0.9998}},
	"paces-narrow": {level: []float64{0.5, 1, 2}, slow: []float64{0.5, 1, 2}},                             // 12h/24h/48h × 30m/1h/2h
	"level-only":   {level: []float64{0.25, 1, 3}, slow: []float64{1}},                                    // 6h/24h/72h × 1h
	"slow-only":    {level: []float64{1}, slow: []float64{0.5, 1, 2}},                                     // 24h × 30m/1h/2h
	"paces-25":     {level: []float64{0.125, 0.5, 1, 3, 7}, slow: []float64{1.0 / 3, 2.0 / 3, 1, 1.5, 2}}, // 3h..168h × 20m..2h
	"level-6h-96h": {level: []float64{0.25, 1, 4}, slow: []float64{0.5, 1, 2}},
	"level-4h-72h": {level: []float64{1.0 / 6, 1, 3}, slow: []float64{0.5, 1, 2}},
	"slow-20m-3h":  {level: []float64{0.25, 1, 3}, slow: []float64{1.0 / 3, 1, 3}},
	"level-15":     {level: []float64{0.25, 0.5, 1, 2, 3}, slow: []float64{0.5, 1, 2}},
	"slow-15":      {level: []float64{0.25, 1, 3}, slow: []float64{0.5, 0.75, 1, 1.5, 2}},
}

// committeeOf is the design named (the default for "" or a name not in
// Committees).
func committeeOf(name string) committeeShape {
	if c, ok := committeeShapes[name]; ok {
		return c
	}
	return committeeShapes["paces"]
}

// size is how many members the design has.
func (c committeeShape) size() int {
	if c.fireEvery != nil {
		return len(c.fireEvery) * len(c.tails)
	}
	return len(c.level) * len(c.slow)
}

// CommitteeSize is how many members the committee design name has (the
// default's for a name not in Committees): the largest quorum it takes.
func CommitteeSize(name string) int { return committeeOf(name).size() }

// vote is the committee's state of one series.
type vote struct {
	on   bool
	last time.Time // the last bucket judged; zero before the first
}

// newCommittee returns the members of the committee of raw (the
// configuration as given; def is it with defaults filled in, whose
// half-lives the members scale) and the index of the configured model
// among them.
func newCommittee(raw, def Config) ([]*Detector, int) {
	var ms []*Detector
	primary := 0
	shape := committeeOf(def.Design.Committee)
	if shape.fireEvery != nil {
		for _, fe := range shape.fireEvery {
			for _, q := range shape.tails {
				mc := raw
				mc.Single = true
				mc.FireEvery, mc.TailQuantile = fe, q
				if fe == def.FireEvery && q == def.TailQuantile {
					primary = len(ms)
				}
				ms = append(ms, New(mc))
			}
		}
		return ms, primary
	}
	for _, lf := range shape.level {
		for _, sf := range shape.slow {
			mc := raw
			mc.Single = true
			mc.LevelHalfLife = time.Duration(float64(def.LevelHalfLife) * lf)
			mc.SlowHalfLife = time.Duration(float64(def.SlowHalfLife) * sf)
			if lf == 1 && sf == 1 {
				primary = len(ms)
			}
			ms = append(ms, New(mc))
		}
	}
	return ms, primary
}

// decide runs every member on one bucket (Step, or Peek when peek) and
// returns the committee's decision: the configured member's numbers, with
// Firing, Onset and Resolved from the vote. A Peek changes no state.
func (d *Detector) decide(name string, bucket time.Time, value, total float64, peek bool) Decision {
	v := d.votes[name]
	if v == nil {
		if peek {
			return Decision{}
		}
		v = &vote{}
		d.votes[name] = v
	}
	var dec Decision
	firing, rebaselined := 0, false
	for i, m := range d.members {
		var md Decision
		if peek {
			md = m.Peek(name, bucket, value, total)
		} else {
			md = m.Step(name, bucket, value, total)
		}
		if md.Firing {
			firing++
		}
		rebaselined = rebaselined || md.Rebaselined
		if i == d.primary {
			dec = md
		}
	}
	dec.Onset, dec.Resolved, dec.Rebaselined = false, false, false
	if !v.last.IsZero() && !bucket.After(v.last) { // a bucket already judged: the state as it is
		dec.Firing = v.on
		return dec
	}
	on := v.on
	switch {
	case !on && firing >= d.quorum:
		on, dec.Onset = true, true
	case on && firing == 0:
		on, dec.Resolved, dec.Rebaselined = false, true, rebaselined
	}
	dec.Firing = on
	if !peek {
		v.on, v.last = on, bucket
	}
	return dec
}
