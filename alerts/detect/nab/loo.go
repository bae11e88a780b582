package nab

import (
	"time"

	"github.com/mentionwatch/mentionwatch/alerts/detect"
)

// Fold is one round of a leave-one-file-out check: the configuration that
// scored best on every other file, and its result on the held-out file.
type Fold struct {
	Held   string  // the held-out file
	Pick   int     // index of the chosen configuration
	Train  float64 // its normalized score on the other files
	Result Result  // its result on the held-out file
}

// LeaveOneOut runs every configuration over every file, then for each file
// picks the configuration with the best normalized score on the other files
// (the first one on a tie) and scores the held-out file with it. The
// normalized score of the held-out results together is the figure to report
// next to the score of a configuration tuned on all files.
func LeaveOneOut(files []File, cands []detect.Config, repeat time.Duration) ([]Fold, float64) {
	res := make([][]Result, len(cands))
	for i, c := range cands {
		for _, r := range Run(files, c, repeat, nil) {
			res[i] = append(res[i], r.Result)
		}
	}
	folds := make([]Fold, 0, len(files))
	held := make([]Result, 0, len(files))
	for h := range files {
		f := Fold{Held: files[h].Name, Pick: -1}
		for i := range cands {
			rest := make([]Result, 0, len(files)-1)
			for k := range files {
				if k != h {
					rest = append(rest, res[i][k])
				}
			}
			if s := Normalized(rest); f.Pick < 0 || s > f.Train {
				f.Pick, f.Train = i, s
			}
		}
		if f.Pick >= 0 {
			f.Result = res[f.Pick][h]
			held = append(held, f.Result)
		}
		folds = append(folds, f)
	}
	return folds, Normalized(held)
}

// Grid is the set of configurations the leave-one-out check tunes over:
// the fire score, the slow detector's score and window, and the cooldown,
// the other fields as in base.
func Grid(base detect.Config) []detect.Config {
	var out []detect.Config
	for _, fs := range []float64{6, 8, 10, 12} {
		for _, cd := range []time.Duration{12 * time.Hour, 24 * time.Hour, 36 * time.Hour} {
			for _, ss := range []float64{4, 5, 6, 8} {
				for _, sw := range []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour} {
					c := base
					c.FireScore, c.Cooldown, c.SlowScore, c.SlowWindow = fs, cd, ss, sw
					out = append(out, c)
				}
			}
		}
	}
	return out
}
