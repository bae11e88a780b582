package alerts

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestLateMentionRebuildsOnlyItsSeries: with many brands, a late mention
// in a closed bucket of one brand re-judges that brand's series only, not
// every brand's 14 days (a review page's late items arrive every tick;
// with hundreds of brands the full rebuild took longer than a tick), and
// the decisions are still those of a detector rebuilt from everything.
func TestLateMentionRebuildsOnlyItsSeries(t *testing.T) {
	for _, adaptive := range []bool{false, true} {
		for _, early := range []time.Duration{30 * time.Minute, buckets*5*time.Minute + 30*time.Minute} {
			// early: from the end of the brands' buckets; the second is before
			// the brand's first bucket, which moves every series' start.
			t.Run(fmt.Sprintf("adaptive=%v/at=%v", adaptive, early), func(t *testing.T) { lateMentionOfOneBrand(t, adaptive, early) })
		}
	}
}

const buckets = 12 // an hour: a mention half an hour before them is inside the 2 h the loop reads again

func lateMentionOfOneBrand(t *testing.T, adaptive bool, early time.Duration) {
	st := openStore(t)
	l := newLoop(st, nil, mw.AlertsConfig{})
	if adaptive {
		l.NewDetector = func() Detector { return NewDetector(mw.AlertsConfig{Bucket: mw.Duration(5 * time.Minute)}, nil) }
	}
	l.Brands = nil // every brand in the store
	const brands = 30
	var ms []mw.Mention
	for b := 0; b < brands; b++ {
		for i := 0; i < buckets; i++ {
			m := mention(b*1000+i, t0.Add(time.Duration(i)*5*time.Minute), mw.Negative, "lost parcel")
			m.Brand = fmt.Sprintf("brand%02d", b)
			m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
			ms = append(ms, m)
		}
	}
	if err := st.InsertMentions(ctx, ms); err != nil {
		t.Fatal(err)
	}
	end := t0.Add(buckets * 5 * time.Minute)
	if err := l.Tick(ctx, end); err != nil {
		t.Fatal(err)
	}
	series := len(l.judge.keys)
	if series != brands*3 {
		t.Fatalf("%d series, want %d (brand, stage, aspect of each brand)", series, brands*3)
	}
	late := mention(999999, end.Add(-early), mw.Negative, "lost parcel, late")
	late.Brand, late.Aspects = "brand07", []string{"delivery", "price"} // and a new series: brand07's price
	if early > buckets*5*time.Minute {
		// Before the brand's first bucket, with no aspect: the delivery
		// series' counts do not change, but its start does.
		late.Aspects = nil
	}
	late.ID = mw.MentionID(late.Brand, late.Type, late.NativeID)
	late.Collected = end
	if err := st.InsertMentions(ctx, []mw.Mention{late}); err != nil {
		t.Fatal(err)
	}
	steps, rebuilds := l.judge.Steps, l.judge.Rebuilds
	if err := l.Tick(ctx, end.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if l.judge.Rebuilds != rebuilds+1 {
		t.Fatalf("%d rebuilds for a late mention, want 1", l.judge.Rebuilds-rebuilds)
	}
	if n, most := l.judge.Steps-steps, 4*(buckets+int(max(early-buckets*5*time.Minute, 0)/(5*time.Minute))+1); n > most {
		t.Errorf("a late mention of one brand took %d detector steps; its 4 series over %d buckets take %d", n, buckets, most)
	}
	full := newJudge(l.NewDetector, l.bucket)
	open := bucketOf(end, l.bucket)
	full.advance(l.hist, open, bucketOf(end.Add(-l.lateness), l.bucket), time.Time{}, true)
	if diff := cmp.Diff(full.decs, l.judge.decs); diff != "" {
		t.Errorf("decisions after rebuilding one brand differ from a full rebuild (-full +got):\n%s", diff)
	}
}
