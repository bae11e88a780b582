// Package detect is the online spike detector for mention counts and other
// series (negative share, reach-weighted volume, any metric).
//
// A Detector holds many series ("acme", "acme|stage:amot",
// "acme|aspect:delivery"). Each closed bucket of a series goes through Step,
// which returns the decision for that bucket. The detector does no I/O and
// reads no clock: the bucket time is an argument, so a test is an exact table
// of buckets, and warming up at start-up is feeding the stored history
// through Step.
//
// Model, per series: a prediction of the next bucket, then how surprising
// the bucket is under it, on two horizons, calibrated against the series'
// own history of surprises.
//
//   - Prediction: expected(t) = level + hourOfDay[h(t)] + dayOfWeek[d(t)],
//     an exponentially weighted level plus additive daily and weekly
//     profiles, plus the part of the last residual that persists (a lag-1
//     regression of the residual on itself, between 0 and 0.9). The
//     residual variance is tracked the same way. Every update sees the
//     residual clipped at Winsor standard deviations, and buckets of an
//     episode update with a much smaller weight, so a spike barely moves the
//     baseline. Where the week's hours have their own shape (weekends
//     unlike weekdays), an hour-of-week correction is added while it
//     predicts clearly better (weekly.go).
//   - Surprise of one bucket (the fast horizon), as a signed z: for a count
//     series (every value so far a non-negative integer, and not far less
//     noisy than Poisson) the upper tail is the quasi-Poisson tail
//     P(X >= count) with mean the prediction and variance phi × mean, phi =
//     residual variance / mean level >= 1, so 0 -> 5 on a sparse series is
//     judged as a count and a quiet night by its own small mean; otherwise
//     it is the residual over its standard deviation.
//   - Surprise of a run (the slow horizon): an exponentially weighted mean of
//     the clipped z against the baseline (without the lag-1 part) over
//     SlowHalfLife, scaled to unit variance, so a sustained
//     shift that no single bucket makes surprising still shows, and one huge
//     bucket cannot.
//   - Scores are -log10 of the one-sided normal tail of the z in the watched
//     Direction (up, down or both). The model's p-values are not exact on
//     real data (residuals are heavier-tailed and correlated), so each
//     series also tracks a high quantile of its own scores, and an onset
//     needs the score to clear both FireScore and TailMargin × that
//     quantile: a routinely jumpy series must jump beyond its habit. A
//     fast onset also needs the short run of scores to stand out from its
//     last week (likelihood.go).
//
// An episode starts when either horizon is hot (and the count floor is met),
// and resolves after ResolveBuckets consecutive quiet buckets. After it
// resolves, a cooldown holds back new onsets unless a bucket clearly beats
// the last episode's peak: the follow-up waves of one story do not alert
// again, and a spike that came at the same time of day on each of the two
// days before is a scheduled job's, not an incident (habit.go).
package detect

import (
	"fmt"
	"math"
	"time"
)

// Direction is which departures from the expectation the detector watches.
type Direction int

const (
	// Up watches rises only: a spike of negative mentions (the product
	// default).
	Up Direction = iota
	// Down watches drops only: a source that went silent.
	Down
	// Both watches both.
	Both
)

func (d Direction) String() string {
	switch d {
	case Down:
		return "down"
	case Both:
		return "both"
	}
	return "up"
}

// ParseDirection reads "up", "down" or "both" ("" is up).
func ParseDirection(s string) (Direction, error) {
	switch s {
	case "", "up":
		return Up, nil
	case "down":
		return Down, nil
	case "both":
		return Both, nil
	}
	return Up, fmt.Errorf("direction %q: want up, down or both", s)
}

// Gaps is what a bucket missing between two Steps of a series means.
type Gaps int

const (
	// GapsZero: a missing bucket held nothing (counts: no mentions), so it
	// is fed as a zero (the product default).
	GapsZero Gaps = iota
	// GapsSkip: a missing bucket is a missing reading (a sampled metric);
	// it is not judged and does not move the baseline.
	GapsSkip
)

