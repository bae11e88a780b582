package detect

import (
	"math/rand/v2"
	"testing"
	"time"
)

// A job that makes the same spike at 03:00 every day fires on the first two
// days, then is a habit; a spike at another hour, and one far larger than
// the habit at its own time, still fire.
func TestDailyHabitStopsFiring(t *testing.T) {
	d := New(Config{})
	r := rand.New(rand.NewPCG(21, 21))
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * 5 * time.Minute) }
	spikes := map[int]float64{}
	for dd := 1; dd < 7; dd++ {
		spikes[dd*day+3*12] = 100 // 03:00, two buckets
		spikes[dd*day+3*12+1] = 100
	}
	spikes[4*day+15*12] = 100 // day 4, 15:00: not a habit
	spikes[6*day+3*12] = 1000 // day 6, 03:00: far beyond the habit
	fired := map[int]bool{}
	for i := 0; i < 7*day; i++ {
		v := poisson(r, 20)
		if s, ok := spikes[i]; ok {
			v = s
		}
		if d.Step("acme", at(i), v, 0).Onset {
			fired[i] = true
		}
	}
	for dd, want := range map[int]bool{1: true, 2: true, 3: false, 4: false, 5: false, 6: true} {
		if got := fired[dd*day+3*12]; got != want {
			t.Errorf("day %d, 03:00: onset %v, want %v", dd, got, want)
		}
	}
	if !fired[4*day+15*12] {
		t.Error("day 4, 15:00: a spike at another hour did not fire")
	}
	// Without the habit rule's history (a new detector, same data from
	// day 3 on) the 03:00 spike fires: it is the history that holds it.
	d2 := New(Config{})
	r2 := rand.New(rand.NewPCG(22, 22))
	for i := 0; i < 2*day; i++ {
		d2.Step("acme", at(i), poisson(r2, 20), 0)
	}
	if !d2.Step("acme", at(2*day+3*12), 100, 0).Onset {
		t.Error("a first 03:00 spike did not fire")
	}
}

// With the habit rule off (Design.HabitTolerance negative) the same daily
// job fires every day; with a 10-minute tolerance a job that drifts by 30
// minutes a day is no habit.
func TestHabitToleranceDesign(t *testing.T) {
	run := func(tol time.Duration, drift int) map[int]bool {
		d := New(Config{Design: Design{HabitTolerance: tol}})
		r := rand.New(rand.NewPCG(23, 23))
		at := func(i int) time.Time { return t0.Add(time.Duration(i) * 5 * time.Minute) }
		spikes := map[int]int{}
		for dd := 1; dd < 6; dd++ {
			spikes[dd*day+3*12+dd*drift] = dd
		}
		fired := map[int]bool{}
		for i := 0; i < 6*day; i++ {
			v := poisson(r, 20)
			dd, ok := spikes[i]
			if ok {
				v = 100
			}
			if d.Step("acme", at(i), v, 0).Onset && ok {
				fired[dd] = true
			}
		}
		return fired
	}
	if f := run(-1, 0); len(f) != 5 {
		t.Errorf("habit rule off: fired on days %v, want all 5", f)
	}
	if f := run(0, 0); len(f) != 2 {
		t.Errorf("default tolerance, same minute: fired on days %v, want the first 2", f)
	}
	if f := run(10*time.Minute, 6); len(f) != 5 {
		t.Errorf("10-minute tolerance, 30 minutes of drift a day: fired on days %v, want all 5", f)
	}
}
