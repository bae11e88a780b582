package scoring

import (
	"math"
	"sync"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	_ "github.com/mentionwatch/mentionwatch/collectors/all" // the real source types declare their traits
)

// reachScorer is a scorer built after every real source type has
// registered (not at package initialisation: NewScorer needs this
// package's init() to have built the vocabulary).
var reachScorer = sync.OnceValue(func() *Scorer { return NewScorer(nil) })

// legacySourceWeight is the per-kind table scoring hard-coded before the
// source types declared their own weights (commit f08b02a), kept here only
// to prove the move changed no weight.
func legacySourceWeight(kind string) float64 {
	switch kind {
	case "rss", "news":
		return 1.5
	case "reviews", "appstore", "playstore":
		return 1.3
	case "x", "twitter", "youtube":
		return 1.2
	case "hackernews":
		return 1.1
	case "reddit", "web":
		return 1.0
	case "mastodon", "bluesky":
		return 0.9
	}
	return 1
}

// TestDeclaredWeightsMatchLegacy: every registered source type's declared
// reach weight is the one scoring used before, so Reach is byte-identical
// for every real kind, and each type declares one (none falls back to the
// unknown-kind default by omission).
func TestDeclaredWeightsMatchLegacy(t *testing.T) {
	types := collectors.Types()
	if len(types) < 9 {
		t.Fatalf("only %d source types registered: %v", len(types), types)
	}
	for _, typ := range types {
		tr, ok := mw.SourceTypeTraits(typ)
		if !ok {
			t.Errorf("%s: registered without traits", typ)
			continue
		}
		if got, want := reachScorer().sourceWeight(typ), legacySourceWeight(typ); got != want || tr.ReachWeight != want {
			t.Errorf("%s: weight %v (declared %v), was %v", typ, got, tr.ReachWeight, want)
		}
		for _, reach := range []uint32{0, 1, 999, 1e6} {
			old := float32(legacySourceWeight(typ))
			if reach > 0 {
				old = float32(legacySourceWeight(typ) * (1 + mathLog10p1(reach)))
			}
			if got := reachScorer().reachWeight(reach, typ); got != old {
				t.Errorf("%s: reach(%d) = %v, was %v", typ, reach, got, old)
			}
		}
	}
	if got := reachScorer().sourceWeight("no-such-type"); got != mw.UnknownReachWeight {
		t.Errorf("unknown kind weighs %v, want mw.UnknownReachWeight", got)
	}
}

// TestOwnPageDeclared: the own-page types are the ones the pipeline and
// config treated so before (appstore, reviews), and only those.
func TestOwnPageDeclared(t *testing.T) {
	for _, typ := range collectors.Types() {
		tr, _ := mw.SourceTypeTraits(typ)
		if want := typ == "appstore" || typ == "reviews"; tr.OwnPage != want {
			t.Errorf("%s: OwnPage %v, want %v", typ, tr.OwnPage, want)
		}
	}
}

func mathLog10p1(n uint32) float64 { return math.Log10(1 + float64(n)) }
