package detect

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday

// poisson draws from Poisson(mu) (Knuth for small mu, normal beyond 30).
func poisson(r *rand.Rand, mu float64) float64 {
	if mu > 30 {
		return math.Max(0, math.Round(mu+math.Sqrt(mu)*r.NormFloat64()))
	}
	l, k, p := math.Exp(-mu), 0.0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// feed steps n buckets of series name from bucket index i0, with mean mu(i).
func feed(d *Detector, r *rand.Rand, name string, i0, n int, mu func(i int) float64) (onsets []int) {
	for i := i0; i < i0+n; i++ {
		dec := d.Step(name, t0.Add(time.Duration(i)*5*time.Minute), poisson(r, mu(i)), 0)
		if dec.Onset {
			onsets = append(onsets, i)
		}
	}
	return onsets
}

const day = 288 // 5-minute buckets

func flat(mu float64) func(int) float64 { return func(int) float64 { return mu } }

func TestSteadyPoissonRarelyFires(t *testing.T) {
	for _, mu := range []float64{2, 10, 60} {
		d := New(Config{})
		r := rand.New(rand.NewPCG(1, uint64(mu)))
		onsets := feed(d, r, "acme", 0, 28*day, flat(mu))
		// 28 days = 8064 buckets; allow at most 2 onsets.
		if len(onsets) > 2 {
			t.Errorf("mu=%g: %d onsets on a steady Poisson series: %v", mu, len(onsets), onsets)
		}
	}
}

func TestBurstFiresQuicklyAndResolves(t *testing.T) {
	d := New(Config{})
	r := rand.New(rand.NewPCG(2, 2))
	feed(d, r, "acme", 0, 7*day, flat(10))
	start := 7 * day
	var onset, resolved int = -1, -1
	for i := start; i < start+12; i++ { // one hour at 4×
		dec := d.Step("acme", t0.Add(time.Duration(i)*5*time.Minute), poisson(r, 40), 0)
		if dec.Onset && onset < 0 {
			onset = i
		}
		if i > start && !dec.Firing {
			t.Fatalf("bucket %d of the burst: not firing (%+v)", i-start, dec)
		}
	}
	end := start + 12
	for i := end; i < end+48; i++ {
		dec := d.Step("acme", t0.Add(time.Duration(i)*5*time.Minute), poisson(r, 10), 0)
		if dec.Resolved {
			resolved = i
			break
		}
	}
	if onset < 0 || onset > start+1 {
		t.Fatalf("onset at bucket %d, want within 2 buckets of %d", onset, start)
	}
	if resolved < 0 {
		t.Fatal("episode did not resolve within 4h after the burst")
	}
	if want := d.Config().ResolveBuckets; resolved-end+1 < want || resolved-end+1 > want+6 {
		t.Errorf("resolved %d buckets after the burst, want about %d", resolved-end+1, want)
	}
}

func TestPriorSpikeBarelyMovesBaseline(t *testing.T) {
	// The cooldown would hold back the second burst (TestCooldown): this
	// test is about the baseline, so it is off here.
	d := New(Config{Cooldown: -1, Single: true}) // reads the model's state
	r := rand.New(rand.NewPCG(3, 3))
	feed(d, r, "acme", 0, 7*day, flat(20))
	before := d.series["acme"].dec.Expected
	i := 7 * day
	for k := 0; k < 24; k++ { // two hours at 10×
		d.Step("acme", t0.Add(time.Duration(i)*5*time.Minute), 200, 0)
		i++
	}
	dec := d.Step("acme", t0.Add(time.Duration(i)*5*time.Minute), 20, 0)
	if dec.Expected > before*1.25 {
		t.Errorf("expected %.1f after a two-hour 10× spike, %.1f before: the spike inflated the baseline", dec.Expected, before)
	}
	// And a second 10× burst the next day still fires.
	feed(d, r, "acme", i+1, day, flat(20))
	if on := feed(d, r, "acme", i+1+day, 6, flat(200)); len(on) == 0 {
		t.Error("a second 10× burst a day after the first did not fire")
	}
}

func TestCooldown(t *testing.T) {
	d := New(Config{Single: true}) // reads the model's state
	r := rand.New(rand.NewPCG(9, 9))
	feed(d, r, "acme", 0, 7*day, flat(20))
	i := 7 * day
	burst := func(v float64, n int) (onset bool) {
		for k := 0; k < n; k++ {
			if d.Step("acme", t0.Add(time.Duration(i)*5*time.Minute), v, 0).Onset {
				onset = true
			}
			i++
		}
		return onset
	}
	if !burst(100, 6) {
		t.Fatal("a 5× burst did not fire")
	}
	feed(d, r, "acme", i, 6*12, flat(20)) // resolves within the hour
	i += 6 * 12
	if d.series["acme"].firing {
		t.Fatal("the episode did not resolve")
	}
	// Six hours after: a wave of the same size is the same story.
	if burst(100, 6) {
		t.Error("a burst like the last one fired within the cooldown")
	}
	feed(d, r, "acme", i, 2*12, flat(20))
	i += 2 * 12
	// A clearly larger one fires within the cooldown.
	if !burst(400, 3) {
		t.Error("a burst far above the last peak did not fire within the cooldown")
	}
	feed(d, r, "acme", i, 2*day, flat(20))
	i += 2 * day
	// After the cooldown the same size fires again.
	if !burst(100, 6) {
		t.Error("a 5× burst two days later did not fire")
	}
	// Disabled, the second wave fires.
	d2 := New(Config{Cooldown: -1})
	feed(d2, r, "acme", 0, 7*day, flat(20))
	var onsets int
	for k, v := range []float64{100, 100, 100, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 100, 100} {
		if d2.Step("acme", t0.Add(time.Duration(7*day+k)*5*time.Minute), v, 0).Onset {
			onsets++
		}
	}
	if onsets != 2 {
		t.Errorf("cooldown off: %d onsets for two bursts, want 2", onsets)
	}
}

func TestSlowDetectorCatchesSustainedRise(t *testing.T) {
	// A rise by 25% that lasts hours: no 5-minute bucket is surprising
	// enough for the fast horizon, but the run is.
	d := New(Config{})
	r := rand.New(rand.NewPCG(10, 10))
	feed(d, r, "acme", 0, 7*day, flat(20))
	fast := New(Config{SlowScore: 1e9}) // the fast horizon alone
	r2 := rand.New(rand.NewPCG(10, 10))
	feed(fast, r2, "acme", 0, 7*day, flat(20))
	start := 7 * day
	onset, fastOnset := -1, -1
	for i := start; i < start+6*12; i++ {
		v := poisson(r, 25)
		at := t0.Add(time.Duration(i) * 5 * time.Minute)
		dec := d.Step("acme", at, v, 0)
		if dec.Onset && onset < 0 {
			onset = i
			if !dec.Slow || dec.SlowFactor < 1.1 {
				t.Errorf("onset not from the slow horizon: %+v", dec)
			}
		}
		if fast.Step("acme", at, v, 0).Onset && fastOnset < 0 {
			fastOnset = i
		}
	}
	if onset < 0 || onset > start+2*12 {
		t.Errorf("a sustained rise by 25%% started an episode at %d, want within 2h of %d", onset, start)
	}
	if fastOnset >= 0 && fastOnset <= onset {
		t.Errorf("the fast horizon alone fired at %d, no later than both (%d): the test shows nothing", fastOnset, onset)
	}
	// One huge bucket does not make the slow sum hot for the hours after it.
	d = New(Config{Cooldown: -1})
	feed(d, r, "b", 0, 7*day, flat(6))
	d.Step("b", t0.Add(time.Duration(7*day)*5*time.Minute), 600, 0)
	for i := 7*day + 1; i < 7*day+3*12; i++ {
		if dec := d.Step("b", t0.Add(time.Duration(i)*5*time.Minute), poisson(r, 6), 0); dec.Slow {
			t.Fatalf("bucket %d after one spike: slow detector hot (%+v)", i-7*day, dec)
		}
	}
}

func TestBelowMinCountNeverFires(t *testing.T) {
	d := New(Config{MinCount: 5})
	r := rand.New(rand.NewPCG(4, 4))
	feed(d, r, "tiny", 0, 3*day, flat(0.05))
	for i := 3 * day; i < 10*day; i++ {
		v := 0.0
		if i%50 == 0 {
			v = 4 // 80× the baseline, but below MinCount
		}
		dec := d.Step("tiny", t0.Add(time.Duration(i)*5*time.Minute), v, 0)
		if dec.Firing {
			t.Fatalf("bucket %d: value %g fired below MinCount (%+v)", i, v, dec)
		}
	}
	// The same jump to MinCount and above fires.
	dec := d.Step("tiny", t0.Add(time.Duration(10*day)*5*time.Minute), 12, 0)
	if !dec.Onset {
		t.Errorf("12 against a baseline of ~0.05 did not fire: %+v", dec)
	}
}

func TestSeasonalityLearned(t *testing.T) {
	// 40 per bucket from 08:00 to 20:00 UTC, 4 at night.
	mu := func(i int) float64 {
		h := (i % day) / 12
		if h >= 8 && h < 20 {
			return 40
		}
		return 4
	}
	d := New(Config{})
	r := rand.New(rand.NewPCG(5, 5))
	noonIdx := 14*day + 12*12
	feed(d, r, "acme", 0, noonIdx, mu)
	noon := d.Step("acme", t0.Add(time.Duration(noonIdx)*5*time.Minute), 40, 0)
	if math.Abs(noon.Expected-40) > 8 {
		t.Errorf("expected at noon %.1f, want about 40", noon.Expected)
	}
	if noon.Firing {
		t.Error("a normal daytime count fired")
	}
	nightIdx := 15*day + 2*12
	feed(d, r, "acme", noonIdx+1, nightIdx-noonIdx-1, mu)
	night := d.Step("acme", t0.Add(time.Duration(nightIdx)*5*time.Minute), 30, 0)
	if night.Expected > 8 {
		t.Errorf("expected at 02:00 %.1f, want about 4", night.Expected)
	}
	if !night.Onset {
		t.Errorf("30 at night (a daytime count) did not fire: %+v", night)
	}
}

func TestOrderAndGaps(t *testing.T) {
	d := New(Config{Single: true}) // reads the model's state
	r := rand.New(rand.NewPCG(6, 6))
	feed(d, r, "acme", 0, 2*day, flat(10))
	last := t0.Add(time.Duration(2*day-1) * 5 * time.Minute)
	before := d.series["acme"].n
	dec := d.Step("acme", last, 1000, 0) // same bucket again: ignored
	if dec.Onset || d.series["acme"].n != before {
		t.Fatalf("a repeated bucket changed the state: %+v", dec)
	}
	d.Step("acme", last.Add(time.Hour), 10, 0) // 11 missing buckets count as 0
	if got := d.series["acme"].n - before; got != 12 {
		t.Errorf("a one-hour gap stepped %d buckets, want 12", got)
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), -3} {
		last = last.Add(2 * time.Hour)
		if dec := d.Step("acme", last, v, v); dec.Firing || math.IsNaN(dec.Score) {
			t.Errorf("value %g: %+v", v, dec)
		}
	}
	if d.Len() != 1 {
		t.Errorf("Len = %d", d.Len())
	}
	d.Forget("acme")
	if d.Len() != 0 {
		t.Errorf("Len after Forget = %d", d.Len())
	}
}

