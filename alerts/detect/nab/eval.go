package nab

import (
	"math"
	"time"

	"github.com/mentionwatch/mentionwatch/alerts/detect"
)

// Detection is a row where an alert fired: an episode's onset, or a repeat
// while the episode still fires.
type Detection struct {
	Index  int
	Time   time.Time
	Repeat bool
}

// FileReport is the evaluation of one file.
type FileReport struct {
	Name       string
	Category   string // File.Category
	Rows       int    // CSV rows
	Merged     int    // File.Merged
	Late       int    // File.Late
	Result     Result
	Detections []Detection
}

// Run feeds every file through one Detector online (each file is its own
// series; at row i the detector has seen rows 0..i only), turns onsets and
// repeats into detections and scores them. A repeat is a detection every
// repeat interval while an episode still fires (0: onsets only). progress,
// if not nil, is called after each file.
//
// Each file gets its own Detector; when cfg.Bucket is zero its bucket is the
// file's median sampling interval (File.Interval), as a user would set the
// bucket to the series' resolution.
func Run(files []File, cfg detect.Config, repeat time.Duration, progress func(done, total int, name string)) []FileReport {
	out := make([]FileReport, 0, len(files))
	for k, f := range files {
		fc := cfg
		if fc.Bucket <= 0 {
			fc.Bucket = f.Interval()
		}
		det := detect.New(fc)
		rep := FileReport{Name: f.Name, Category: f.Category(), Rows: f.Rows, Merged: f.Merged, Late: f.Late}
		if f.Row == nil { // built in code, not read: one row per point
			rep.Rows = len(f.Values)
		}
		var lastAlert time.Time
		for i, v := range f.Values {
			t := f.Times[i]
			dec := det.Step(f.Name, t, v, 0)
			switch {
			case dec.Onset:
				rep.Detections = append(rep.Detections, Detection{Index: f.row(i), Time: t})
				lastAlert = t
			case dec.Firing && repeat > 0 && t.Sub(lastAlert) >= repeat:
				rep.Detections = append(rep.Detections, Detection{Index: f.row(i), Time: t, Repeat: true})
				lastAlert = t
			}
		}
		idx := make([]int, len(rep.Detections))
		for j, d := range rep.Detections {
			idx[j] = d.Index
		}
		rep.Result = Score(rep.Rows, f.Windows, idx)
		out = append(out, rep)
		if progress != nil {
			progress(k+1, len(files), f.Name)
		}
	}
	return out
}

// Summary totals a run over files.
type Summary struct {
	Files      int
	Normalized float64 // NAB standard normalized score; NaN when no file has a window
	Raw        float64 // summed raw score
	Windows    int
	TP, FP     int
	Missed     int
	MeanDelay  float64 // rows from the labelled anomaly to the detection, over detected windows
	MeanStart  float64 // rows from the window start to the detection
}

// Summarize totals reports.
func Summarize(reports []FileReport) Summary {
	var s Summary
	results := make([]Result, len(reports))
	var delay, start, nd, ns int
	s.Files = len(reports)
	for i, r := range reports {
		results[i] = r.Result
		s.Raw += r.Result.Raw
		s.Windows += r.Result.Windows
		s.TP += r.Result.TP
		s.FP += r.Result.FP
		s.Missed += r.Result.Missed
		for _, d := range r.Result.Delays {
			delay += d
			nd++
		}
		for _, d := range r.Result.StartDelays {
			start += d
			ns++
		}
	}
	s.Normalized = Normalized(results)
	if s.Windows == 0 {
		s.Normalized = math.NaN()
	}
	if nd > 0 {
		s.MeanDelay = float64(delay) / float64(nd)
	}
	if ns > 0 {
		s.MeanStart = float64(start) / float64(ns)
	}
	return s
}

// CategorySummary is the summary of the files of one category.
type CategorySummary struct {
	Category string
	Summary
}

// ByCategory summarises reports per category, in order of first appearance.
// Each category is normalised over its own files; a category without windows
// (artificialNoAnomaly) has no normalised score, only its raw false-positive
// cost, which the overall figure includes.
func ByCategory(reports []FileReport) []CategorySummary {
	var order []string
	groups := map[string][]FileReport{}
	for _, r := range reports {
		if _, ok := groups[r.Category]; !ok {
			order = append(order, r.Category)
		}
		groups[r.Category] = append(groups[r.Category], r)
	}
	out := make([]CategorySummary, 0, len(order))
	for _, c := range order {
		out = append(out, CategorySummary{Category: c, Summary: Summarize(groups[c])})
	}
	return out
}
