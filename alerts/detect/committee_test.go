package detect

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestCommitteeIsItsMembersVote: the committee's episodes are the vote of
// nine single models that differ only in their level and slow half-lives:
// an onset when Quorum of them fire, a resolution when none does, and the
// numbers of the configured model. Checked bucket by bucket against nine
// models run beside it, on a series with bursts, a slow build-up and a
// level shift.
func TestCommitteeIsItsMembersVote(t *testing.T) {
	d := New(Config{})
	var members []*Detector
	for _, lf := range committeeLevel {
		for _, sf := range committeeSlow {
			members = append(members, New(Config{Single: true,
				LevelHalfLife: time.Duration(lf * float64(24*time.Hour)), SlowHalfLife: time.Duration(sf * float64(time.Hour))}))
		}
	}
	primary := New(Config{Single: true})
	r := rand.New(rand.NewPCG(11, 11))
	mu := func(i int) float64 {
		switch {
		case i >= 8*day && i < 8*day+6: // a 6× burst
			return 60
		case i >= 9*day && i < 9*day+72: // a slow build-up over 6 hours
			return 10 + float64(i-9*day)/4
		case i >= 11*day: // a lasting shift
			return 25
		}
		return 10
	}
	on, onsets, votes := false, 0, 0
	for i := range 14 * day {
		b := t0.Add(time.Duration(i) * 5 * time.Minute)
		v := poisson(r, mu(i))
		got := d.Step("acme", b, v, 0)
		firing := 0
		for _, m := range members {
			if m.Step("acme", b, v, 0).Firing {
				firing++
			}
		}
		want := primary.Step("acme", b, v, 0)
		onset := !on && firing >= defaultQuorum
		resolved := on && firing == 0
		on = on && !resolved || onset
		if firing > 0 && firing < defaultQuorum && !on {
			votes++ // some members fire, not enough
		}
		if got.Onset != onset || got.Resolved != resolved || got.Firing != on {
			t.Fatalf("bucket %d: committee onset %v resolved %v firing %v; %d of 9 members fire, want %v %v %v",
				i, got.Onset, got.Resolved, got.Firing, firing, onset, resolved, on)
		}
		if got.Expected != want.Expected || got.Score != want.Score || got.SlowScore != want.SlowScore {
			t.Fatalf("bucket %d: committee reports expected %v score %v, the configured model %v %v", i, got.Expected, got.Score, want.Expected, want.Score)
		}
		if onset {
			onsets++
		}
	}
	if onsets < 2 || votes == 0 {
		t.Errorf("%d onsets, %d buckets outvoted: the series does not exercise the vote", onsets, votes)
	}
	if d.Len() != 1 {
		t.Errorf("Len %d, want 1", d.Len())
	}
	d.Forget("acme")
	if d.Len() != 0 || d.members[0].Len() != 0 {
		t.Errorf("Forget left %d series (%d in a member)", d.Len(), d.members[0].Len())
	}
}

// TestCommitteePeekChangesNothing: Peek asks every member without changing
// any state, so a Peek before a Step leaves the Step's decision as it
// would be without it; a peeked burst fires as the closed bucket would.
func TestCommitteePeekChangesNothing(t *testing.T) {
	a, b := New(Config{}), New(Config{})
	r := rand.New(rand.NewPCG(5, 5))
	for i := range 8 * day {
		at := t0.Add(time.Duration(i) * 5 * time.Minute)
		v := poisson(r, 10)
		if i == 8*day-1 {
			v = 80
		}
		peek := a.Peek("acme", at, v, 0)
		ga, gb := a.Step("acme", at, v, 0), b.Step("acme", at, v, 0)
		if ga != gb {
			t.Fatalf("bucket %d: step after a peek %+v, without %+v", i, ga, gb)
		}
		if peek.Onset != gb.Onset || peek.Firing != gb.Firing {
			t.Fatalf("bucket %d: peek onset %v firing %v, step %v %v", i, peek.Onset, peek.Firing, gb.Onset, gb.Firing)
		}
		if i == 8*day-1 && !gb.Onset {
			t.Fatal("an 8× bucket after a week did not start an episode")
		}
	}
	if d := New(Config{}); d.Peek("new", t0, 5, 0) != (Decision{}) || d.Len() != 0 {
		t.Error("a peek at an unknown series made state")
	}
}
