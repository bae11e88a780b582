package storetest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// testFiltersAsModel: every filter and order of Mentions and EachMention
// gives, in each store, what the same filter gives over the latest
// version of each mention in Go, after rewrites that change a mention's
// label, stage, aspects, author, rating, reach and publication time, with
// many ties of time and impact, read whole, in pages through the cursor
// and streamed.
func testFiltersAsModel(t *testing.T, open Opener) {
	s := open(t)
	r := rand.New(rand.NewPCG(7, 11))
	pick := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	latest := map[string]mw.Mention{}
	write := func(ms []mw.Mention) {
		insert(t, s, ms...)
		for _, m := range ms {
			latest[m.ID] = m
		}
	}
	var batch []mw.Mention
	for i := range 300 {
		m := Mention(pick("acme", "globex"), fmt.Sprintf("m%03d", i), T0.Add(time.Duration(r.IntN(40))*time.Hour), mw.Neutral)
		randomize(r, &m, pick)
		batch = append(batch, m)
	}
	write(batch)
	var again []mw.Mention
	for _, m := range batch {
		if r.IntN(4) != 0 {
			continue
		}
		if r.IntN(3) == 0 {
			m.Published = m.Published.Add(time.Duration(r.IntN(20)-10) * time.Hour)
		}
		randomize(r, &m, pick)
		m.Collected = m.Collected.Add(5 * time.Minute) // collected again: later
		again = append(again, m)
	}
	write(again)
	var model []mw.Mention
	for _, m := range latest {
		model = append(model, m)
	}
	for _, q := range []store.MentionQuery{
		{}, {Brands: []string{"acme"}}, {Label: mw.Negative}, {Stage: mw.AMOT}, {Aspect: "price"}, {Author: "Budi"},
		{Source: "reviews"}, {Type: "appstore"}, {Lang: "id"}, {MinRating: 1, MaxRating: 2.99},
		{From: T0.Add(5 * time.Hour), To: T0.Add(30 * time.Hour)}, {Brands: []string{"globex"}, Label: mw.Positive, Aspect: "delivery"},
		{OrderBy: store.ByImpact}, {OrderBy: store.ByImpact, Label: mw.Negative, Brands: []string{"acme"}},
		{OrderBy: store.ByImpact, From: T0.Add(10 * time.Hour)}, {OrderBy: store.ByCollected}, {OrderBy: store.ByCollected, Aspect: "price"},
		{OrderBy: store.ByCollected, CollectedFrom: T0.Add(2 * time.Minute)}, {OrderBy: store.ByCollected, From: T0.Add(10 * time.Hour), CollectedFrom: T0.Add(2 * time.Minute)}, {From: T0.Add(8 * time.Hour), CollectedFrom: T0.Add(time.Minute)},
	} {
		want := modelQuery(model, q)
		name := fmt.Sprintf("%+v", q)
		if len(want) == 0 {
			t.Fatalf("%s: the model has no mention; the test needs some", name)
		}
		q.Limit = 1000
		if diff := gocmp.Diff(ids(want), ids(query(t, s, q)), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Mentions %s (-model +store):\n%s", name, diff)
		}
		if n, err := s.CountMentions(ctx, q); err != nil || n != uint64(len(want)) {
			t.Errorf("CountMentions %s: %d, %v; the model has %d", name, n, err, len(want))
		}
		var streamed []mw.Mention
		if err := s.EachMention(ctx, q, func(m mw.Mention) error { streamed = append(streamed, m); return nil }); err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(want, streamed, cmpopts.EquateEmpty(), floatOpt); diff != "" {
			t.Errorf("EachMention %s (-model +store):\n%s", name, diff)
		}
		if q.OrderBy == store.ByCollected {
			q.Limit = 5
			if diff := gocmp.Diff(ids(want[:min(5, len(want))]), ids(query(t, s, q)), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("the first 5 of %s (-model +store):\n%s", name, diff)
			}
		} else {
			q.Limit = 7
			if diff := gocmp.Diff(ids(want), page(t, s, q, nil), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("pages of %s (-model +store):\n%s", name, diff)
			}
		}
	}
}

// randomize sets the fields the filters and orders read to a few values
// each, so that many mentions share them.
func randomize(r *rand.Rand, m *mw.Mention, pick func(...string) string) {
	m.Label = mw.Label(pick("negative", "neutral", "positive"))
	m.Stage = mw.Stage(pick("zmot", "fmot", "amot", "smot"))
	m.Source, m.Type, m.Lang = pick("news", "reviews"), pick("rss", "appstore"), pick("en", "id")
	m.Author = pick("Budi", "@budi", "andi", "")
	m.Rating = float32(r.IntN(6))
	m.Reach = float32(r.IntN(3))
	m.Sentiment = map[mw.Label]float32{mw.Negative: -0.5, mw.Neutral: 0, mw.Positive: 0.5}[m.Label]
	m.Aspects = nil
	for _, a := range []string{"price", "delivery"} {
		if r.IntN(2) == 0 {
			m.Aspects = append(m.Aspects, a)
		}
	}
	m.Collected = T0.Add(time.Duration(r.IntN(5)) * time.Minute)
}

// modelQuery is what q selects from ms (the latest versions), in q's
// order.
func modelQuery(ms []mw.Mention, q store.MentionQuery) []mw.Mention {
	var out []mw.Mention
	for _, m := range ms {
		switch {
		case len(q.Brands) > 0 && !slices.Contains(q.Brands, m.Brand),
			!q.From.IsZero() && m.Published.Before(q.From), !q.To.IsZero() && !m.Published.Before(q.To),
			q.Label != "" && m.Label != q.Label, q.Stage != "" && m.Stage != q.Stage,
			q.Aspect != "" && !slices.Contains(m.Aspects, q.Aspect),
			q.Author != "" && store.AuthorKey(m.Author) != store.AuthorKey(q.Author),
			q.Source != "" && m.Source != q.Source, q.Type != "" && m.Type != q.Type, q.Lang != "" && m.Lang != q.Lang,
			q.MinRating > 0 && m.Rating < q.MinRating, q.MaxRating > 0 && m.Rating > q.MaxRating,
			!q.CollectedFrom.IsZero() && m.Collected.Before(q.CollectedFrom):
			continue
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b mw.Mention) int {
		switch q.OrderBy {
		case store.ByImpact:
			if c := cmp.Compare(b.Impact(), a.Impact()); c != 0 {
				return c
			}
		case store.ByCollected:
			if c := a.Collected.Compare(b.Collected); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		}
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}
