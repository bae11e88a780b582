package nab

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Anchors are published detectors' per-file results, scored with the same
// rules (NAB's results at NAB's thresholds): detector -> file -> result.
type Anchors map[string]map[string]Result

// ReadAnchors reads an anchors.tsv (detector, file, raw, detected_windows,
// false_positives, windows; '#' lines are comments). A missing file is not an
// error: it returns nil.
func ReadAnchors(path string) (Anchors, error) {
	fh, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("nab: reading anchors: %w", err)
	}
	defer fh.Close()
	out := Anchors{}
	sc := bufio.NewScanner(fh)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") || strings.HasPrefix(text, "detector\t") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("nab: %s line %d: %d fields, want 6", path, line, len(f))
		}
		raw, err1 := strconv.ParseFloat(f[2], 64)
		tp, err2 := strconv.Atoi(f[3])
		fp, err3 := strconv.Atoi(f[4])
		win, err4 := strconv.Atoi(f[5])
		for _, e := range []error{err1, err2, err3, err4} {
			if e != nil {
				return nil, fmt.Errorf("nab: %s line %d: %w", path, line, e)
			}
		}
		if out[f[0]] == nil {
			out[f[0]] = map[string]Result{}
		}
		out[f[0]][f[1]] = Result{Windows: win, TP: tp, FP: fp, Missed: win - tp, Raw: raw,
			Null: -MissWeight * float64(win), Perfect: Sigmoid(-1) * float64(win)}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("nab: reading %s: %w", path, err)
	}
	return out, nil
}

// Score is the normalized score of a detector over the named files, and
// whether the anchors hold every one of them.
func (a Anchors) Score(detector string, files []string) (float64, bool) {
	rs := make([]Result, 0, len(files))
	for _, f := range files {
		r, ok := a[detector][f]
		if !ok { // mention-volume names realTweets_X.csv as X.csv
			for name, res := range a[detector] {
				if strings.HasSuffix(name, "_"+f) {
					r, ok = res, true
					break
				}
			}
		}
		if !ok {
			return 0, false
		}
		rs = append(rs, r)
	}
	return Normalized(rs), true
}
