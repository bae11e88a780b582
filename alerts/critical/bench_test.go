package critical_test

import (
	"os"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/critical"
	"github.com/mentionwatch/mentionwatch/scoring"
)

// benchTexts are the English tweets and the Indonesian SmSA validation set
// when the shared data is present, else the labelled sets of testdata.
func benchTexts(b *testing.B) []string {
	var texts []string
	for _, path := range []string{
		"../../../shared/data/sentiment-en/tweets.tsv",
		"../../../shared/data/sentiment-id/smsa_valid.tsv",
	} {
		fh, err := os.Open(path)
		if err != nil {
			continue
		}
		err = critical.ReadTexts(fh, path, func(t string) { texts = append(texts, t) })
		fh.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	if len(texts) == 0 {
		for _, p := range []string{"../testdata/critical_dev.tsv", "../testdata/critical_heldout.tsv"} {
			ex, err := critical.ReadSet(p)
			if err != nil {
				b.Fatal(err)
			}
			for _, e := range ex {
				texts = append(texts, e.Text)
			}
		}
	}
	return texts
}

// BenchmarkFind is the matcher, one text per op.
func BenchmarkFind(b *testing.B) {
	texts := benchTexts(b)
	m := critical.New(nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Find(texts[i%len(texts)])
	}
}

// BenchmarkScoreBaseline is the baseline the matcher's cost is stated
// against: the scorer's work on the same texts (language, sentiment,
// stage, aspects), one text per op.
func BenchmarkScoreBaseline(b *testing.B) {
	texts := benchTexts(b)
	sc := scoring.NewScorer(nil)
	var m mw.Mention
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Text = texts[i%len(texts)]
		sc.Score(&m)
	}
}

// BenchmarkCheck is what an alert asks of each mention: the lists, then
// the learned model for the texts they clear (most of them).
func BenchmarkCheck(b *testing.B) {
	texts := benchTexts(b)
	m := critical.New(nil)
	critical.Learned()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Check(texts[i%len(texts)])
	}
}