func TestTailScore(t *testing.T) {
	// P(X >= 10 | Poisson(2)) = 4.65e-5.
	if got := tailScore(10, 2, 1); math.Abs(got-(-math.Log10(4.6498e-5))) > 0.01 {
		t.Errorf("tailScore(10, 2, 1) = %.4f", got)
	}
	// P(X >= 3 | Poisson(1)) = 0.0803.
	if got := tailScore(3, 1, 1); math.Abs(got-(-math.Log10(0.080301))) > 0.01 {
		t.Errorf("tailScore(3, 1, 1) = %.4f", got)
	}
	if tailScore(5, 10, 1) != 0 {
		t.Error("a count below the mean scored")
	}
	// Overdispersion lowers the score of the same excess.
	if a, b := tailScore(30, 10, 1), tailScore(30, 10, 4); !(b < a/2) {
		t.Errorf("phi=4 score %.2f, phi=1 %.2f", b, a)
	}
	if s := tailScore(20000, 100, 1); math.IsInf(s, 0) || math.IsNaN(s) || s < 1000 {
		t.Errorf("huge excess scored %v", s)
	}
}

func TestStepDoesNotAllocate(t *testing.T) {
	d := New(Config{})
	i := 0
	step := func() {
		d.Step("acme|aspect:delivery", t0.Add(time.Duration(i)*5*time.Minute), float64(i%17), 100)
		i++
	}
	for k := 0; k < day; k++ {
		step()
	}
	if a := testing.AllocsPerRun(1000, step); a != 0 {
		t.Errorf("Step allocates %.1f times per call in steady state", a)
	}
}

