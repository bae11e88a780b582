package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
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
		loo        bool
		cfg        detect.Config
	)
	cmd := &cobra.Command{
		Use:   "spikes",
		Short: "Run the spike detector online over NAB mention-volume files and print the NAB standard score",
		Long: `Runs the spike detector online over every CSV named in DIR/labels.json
(timestamp,value; the value is the count, the total is unknown), turns each
episode's onset and each repeat (every --repeat while it still fires) into a
detection, and scores them with the NAB standard profile.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			files, err := nab.LoadDir(dataDir)
			if err != nil {
				return err
			}
			bar := progress.New("eval spikes", int64(len(files)))
			reports := nab.Run(files, cfg, repeat, func(int, int, string) { bar.Add(1) })
			bar.Finish()
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
			if loo {
				printLeaveOneOut(cmd.OutOrStdout(), files, cfg, repeat)
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
	f.StringVar(&dataDir, "data", "../shared/data/mention-volume", "directory with labels.json and the CSV files")
	f.StringVar(&detections, "detections", "", "write file,timestamp for every detection (onsets and repeats) to this CSV")
	f.DurationVar(&repeat, "repeat", 4*time.Hour, "repeat interval while an episode fires (0: onsets only)")
	f.BoolVar(&loo, "loo", false, "also run the leave-one-file-out check: tune fire score, slow window and score, cooldown on the other files, score each file")
	f.Float64Var(&cfg.FireScore, "fire-score", 0, "-log10 p-value that starts an episode (0: default)")
	f.Float64Var(&cfg.MinFactor, "min-factor", 0, "count / expected needed to start an episode (0: default)")
	f.Float64Var(&cfg.MinCount, "min-count", 0, "minimum count that may fire (0: default)")
	f.IntVar(&cfg.Confirm, "confirm", 0, "hot buckets among the last --confirm-of that start an episode (0: default)")
	f.IntVar(&cfg.ConfirmOf, "confirm-of", 0, "window of the confirmation in buckets (0: default)")
	f.IntVar(&cfg.ResolveBuckets, "resolve-buckets", 0, "consecutive quiet buckets that resolve an episode (0: default)")
	f.Float64Var(&cfg.TailQuantile, "tail-quantile", 0, "quantile of the series' own scores tracked online (0: default)")
	f.Float64Var(&cfg.TailMargin, "tail-margin", 0, "an onset needs score >= this × the tail quantile (0: default, <0: off)")
	f.DurationVar(&cfg.SlowWindow, "slow-window", 0, "window of the slow (sustained-rise) detector (0: default, <0: off)")
	f.Float64Var(&cfg.SlowScore, "slow-score", 0, "-log10 p-value of the slow window's sum that starts an episode (0: default)")
	f.DurationVar(&cfg.Cooldown, "cooldown", 0, "no new onset this long after an episode resolves (0: default, <0: off)")
	f.Float64Var(&cfg.CooldownOverride, "cooldown-override", 0, "... unless the score reaches this × the last episode's peak (0: default)")
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
	fmt.Fprintf(w, "detector: bucket %s (0s: each file's median interval), min count %g, fire score %g, min factor %g, resolve after %d quiet buckets, repeat %s\n",
		cfg.Bucket, cfg.MinCount, cfg.FireScore, cfg.MinFactor, cfg.ResolveBuckets, repeat)
	fmt.Fprintf(w, "slow window %s (score %g), cooldown %s (override at %g × the last peak)\n",
		cfg.SlowWindow, cfg.SlowScore, cfg.Cooldown, cfg.CooldownOverride)
}

func printLeaveOneOut(w io.Writer, files []nab.File, base detect.Config, repeat time.Duration) {
	grid := nab.Grid(base)
	folds, score := nab.LeaveOneOut(files, grid, repeat)
	fmt.Fprintf(w, "\nleave one file out (%d configurations tuned on the other files):\n", len(grid))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "held out\tpicked\ttrain\theld-out score\t")
	for _, f := range folds {
		c := detect.New(grid[f.Pick]).Config()
		fmt.Fprintf(tw, "%s\tfire %g, slow %s/%g, cooldown %s\t%.1f\t%.1f\t\n", f.Held, c.FireScore, c.SlowWindow,
			c.SlowScore, c.Cooldown, f.Train, nab.Normalized([]nab.Result{f.Result}))
	}
	tw.Flush()
	fmt.Fprintf(w, "NAB standard score over the held-out files: %.1f\n", score)
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
