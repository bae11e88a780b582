// Package detect is the online spike detector for negative-mention counts.
//
// A Detector holds many series ("acme", "acme|stage:amot",
// "acme|aspect:delivery"). Each closed bucket of a series goes through Step,
// which returns the decision for that bucket. The detector does no I/O and
// reads no clock: the bucket time is an argument, so a test is an exact table
// of buckets, and warming up at start-up is feeding the stored history
// through Step.
//
// Model, per series: expected(t) = level × hourOfDay[h(t)] × dayOfWeek[d(t)].
// The level is an EWMA of the deseasonalised count; the seasonal factors are
// EWMAs of the count's ratio to the rest of the model, so they start at 1 and
// sharpen as history accumulates. Every update uses the count winsorised at
// the expected value plus a few standard deviations, and buckets of an active
// episode update with a much smaller weight, so an earlier spike barely moves
// the baseline. The spread is quasi-Poisson: variance = phi × expected, with
// phi >= 1 an EWMA of the squared Pearson residual. A bucket's score is
// -log10 of the upper tail P(X >= count); an episode starts when the score,
// the count and the factor all clear their gates, and resolves after a few
// consecutive quiet buckets (hysteresis).
//
// Two more mechanisms shape the onsets. A slow detector judges the rolling
// sum of the last few hours (each bucket clipped as for the baseline
// updates) with its own dispersion, so a sustained doubling that no single
// bucket makes surprising still starts an episode, while one big bucket
// cannot. And after an episode resolves, a cooldown holds back new onsets
// for a day unless a bucket clearly beats the last episode's peak: the
// follow-up waves of one story do not alert again.
package detect

import (
	"math"
	"time"
)

// Config tunes a Detector. The zero value of every field means its default.
type Config struct {
	Bucket   time.Duration  // bucket width, default 5m
	MinCount float64        // below this many negatives in a bucket nothing fires, default 5
	Location *time.Location // time zone for time of day and day of week, default UTC

	// Sensitivity.
	FireScore float64 // -log10 tail p-value that starts an episode, default 10
	MinFactor float64 // count / expected needed to start an episode, default 2

	// Adaptive tail: a series that is routinely spiky must spike beyond its
	// own habit. The detector tracks the TailQuantile quantile of its scores
	// (stochastic approximation, bounded memory) and an onset also needs
	// score >= TailMargin × that quantile.
	TailQuantile float64 // default 0.995
	TailMargin   float64 // default 2; a negative value disables the adaptive tail

	// Hysteresis.
	ResolveScore   float64 // an episode is quiet while its score is below this, default 2
	ResolveFactor  float64 // ... and its factor below this, default 1.5
	ResolveBuckets int     // consecutive quiet buckets that resolve an episode, default 12 (1h)
	Confirm        int     // hot buckets among the last ConfirmOf that start an episode, default 1
	ConfirmOf      int     // window of the confirmation, at most 32, default 1

	// Baseline.
	LevelHalfLife    time.Duration // half-life of the level EWMA, default 24h
	SeasonHalfLife   time.Duration // half-life of the time-of-day and day-of-week factors, default 7 days of their own updates
	Winsor           float64       // updates see the count clipped at expected + Winsor standard deviations, default 3
	EpisodeDamp      float64       // weight of updates inside an episode, relative to normal, default 0.1
	WarmupBuckets    int           // buckets of history before anything fires, default 1 day
	MaxGapBuckets    int           // a gap longer than this is not filled with zeros bucket by bucket, default 1 week
	DisableSeasonal  bool          // use the level alone (for series without a daily rhythm)
	MinShareFactor   float64       // if > 0 and total is known, also require share / baseline share >= this
	ShareHalfLifeBkt int           // half-life of the baseline negative share, in buckets with mentions, default 2016

	// Slow detector: the sum of the last SlowWindow of buckets, each clipped
	// like a baseline update, against the sum of their expectations, with its
	// own quasi-Poisson dispersion. It starts an episode when its score
	// reaches SlowScore and the sum is at least 1.5 × expected, and keeps an
	// episode from going quiet while it stays hot.
	SlowWindow time.Duration // default 3h, at most 48 buckets; negative disables
	SlowScore  float64       // default 6

	// Cooldown: after an episode resolves, no new onset for Cooldown unless
	// the bucket's score reaches CooldownOverride × the peak score of the
	// episode before.
	Cooldown         time.Duration // default 24h; negative disables
	CooldownOverride float64       // default 1.5
}