// Config tunes a Detector. The zero value of every field means its default.
// The defaults were chosen by leave-one-category-out cross-validation on the
// 53 NAB files (docs/BENCHMARKS.md); docs/ALERTS.md says what each knob is
// for.
type Config struct {
	Bucket    time.Duration  // bucket width, default 5m
	Location  *time.Location // time zone for time of day and day of week, default UTC
	Direction Direction      // default Up
	Gaps      Gaps           // default GapsZero

	// MinCount is a product gate, not part of the model: a rise to fewer
	// than MinCount never starts an episode (drops are not gated). Default
	// 5; a negative value means no floor (0 means the default).
	MinCount float64

	// Sensitivity divides both thresholds below (FireScore and
	// TailMargin): 2 fires on surprises half as large in -log10
	// probability, 0.5 only on twice as large. Default 1.
	Sensitivity float64

	// FireScore is the least -log10 tail probability that starts an
	// episode, on either horizon. Default from FireEvery: a series that
	// follows its model exactly (steady Poisson counts) crosses it by
	// chance about once per FireEvery, counting both horizons (and both
	// tails with Direction Both): FireScore = -log10(Bucket / FireEvery /
	// tests), 3.9 for 5-minute buckets watched upwards. Real series are
	// heavier-tailed than their model, so the series' own tail
	// (TailMargin) often decides.
	FireScore float64
	FireEvery time.Duration // default 14 days
	// SlowScore is the same for the slow horizon; default FireScore.
	SlowScore float64
	// TailMargin: an onset also needs the score to reach TailMargin × the
	// level the series' own scores exceed once in 1/(1-TailQuantile)
	// buckets (tracked online, per horizon): a routinely jumpy series must
	// jump beyond its habit. Default 1; negative disables.
	TailMargin   float64
	TailQuantile float64 // default 0.9995: one bucket in 2,000 (a week of 5-minute buckets)

	// Hysteresis.
	ResolveScore   float64 // a bucket is quiet while its score is below this and the slow horizon is not hot, default 2
	ResolveBuckets int     // consecutive quiet buckets that resolve an episode, default 12 (1h of 5m buckets)

	// Baseline.
	LevelHalfLife   time.Duration // half-life of the level, default 24h
	SeasonHalfLife  time.Duration // half-life of the daily and weekly profiles, in days of their own updates, default 7 days
	SlowHalfLife    time.Duration // half-life of the slow horizon's mean of z, default 1h
	Winsor          float64       // updates see the residual clipped at this many standard deviations, default 3
	EpisodeDamp     float64       // weight of updates inside an episode, relative to normal, default 0.1
	WarmupBuckets   int           // buckets of history before anything fires, default 1 day
	MaxGapBuckets   int           // a GapsZero gap longer than this is not filled bucket by bucket, default 1 week
	DisableSeasonal bool          // use the level alone

	// Cooldown: after an episode resolves, no new onset for Cooldown unless
	// the bucket's score reaches CooldownOverride × the peak score of the
	// episode before. Shorter than a day, so that an incident that comes
	// back at the same hour the next day is seen.
	Cooldown         time.Duration // default 18h; negative disables
	CooldownOverride float64       // default 1.5

	// MaxEpisode: an episode still firing this long after its onset is a
	// new normal, not an incident: it resolves (Decision.Rebaselined) and
	// the level moves to the recent values, so the next incident on the
	// new level can be seen. Inside an episode the baseline learns at a
	// tenth of its pace (EpisodeDamp), so without this a lasting shift
	// would hold one episode open for weeks. Default 2 days; negative
	// disables.
	MaxEpisode time.Duration

	// Single judges with the configured model alone instead of the
	// committee of paces (committee.go): a ninth of the cost, and the
	// model's own rules without the vote (their tests use it).
	Single bool

	// Design holds the constants of the model's later rules. They are not
	// settings a user should turn: they are here so that the
	// leave-one-category-out cross-validation (nab.Grid) chooses them
	// together with the knobs above. The zero value is the default.
	Design Design
}

