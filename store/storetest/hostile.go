package storetest

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// runHostile runs the tests of values a hostile feed or API caller can
// put in a mention or a query.
func runHostile(t *testing.T, open Opener) {
	t.Run("SearchSyntaxIsText", func(t *testing.T) { testSearchSyntaxIsText(t, open) })
	t.Run("SearchBounded", func(t *testing.T) { testSearchBounded(t, open) })
	t.Run("HugeLimit", func(t *testing.T) { testHugeLimit(t, open) })
	t.Run("BatchWithoutID", func(t *testing.T) { testBatchWithoutID(t, open) })
	t.Run("SeriesHugeStep", func(t *testing.T) { testSeriesHugeStep(t, open) })
}

// testSearchSyntaxIsText: words holding FTS5 syntax (quotes, *, NEAR(,
// AND, -, ^, a column filter), LIKE wildcards, backslashes, quotes and NUL
// are searched as text in both stores: no error, and the mention holding
// the word is found (a store may return more; the evaluator decides).
func testSearchSyntaxIsText(t *testing.T, open Opener) {
	s := open(t)
	texts := map[string]string{
		"quote": `he said "late" again`, "pct": `100% late_delivery`, "bs": `back\slash late`,
		"nul": "nul\x00byte late", "ops": `AND OR NOT NEAR(a b) late`, "col": `text: column late`,
		"star": `star* late`, "neg": `minus -late ^caret`, "single": `it's late`,
	}
	var ms []mw.Mention
	for native, text := range texts {
		m := Mention("acme", native, T0.Add(time.Duration(len(ms))*time.Minute), mw.Negative)
		m.Text = text
		ms = append(ms, m)
	}
	insert(t, s, ms...)
	for _, c := range []struct {
		words []string
		want  string // a native id that must be among the results
	}{
		{[]string{"late"}, "quote"}, {[]string{"NEAR(a"}, "ops"}, {[]string{"AND"}, "ops"}, {[]string{"NOT"}, "ops"},
		{[]string{"100%"}, "pct"}, {[]string{"late_delivery"}, "pct"}, {[]string{`back\slash`}, "bs"},
		{[]string{"nul\x00byte"}, "nul"}, {[]string{"text:"}, "col"}, {[]string{"text:", "column"}, "col"},
		{[]string{"^caret"}, "neg"}, {[]string{"-late"}, "neg"}, {[]string{"star*"}, "star"}, {[]string{`"late"`}, "quote"},
		{[]string{"it's"}, "single"},
	} {
		for _, prefix := range []bool{false, true} {
			q := store.MentionQuery{Search: []store.SearchClause{{{Words: c.words, Prefix: prefix}}}, Limit: 50}
			got, err := s.Mentions(ctx, q)
			if err != nil {
				t.Errorf("search %q (prefix %v): %v", c.words, prefix, err)
				continue
			}
			if !containsNative(got, c.want) {
				t.Errorf("search %q (prefix %v): %v, want %s among them", c.words, prefix, ids(got), c.want)
			}
			if err := s.EachMention(ctx, q, func(mw.Mention) error { return nil }); err != nil {
				t.Errorf("EachMention search %q (prefix %v): %v", c.words, prefix, err)
			}
		}
	}
	// Words that can only be syntax find nothing, without an error.
	for _, w := range []string{`"`, `*`, `-`, `^`, `(`, `)`, `:`, "\x00", `%`, `_`, `\`, `'`, `\'`, "\xff\xfe", `{title}:late`, `title:x`} {
		q := store.MentionQuery{Search: []store.SearchClause{{{Words: []string{w}}}}}
		if _, err := s.Mentions(ctx, q); err != nil {
			t.Errorf("search %q: %v", w, err)
		}
	}
}

func containsNative(ms []mw.Mention, native string) bool {
	for _, m := range ms {
		if m.NativeID == native {
			return true
		}
	}
	return false
}

// testSearchBounded: a search of more than store.MaxSearchWords words or
// store.MaxSearchBytes bytes is refused at once with store.ErrSearchTooLarge
// and says what to do, in both stores (ClickHouse 18.16 took seconds to
// plan a thousand words and failed on ten thousand with "AST is too big";
// SQLite ran them); a search at the bounds runs.
func testSearchBounded(t *testing.T, open Opener) {
	s := open(t)
	insert(t, s, Mention("acme", "a", T0, mw.Negative))
	words := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("w%d", i)
		}
		return out
	}
	var anyOf store.SearchClause
	var allOf []store.SearchClause
	for _, w := range words(10_000) {
		anyOf = append(anyOf, store.SearchTerm{Words: []string{w}})
		allOf = append(allOf, store.SearchClause{{Words: []string{w}}})
	}
	for name, search := range map[string][]store.SearchClause{
		"10,000 alternatives":  {anyOf},
		"10,000 clauses":       allOf,
		"a 10,000-word phrase": {{{Words: words(10_000)}}},
		"two 1 MB words":       {{{Words: []string{strings.Repeat("a", 1<<20), "b"}}}},
	} {
		q := store.MentionQuery{Search: search}
		_, err := s.Mentions(ctx, q)
		if !errors.Is(err, store.ErrSearchTooLarge) || !strings.Contains(err.Error(), "at most") {
			t.Errorf("Mentions, %s: %.300v; want store.ErrSearchTooLarge saying the bound", name, err)
		}
		err = s.EachMention(ctx, q, func(mw.Mention) error { return nil })
		if !errors.Is(err, store.ErrSearchTooLarge) {
			t.Errorf("EachMention, %s: %.300v; want store.ErrSearchTooLarge", name, err)
		}
	}
	for name, search := range map[string][]store.SearchClause{
		"MaxSearchWords words": {{{Words: append(words(store.MaxSearchWords-1), "about")}}},
		"a 1 MB word":          {{{Words: []string{strings.Repeat("a", store.MaxSearchBytes)}}}},
	} {
		if _, err := s.Mentions(ctx, store.MentionQuery{Search: search}); err != nil {
			t.Errorf("Mentions, %s: %.300v", name, err)
		}
	}
}

