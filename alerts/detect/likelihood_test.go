package detect

import (
	"math/rand/v2"
	"testing"
)

// The same bucket score stands out after a calm week and does not after a
// week in which scores like it came all the time (a series noisier than its
// model); a run of far larger scores stands out on both.
func TestRunStandsOutAgainstItsHabit(t *testing.T) {
	d := New(Config{Single: true}) // the model's own rule
	r := rand.New(rand.NewPCG(5, 5))
	calm, jumpy := newSeries(), newSeries()
	for i := 0; i < 7*day; i++ {
		d.standsOut(calm, 0.3*r.Float64()) // p-values of a series that follows its model
		d.standsOut(jumpy, 6*r.Float64())  // scores up to 6 in any bucket
	}
	if !d.standsOut(calm, 8) {
		t.Error("a score of 8 after a calm week does not stand out")
	}
	if d.standsOut(jumpy, 8) {
		t.Error("a score of 8 stands out on a series that scores up to 6 in any bucket")
	}
	d.standsOut(jumpy, 30)
	d.standsOut(jumpy, 30)
	if !d.standsOut(jumpy, 30) {
		t.Error("three scores of 30 running do not stand out on the jumpy series")
	}
}

// A negative Design.RunScore turns the run test off: standsOut always
// passes, whatever the run's history.
func TestRunTestOff(t *testing.T) {
	d := New(Config{Design: Design{RunScore: -1}, Single: true})
	s := newSeries()
	for i := 0; i < 100; i++ {
		if !d.standsOut(s, 5) {
			t.Fatalf("bucket %d: the run test is off but the run did not stand out", i)
		}
	}
	on := New(Config{Single: true})
	s = newSeries()
	passed := 0
	for i := 0; i < 100; i++ {
		if on.standsOut(s, 5) {
			passed++
		}
	}
	if passed > 5 {
		t.Errorf("run test on: a steady score of 5 stood out in %d of 100 buckets", passed)
	}
}
