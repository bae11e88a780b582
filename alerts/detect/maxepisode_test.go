package detect

import (
	"math/rand/v2"
	"testing"
	"time"
)

// A lasting shift (a metric that doubles and stays there) is one episode
// that ends as the new normal after MaxEpisode; a spike on the new level is
// then a new incident. Without MaxEpisode the first episode would still be
// open, hiding the spike.
func TestMaxEpisodeMakesALastingShiftTheNewNormal(t *testing.T) {
	run := func(cfg Config) (onsets []int, rebased int) {
		d := New(cfg)
		r := rand.New(rand.NewPCG(21, 21))
		feed(d, r, "m", 0, 7*day, flat(20))
		rebased = -1
		for i := 7 * day; i < 12*day; i++ {
			mu := 40.0
			if i >= 11*day && i < 11*day+6 { // half an hour at 4× the new level
				mu = 160
			}
			dec := d.Step("m", t0.Add(time.Duration(i)*5*time.Minute), poisson(r, mu), 0)
			if dec.Onset {
				onsets = append(onsets, i)
			}
			if dec.Rebaselined {
				if !dec.Resolved {
					t.Errorf("bucket %d: rebaselined without resolving: %+v", i, dec)
				}
				rebased = i
			}
		}
		return onsets, rebased
	}

	onsets, rebased := run(Config{})
	if len(onsets) == 0 || onsets[0] > 7*day+12 {
		t.Fatalf("the shift itself did not start an episode within an hour: onsets %v", onsets)
	}
	if want := onsets[0] + 2*day; rebased != want {
		t.Errorf("rebaselined at bucket %d, want %d (two days after the onset at %d)", rebased, want, onsets[0])
	}
	spike := false
	for _, o := range onsets[1:] {
		if o >= 11*day && o < 11*day+6 {
			spike = true
		} else {
			t.Errorf("onset at bucket %d: the new level itself alerted again", o)
		}
	}
	if !spike {
		t.Errorf("a 4x spike on the new level was not seen: onsets %v", onsets)
	}

	off, rebased := run(Config{MaxEpisode: -1})
	if rebased >= 0 || len(off) != 1 {
		t.Errorf("MaxEpisode off: onsets %v, rebaselined at %d; want the one long episode only", off, rebased)
	}
}
