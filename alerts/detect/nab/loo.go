package nab

import (
	"math"
	"sync"
	"time"

	"github.com/mentionwatch/mentionwatch/alerts/detect"
)

// Fold is one round of a leave-one-group-out check: the configuration that
// scored best on every other group, and its results on the held-out group.
//
// When several configurations tie for best on the other groups, those
// groups cannot tell them apart, and which of them is "picked" would be
// an accident of the order the grid lists its values in (a knob that only
// the held-out group's files react to ties exactly). So the held-out
// score is the mean over the tied configurations: the expected score of
// picking one of them at random, which does not depend on the order.
type Fold struct {
	Held    string   // the held-out group (a category, or a file)
	Files   []string // its files
	Pick    int      // index of the chosen configuration (the first of Ties)
	Ties    []int    // every configuration tied best on the other groups, Pick first
	Train   float64  // their normalized score on the other groups
	Results []Result // Pick's results on the held-out files
	// Score is the held-out normalized score, averaged over Ties (NaN
	// when the held-out files have no window).
	Score float64
}

// ByFile groups files one per group (leave one file out).
func ByFile(f File) string { return f.Name }

// ByCategoryOf groups files by File.Category (leave one category out).
func ByCategoryOf(f File) string { return f.Category() }

// CrossValidate runs every configuration over every file (workers at a
// time), then for each group picks the configurations with the best
// normalized score on the files of the other groups and scores the
// held-out group with them (their mean on a tie, see Fold). The normalized
// score of all held-out results together is the figure to report next to
// the score of a configuration chosen on all files: no file's own result
// chose the configuration it is scored with.
func CrossValidate(files []File, cands []detect.Config, repeat time.Duration, group func(File) string, workers int, done func()) ([]Fold, float64) {
	return PickFolds(files, RunAll(files, cands, repeat, workers, done), group)
}

// PickFolds is CrossValidate on results already computed: res[config][file]
// as RunAll returns them.
func PickFolds(files []File, res [][]Result, group func(File) string) ([]Fold, float64) {
	var order []string
	members := map[string][]int{}
	for k, f := range files {
		g := group(f)
		if _, ok := members[g]; !ok {
			order = append(order, g)
		}
		members[g] = append(members[g], k)
	}
	folds := make([]Fold, 0, len(order))
	var held []Result // each held-out file's result, its Raw the mean over the fold's ties
	for _, g := range order {
		in := map[int]bool{}
		for _, k := range members[g] {
			in[k] = true
		}
		f := Fold{Held: g, Pick: -1}
		for i := range res {
			rest := make([]Result, 0, len(files))
			for k := range files {
				if !in[k] {
					rest = append(rest, res[i][k])
				}
			}
			switch s := Normalized(rest); {
			case f.Pick < 0 || s > f.Train+tieEps:
				f.Pick, f.Train, f.Ties = i, s, []int{i}
			case s >= f.Train-tieEps:
				f.Ties = append(f.Ties, i)
			}
		}
		var exp []Result
		for _, k := range members[g] {
			f.Files = append(f.Files, files[k].Name)
			f.Results = append(f.Results, res[f.Pick][k])
			r := res[f.Pick][k]
			r.Raw = 0
			for _, i := range f.Ties {
				r.Raw += res[i][k].Raw / float64(len(f.Ties))
			}
			exp = append(exp, r)
		}
		f.Score = math.NaN()
		if windows(exp) > 0 {
			f.Score = Normalized(exp)
		}
		held = append(held, exp...)
		folds = append(folds, f)
	}
	return folds, Normalized(held)
}

// tieEps: normalized training scores this close are a tie (they differ
// only by floating-point rounding of the same detections).
const tieEps = 1e-9

func windows(rs []Result) int {
	n := 0
	for _, r := range rs {
		n += r.Windows
	}
	return n
}

// LeaveOneOut is CrossValidate with one file per group.
func LeaveOneOut(files []File, cands []detect.Config, repeat time.Duration) ([]Fold, float64) {
	return CrossValidate(files, cands, repeat, ByFile, 1, nil)
}

// RunAll scores every configuration on every file: res[config][file].
// done, when not nil, is called (from the workers) after each
// configuration.
func RunAll(files []File, cands []detect.Config, repeat time.Duration, workers int, done func()) [][]Result {
	res := make([][]Result, len(cands))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(1, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rs := make([]Result, len(files))
				for k, r := range Run(files, cands[i], repeat, nil) {
					rs[k] = r.Result
				}
				res[i] = rs
				if done != nil {
					done()
				}
			}
		}()
	}
	for i := range cands {
		next <- i
	}
	close(next)
	wg.Wait()
	return res
}

// Grid is the set of configurations the cross-validation chooses among.
// The knobs: the chance rate of the model's threshold (FireEvery 7 or 14
// days), whether a lasting shift becomes the new normal after two days
// (MaxEpisode), the cooldown after an episode (12h, 18h, a day) and how
// much larger than the last episode's peak a bucket must be to beat it
// (CooldownOverride 1.25, 1.5, 2). The
// model's design constants (detect.Design): the hour-of-week correction's
// gain (0.7, 0.8), the scale floor (0.5, 0.7), the run test's span (3 or 5
// buckets) and window (3 or 7 days): 576 configurations, the other fields
// as in base. Values that no fold picked in the wider grids run before
// (docs/BENCHMARKS.md: FireEvery 3 and 30 days, TailQuantile 0.999 and
// 0.9998, a level half-life of 6h, the run test off or at 1.5 or 2.5, a
// weekly gain of 0.9, a scale floor of 0.3, a habit tolerance of 20
// minutes) are left out to keep the run short.
func Grid(base detect.Config) []detect.Config {
	var out []detect.Config
	for _, fe := range []time.Duration{7 * 24 * time.Hour, 14 * 24 * time.Hour} {
		for _, me := range []time.Duration{-1, 48 * time.Hour} {
			for _, cd := range []time.Duration{12 * time.Hour, 18 * time.Hour, 24 * time.Hour} {
				for _, co := range []float64{1.25, 1.5, 2} {
					for _, wg := range []float64{0.7, 0.8} {
						for _, sf := range []float64{0.5, 0.7} {
							for _, rs := range []float64{3, 5} {
								for _, rw := range []time.Duration{3 * 24 * time.Hour, 7 * 24 * time.Hour} {
									c := base
									c.FireEvery, c.MaxEpisode, c.Cooldown, c.CooldownOverride = fe, me, cd, co
									c.Design.WeeklyGain, c.Design.ScaleFloor = wg, sf
									c.Design.RunSpan, c.Design.RunWindow = rs, rw
									out = append(out, c)
								}
							}
						}
					}
				}
			}
		}
	}
	return out
}

// DesignGrid is the set of committee designs the cross-validation over
// designs chooses among (docs/BENCHMARKS.md, "Twentieth session: a
// committee of paces"): every design of detect.Committees at every quorum
// from 1 to its size, and the single model, the knobs as in base: 116
// configurations.
func DesignGrid(base detect.Config) []detect.Config {
	var out []detect.Config
	for _, name := range detect.Committees {
		c := base
		c.Design.Committee = name
		for q := 1; q <= detect.CommitteeSize(name); q++ {
			c.Design.Quorum = q
			out = append(out, c)
		}
	}
	c := base
	c.Single = true
	return append(out, c)
}