// testHugeLimit: a Limit near math.MaxInt means "all of them" in every
// order (ClickHouse computed a candidate count from it that overflowed
// into a negative LIMIT the server refused).
func testHugeLimit(t *testing.T, open Opener) {
	s := open(t)
	insert(t, s, Mention("acme", "a", T0, mw.Negative), Mention("acme", "b", T0.Add(time.Minute), mw.Positive))
	for _, n := range []int{math.MaxInt, math.MaxInt - 1, math.MaxInt / 2, math.MaxInt32 + 1} {
		for _, q := range []store.MentionQuery{
			{Limit: n}, {Limit: n, OrderBy: store.ByImpact}, {Limit: n, OrderBy: store.ByCollected},
			{Limit: n, Author: "author-a"}, {Limit: n, Label: mw.Positive},
		} {
			got, err := s.Mentions(ctx, q)
			want := 2
			if q.Author != "" || q.Label != "" {
				want = 1
			}
			if err != nil || len(got) != want {
				t.Errorf("Mentions(%+v): %d mentions, %v; want %d", q, len(got), err, want)
			}
		}
	}
	for _, q := range []store.AlertQuery{{Limit: math.MaxInt}} {
		if _, err := s.Alerts(ctx, q); err != nil {
			t.Errorf("Alerts(%+v): %v", q, err)
		}
	}
	if _, err := s.Deliveries(ctx, store.DeliveryQuery{Limit: math.MaxInt}); err != nil {
		t.Errorf("Deliveries with limit MaxInt: %v", err)
	}
}

// testBatchWithoutID: a mention without an ID does not cost the rest of
// its batch: it is stored under the ID the pipeline gives
// (mw.MentionID(brand, type, native id)), the others as they are.
// ClickHouse refused the whole batch, and the writer's spool retried it
// for ever.
func testBatchWithoutID(t *testing.T, open Opener) {
	s := open(t)
	a, b := Mention("acme", "a", T0, mw.Negative), Mention("acme", "b", T0.Add(2*time.Minute), mw.Negative)
	noID := Mention("acme", "noid", T0.Add(time.Minute), mw.Negative)
	noID.ID = ""
	if err := s.InsertMentions(ctx, []mw.Mention{a, noID, b}); err != nil {
		t.Fatalf("InsertMentions with a mention without an ID: %v", err)
	}
	got := query(t, s, store.MentionQuery{})
	if diff := cmp.Diff([]string{"b", "noid", "a"}, ids(got)); diff != "" {
		t.Fatalf("stored (-want +got):\n%s", diff)
	}
	if want := mw.MentionID("acme", noID.Type, "noid"); got[1].ID != want {
		t.Errorf("ID of the mention stored without one: %q, want %q", got[1].ID, want)
	}
}

// testSeriesHugeStep: a step of 2^32 seconds or more (136 years) is one
// bucket from the epoch, in both stores (ClickHouse cut the step to 32
// bits: a division by zero, or buckets of a second).
func testSeriesHugeStep(t *testing.T, open Opener) {
	s := open(t)
	insert(t, s, Mention("acme", "a", T0, mw.Negative), Mention("acme", "b", T0.Add(time.Hour), mw.Positive))
	for _, step := range []time.Duration{time.Duration(1<<32) * time.Second, time.Duration(1<<32+1) * time.Second} {
		pts, err := s.Series(ctx, store.SeriesQuery{Brands: []string{"acme"}, From: time.Unix(1, 0), To: T0.Add(24 * time.Hour), Step: step})
		if err != nil {
			t.Errorf("Series with step %s: %v", step, err)
			continue
		}
		want := []store.SeriesPoint{{Bucket: time.Unix(0, 0).UTC(), Brand: "acme", Count: 2, Negative: 1}}
		if diff := cmp.Diff(want, pts); diff != "" {
			t.Errorf("Series with step %s (-want +got):\n%s", step, diff)
		}
	}
}
