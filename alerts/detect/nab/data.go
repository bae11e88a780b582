package nab

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// File is one NAB series with its labelled windows as row indices.
//
// Rows that repeat a timestamp (NAB has a few, e.g. the hour a daylight
// saving clock repeats) are merged into one point whose value is their mean:
// a repeat is a second reading of the same instant, so summing would invent
// a spike. A row whose timestamp goes back before the row before (one NAB
// file replays an hour) is dropped and counted in Late: an online detector
// has already judged that time. Scoring stays on the file's own rows, as NAB's and the anchors'
// scores are: Rows, the windows and the probation count every CSV row, and a
// detection at point i is a detection at row Row[i], the first row of its
// timestamp.
type File struct {
	Name    string      // base name, e.g. Twitter_volume_AAPL.csv
	Times   []time.Time // one per distinct timestamp, increasing
	Values  []float64   // the mean of the rows at Times[i]
	Row     []int       // the first CSV row (0-based, header excluded) of Times[i]
	Rows    int         // CSV rows, repeats included
	Merged  int         // rows merged into the row before, of the same timestamp
	Late    int         // rows dropped because their timestamp is before the row before
	Windows []Window    // in CSV rows
}

// Category is the part of the name before the first '_' (NAB's directory:
// realTweets, artificialWithAnomaly, ...), or the whole name without it.
func (f File) Category() string {
	c, _, _ := strings.Cut(strings.TrimSuffix(f.Name, ".csv"), "_")
	return c
}

type label struct {
	Windows   [][2]string `json:"windows"`
	Anomalies []string    `json:"anomalies"`
}

// UnmarshalJSON reads a file's labels either as {"windows": [...],
// "anomalies": [...]} (../shared/data) or as NAB's combined_windows.json
// has them: the list of windows alone.
func (l *label) UnmarshalJSON(b []byte) error {
	var windows [][2]string
	if err := json.Unmarshal(b, &windows); err == nil {
		l.Windows = windows
		return nil
	}
	type plain label
	return json.Unmarshal(b, (*plain)(l))
}

// LoadDir reads the labelled files of dir, in name order. dir is either a
// directory holding labels.json and the CSV files it names (as
// ../shared/data/nab and ../shared/data/mention-volume do), or the root of
// a NAB checkout: labels/combined_windows.json (and, for the anomaly points,
// labels/combined_labels.json) with the CSV files under data/. A name with
// a directory ("realTweets/Twitter_volume_GOOG.csv") is flattened to
// realTweets_Twitter_volume_GOOG.csv, so its category is the directory's.
func LoadDir(dir string) ([]File, error) {
	labels, err := readLabels(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(labels))
	for n := range labels {
		names = append(names, n)
	}
	sort.Strings(names)
	files := make([]File, 0, len(names))
	for _, n := range names {
		path, err := csvPath(dir, n)
		if err != nil {
			return nil, err
		}
		f, err := loadFile(path, labels[n])
		if err != nil {
			return nil, err
		}
		if d, base := filepath.Split(filepath.ToSlash(n)); d != "" {
			f.Name = strings.ReplaceAll(strings.Trim(d, "/"), "/", "_") + "_" + base
		}
		files = append(files, f)
	}
	return files, nil
}

// readLabels reads dir/labels.json, or a NAB checkout's combined labels.
func readLabels(dir string) (map[string]label, error) {
	path := filepath.Join(dir, "labels.json")
	raw, err := os.ReadFile(path)
	nabRoot := false
	if errors.Is(err, fs.ErrNotExist) {
		nabPath := filepath.Join(dir, "labels", "combined_windows.json")
		if raw2, err2 := os.ReadFile(nabPath); err2 == nil {
			path, raw, err, nabRoot = nabPath, raw2, nil, true
		}
	}
	if err != nil {
		return nil, fmt.Errorf("nab: reading labels (point --data at a directory holding labels.json and its CSV files, e.g. ../shared/data/nab, or at a NAB checkout with labels/combined_windows.json): %w", err)
	}
	var labels map[string]label
	if err := json.Unmarshal(raw, &labels); err != nil {
		return nil, fmt.Errorf("nab: parsing %s: %w", path, err)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("nab: %s names no files", path)
	}
	if nabRoot { // the anomaly points, when the checkout has them
		pointsPath := filepath.Join(dir, "labels", "combined_labels.json")
		raw, err := os.ReadFile(pointsPath)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("nab: reading %s: %w", pointsPath, err)
		default:
			var points map[string][]string
			if err := json.Unmarshal(raw, &points); err != nil {
				return nil, fmt.Errorf("nab: parsing %s: %w", pointsPath, err)
			}
			for n, l := range labels {
				l.Anomalies = points[n]
				labels[n] = l
			}
		}
	}
	return labels, nil
}

