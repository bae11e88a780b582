package alerts

import (
	"fmt"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// benchHistory is 14 days of 5-minute buckets for one brand with 2 stages
// and 4 aspects (7 series).
func benchHistory() (*history, time.Time) {
	h := newHistory(nil, 5*time.Minute, nil)
	start := t0
	n := int(keepHistory / (5 * time.Minute))
	scopes := []string{ScopeBrand, "stage:amot", "stage:smot", "aspect:delivery", "aspect:price", "aspect:service", "aspect:app"}
	for _, sc := range scopes {
		k := seriesKey("acme", sc)
		h.vals[k] = map[int64]counts{}
		for i := 0; i < n; i++ {
			b := start.Add(time.Duration(i) * 5 * time.Minute)
			h.vals[k][b.Unix()] = counts{neg: float64(i % 3), total: float64(5 + i%7)}
		}
	}
	h.first["acme"] = start
	return h, start.Add(time.Duration(n) * 5 * time.Minute)
}

// BenchmarkJudge compares a tick that rebuilds the detector from 14 days
// (a late mention changed a closed bucket) with one that steps the bucket
// that just closed.
func BenchmarkJudge(b *testing.B) {
	newDet := func() Detector { return NewDetector(mwCfg(), nil) }
	for _, rebuild := range []bool{true, false} {
		b.Run(fmt.Sprintf("rebuild=%v", rebuild), func(b *testing.B) {
			h, end := benchHistory()
			j := newJudge(newDet, 5*time.Minute)
			j.advance(h, end.Add(-5*time.Minute), end.Add(-2*time.Hour), time.Time{}, false)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				changed := time.Time{}
				if rebuild {
					changed = end.Add(-time.Hour)
				} else {
					j.stepped = end.Add(-5 * time.Minute)
				}
				j.advance(h, end, end.Add(-2*time.Hour), changed, false)
			}
		})
	}
}

func mwCfg() mw.AlertsConfig { return mw.AlertsConfig{} }
