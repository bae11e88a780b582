package nab

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestSigmoid(t *testing.T) {
	for _, c := range []struct{ y, want float64 }{
		{0, 0},
		{-1, 2/(1+math.Exp(-5)) - 1}, // 0.98661
		{1, 2/(1+math.Exp(5)) - 1},   // -0.98661
		{-0.5, 2/(1+math.Exp(-2.5)) - 1},
	} {
		if got := Sigmoid(c.y); !near(got, c.want) {
			t.Errorf("Sigmoid(%g) = %g, want %g", c.y, got, c.want)
		}
	}
	if math.Abs(Sigmoid(-1)-0.98661) > 1e-5 {
		t.Errorf("Sigmoid(-1) = %g", Sigmoid(-1))
	}
}

func TestProbation(t *testing.T) {
	for rows, want := range map[int]int{1000: 150, 15902: 750, 5000: 750, 4999: 749, 10: 1} {
		if got := Probation(rows); got != want {
			t.Errorf("Probation(%d) = %d, want %d", rows, got, want)
		}
	}
}

func TestScoreHandMade(t *testing.T) {
	// 1000 rows: probation 150. One window of 100 rows, 400..499.
	w := []Window{{Start: 400, End: 499, Anomaly: 450}}
	fp := func(i int) float64 { return FPWeight * Sigmoid(float64(i-499)/100) }
	for _, c := range []struct {
		name       string
		det        []int
		raw        float64
		tp, fp, ms int
	}{
		{"none", nil, -1, 0, 0, 1},
		{"at window start", []int{400}, Sigmoid(-1), 1, 0, 0},
		{"at the anomaly", []int{450}, Sigmoid(-0.5), 1, 0, 0},
		{"at window end", []int{499}, Sigmoid(-0.01), 1, 0, 0},
		{"only the first in a window counts", []int{480, 420, 499}, Sigmoid(-0.8), 1, 0, 0},
		{"probation ignored", []int{100, 149}, -1, 0, 0, 1},
		{"fp before the first window", []int{200}, -1 - FPWeight, 0, 1, 1},
		{"fp right after the window is cheap", []int{400, 500}, Sigmoid(-1) + fp(500), 1, 1, 0},
		{"fp far after the window", []int{400, 900}, Sigmoid(-1) + fp(900), 1, 1, 0},
		{"duplicates count once", []int{200, 200}, -1 - FPWeight, 0, 1, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Score(1000, w, c.det)
			if !near(r.Raw, c.raw) || r.TP != c.tp || r.FP != c.fp || r.Missed != c.ms {
				t.Errorf("got raw %.6f TP %d FP %d missed %d, want raw %.6f TP %d FP %d missed %d",
					r.Raw, r.TP, r.FP, r.Missed, c.raw, c.tp, c.fp, c.ms)
			}
		})
	}
	if got := fp(500); !(got < 0 && got > -0.01) {
		t.Errorf("fp just after the window costs %g, want near 0", got)
	}
	if got := fp(900); math.Abs(got+FPWeight) > 1e-6 {
		t.Errorf("fp far after the window costs %g, want -0.11", got)
	}
	if d := Score(1000, w, []int{440}).Delays; len(d) != 1 || d[0] != -10 {
		t.Errorf("delay = %v, want [-10]", d)
	}
}

func TestScoreTwoWindows(t *testing.T) {
	// An FP between two windows is weighed against the window before it.
	w := []Window{{Start: 200, End: 249, Anomaly: -1}, {Start: 600, End: 699, Anomaly: 650}}
	r := Score(1000, w, []int{210, 260, 700, 650})
	want := Sigmoid(-40.0/50) + FPWeight*Sigmoid(11.0/50) + Sigmoid(-50.0/100) + FPWeight*Sigmoid(1.0/100)
	if !near(r.Raw, want) || r.TP != 2 || r.FP != 2 || len(r.Delays) != 1 || r.Delays[0] != 0 {
		t.Errorf("got %+v, want raw %.6f", r, want)
	}
}

func TestNormalized(t *testing.T) {
	perfect := Score(1000, []Window{{Start: 400, End: 499}}, []int{400})
	null := Score(1000, []Window{{Start: 400, End: 499}, {Start: 600, End: 699}}, nil)
	if got := Normalized([]Result{perfect}); !near(got, 100) {
		t.Errorf("perfect = %g, want 100", got)
	}
	if got := Normalized([]Result{null}); !near(got, 0) {
		t.Errorf("null = %g, want 0", got)
	}
	// Summed over files: raw = s(-1) - 2, null = -3, perfect = 3 s(-1).
	s1 := Sigmoid(-1)
	want := 100 * (s1 - 2 + 3) / (3*s1 + 3)
	if got := Normalized([]Result{perfect, null}); !near(got, want) {
		t.Errorf("two files = %g, want %g", got, want)
	}
	// An FP-only detector scores below 0.
	if got := Normalized([]Result{Score(1000, []Window{{Start: 400, End: 499}}, []int{200})}); got >= 0 {
		t.Errorf("fp only = %g, want < 0", got)
	}
}
