package nab

import (
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
	Rows       int
	Result     Result
	Detections []Detection
}

// Run feeds every file through one Detector online (each file is its own
// series; at row i the detector has seen rows 0..i only), turns onsets and
// repeats into detections and scores them. A repeat is a detection every
// repeat interval while an episode still fires (0: onsets only). progress,
// if not nil, is called after each file.
func Run(files []File, cfg detect.Config, repeat time.Duration, progress func(done, total int, name string)) []FileReport {
	det := detect.New(cfg)
	out := make([]FileReport, 0, len(files))
	for k, f := range files {
		rep := FileReport{Name: f.Name, Rows: len(f.Values)}
		var lastAlert time.Time
		for i, v := range f.Values {
			t := f.Times[i]
			dec := det.Step(f.Name, t, v, 0)
			switch {
			case dec.Onset:
				rep.Detections = append(rep.Detections, Detection{Index: i, Time: t})
				lastAlert = t
			case dec.Firing && repeat > 0 && t.Sub(lastAlert) >= repeat:
				rep.Detections = append(rep.Detections, Detection{Index: i, Time: t, Repeat: true})
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
	Normalized float64 // NAB standard normalized score
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
	for i, r := range reports {
		results[i] = r.Result
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
	if nd > 0 {
		s.MeanDelay = float64(delay) / float64(nd)
	}
	if ns > 0 {
		s.MeanStart = float64(start) / float64(ns)
	}
	return s
}
