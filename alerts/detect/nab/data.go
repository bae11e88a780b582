package nab

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// File is one NAB series with its labelled windows as row indices.
type File struct {
	Name    string // base name, e.g. Twitter_volume_AAPL.csv
	Times   []time.Time
	Values  []float64
	Windows []Window
}

type label struct {
	Windows   [][2]string `json:"windows"`
	Anomalies []string    `json:"anomalies"`
}

// LoadDir reads dir/labels.json and every CSV it names, in name order.
func LoadDir(dir string) ([]File, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		return nil, fmt.Errorf("nab: reading labels: %w", err)
	}
	var labels map[string]label
	if err := json.Unmarshal(raw, &labels); err != nil {
		return nil, fmt.Errorf("nab: parsing %s: %w", filepath.Join(dir, "labels.json"), err)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("nab: %s names no files", filepath.Join(dir, "labels.json"))
	}
	names := make([]string, 0, len(labels))
	for n := range labels {
		names = append(names, n)
	}
	sort.Strings(names)
	files := make([]File, 0, len(names))
	for _, n := range names {
		path := filepath.Join(dir, filepath.Base(n))
		f, err := loadFile(path, labels[n])
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
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
			Start:   sort.Search(len(f.Times), func(i int) bool { return !f.Times[i].Before(start) }),
			End:     sort.Search(len(f.Times), func(i int) bool { return f.Times[i].After(end) }) - 1,
			Anomaly: -1,
		}
		if win.End < win.Start {
			return File{}, fmt.Errorf("nab: labels for %s: window %s..%s holds no rows", f.Name, w[0], w[1])
		}
		for _, a := range anomalies {
			if !a.Before(start) && !a.After(end) {
				win.Anomaly = sort.Search(len(f.Times), func(i int) bool { return !f.Times[i].Before(a) })
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

// readCSV reads timestamp,value rows (with a header) in time order.
func readCSV(r io.Reader, f *File) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 2
	header := true
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
		if n := len(f.Times); n > 0 && !t.After(f.Times[n-1]) {
			return fmt.Errorf("line %d: timestamp %s not after the previous row", line, rec[0])
		}
		f.Times = append(f.Times, t)
		f.Values = append(f.Values, v)
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
