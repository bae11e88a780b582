package scoring

import (
	"bufio"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/jonreiter/govader"

	mw "github.com/mentionwatch/mentionwatch"
)

// benchSets are the texts both benchmarks score, per set: the English
// tweets and product reviews and the Indonesian SmSA validation set when
// the shared data is present, else the demo's kinds of mentions.
func benchSets(b *testing.B) [][2]any {
	var sets [][2]any
	for _, f := range []struct {
		name, path string
		col        int
	}{
		{"tweets", "../../shared/data/sentiment-en/tweets.tsv", 2},
		{"product_reviews", "../../shared/data/sentiment-en/product_reviews.tsv", 2},
		{"smsa_valid", "../../shared/data/sentiment-id/smsa_valid.tsv", 0},
	} {
		fh, err := os.Open(f.path)
		if err != nil {
			continue
		}
		var texts []string
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if cols := strings.Split(sc.Text(), "\t"); len(cols) > f.col {
				texts = append(texts, cols[f.col])
			}
		}
		fh.Close()
		sets = append(sets, [2]any{f.name, texts})
	}
	if len(sets) == 0 {
		sets = append(sets, [2]any{"demo", []string{
			"The app keeps crashing after the update and support never replies!",
			"My Acme order is two weeks late and tracking hasn't moved. Where is my parcel?",
			"Highly recommend the Acme X2, best vacuum I've owned.",
			"Paket Acme belum sampai juga padahal udah dua minggu, kecewa banget.",
			"Acme X2 mantul bgt, rumah jadi bersih tiap hari!",
			"Ada yang pernah pakai Acme X2? Bagus gak?",
		}})
	}
	var all []string
	for _, s := range sets {
		all = append(all, s[1].([]string)...)
	}
	return append([][2]any{{"all", all}}, sets...)
}

// collectSetup collects the garbage of loading the texts and models before
// the timed loop. Without it a collection of that garbage lands inside
// the loop on some runs and not on others: it moved the per-text
// instruction count of scripts/instructions.sh by up to 60% between runs
// on the smaller sets. The scorer allocates nothing per text, so its loop
// then runs without a collection; govader still pays for collecting its
// own per-text garbage, which is part of its cost.
func collectSetup(b *testing.B) {
	runtime.GC()
	b.ResetTimer()
}

// BenchmarkScore is the whole scorer: language, sentiment, stage, aspects
// and reach, one text per op.
func BenchmarkScore(b *testing.B) {
	for _, set := range benchSets(b) {
		texts := set[1].([]string)
		b.Run(set[0].(string), func(b *testing.B) {
			sc := NewScorer(nil)
			var m mw.Mention
			b.ReportAllocs()
			collectSetup(b)
			for i := 0; i < b.N; i++ {
				m.Text = texts[i%len(texts)]
				sc.Score(&m)
			}
		})
	}
}

// BenchmarkGovader is the baseline: govader's sentiment alone on the same
// texts, one text per op.
func BenchmarkGovader(b *testing.B) {
	g := govader.NewSentimentIntensityAnalyzer()
	for _, set := range benchSets(b) {
		texts := set[1].([]string)
		b.Run(set[0].(string), func(b *testing.B) {
			b.ReportAllocs()
			collectSetup(b)
			for i := 0; i < b.N; i++ {
				g.PolarityScores(texts[i%len(texts)])
			}
		})
	}
}

// BenchmarkScoreENFile is BenchmarkScore with the English model read
// from the file MENTIONWATCH_BENCH_EN_MODEL (skipped when unset), to time
// another build of the model against the embedded one in the same
// process:
//
//	MENTIONWATCH_BENCH_EN_MODEL=/tmp/other.bin.gz go test -run '^$' \
//	    -bench 'Score$|ScoreENFile$|Govader$' -benchtime 2s ./scoring/
func BenchmarkScoreENFile(b *testing.B) {
	path := os.Getenv("MENTIONWATCH_BENCH_EN_MODEL")
	if path == "" {
		b.Skip("MENTIONWATCH_BENCH_EN_MODEL is not set")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	loadModels()
	other, err := decodeENModel(data)
	if err != nil {
		b.Fatalf("%s: %v", path, err)
	}
	other.linkWords()
	embedded := sentimentEN
	sentimentEN = other
	defer func() { sentimentEN = embedded }()
	BenchmarkScore(b)
}
