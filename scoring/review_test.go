package scoring

import (
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// reviewTypes are the types read in the review register: the generic
// mw.ReviewType (any case) and the source types that declare Reviews.
var reviewTypes = []string{mw.ReviewType, "Review", "reviews", "appstore"}

// TestReviewRegisterLabel: a review sentence the tweet-trained model
// calls negative ("bad" outweighs its negation for it; the rules read
// the negated "bad" as praise) is labelled by the blended score in the review
// register, and by the model's class anywhere else.
func TestReviewRegisterLabel(t *testing.T) {
	sc := reachScorer()
	const text = "can't say anything bad about it"
	plain := mw.Mention{Text: text}
	sc.Score(&plain)
	if plain.Label != mw.Negative {
		t.Fatalf("untyped: %s %.3f, want negative (the model's class; the example no longer shows the register)", plain.Label, plain.Sentiment)
	}
	for _, typ := range reviewTypes {
		m := mw.Mention{Text: text, Type: typ}
		sc.Score(&m)
		if m.Label != mw.Positive || m.Sentiment < 0.05 {
			t.Errorf("type %q: %s %.3f, want positive (the blended score's label)", typ, m.Label, m.Sentiment)
		}
	}
}

// TestReviewRegisterContract checks, over the stage tuning mentions
// (English, Indonesian, every kind of moment), that in the review
// register an English text's score is the blend of the model's p(pos) -
// p(neg) and the rules' compound, unclamped, then settled and fused with
// the rating as any score is; that every type that is not a review
// scores exactly as a mention without a type; and that Indonesian texts
// score the same in either register.
func TestReviewRegisterContract(t *testing.T) {
	if sentimentEN == nil {
		t.Skip("no English model embedded")
	}
	sc := reachScorer()
	set, err := ReadMoments(stageTunePath)
	if err != nil {
		t.Fatal(err)
	}
	rows := set.Items
	changed := 0
	for _, r := range rows {
		for _, rating := range []float32{0, 2, 4} {
			plain := mw.Mention{Text: r.Text, Rating: rating}
			sc.Score(&plain)
			for _, typ := range []string{"x", "reddit", "rss", "hackernews", "no-such-type"} {
				m := mw.Mention{Text: r.Text, Rating: rating, Type: typ}
				sc.Score(&m)
				if m.Sentiment != plain.Sentiment || m.Label != plain.Label {
					t.Errorf("type %s: %s %.3f, untyped %s %.3f: %q", typ, m.Label, m.Sentiment, plain.Label, plain.Sentiment, r.Text)
				}
			}
			for _, typ := range reviewTypes {
				m := mw.Mention{Text: r.Text, Rating: rating, Type: typ}
				sc.Score(&m)
				want := plain.Sentiment
				if m.Lang != "id" {
					want = float32(reviewBlend(r.Text, rating))
				}
				if m.Sentiment != want || m.Label != labelOf(float64(want)) {
					t.Errorf("type %s, lang %s: %s %.4f, want %.4f: %q", typ, m.Lang, m.Label, m.Sentiment, want, r.Text)
				}
				if m.Label != plain.Label {
					changed++
				}
			}
		}
	}
	if changed == 0 {
		t.Error("the review register changed no label of the stage mentions")
	}
	t.Logf("%d of %d review-typed scorings labelled otherwise than untyped", changed, 3*len(rows)*len(reviewTypes))
}

// reviewBlend is the review register's score of an English text, step by
// step: the blend, clamped to -1..1, settled by the complaint cues, fused
// with the rating.
func reviewBlend(text string, rating float32) float64 {
	it := reviewItemOf(text, 0)
	return fuseRating(it.settleAt(max(-1, min(1, it.blend))), rating)
}

// TestReviewsDeclared: the source types whose items are reviews are the
// app store's and the review pages', and only those; mw.ReviewType
// weighs as an unknown type.
func TestReviewsDeclared(t *testing.T) {
	for _, typ := range collectors.Types() {
		tr, _ := mw.SourceTypeTraits(typ)
		want := typ == "appstore" || typ == "reviews"
		if tr.Reviews != want {
			t.Errorf("%s: Reviews %v, want %v", typ, tr.Reviews, want)
		}
		if got := reachScorer().source(typ).review; got != want {
			t.Errorf("%s: scorer reads review %v, want %v", typ, got, want)
		}
	}
	if src := reachScorer().source(mw.ReviewType); !src.review || src.w != mw.UnknownReachWeight {
		t.Errorf("%s: %+v, want a review weighing mw.UnknownReachWeight", mw.ReviewType, src)
	}
}

func TestReviewSteadyStateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under -race")
	}
	sc := reachScorer()
	m := mw.Mention{Text: "it's not a perfect movie , but it is an honest one .", Type: "appstore", Rating: 4}
	sc.Score(&m)
	if a := testing.AllocsPerRun(100, func() { sc.Score(&m) }); a > 0.5 {
		t.Errorf("allocs per Score of a review = %v, want 0", a)
	}
}
