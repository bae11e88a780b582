package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mentionwatch/mentionwatch/alerts/detect"
	"github.com/mentionwatch/mentionwatch/alerts/detect/nab"
	"github.com/mentionwatch/mentionwatch/internal/progress"
)

func init() {
	var (
		dataDir    string
		detections string
		repeat     time.Duration
		cv         string
		cvOver     string
		cfg        detect.Config
		direction  string
		fillZero   bool
	)
	cmd := &cobra.Command{
		Use:   "spikes",
		Short: "Run the spike detector online over NAB files and print the NAB standard score per category and overall",
		Long: `Runs the spike detector online over every CSV named in DIR/labels.json
(timestamp,value; any finite value; the total is unknown), or, when DIR
holds labels/combined_windows.json instead, every file of a NAB checkout
(data/<category>/<file>.csv), one detector per
file with the bucket set to the file's median interval and one configuration
for every file: the defaults, --direction both, missing rows skipped, no
count floor. Rows repeating the timestamp of the row before are merged
(mean); rows going back in time are dropped; both are reported. Each episode
onset is a detection (and, with --repeat, each repeat while it fires); they
are scored with the NAB standard profile per file, per category (the name
before the first '_') and over all files, next to ARTime's and Numenta HTM's
scores from anchors.tsv. --cv category|file cross-validates the defaults,
choosing among the knobs (--cv-over knobs) or the committee designs
(--cv-over designs).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := detect.ParseDirection(direction)
			if err != nil {
				return fmt.Errorf("--direction: %w", err)
			}
			cfg.Direction = dir
			cfg.Gaps = detect.GapsSkip
			if fillZero {
				cfg.Gaps = detect.GapsZero
			}
			files, err := nab.LoadDir(dataDir)
			if err != nil {
				return err
			}
			bar := progress.New("eval spikes", int64(len(files)))
			var reports []nab.FileReport
			err = compute(cmd.Context(), func() error {
				reports = nab.Run(files, cfg, repeat, func(int, int, string) { bar.Add(1) })
				return nil
			})
			bar.Finish()
			if err != nil {
				return err
			}
			anchors, err := nab.ReadAnchors(filepath.Join(dataDir, "anchors.tsv"))
			if err != nil {
				return err
			}
			if anchors == nil { // mention-volume: the NAB directory beside it holds them
				if anchors, err = nab.ReadAnchors(filepath.Join(dataDir, "..", "nab", "anchors.tsv")); err != nil {
					return err
				}
			}
			printSpikeReports(cmd.OutOrStdout(), detect.New(cfg).Config(), repeat, reports, anchors)
			if cv != "" {
				if cv != "category" && cv != "file" {
					return fmt.Errorf("--cv %q: want category or file", cv)
				}
				if cvOver != "knobs" && cvOver != "designs" {
					return fmt.Errorf("--cv-over %q: want knobs or designs", cvOver)
				}
				if err := printCrossValidation(cmd.Context(), cmd.OutOrStdout(), files, cfg, repeat, cv == "file", cvOver == "designs"); err != nil {
					return err
				}
			}
			if detections != "" {
				if err := writeDetections(detections, reports); err != nil {
					return err
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", "../shared/data/mention-volume", "directory with labels.json and the CSV files, or the root of a NAB checkout")
	f.StringVar(&detections, "detections", "", "write file,timestamp for every detection (onsets and repeats) to this CSV")
	f.DurationVar(&repeat, "repeat", 0, "also count a detection every this long while an episode fires (0: onsets only, one alert per episode as the product sends)")
	f.StringVar(&cv, "cv", "", "also cross-validate the defaults: leave one \"category\" (or \"file\") out, choosing among nab.Grid on the rest (about 10 minutes on 2 cores; 90 s with --single)")
	f.StringVar(&cvOver, "cv-over", "knobs", "what --cv chooses among: \"knobs\" (nab.Grid: the knobs and design constants, 576 configurations) or \"designs\" (nab.DesignGrid: the committee designs at every quorum and the single model, 116; about 3 minutes)")
	f.StringVar(&direction, "direction", "both", "departures the detector watches: up, down or both (NAB labels both rises and drops)")
	f.BoolVar(&fillZero, "gaps-zero", false, "feed a missing bucket as a zero (mention counts) instead of skipping it (sampled metrics, as NAB's files are)")
	f.Float64Var(&cfg.MinCount, "min-count", -1, "the product's count floor for rises (-1: none, as for real-valued series; 0: the product default)")
	f.DurationVar(&cfg.FireEvery, "fire-every", 0, "chance rate of the model threshold: a series that follows its model fires about once per this (0: default)")
	f.Float64Var(&cfg.FireScore, "fire-score", 0, "-log10 tail probability that starts an episode (0: from --fire-every)")
	f.Float64Var(&cfg.SlowScore, "slow-score", 0, "the same for the slow horizon (0: the fire score)")
	f.Float64Var(&cfg.TailMargin, "tail-margin", 0, "an onset needs score >= this × the series' own tail quantile (0: default, <0: off)")
	f.Float64Var(&cfg.TailQuantile, "tail-quantile", 0, "quantile of the series' own scores tracked online (0: default)")
	f.IntVar(&cfg.ResolveBuckets, "resolve-buckets", 0, "consecutive quiet buckets that resolve an episode (0: default)")
	f.DurationVar(&cfg.LevelHalfLife, "level-half-life", 0, "half-life of the level (0: default)")
	f.DurationVar(&cfg.SlowHalfLife, "slow-half-life", 0, "half-life of the slow horizon (0: default)")
	f.DurationVar(&cfg.Cooldown, "cooldown", 0, "no new onset this long after an episode resolves (0: default, <0: off)")
	f.Float64Var(&cfg.CooldownOverride, "cooldown-override", 0, "... unless the score reaches this × the last episode's peak (0: default)")
	f.DurationVar(&cfg.MaxEpisode, "max-episode", 0, "an episode firing this long becomes the new normal and resolves (0: default, <0: off)")
	f.BoolVar(&cfg.DisableSeasonal, "no-seasonal", false, "level only, no daily and weekly profiles")
	f.BoolVar(&cfg.Single, "single", false, "one model instead of the committee of nine paces")
	evalCmd.AddCommand(cmd)
}

func printSpikeReports(w io.Writer, cfg detect.Config, repeat time.Duration, reports []nab.FileReport, anchors nab.Anchors) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\trows\tmerged\twindows\tTP\tmissed\tFP\tdetections\traw\tnormalized\tdelay\t")
	merged, late := 0, 0
	for _, r := range reports {
		res := r.Result
		merged += r.Merged
		late += r.Late
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.3f\t%s\t%s\t\n", r.Name, r.Rows, r.Merged+r.Late, res.Windows, res.TP,
			res.Missed, res.FP, len(r.Detections), res.Raw, normStr(nab.Summarize([]nab.FileReport{r}).Normalized), meanDelay(res.Delays))
	}
	tw.Flush()
	if merged > 0 || late > 0 {
		fmt.Fprintf(w, "\n%d rows repeated the timestamp of the row before and were merged into it (mean value); %d rows went back in time and were dropped; scores count every row\n", merged, late)
	}

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "category\tfiles\twindows\tTP\tFP\traw\tnormalized\tARTime\tnumenta\t")
	names := func(rs []nab.FileReport) []string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = r.Name
		}
		return out
	}
	anchor := func(det string, files []string, windows int) string {
		v, ok := anchors.Score(det, files)
		if !ok || windows == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f", v)
	}
	for _, c := range nab.ByCategory(reports) {
		var files []string
		for _, r := range reports {
			if r.Category == c.Category {
				files = append(files, r.Name)
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.3f\t%s\t%s\t%s\t\n", c.Category, c.Files, c.Windows, c.TP, c.FP, c.Raw,
			normStr(c.Normalized), anchor("ARTime", files, c.Windows), anchor("numenta", files, c.Windows))
	}
	s := nab.Summarize(reports)
	fmt.Fprintf(tw, "all\t%d\t%d\t%d\t%d\t%.3f\t%s\t%s\t%s\t\n", s.Files, s.Windows, s.TP, s.FP, s.Raw,
		normStr(s.Normalized), anchor("ARTime", names(reports), s.Windows), anchor("numenta", names(reports), s.Windows))
	tw.Flush()
	fmt.Fprintf(w, "(a category without windows has no normalized score; its false positives count in \"all\", which is normalised over every file together, as NAB and anchors.tsv do)\n")
	fmt.Fprintf(w, "\nNAB standard score (normalized, %d files, %d windows): %s\n", len(reports), s.Windows, normStr(s.Normalized))
	fmt.Fprintf(w, "windows detected %d/%d, false positives %d\n", s.TP, s.Windows, s.FP)
	fmt.Fprintf(w, "mean detection delay: %+.1f buckets from the labelled anomaly point, %.1f from the window start\n",
		s.MeanDelay, s.MeanStart)
	fmt.Fprintf(w, "detector: one configuration for every file; bucket: each file's median interval; direction %s; gaps %s; count floor %g; fire every %s (fire score %.2f at 5m buckets), tail margin %g × the %g quantile of the series' own scores\n",
		cfg.Direction, map[detect.Gaps]string{detect.GapsZero: "zero", detect.GapsSkip: "skipped"}[cfg.Gaps], cfg.MinCount, cfg.FireEvery, cfg.FireScore, cfg.TailMargin, cfg.TailQuantile)
	fmt.Fprintf(w, "level half-life %s, slow half-life %s, seasonal %v, resolve after %d quiet buckets, cooldown %s (override at %g × the last peak), max episode %s, repeat %s\n",
		cfg.LevelHalfLife, cfg.SlowHalfLife, !cfg.DisableSeasonal, cfg.ResolveBuckets, cfg.Cooldown, cfg.CooldownOverride, maxEpisode(cfg.MaxEpisode), repeat)
	if cfg.Single {
		fmt.Fprintln(w, "one model (--single)")
	} else {
		fmt.Fprintf(w, "a committee of 9 models (level half-life × 0.25, 1, 3; slow half-life × 0.5, 1, 2): an episode starts when %d fire\n", cfg.Design.Quorum)
	}
}

func printCrossValidation(ctx context.Context, w io.Writer, files []nab.File, base detect.Config, repeat time.Duration, byFile, designs bool) error {
	grid := nab.Grid(base)
	if designs {
		grid = nab.DesignGrid(base)
	}
	group, what := nab.ByCategoryOf, "category"
	if byFile {
		group, what = nab.ByFile, "file"
	}
	var (
		folds []nab.Fold
		score float64
	)
	bar := progress.New("eval spikes --cv "+what, int64(len(grid)))
	err := compute(ctx, func() error {
		folds, score = nab.CrossValidate(files, grid, repeat, group, runtime.GOMAXPROCS(0), func() { bar.Add(1) })
		return nil
	})
	bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nleave one %s out (%d configurations; each held-out %s is scored with the one that did best on the others, or with the mean of those tied best):\n", what, len(grid), what)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "held out\tpicked\ttrain\theld-out score\t")
	for _, f := range folds {
		c := detect.New(grid[f.Pick]).Config()
		tied := ""
		if len(f.Ties) > 1 {
			tied = fmt.Sprintf(" (and %d tied, differing in: %s; score averaged)", len(f.Ties)-1, tiedKnobs(grid, f.Ties))
		}
		fmt.Fprintf(tw, "%s\t%sfire every %s, tail quantile %g, level half-life %s, max episode %s, cooldown %s (override %g); weekly gain %g, scale floor %g, habit ±%s, run span %g window %s%s\t%.1f\t%s\t\n", f.Held, committeeName(c), c.FireEvery,
			c.TailQuantile, c.LevelHalfLife, maxEpisode(c.MaxEpisode), c.Cooldown, c.CooldownOverride, c.Design.WeeklyGain, c.Design.ScaleFloor, c.Design.HabitTolerance,
			c.Design.RunSpan, c.Design.RunWindow, tied, f.Train, normStr(f.Score))
	}
	tw.Flush()
	fmt.Fprintf(w, "NAB standard score over the held-out results together (cross-validated): %.1f\n", score)
	return nil
}

// committeeName says which committee design (and quorum) c is, or that
// it is the single model.
func committeeName(c detect.Config) string {
	if c.Single {
		return "single model; "
	}
	return fmt.Sprintf("committee %s, quorum %d; ", c.Design.Committee, c.Design.Quorum)
}

// tiedKnobs names the grid's knobs whose values differ among the tied
// configurations.
func tiedKnobs(grid []detect.Config, ties []int) string {
	knobs := []struct {
		name string
		of   func(detect.Config) any
	}{
		{"fire every", func(c detect.Config) any { return c.FireEvery }},
		{"max episode", func(c detect.Config) any { return c.MaxEpisode }},
		{"cooldown", func(c detect.Config) any { return c.Cooldown }},
		{"override", func(c detect.Config) any { return c.CooldownOverride }},
		{"weekly gain", func(c detect.Config) any { return c.Design.WeeklyGain }},
		{"scale floor", func(c detect.Config) any { return c.Design.ScaleFloor }},
		{"run span", func(c detect.Config) any { return c.Design.RunSpan }},
		{"run window", func(c detect.Config) any { return c.Design.RunWindow }},
		{"committee", func(c detect.Config) any { return committeeName(c) }},
	}
	var out []string
	for _, k := range knobs {
		for _, i := range ties[1:] {
			if k.of(grid[i]) != k.of(grid[ties[0]]) {
				out = append(out, k.name)
				break
			}
		}
	}
	return strings.Join(out, ", ")
}

func normStr(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.1f", v)
}

func meanDelay(d []int) string {
	if len(d) == 0 {
		return "-"
	}
	sum := 0
	for _, x := range d {
		sum += x
	}
	return fmt.Sprintf("%+.1f", float64(sum)/float64(len(d)))
}

func writeDetections(path string, reports []nab.FileReport) error {
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing detections: %w", err)
	}
	bw := bufio.NewWriter(fh)
	fmt.Fprintln(bw, "file,timestamp")
	for _, r := range reports {
		for _, d := range r.Detections {
			fmt.Fprintf(bw, "%s,%s\n", r.Name, d.Time.Format("2006-01-02 15:04:05"))
		}
	}
	if err := bw.Flush(); err != nil {
		fh.Close()
		return fmt.Errorf("writing detections to %s: %w", path, err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("writing detections to %s: %w", path, err)
	}
	return nil
}

// maxEpisode prints Config.MaxEpisode ("off" when disabled).
func maxEpisode(d time.Duration) string {
	if d < 0 {
		return "off"
	}
	return d.String()
}