// Design is the set of the model's constants that the cross-validation
// chooses (docs/BENCHMARKS.md); zero fields take their defaults.
type Design struct {
	// WeeklyGain: the hour-of-week correction is used while the recent
	// squared error with it is below WeeklyGain × the error without it
	// (weekly.go). Default 0.8.
	WeeklyGain float64
	// ScaleFloor: a real-valued series' residual standard deviation is at
	// least ScaleFloor × its mean absolute residual (series.go). Default
	// 0.5.
	ScaleFloor float64
	// HabitTolerance: how far from the same time of day a spike on each of
	// the days before still makes a daily habit (habit.go). Default 30m,
	// at most 2h; negative disables the habit rule.
	HabitTolerance time.Duration
	// RunSpan (buckets) and RunWindow (half-life) of the run test; RunScore
	// its -log10 tail (likelihood.go). Defaults 3, 7 days, 2; a negative
	// RunScore disables the test.
	RunSpan   float64
	RunWindow time.Duration
	RunScore  float64
	// Quorum: how many of the committee's 9 members must fire to start an
	// episode (committee.go). Default 4.
	Quorum int
	// Committee names the committee's design (Committees in
	// committee.go); "" is the default, "paces". Only the
	// cross-validation over designs (nab.DesignGrid) sets it.
	Committee string
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
	switch {
	case c.MinCount == 0:
		c.MinCount = 5
	case c.MinCount < 0:
		c.MinCount = 0
	}
	def(&c.Sensitivity, 1)
	if c.FireEvery <= 0 {
		c.FireEvery = 14 * 24 * time.Hour
	}
	// Two horizons, and two tails when both directions are watched: each
	// gets its share of the chance rate (Bonferroni).
	tests := 2.0
	if c.Direction == Both {
		tests = 4
	}
	def(&c.FireScore, math.Max(1, -math.Log10(float64(c.Bucket)/float64(c.FireEvery)/tests)))
	def(&c.SlowScore, c.FireScore)
	if c.TailMargin == 0 {
		c.TailMargin = 1
	}
	if c.TailQuantile <= 0 || c.TailQuantile >= 1 {
		c.TailQuantile = 0.9995
	}
	def(&c.ResolveScore, 2)
	if c.ResolveBuckets <= 0 {
		c.ResolveBuckets = 12
	}
	if c.LevelHalfLife <= 0 {
		c.LevelHalfLife = 24 * time.Hour
	}
	if c.SeasonHalfLife <= 0 {
		c.SeasonHalfLife = 7 * 24 * time.Hour
	}
	if c.SlowHalfLife <= 0 {
		c.SlowHalfLife = time.Hour
	}
	def(&c.Winsor, 3)
	def(&c.EpisodeDamp, 0.1)
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
	if c.Cooldown == 0 {
		c.Cooldown = 18 * time.Hour
	}
	def(&c.CooldownOverride, 1.5)
	if c.MaxEpisode == 0 {
		c.MaxEpisode = 48 * time.Hour
	}
	ds := &c.Design
	def(&ds.WeeklyGain, 0.8)
	def(&ds.ScaleFloor, 0.5)
	if ds.HabitTolerance == 0 {
		ds.HabitTolerance = 30 * time.Minute
	}
	ds.HabitTolerance = min(ds.HabitTolerance, 2*time.Hour)
	def(&ds.RunSpan, 3)
	if ds.RunWindow <= 0 {
		ds.RunWindow = 7 * 24 * time.Hour
	}
	if ds.RunScore == 0 {
		ds.RunScore = 2
	}
	if ds.Quorum <= 0 {
		ds.Quorum = defaultQuorum
	}
	if ds.Committee == "" {
		ds.Committee = "paces"
	}
	ds.Quorum = min(ds.Quorum, committeeOf(ds.Committee).size())
	return c
}

// Decision is the detector's verdict on one bucket of one series.
type Decision struct {
	Firing   bool    // the episode is active after this bucket
	Onset    bool    // this bucket started an episode
	Resolved bool    // this bucket ended an episode (hysteresis)
	Expected float64 // the prediction for this bucket
	Factor   float64 // value / max(expected, 1)
	// Z is the bucket's signed surprise in standard deviations (positive:
	// above the expectation), Score the -log10 tail probability of Z in
	// the watched direction.
	Z     float64
	Score float64
	// Threshold is the score this bucket needed to start an episode:
	// FireScore, raised by the series' own tail of scores.
	Threshold float64
	Share     float64 // value / total, 0 when total is unknown
	// SlowZ and SlowScore judge the recent run of buckets (the slow
	// horizon) the same way; Slow is true when it alone is enough to start
	// an episode. SlowFactor is the recent mean of the values against the
	// recent mean of their expectations.
	SlowZ      float64
	SlowScore  float64
	SlowFactor float64
	Slow       bool
	// Rebaselined is set with Resolved when the episode ended because it
	// lasted MaxEpisode: the new level is the baseline from now on.
	Rebaselined bool
}

// Detector holds the state of many series. It is not safe for concurrent
// use: the alerts loop owns it and calls Step from one goroutine.
type Detector struct {
	cfg    Config
	series map[string]*series

	levelAlpha float64
	hodAlpha   float64
	dowAlpha   float64
	slowAlpha  float64
	slowNorm   float64 // standard deviation of the slow mean of iid unit z
	perDay     int
	slots      int // time-of-day slots
	maxEpisode int // MaxEpisode in buckets (MaxInt when disabled)

	perSlot      float64 // buckets per time-of-day slot (at least 1)
	weekAlpha    float64 // hour-of-week correction (weekly.go)
	weekErrAlpha float64 // its recent squared errors
	runAlpha     float64 // the distribution of the short run of scores (likelihood.go)
	runWeight    float64 // the short run's EW weight
	runZ         float64 // the z of the run test's tail; +Inf when disabled
	habitReach   int     // habit tolerance in habit slots; -1 when disabled

	// The committee (committee.go), unless Config.Single: members hold
	// the series, votes the committee's episodes.
	members []*Detector
	primary int
	quorum  int
	votes   map[string]*vote
}

