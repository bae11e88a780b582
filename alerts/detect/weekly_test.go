package detect

import (
	"math/rand/v2"
	"testing"
	"time"
)

// hourly feeds hours of hourly Poisson counts with mean mu(weekday, hour)
// from t0 (a Monday) and returns the detector and the onsets from week skip
// on.
func hourly(seed uint64, hours, skip int, mu func(wd time.Weekday, h int) float64) (*Detector, []time.Time) {
	d := New(Config{Bucket: time.Hour, Single: true}) // reads the model's state
	r := rand.New(rand.NewPCG(seed, 7))
	var onsets []time.Time
	for i := 0; i < hours; i++ {
		at := t0.Add(time.Duration(i) * time.Hour)
		dec := d.Step("x", at, poisson(r, mu(at.Weekday(), at.Hour())), 0)
		if dec.Onset && i >= skip*7*24 {
			onsets = append(onsets, at)
		}
	}
	return d, onsets
}

func weekend(wd time.Weekday) bool { return wd == time.Saturday || wd == time.Sunday }

// A weekend with another daily shape than the weekdays' (busy evenings,
// quieter office hours) is learned by the hour-of-week correction: the
// additive profiles alone predict a Saturday evening from the weekdays'
// evenings less the weekend's mean drop (about 55 here, against a true
// 90); with the correction in use the prediction follows the weekend's
// own shape and the weekend evenings stop firing.
func TestWeekendShapeLearned(t *testing.T) {
	mu := func(wd time.Weekday, h int) float64 {
		switch {
		case weekend(wd) && h >= 19:
			return 90
		case weekend(wd) && h >= 8 && h < 18:
			return 60
		case !weekend(wd) && h >= 8 && h < 18:
			return 100
		}
		return 50
	}
	// Nine weeks and five days: up to Saturday 18:00 of week 10.
	hours := (9*7+5)*24 + 19
	d, onsets := hourly(1, hours, 6, mu)
	if len(onsets) > 1 {
		t.Errorf("weeks 7-10: %d onsets on a series that repeats its week: %v", len(onsets), onsets)
	}
	at := t0.Add(time.Duration(hours) * time.Hour)
	if at.Weekday() != time.Saturday || at.Hour() != 19 {
		t.Fatalf("%s is not a Saturday at 19:00", at)
	}
	if s := d.series["x"]; !(s.errB < d.cfg.Design.WeeklyGain*s.errA) {
		t.Fatalf("the correction is not in use: squared error %.1f with it, %.1f without", s.errB, s.errA)
	}
	dec := d.Peek("x", at, 90, 0)
	if dec.Expected < 75 || dec.Expected > 110 || dec.Onset {
		t.Errorf("Saturday 19:00 at its usual 90: expected %.1f, onset %v; want about 90 and no onset", dec.Expected, dec.Onset)
	}
}

// A week that is the weekday shape moved down (weekends quieter by the same
// amount every hour) is what the additive day-of-week profile already
// says: the correction does not cut the error by 20% and stays out.
func TestWeeklyStaysOutWhenAdditive(t *testing.T) {
	mu := func(wd time.Weekday, h int) float64 {
		base := 40.0
		if h >= 8 && h < 18 {
			base = 100
		}
		if weekend(wd) {
			base -= 25
		}
		return base
	}
	d, onsets := hourly(2, 6*7*24, 3, mu)
	if len(onsets) > 1 {
		t.Errorf("weeks 4-6: %d onsets: %v", len(onsets), onsets)
	}
	if s := d.series["x"]; s.errB < d.cfg.Design.WeeklyGain*s.errA {
		t.Errorf("the correction is in use on an additive week: squared error %.1f with it, %.1f without", s.errB, s.errA)
	}
}