func (c Config) withDefaults() Config {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.Bucket <= 0 {
		c.Bucket = 5 * time.Minute
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	def(&c.MinCount, 5)
	def(&c.FireScore, 10)
	def(&c.MinFactor, 2)
	def(&c.ResolveScore, 2)
	if c.TailQuantile <= 0 || c.TailQuantile >= 1 {
		c.TailQuantile = 0.995
	}
	if c.TailMargin == 0 {
		c.TailMargin = 2
	}
	def(&c.ResolveFactor, 1.5)
	def(&c.Winsor, 3)
	def(&c.EpisodeDamp, 0.1)
	if c.ResolveBuckets <= 0 {
		c.ResolveBuckets = 12
	}
	if c.ConfirmOf <= 0 {
		c.ConfirmOf = 1
	}
	if c.ConfirmOf > 32 {
		c.ConfirmOf = 32
	}
	if c.Confirm <= 0 {
		c.Confirm = 1
	}
	if c.Confirm > c.ConfirmOf {
		c.Confirm = c.ConfirmOf
	}
	if c.LevelHalfLife <= 0 {
		c.LevelHalfLife = 24 * time.Hour
	}
	if c.SeasonHalfLife <= 0 {
		c.SeasonHalfLife = 7 * 24 * time.Hour
	}
	perDay := int(24 * time.Hour / c.Bucket)
	if perDay < 1 {
		perDay = 1
	}
	if c.WarmupBuckets <= 0 {
		c.WarmupBuckets = perDay
	}
	if c.MaxGapBuckets <= 0 {
		c.MaxGapBuckets = 7 * perDay
	}
	if c.ShareHalfLifeBkt <= 0 {
		c.ShareHalfLifeBkt = 7 * perDay
	}
	if c.SlowWindow == 0 {
		c.SlowWindow = 3 * time.Hour
	}
	if c.SlowWindow > maxSlow*c.Bucket {
		c.SlowWindow = maxSlow * c.Bucket
	}
	def(&c.SlowScore, 6)
	if c.Cooldown == 0 {
		c.Cooldown = 24 * time.Hour
	}
	def(&c.CooldownOverride, 1.5)
	return c
}

// Decision is the detector's verdict on one bucket of one series.
type Decision struct {
	Firing   bool    // the episode is active after this bucket
	Onset    bool    // this bucket started an episode
	Resolved bool    // this bucket ended an episode (hysteresis)
	Expected float64 // baseline count for this bucket
	Factor   float64 // value / max(expected, 1)
	Score    float64 // -log10 of the upper tail P(X >= value) under the baseline
	// Threshold is the score this bucket needed to start an episode:
	// FireScore, raised by the adaptive tail for a routinely spiky series.
	Threshold float64
	Share     float64 // value / total, 0 when total is unknown
	// BaseShare is the baseline negative share (0 until a total is known).
	BaseShare float64
	// SlowScore and SlowFactor judge the sum over the last SlowWindow
	// (buckets clipped as for the baseline) against its expectation; Slow
	// is true when that sum alone is enough to start an episode.
	SlowScore  float64
	SlowFactor float64
	Slow       bool
}

// Detector holds the state of many series. It is not safe for concurrent
// use: the alerts loop owns it and calls Step from one goroutine.
type Detector struct {
	cfg    Config
	series map[string]*series

	levelAlpha  float64
	hodAlpha    float64
	dowAlpha    float64
	shareAlpha  float64
	bucketsHour float64
	slowN       int // buckets in the slow window, 0 when disabled
}

// New returns a Detector; zero fields of cfg take their defaults.
func New(cfg Config) *Detector {
	cfg = cfg.withDefaults()
	b := float64(cfg.Bucket)
	halfAlpha := func(halfLifeUpdates float64) float64 {
		if halfLifeUpdates < 1 {
			halfLifeUpdates = 1
		}
		return 1 - math.Exp(-math.Ln2/halfLifeUpdates)
	}
	perDay := float64(24*time.Hour) / b
	seasonDays := float64(cfg.SeasonHalfLife) / float64(24*time.Hour)
	return &Detector{
		cfg:    cfg,
		series: make(map[string]*series),
		// The level updates every bucket.
		levelAlpha: halfAlpha(float64(cfg.LevelHalfLife) / b),
		// An hour-of-day slot gets perDay/24 updates a day, a day-of-week
		// slot perDay updates a week: both forget at SeasonHalfLife in days
		// of their own data.
		hodAlpha:    halfAlpha(seasonDays * perDay / 24),
		dowAlpha:    halfAlpha(seasonDays / 7 * perDay),
		shareAlpha:  halfAlpha(float64(cfg.ShareHalfLifeBkt)),
		bucketsHour: float64(time.Hour) / b,
		slowN:       max(0, int(cfg.SlowWindow/cfg.Bucket)),
	}
}

// Config returns the configuration with defaults filled in.
func (d *Detector) Config() Config { return d.cfg }

// Len is the number of series the detector holds.
func (d *Detector) Len() int { return len(d.series) }

// Forget drops a series (for example a brand removed from config).
func (d *Detector) Forget(name string) { delete(d.series, name) }

// Step feeds one closed bucket of one series: value is the negative count in
// the bucket, total the count of all mentions in it (0 if unknown). Buckets of
// a series must arrive in time order; a bucket missing between two calls
// counts as zero (gaps longer than MaxGapBuckets only age the state). A
// bucket at or before the series' last one changes nothing and returns the
// current state with Onset and Resolved false. Negative or NaN values count
// as zero. Step allocates only when it meets a new series.
func (d *Detector) Step(name string, bucket time.Time, value, total float64) Decision {
	s := d.series[name]
	if s == nil {
		s = newSeries()
		d.series[name] = s
	}
	if !(value > 0) { // also catches NaN
		value = 0
	}
	if !(total > 0) || math.IsInf(total, 0) {
		total = 0
	}
	if math.IsInf(value, 0) {
		value = 0
	}
	if s.n > 0 {
		gap := bucket.Sub(s.last)
		if gap <= 0 {
			return s.current()
		}
		missing := int(gap/d.cfg.Bucket) - 1
		if missing > d.cfg.MaxGapBuckets {
			missing = d.cfg.MaxGapBuckets
		}
		for i := missing; i >= 1; i-- {
			d.step(s, bucket.Add(-time.Duration(i)*d.cfg.Bucket), 0, 0)
		}
	}
	return d.step(s, bucket, value, total)
}
