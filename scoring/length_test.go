package scoring

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// runOnText is a hostile text of n words without a single clause break:
// lexicon words, boosters, negations and plain words, the shape that made
// scoring quadratic (a 320k-word text took 29 s).
func runOnText(n int) string {
	words := []string{"the", "service", "was", "good", "not", "very", "bad", "and", "slow", "acme", "great", "but"}
	var b strings.Builder
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

// inQuestionRef is the plain twin of inQuestion: scan to the clause end.
func (s *scratch) inQuestionRef(i int) bool {
	toks := s.toks
	for ; i < len(toks)-1 && !toks[i].brk; i++ {
	}
	return toks[i].q
}

// The clause cursor answers as the plain scan does, for every lexicon
// position, and scans each token at most once per text.
func TestInQuestionLinear(t *testing.T) {
	texts := []string{
		runOnText(5000),
		runOnText(3000) + "?",
		"is it good? it is good. great, is it bad? bad, good, not good? no",
		"good", "?", "", "good?? bad!? fine, ok; great: yes",
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		var b strings.Builder
		for range r.IntN(60) {
			b.WriteString([]string{"good ", "bad ", "is ", "it ", "great? ", "slow, ", "fine. ", "why? ", "not "}[r.IntN(9)])
		}
		texts = append(texts, b.String())
	}
	for _, text := range texts {
		s := getScratch()
		s.tokenize(text)
		c := clauseCursor{from: 1, end: 0}
		for _, i32 := range s.lexAt {
			i := int(i32)
			if got, want := s.inQuestion(&c, i), s.inQuestionRef(i); got != want {
				t.Fatalf("%.60q: token %d in question %v, plain scan says %v", text, i, got, want)
			}
		}
		if c.steps > len(s.toks) {
			t.Errorf("%.60q: %d tokens scanned for %d tokens; want at most one scan each", text, c.steps, len(s.toks))
		}
		putScratch(s)
	}
}

// Text beyond MaxScoredBytes is not read: a long positive text followed by
// a tail of complaints scores as its first MaxScoredBytes do.
func TestScoreCapsText(t *testing.T) {
	head := strings.Repeat("Acme is great and the staff were lovely. ", MaxScoredBytes/40+1)
	tail := strings.Repeat("terrible awful scam, worst ever! ", 20000)
	got := score(head + tail)
	want := score(capScored(head + tail))
	if got.Sentiment != want.Sentiment || got.Label != want.Label || got.Stage != want.Stage {
		t.Errorf("scored beyond the cap: %v %s %s, want %v %s %s", got.Sentiment, got.Label, got.Stage, want.Sentiment, want.Label, want.Stage)
	}
	if got.Label != mw.Positive {
		t.Errorf("label %s: the complaints after the cap were read", got.Label)
	}
	// The cut falls on a rune boundary.
	multi := strings.Repeat("é", MaxScoredBytes)
	if c := capScored(multi); len(c) > MaxScoredBytes || !strings.HasPrefix(multi, c) || len(c)%2 != 0 {
		t.Errorf("capScored cut %d bytes of a two-byte-rune text", len(c))
	}
}

// A cancelled context stops a batch between items, with the context's
// error and no mentions.
func TestProcessContextStops(t *testing.T) {
	p := NewPipeline([]mw.Brand{{Name: "Acme", Keywords: []string{"acme"}}}, NewScorer(nil))
	raw := make([]mw.Mention, 100)
	for i := range raw {
		raw[i] = mw.Mention{NativeID: fmt.Sprint(i), Type: "rss", Text: "acme is good"}
	}
	ms, err := p.ProcessContext(context.Background(), raw, nil)
	if err != nil || len(ms) != len(raw) {
		t.Fatalf("ProcessContext = %d mentions, %v; want %d, nil", len(ms), err, len(raw))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ms, err = p.ProcessContext(ctx, raw, nil)
	if !errors.Is(err, context.Canceled) || ms != nil {
		t.Fatalf("ProcessContext after cancel = %d mentions, %v; want none and context.Canceled", len(ms), err)
	}
}

// BenchmarkScoreLength scores texts of 1k to 1M words without clause
// breaks, bypassing MaxScoredBytes, to show the scorer itself is linear:
// ns/word stays flat as the text grows (docs/BENCHMARKS.md).
func BenchmarkScoreLength(b *testing.B) {
	sc := NewScorer(nil)
	for _, n := range []int{1000, 10000, 100000, 1000000} {
		text := runOnText(n)
		b.Run(fmt.Sprintf("words=%d", n), func(b *testing.B) {
			var m mw.Mention
			collectSetup(b)
			for i := 0; i < b.N; i++ {
				sc.score(&m, "", text)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/word")
		})
	}
}
