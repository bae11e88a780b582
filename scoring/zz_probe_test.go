package scoring

import (
	"fmt"
	"os"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

func TestZZProbe(t *testing.T) {
	b, _ := os.ReadFile("training/mentions/train_mix_b.tsv")
	set, err := ParseMentions("b", string(b))
	if err != nil {
		t.Fatal(err)
	}
	sc := reachScorer()
	var cm [3][3]int
	f, _ := os.Create("/tmp/probe_en.txt")
	defer f.Close()
	for _, it := range set.Items {
		if it.Lang != os.Getenv("LANGX") {
			continue
		}
		m := mw.Mention{Text: it.Text}
		sc.Score(&m)
		p := map[mw.Label]int{mw.Negative: 0, mw.Neutral: 1, mw.Positive: 2}[m.Label]
		g := map[int]int{clsNeg: 0, clsNeu: 1, clsPos: 2}[it.Class]
		cm[g][p]++
		if p != g {
			fmt.Fprintf(f, "gold=%d pred=%d %.2f\t%s\n", g, p, m.Sentiment, it.Text)
		}
	}
	t.Logf("rows gold neg/neu/pos, cols pred: %v", cm)
}
