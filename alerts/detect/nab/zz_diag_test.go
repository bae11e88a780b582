package nab

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/alerts/detect"
)

func TestZZDiag(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	files, err := LoadDir("../../../../shared/data/nab")
	if err != nil {
		t.Fatal(err)
	}
	cfg := detect.Config{Direction: detect.Both, Gaps: detect.GapsSkip, MinCount: -1, FireScore: 3, TailMargin: 1, TailQuantile: 0.9995, LevelHalfLife: 24 * time.Hour}
	var b strings.Builder
	for _, f := range files {
		if !strings.Contains(f.Name, os.Getenv("DIAG")) && os.Getenv("DIAG") != "all" {
			continue
		}
		c := cfg
		c.Bucket = f.Interval()
		d := detect.New(c)
		decs := make([]detect.Decision, len(f.Values))
		for i, v := range f.Values {
			decs[i] = d.Step("x", f.Times[i], v, 0)
		}
		fmt.Fprintf(&b, "%s rows %d interval %s\n", f.Name, f.Rows, f.Interval())
		for _, w := range f.Windows {
			best, bi := -1.0, -1
			first := -1
			for i := range f.Values {
				r := f.row(i)
				if r < w.Start || r > w.End {
					continue
				}
				ratio := math.Max(decs[i].Score/decs[i].Threshold, decs[i].SlowScore/math.Max(decs[i].Threshold, 1e-9))
				if ratio > best {
					best, bi = ratio, r
				}
				if decs[i].Onset && first < 0 {
					first = r
				}
			}
			fmt.Fprintf(&b, "  window %d..%d anomaly %d: first onset %d, best ratio %.2f at %d\n", w.Start, w.End, w.Anomaly, first, best, bi)
		}
		var fps []string
		for i := range f.Values {
			r := f.row(i)
			if !decs[i].Onset || r < Probation(f.Rows) {
				continue
			}
			in := false
			for _, w := range f.Windows {
				if r >= w.Start && r <= w.End {
					in = true
				}
			}
			if !in {
				fps = append(fps, fmt.Sprintf("%d(z%.1f sz%.1f thr%.1f)", r, decs[i].Z, decs[i].SlowZ, decs[i].Threshold))
			}
		}
		fmt.Fprintf(&b, "  FPs: %s\n", strings.Join(fps, " "))
	}
	os.WriteFile("/tmp/grid/diag.txt", []byte(b.String()), 0o644)
}
