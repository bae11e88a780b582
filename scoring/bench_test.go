package scoring

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/jonreiter/govader"

	mw "github.com/mentionwatch/mentionwatch"
)

// benchTexts are the texts both benchmarks score: the English tweets and
// product reviews and the Indonesian SmSA validation set when the shared
// data is present (in that order, interleaved by line), else the demo's
// kinds of mentions.
func benchTexts(b *testing.B) []string {
	var texts []string
	for _, f := range []struct {
		path string
		col  int
	}{
		{"../../shared/data/sentiment-en/tweets.tsv", 2},
		{"../../shared/data/sentiment-en/product_reviews.tsv", 2},
		{"../../shared/data/sentiment-id/smsa_valid.tsv", 0},
	} {
		fh, err := os.Open(f.path)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if cols := strings.Split(sc.Text(), "\t"); len(cols) > f.col {
				texts = append(texts, cols[f.col])
			}
		}
		fh.Close()
	}
	if len(texts) == 0 {
		texts = []string{
			"The app keeps crashing after the update and support never replies!",
			"My Acme order is two weeks late and tracking hasn't moved. Where is my parcel?",
			"Highly recommend the Acme X2, best vacuum I've owned.",
			"Paket Acme belum sampai juga padahal udah dua minggu, kecewa banget.",
			"Acme X2 mantul bgt, rumah jadi bersih tiap hari!",
			"Ada yang pernah pakai Acme X2? Bagus gak?",
		}
	}
	b.Logf("%d texts", len(texts))
	return texts
}

// BenchmarkScore is the whole scorer: language, sentiment, stage, aspects
// and reach, one text per op.
func BenchmarkScore(b *testing.B) {
	texts := benchTexts(b)
	sc := NewScorer(nil)
	var m mw.Mention
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Text = texts[i%len(texts)]
		sc.Score(&m)
	}
}

// BenchmarkGovader is the baseline: govader's sentiment alone on the same
// texts, one text per op.
func BenchmarkGovader(b *testing.B) {
	texts := benchTexts(b)
	g := govader.NewSentimentIntensityAnalyzer()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.PolarityScores(texts[i%len(texts)])
	}
}