// New returns a Detector; zero fields of cfg take their defaults.
func New(cfg Config) *Detector {
	raw := cfg
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
	slow := halfAlpha(float64(cfg.SlowHalfLife) / b)
	slots := min(max(1, int(perDay)), maxSlots)
	if !cfg.Single {
		ms, primary := newCommittee(raw, cfg)
		return &Detector{cfg: cfg, members: ms, primary: primary, quorum: cfg.Design.Quorum, votes: map[string]*vote{}}
	}
	return &Detector{
		cfg:    cfg,
		series: make(map[string]*series),
		// The level updates every bucket.
		levelAlpha: halfAlpha(float64(cfg.LevelHalfLife) / b),
		// An hour-of-day slot gets perDay/24 updates a day, a day-of-week
		// slot perDay updates a week: both forget at SeasonHalfLife in days
		// of their own data.
		hodAlpha:   halfAlpha(seasonDays * math.Max(perDay/float64(slots), 1)),
		dowAlpha:   halfAlpha(seasonDays / 7 * perDay),
		slowAlpha:  slow,
		slowNorm:   math.Sqrt(slow / (2 - slow)),
		perDay:     max(1, int(perDay)),
		slots:      slots,
		maxEpisode: maxEpisodeBuckets(cfg),
		// An hour-of-week slot gets perDay/slots updates a week.
		perSlot:      math.Max(perDay/float64(slots), 1),
		weekAlpha:    halfAlpha(weeklyHalfLifeWeeks * math.Max(perDay/float64(slots), 1)),
		weekErrAlpha: halfAlpha(weeklyErrHalfLifeDays * perDay),
		runAlpha:     halfAlpha(float64(cfg.Design.RunWindow) / b),
		runWeight:    2 / (cfg.Design.RunSpan + 1),
		runZ:         runZOf(cfg.Design.RunScore),
		habitReach:   habitReachOf(cfg.Design.HabitTolerance),
	}
}

// Config returns the configuration with defaults filled in.
func (d *Detector) Config() Config { return d.cfg }

// Len is the number of series the detector holds.
func (d *Detector) Len() int {
	if d.members != nil {
		return len(d.votes)
	}
	return len(d.series)
}

// Forget drops a series (for example a brand removed from config).
func (d *Detector) Forget(name string) {
	for _, m := range d.members {
		m.Forget(name)
	}
	delete(d.votes, name)
	delete(d.series, name)
}

// Step feeds one closed bucket of one series: value is the count (or any
// real value) in the bucket, total the count of all mentions in it (0 if
// unknown; it only fills Decision.Share). Buckets of a series must arrive in
// time order; with GapsZero a bucket missing between two calls counts as
// zero (gaps longer than MaxGapBuckets only age the state), with GapsSkip it
// is skipped. A bucket at or before the series' last one changes nothing and
// returns the current state with Onset and Resolved false. NaN and infinite
// values count as zero. Step allocates only when it meets a new series.
func (d *Detector) Step(name string, bucket time.Time, value, total float64) Decision {
	if d.members != nil {
		return d.decide(name, bucket, value, total, false)
	}
	s := d.series[name]
	if s == nil {
		s = newSeries()
		d.series[name] = s
	}
	if math.IsNaN(value) || math.IsInf(value, 0) {
		value = 0
	}
	if !(total > 0) || math.IsInf(total, 0) {
		total = 0
	}
	if s.n > 0 {
		gap := bucket.Sub(s.last)
		if gap <= 0 {
			return s.current()
		}
		d.fillGap(s, bucket)
	}
	return d.step(s, bucket, value, total)
}

// fillGap feeds the zero buckets between the series' last bucket and bucket
// (GapsZero only).
func (d *Detector) fillGap(s *series, bucket time.Time) {
	if d.cfg.Gaps != GapsZero {
		return
	}
	missing := int(bucket.Sub(s.last)/d.cfg.Bucket) - 1
	missing = min(missing, d.cfg.MaxGapBuckets)
	for i := missing; i >= 1; i-- {
		d.step(s, bucket.Add(-time.Duration(i)*d.cfg.Bucket), 0, 0)
	}
}

// maxEpisodeBuckets is MaxEpisode in buckets, at least 1; MaxInt when
// disabled.
func maxEpisodeBuckets(cfg Config) int {
	if cfg.MaxEpisode < 0 {
		return math.MaxInt
	}
	return max(1, int(cfg.MaxEpisode/cfg.Bucket))
}
