package detect

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestDropFiresWithDirectionDown(t *testing.T) {
	for _, c := range []struct {
		dir  Direction
		want bool
	}{{Up, false}, {Down, true}, {Both, true}} {
		d := New(Config{Direction: c.dir})
		r := rand.New(rand.NewPCG(11, 11))
		feed(d, r, "acme", 0, 7*day, flat(20))
		onset := -1
		for i := 7 * day; i < 7*day+24; i++ { // the source goes silent for 2h
			dec := d.Step("acme", t0.Add(time.Duration(i)*5*time.Minute), 0, 0)
			if dec.Onset && onset < 0 {
				onset = i - 7*day
				if dec.Z >= 0 {
					t.Errorf("%s: onset on a drop with z %.1f", c.dir, dec.Z)
				}
			}
		}
		if fired := onset >= 0; fired != c.want {
			t.Errorf("direction %s: fired on silence %v (bucket %d), want %v", c.dir, fired, onset, c.want)
		}
		if c.want && onset > 2 {
			t.Errorf("direction %s: silence noticed after %d buckets, want within 3", c.dir, onset)
		}
	}
}

func TestRealValuedSeries(t *testing.T) {
	// A metric around -3.2 with spread 0.05, negative and not a count;
	// then a step of 0.5 (10 standard deviations).
	d := New(Config{MinCount: -1, Direction: Both, Single: true}) // reads the model's state
	r := rand.New(rand.NewPCG(12, 12))
	var onsets []int
	for i := 0; i < 14*day+12; i++ {
		v := -3.2 + 0.05*r.NormFloat64()
		if i >= 14*day {
			v += 0.5
		}
		dec := d.Step("cpu", t0.Add(time.Duration(i)*5*time.Minute), v, 0)
		if math.IsNaN(dec.Score) || math.IsInf(dec.Score, 0) {
			t.Fatalf("bucket %d: score %v", i, dec.Score)
		}
		if dec.Onset {
			onsets = append(onsets, i)
		}

	}
	if n := len(onsets); n == 0 || onsets[n-1] != 14*day {
		t.Fatalf("onsets %v: the step at %d did not fire at once", onsets, 14*day)
	}
	// By design a series that follows its model crosses the threshold by
	// chance about once in two weeks (FireEvery): about one in these two
	// weeks.
	if len(onsets) > 5 {
		t.Errorf("%d onsets on a steady Gaussian metric before the step: %v", len(onsets)-1, onsets)
	}
	if s := d.series["cpu"]; s.counts {
		t.Error("a negative real-valued series is taken for counts")
	}
}

func TestPeekDoesNotMutate(t *testing.T) {
	d := New(Config{Single: true}) // reads the model's state
	r := rand.New(rand.NewPCG(13, 13))
	feed(d, r, "acme", 0, 7*day, flat(10))
	before := *d.series["acme"]
	next := t0.Add(time.Duration(7*day+3) * 5 * time.Minute) // two buckets missing, too
	p := d.Peek("acme", next, 80, 0)
	if !p.Onset || !p.Firing {
		t.Fatalf("Peek of 80 against 10: %+v, want an onset", p)
	}
	if *d.series["acme"] != before {
		t.Fatal("Peek changed the series' state")
	}
	if q := d.Peek("acme", next, 80, 0); q != p {
		t.Errorf("a second Peek differs: %+v vs %+v", q, p)
	}
	// The closed bucket with the same count decides the same; a partial
	// count Peek would not fire on is not fired by Step either.
	if s := d.Step("acme", next, 80, 0); s != p {
		t.Errorf("Step after Peek: %+v, Peek said %+v", s, p)
	}
	if got := d.Peek("nobody", next, 80, 0); got != (Decision{}) {
		t.Errorf("Peek of an unknown series: %+v", got)
	}
	if d.Len() != 1 {
		t.Error("Peek created a series")
	}
}

func TestZOfScoreInvertsNormScore(t *testing.T) {
	for _, s := range []float64{0.31, 0.5, 1, 3, 6, 20, 100, 299} {
		z := zOfScore(s)
		if got := normScore(z); math.Abs(got-s) > 1e-6*math.Max(1, s) {
			t.Errorf("normScore(zOfScore(%g)) = %g (z %g)", s, got, z)
		}
	}
	if zOfScore(0) != 0 || normScore(-1) != 0 || normScore(0) != 0 {
		t.Error("zero or negative surprise scored")
	}
	// The tail of 3 standard deviations: P = 1.35e-3.
	if got := normScore(3); math.Abs(got-(-math.Log10(1.3499e-3))) > 1e-3 {
		t.Errorf("normScore(3) = %g", got)
	}
	if s := normScore(1e6); math.IsInf(s, 0) || math.IsNaN(s) || s < 1e11 {
		t.Errorf("normScore(1e6) = %g", s)
	}
}

func TestDirectionParse(t *testing.T) {
	for in, want := range map[string]Direction{"": Up, "up": Up, "down": Down, "both": Both} {
		if got, err := ParseDirection(in); err != nil || got != want || (in != "" && got.String() != in) {
			t.Errorf("ParseDirection(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseDirection("sideways"); err == nil {
		t.Error("sideways parsed")
	}
}

func TestGapsSkip(t *testing.T) {
	d := New(Config{Gaps: GapsSkip, Single: true}) // reads the model's state
	r := rand.New(rand.NewPCG(14, 14))
	feed(d, r, "m", 0, 2*day, flat(10))
	n := d.series["m"].n
	d.Step("m", t0.Add(time.Duration(2*day+12)*5*time.Minute), 10, 0) // an hour later
	if got := d.series["m"].n - n; got != 1 {
		t.Errorf("GapsSkip stepped %d buckets over a one-hour gap, want 1", got)
	}
}
