package nab

import (
	"fmt"
	"os"
	"testing"

	"github.com/mentionwatch/mentionwatch/alerts/detect"
)

func TestScratch(t *testing.T) {
	name := os.Getenv("SCRATCH")
	if name == "" {
		t.Skip()
	}
	files, err := LoadDir("../../../../shared/data/mention-volume")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name != name {
			continue
		}
		fmt.Println(f.Windows)
		d := detect.New(detect.Config{TailQuantile: 0.995})
		for i, v := range f.Values {
			dec := d.Step("x", f.Times[i], v, 0)
			win := " "
			for _, w := range f.Windows {
				if i >= w.Start && i <= w.End {
					win = "W"
				}
				if i == w.Anomaly {
					win = "A"
				}
			}
			if dec.Onset || dec.Resolved || win == "A" || os.Getenv("ALL") != "" {
				fmt.Printf("%5d %s %s v=%6.0f exp=%7.1f f=%5.1f s=%6.1f thr=%5.1f on=%v res=%v fir=%v\n", i, win, f.Times[i].Format("01-02 Mon 15:04"), v, dec.Expected, dec.Factor, dec.Score, dec.Threshold, dec.Onset, dec.Resolved, dec.Firing)
			}
		}
	}
}
