package nab

import (
	"sync"
	"time"

	"github.com/mentionwatch/mentionwatch/alerts/detect"
)

// Fold is one round of a leave-one-group-out check: the configuration that
// scored best on every other group, and its results on the held-out group.
type Fold struct {
	Held    string   // the held-out group (a category, or a file)
	Files   []string // its files
	Pick    int      // index of the chosen configuration
	Train   float64  // its normalized score on the other groups
	Results []Result // its results on the held-out files
}

// ByFile groups files one per group (leave one file out).
func ByFile(f File) string { return f.Name }

// ByCategoryOf groups files by File.Category (leave one category out).
func ByCategoryOf(f File) string { return f.Category() }

// CrossValidate runs every configuration over every file (workers at a
// time), then for each group picks the configuration with the best
// normalized score on the files of the other groups (the first one on a
// tie) and scores the held-out group with it. The normalized score of all
// held-out results together is the figure to report next to the score of a
// configuration chosen on all files: no file's own result chose the
// configuration it is scored with.
func CrossValidate(files []File, cands []detect.Config, repeat time.Duration, group func(File) string, workers int) ([]Fold, float64) {
	res := RunAll(files, cands, repeat, workers)
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
	var held []Result
	for _, g := range order {
		in := map[int]bool{}
		for _, k := range members[g] {
			in[k] = true
		}
		f := Fold{Held: g, Pick: -1}
		for i := range cands {
			rest := make([]Result, 0, len(files))
			for k := range files {
				if !in[k] {
					rest = append(rest, res[i][k])
				}
			}
			if s := Normalized(rest); f.Pick < 0 || s > f.Train {
				f.Pick, f.Train = i, s
			}
		}
		for _, k := range members[g] {
			f.Files = append(f.Files, files[k].Name)
			f.Results = append(f.Results, res[f.Pick][k])
		}
		held = append(held, f.Results...)
		folds = append(folds, f)
	}
	return folds, Normalized(held)
}

// LeaveOneOut is CrossValidate with one file per group.
func LeaveOneOut(files []File, cands []detect.Config, repeat time.Duration) ([]Fold, float64) {
	return CrossValidate(files, cands, repeat, ByFile, 1)
}

// RunAll scores every configuration on every file: res[config][file].
func RunAll(files []File, cands []detect.Config, repeat time.Duration, workers int) [][]Result {
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

// Grid is the set of configurations the cross-validation chooses among:
// the chance rate of the model's threshold (FireEvery), the quantile of the
// series' own scores (TailQuantile), the level's half-life, whether a
// lasting shift becomes the new normal after two days (MaxEpisode) and the
// cooldown after an episode (12h, 18h or a day), the other fields as in
// base: 144 configurations. The defaults are the choice of every fold
// (docs/BENCHMARKS.md).
func Grid(base detect.Config) []detect.Config {
	var out []detect.Config
	for _, fe := range []time.Duration{3 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 30 * 24 * time.Hour} {
		for _, q := range []float64{0.999, 0.9995, 0.9998} {
			for _, lh := range []time.Duration{6 * time.Hour, 24 * time.Hour} {
				for _, me := range []time.Duration{-1, 48 * time.Hour} {
					for _, cd := range []time.Duration{12 * time.Hour, 18 * time.Hour, 24 * time.Hour} {
						c := base
						c.FireEvery, c.TailQuantile, c.LevelHalfLife, c.MaxEpisode, c.Cooldown = fe, q, lh, me, cd
						out = append(out, c)
					}
				}
			}
		}
	}
	return out
}
