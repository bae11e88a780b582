package training

import "github.com/mentionwatch/mentionwatch/scoring"

// Confusion is a 3-class confusion matrix, [gold][predicted], indexed by
// scoring.ClassNeg, ClassNeu and ClassPos. Training selects by it and the
// evaluation reports from it.
type Confusion [numClasses][numClasses]int

// Add counts one item of class gold predicted as pred.
func (cm *Confusion) Add(gold, pred int) { cm[gold][pred]++ }

// MacroF1 is the mean of the per-class F1 scores.
func (cm *Confusion) MacroF1() float64 {
	var sum float64
	for c := 0; c < numClasses; c++ {
		sum += cm.F1(c)
	}
	return sum / numClasses
}

// F1 is class c's F1 score.
func (cm *Confusion) F1(c int) float64 {
	tp, fp, fn := 0, 0, 0
	for g := 0; g < numClasses; g++ {
		for p := 0; p < numClasses; p++ {
			switch {
			case g == c && p == c:
				tp += cm[g][p]
			case p == c:
				fp += cm[g][p]
			case g == c:
				fn += cm[g][p]
			}
		}
	}
	if tp == 0 {
		return 0
	}
	return 2 * float64(tp) / float64(2*tp+fp+fn)
}

// Recall is the share of class c's gold items predicted as c.
func (cm *Confusion) Recall(c int) float64 {
	n := 0
	for p := range cm[c] {
		n += cm[c][p]
	}
	if n == 0 {
		return 0
	}
	return float64(cm[c][c]) / float64(n)
}

// MacroRecall is the mean of the per-class recalls (the SemEval metric).
func (cm *Confusion) MacroRecall() float64 {
	return (cm.Recall(scoring.ClassNeg) + cm.Recall(scoring.ClassNeu) + cm.Recall(scoring.ClassPos)) / numClasses
}

// Accuracy is the share of items predicted as their gold class.
func (cm *Confusion) Accuracy() float64 {
	ok, n := 0, 0
	for g := range cm {
		for p := range cm[g] {
			n += cm[g][p]
			if g == p {
				ok += cm[g][p]
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(ok) / float64(n)
}