func BenchmarkStep(b *testing.B) {
	names := make([]string, 100) // a brand × stages × aspects
	for k := range names {
		names[k] = "acme|aspect:" + string(rune('a'+k%26)) + string(rune('a'+k/26))
	}
	d := New(Config{})
	r := rand.New(rand.NewPCG(8, 8))
	vals := make([]float64, 4096)
	for k := range vals {
		vals[k] = poisson(r, 8)
	}
	for i := 0; i < day; i++ { // warm
		for k, n := range names {
			d.Step(n, t0.Add(time.Duration(i)*5*time.Minute), vals[(i+k)%len(vals)], 50)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bucket := day + i/len(names)
		k := i % len(names)
		d.Step(names[k], t0.Add(time.Duration(bucket)*5*time.Minute), vals[(bucket+k)%len(vals)], 50)
	}
}

// ewmaBaseline is the simplest online detector with the same shape (a map
// of series, a time zone conversion, an EW mean and variance, a z-score):
// the baseline BenchmarkStep's cost is reported against.
type ewmaBaseline struct {
	loc    *time.Location
	series map[string]*[3]float64
}

func (b *ewmaBaseline) step(name string, t time.Time, v float64) bool {
	s := b.series[name]
	if s == nil {
		s = new([3]float64)
		b.series[name] = s
	}
	_ = t.In(b.loc).Hour()
	z := (v - s[0]) / math.Sqrt(s[1]+1)
	s[0] += 0.01 * (v - s[0])
	s[1] += 0.01 * ((v-s[0])*(v-s[0]) - s[1])
	return z > 4
}

func BenchmarkEWMABaseline(b *testing.B) {
	names := make([]string, 100)
	for k := range names {
		names[k] = "acme|aspect:" + string(rune('a'+k%26)) + string(rune('a'+k/26))
	}
	d := &ewmaBaseline{loc: time.UTC, series: map[string]*[3]float64{}}
	r := rand.New(rand.NewPCG(8, 8))
	vals := make([]float64, 4096)
	for k := range vals {
		vals[k] = poisson(r, 8)
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		bucket := day + i/len(names)
		k := i % len(names)
		if d.step(names[k], t0.Add(time.Duration(bucket)*5*time.Minute), vals[(bucket+k)%len(vals)]) {
			n++
		}
	}
	_ = n
}