// csvPath finds the CSV file a label names: beside labels.json by its base
// name, at the name as a path under dir, or under dir/data (a NAB checkout).
func csvPath(dir, name string) (string, error) {
	rel := filepath.FromSlash(name)
	if filepath.IsAbs(rel) || strings.HasPrefix(filepath.Clean(rel), "..") {
		return "", fmt.Errorf("nab: labels name %q, which is outside %s: name files relative to it", name, dir)
	}
	tried := []string{filepath.Join(dir, filepath.Base(rel)), filepath.Join(dir, rel), filepath.Join(dir, "data", rel)}
	for _, p := range tried {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("nab: labels name %s, but no CSV file is at %s", name, strings.Join(tried, ", "))
}

func loadFile(path string, l label) (File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return File{}, fmt.Errorf("nab: %w", err)
	}
	defer fh.Close()
	f := File{Name: filepath.Base(path)}
	if err := readCSV(fh, &f); err != nil {
		return File{}, fmt.Errorf("nab: reading %s: %w", path, err)
	}
	var anomalies []time.Time
	for _, a := range l.Anomalies {
		t, err := parseTime(a)
		if err != nil {
			return File{}, fmt.Errorf("nab: labels for %s: anomaly %q: %w", f.Name, a, err)
		}
		anomalies = append(anomalies, t)
	}
	for _, w := range l.Windows {
		start, err := parseTime(w[0])
		if err != nil {
			return File{}, fmt.Errorf("nab: labels for %s: window start %q: %w", f.Name, w[0], err)
		}
		end, err := parseTime(w[1])
		if err != nil {
			return File{}, fmt.Errorf("nab: labels for %s: window end %q: %w", f.Name, w[1], err)
		}
		win := Window{
			Start:   rowAtOrAfter(f, start),
			End:     rowAtOrAfter(f, end.Add(time.Nanosecond)) - 1,
			Anomaly: -1,
		}
		if win.End < win.Start {
			return File{}, fmt.Errorf("nab: labels for %s: window %s..%s holds no rows", f.Name, w[0], w[1])
		}
		for _, a := range anomalies {
			if !a.Before(start) && !a.After(end) {
				win.Anomaly = rowAtOrAfter(f, a)
				break
			}
		}
		f.Windows = append(f.Windows, win)
	}
	sort.Slice(f.Windows, func(i, j int) bool { return f.Windows[i].Start < f.Windows[j].Start })
	for i := 1; i < len(f.Windows); i++ {
		if f.Windows[i].Start <= f.Windows[i-1].End {
			return File{}, fmt.Errorf("nab: labels for %s: windows %d and %d overlap", f.Name, i-1, i)
		}
	}
	return f, nil
}

// Interval is the median spacing of the file's timestamps (5 minutes for a
// file of fewer than two points).
func (f File) Interval() time.Duration {
	if len(f.Times) < 2 {
		return 5 * time.Minute
	}
	d := make([]time.Duration, len(f.Times)-1)
	for i := 1; i < len(f.Times); i++ {
		d[i-1] = f.Times[i].Sub(f.Times[i-1])
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

// row is the CSV row of point i (i itself for a File built in code).
func (f File) row(i int) int {
	if f.Row == nil {
		return i
	}
	return f.Row[i]
}

// rowAtOrAfter is the first CSV row whose timestamp is at or after t
// (f.Rows if none).
func rowAtOrAfter(f File, t time.Time) int {
	i := sort.Search(len(f.Times), func(i int) bool { return !f.Times[i].Before(t) })
	if i == len(f.Times) {
		return f.Rows
	}
	return f.Row[i]
}

// readCSV reads timestamp,value rows (with a header) in time order, merging
// rows that repeat the previous timestamp (see File). Values may be any
// finite real number.
func readCSV(r io.Reader, f *File) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 2
	header := true
	repeats := 0 // rows at the current timestamp
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		if header {
			header = false
			if strings.TrimSpace(rec[0]) == "timestamp" {
				continue
			}
		}
		t, err := parseTime(rec[0])
		if err != nil {
			return fmt.Errorf("line %d: timestamp %q: %w", line, rec[0], err)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil {
			return fmt.Errorf("line %d: value %q: %w", line, rec[1], err)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("line %d: value %q is not a finite number", line, rec[1])
		}
		n := len(f.Times)
		switch {
		case n > 0 && t.Equal(f.Times[n-1]):
			f.Merged++
			repeats++
			f.Values[n-1] += (v - f.Values[n-1]) / float64(repeats) // running mean
		case n > 0 && t.Before(f.Times[n-1]):
			f.Late++ // the detector has moved past it: online, it cannot be judged
			repeats = 0
		default:
			repeats = 1
			f.Times = append(f.Times, t)
			f.Values = append(f.Values, v)
			f.Row = append(f.Row, f.Rows)
		}
		f.Rows++
	}
	if len(f.Times) == 0 {
		return errors.New("no rows")
	}
	return nil
}

// parseTime reads NAB's "2015-03-03 04:37:53[.000000]" as UTC.
func parseTime(s string) (time.Time, error) {
	return time.Parse("2006-01-02 15:04:05.999999999", strings.TrimSpace(s))
}
