package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// runInbox runs the inbox part of the suite: paging, the new filters,
// search, triage state and its audit trail, streaming and author history.
func runInbox(t *testing.T, open Opener) {
	t.Run("Paging", func(t *testing.T) { testPaging(t, open) })
	t.Run("InboxFilters", func(t *testing.T) { testInboxFilters(t, open) })
	t.Run("Search", func(t *testing.T) { testSearch(t, open) })
	t.Run("UntrustedSearch", func(t *testing.T) { testUntrustedSearch(t, open) })
	t.Run("TriageAndAudit", func(t *testing.T) { testTriageAndAudit(t, open) })
	t.Run("EachMention", func(t *testing.T) { testEachMention(t, open) })
	t.Run("EachMatchesPages", func(t *testing.T) { EachMatchesPages(t, open) })
	t.Run("AuthorHistory", func(t *testing.T) { testAuthorHistory(t, open) })
}

// page walks q page by page through its cursor, inserting arrive after
// the first page, and returns the natives seen.
func page(t *testing.T, s store.Store, q store.MentionQuery, arrive []mw.Mention) []string {
	t.Helper()
	var out []string
	for i := 0; i < 50; i++ {
		ms := query(t, s, q)
		for _, m := range ms {
			out = append(out, m.NativeID)
		}
		if len(ms) < q.Limit {
			return out
		}
		last := ms[len(ms)-1]
		q.After = &store.Cursor{Published: last.Published, Impact: last.Impact(), ID: last.ID}
		if i == 0 && len(arrive) > 0 {
			insert(t, s, arrive...)
		}
	}
	t.Fatal("paging did not end")
	return nil
}

func testPaging(t *testing.T, open Opener) {
	s := open(t)
	var ms []mw.Mention
	for i := 0; i < 23; i++ {
		// Pairs share a published time, so the id breaks ties.
		m := Mention("acme", fmt.Sprintf("p%02d", i), T0.Add(time.Duration(i/2)*time.Minute), mw.Negative)
		m.Reach = float32(1 + i%5)
		ms = append(ms, m)
	}
	insert(t, s, ms...)
	want := query(t, s, store.MentionQuery{Limit: 100})
	var natives []string
	for _, m := range query(t, s, store.MentionQuery{Limit: 100}) {
		natives = append(natives, m.NativeID)
	}
	// New mentions arriving while paging (newer, and more impactful) do
	// not shift the pages: every old mention is seen once.
	arrive := []mw.Mention{Mention("acme", "new1", T0.Add(time.Hour), mw.Negative), Mention("acme", "new2", T0.Add(2*time.Hour), mw.Negative)}
	arrive[0].Reach, arrive[1].Reach = 50, 60
	got := page(t, s, store.MentionQuery{Limit: 5}, arrive)
	if diff := cmp.Diff(natives, got); diff != "" {
		t.Errorf("newest-first pages (-want +got):\n%s", diff)
	}
	if len(want) != 23 {
		t.Fatalf("%d mentions stored, want 23", len(want))
	}
	var byImpact []string
	for _, m := range query(t, s, store.MentionQuery{OrderBy: store.ByImpact, Limit: 100}) {
		if m.NativeID != "new1" && m.NativeID != "new2" {
			byImpact = append(byImpact, m.NativeID)
		}
	}
	more := []mw.Mention{Mention("acme", "new3", T0.Add(3*time.Hour), mw.Negative)}
	more[0].Reach = 70
	got = page(t, s, store.MentionQuery{OrderBy: store.ByImpact, Limit: 4, From: T0.Add(-time.Hour), To: T0.Add(30 * time.Minute)}, more)
	if diff := cmp.Diff(byImpact, got); diff != "" {
		t.Errorf("by-impact pages (-want +got):\n%s", diff)
	}
}

func testInboxFilters(t *testing.T, open Opener) {
	s := open(t)
	a := Mention("acme", "a", T0, mw.Negative)
	a.Lang, a.Type, a.Rating = "id", "appstore", 1
	b := Mention("acme", "b", T0.Add(time.Minute), mw.Negative)
	b.Lang, b.Rating = "en", 4
	c := Mention("acme", "c", T0.Add(2*time.Minute), mw.Positive)
	c.Lang = "id"
	insert(t, s, a, b, c)
	cases := []struct {
		name string
		q    store.MentionQuery
		want []string
	}{
		{"lang", store.MentionQuery{Lang: "id"}, []string{c.NativeID, a.NativeID}},
		{"type", store.MentionQuery{Type: "appstore"}, []string{a.NativeID}},
		{"rating", store.MentionQuery{MinRating: 1, MaxRating: 2}, []string{a.NativeID}},
		{"lang and label", store.MentionQuery{Lang: "id", Label: mw.Negative}, []string{a.NativeID}},
	}
	for _, tc := range cases {
		if diff := cmp.Diff(tc.want, ids(query(t, s, tc.q)), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func testSearch(t *testing.T, open Opener) {
	s := open(t)
	texts := map[string]string{
		"s1": "Paket saya HILANG lagi, kurir tidak jelas",
		"s2": "The refund never arrived; support is slow",
		"s3": "Refunded quickly, thanks #acme_id",
		"s4": "Nothing about that here",
	}
	var ms []mw.Mention
	for i, n := range []string{"s1", "s2", "s3", "s4"} {
		m := Mention("acme", n, T0.Add(time.Duration(i)*time.Minute), mw.Neutral)
		m.Text = texts[n]
		ms = append(ms, m)
	}
	insert(t, s, ms...)
	w := func(words ...string) store.SearchTerm { return store.SearchTerm{Words: words} }
	cases := []struct {
		name   string
		search []store.SearchClause
		want   []string // the store may return more (a superset); these must be there
		never  []string
	}{
		{"word, any case", []store.SearchClause{{w("hilang")}}, []string{"s1"}, []string{"s2", "s3", "s4"}},
		{"two clauses", []store.SearchClause{{w("refund")}, {w("slow")}}, []string{"s2"}, []string{"s1", "s3", "s4"}},
		{"alternatives", []store.SearchClause{{w("kurir"), w("support")}}, []string{"s2", "s1"}, []string{"s3", "s4"}},
		{"prefix", []store.SearchClause{{{Words: []string{"refund"}, Prefix: true}}}, []string{"s3", "s2"}, []string{"s1", "s4"}},
		{"phrase", []store.SearchClause{{w("kurir", "tidak")}}, []string{"s1"}, []string{"s2", "s3", "s4"}},
		{"hashtag word", []store.SearchClause{{w("acme_id")}}, []string{"s3"}, []string{"s1", "s2", "s4"}},
	}
	for _, tc := range cases {
		got := map[string]bool{}
		for _, m := range query(t, s, store.MentionQuery{Search: tc.search}) {
			got[m.NativeID] = true
		}
		if n, err := s.CountMentions(context.Background(), store.MentionQuery{Search: tc.search}); err != nil || n != uint64(len(got)) {
			t.Errorf("%s: CountMentions %d, %v; Mentions gave %d", tc.name, n, err, len(got))
		}
		for _, n := range tc.want {
			if !got[n] {
				t.Errorf("%s: %s not found (got %v)", tc.name, n, got)
			}
		}
		for _, n := range tc.never {
			if got[n] {
				t.Errorf("%s: %s has none of the words but was returned", tc.name, n)
			}
		}
	}
	// A rewritten mention is searched by its new text only.
	ms[3].Text = "now it mentions a kurir"
	insert(t, s, ms[3])
	var got []string
	for _, m := range query(t, s, store.MentionQuery{Search: []store.SearchClause{{w("kurir")}}}) {
		got = append(got, m.NativeID)
	}
	if diff := cmp.Diff([]string{"s4", "s1"}, got); diff != "" {
		t.Errorf("after a rewrite (-want +got):\n%s", diff)
	}
}

// testUntrustedSearch: search words holding quotes, backslashes, NUL,
// LIKE wildcards and query syntax, or thousands of bytes, neither fail nor
// change the query: a word found in a text finds it, and no word finds a
// text without it (a wildcard is no wildcard), in pages (Limit) and whole
// reads alike. A store may still return the text holding the odd
// characters (a substring match is a superset).
func testUntrustedSearch(t *testing.T, open Opener) {
	s := open(t)
	odd := Mention("acme", "odd", T0, mw.Negative)
	odd.Text = `say "hi" it's 100% back\slash`
	plain := Mention("acme", "plain", T0.Add(time.Minute), mw.Negative)
	plain.Text = "plain words only"
	plain.Title = "plain title"
	insert(t, s, odd, plain)
	long := strings.Repeat("ü", 4<<10) // 8 KiB, half of query.MaxQueryBytes
	for _, tc := range []struct {
		words []string
		want  bool // odd is found
	}{
		{[]string{`"hi"`}, true},
		{[]string{`it's`}, true},
		{[]string{`back\slash`}, true},
		{[]string{"100%"}, true},
		{[]string{"%"}, false},
		{[]string{"_"}, false},
		{[]string{"%%", "_%"}, false},
		{[]string{`'`}, false},
		{[]string{`\`}, false},
		{[]string{`"`}, false},
		{[]string{"\x00"}, false},
		{[]string{"') OR 1=1 --"}, false},
		{[]string{`NEAR(plain words)`}, false},
		{[]string{long}, false},
	} {
		for _, limit := range []int{0, 10} {
			q := store.MentionQuery{Search: []store.SearchClause{{{Words: tc.words}}}, Limit: limit}
			got, err := s.Mentions(ctx, q)
			if err != nil {
				t.Errorf("search %.40q (limit %d): %v", tc.words, limit, err)
				continue
			}
			natives := ids(got)
			if slices.Contains(natives, "plain") || tc.want && !slices.Contains(natives, "odd") {
				t.Errorf("search %.40q (limit %d) found %q; want odd: %v, never plain", tc.words, limit, natives, tc.want)
			}
		}
	}
}

func testTriageAndAudit(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	a, b, c := Mention("acme", "ta", T0, mw.Negative), Mention("acme", "tb", T0.Add(time.Minute), mw.Negative), Mention("acme", "tc", T0.Add(2*time.Minute), mw.Negative)
	insert(t, s, a, b, c)
	got, err := s.Triage(ctx, []string{a.ID, b.ID})
	if err != nil || len(got) != 0 {
		t.Fatalf("untriaged mentions: %v, %v; want none", got, err)
	}
	t1 := T0.Add(time.Hour)
	first := []store.Triage{
		{MentionID: a.ID, Tags: []string{"delivery", "vip"}, Assignee: "rina", State: store.StateInProgress, Note: "called <b>", UpdatedAt: t1, UpdatedBy: "rina"},
		{MentionID: b.ID, Assignee: "joko", State: store.StateHandled, UpdatedAt: t1, UpdatedBy: "rina"},
	}
	audit := []store.AuditEntry{
		{MentionID: a.ID, At: t1, Actor: "rina", Field: "assignee", Old: "", New: "rina"},
		{MentionID: a.ID, At: t1, Actor: "rina", Field: "state", Old: "new", New: "in_progress"},
		{MentionID: b.ID, At: t1, Actor: "rina", Field: "state", Old: "new", New: "handled"},
	}
	if err := s.SaveTriage(ctx, first, audit); err != nil {
		t.Fatal(err)
	}
	t2 := t1.Add(time.Minute)
	a2 := first[0]
	a2.State, a2.Tags, a2.UpdatedAt, a2.UpdatedBy = store.StateHandled, []string{"vip"}, t2, "joko"
	later := []store.AuditEntry{{MentionID: a.ID, At: t2, Actor: "joko", Field: "state", Old: "in_progress", New: "handled"},
		{MentionID: a.ID, At: t2, Actor: "joko", Field: "tags", Old: "delivery,vip", New: "vip"}}
	if err := s.SaveTriage(ctx, []store.Triage{a2}, later); err != nil {
		t.Fatal(err)
	}
	got, err = s.Triage(ctx, []string{a.ID, b.ID, c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]store.Triage{a.ID: a2, b.ID: first[1]}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("triage (-want +got):\n%s", diff)
	}
	trail, err := s.Audit(ctx, []string{a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(append(audit[:2:2], later...), trail); diff != "" {
		t.Errorf("audit of a (-want +got):\n%s", diff)
	}
	cases := []struct {
		name string
		q    store.MentionQuery
		want []string
	}{
		{"state handled sees the latest", store.MentionQuery{State: store.StateHandled}, []string{b.NativeID, a.NativeID}},
		{"state in progress: none now", store.MentionQuery{State: store.StateInProgress}, nil},
		{"state new includes never triaged", store.MentionQuery{State: store.StateNew}, []string{c.NativeID}},
		{"assignee", store.MentionQuery{Assignees: []string{"joko"}}, []string{b.NativeID}},
		{"tag removed", store.MentionQuery{Tag: "delivery"}, nil},
		{"tag", store.MentionQuery{Tag: "vip"}, []string{a.NativeID}},
		{"tag and order by impact", store.MentionQuery{Tag: "vip", OrderBy: store.ByImpact}, []string{a.NativeID}},
		{"any of two assignees", store.MentionQuery{Assignees: []string{"rina", "joko"}}, []string{b.NativeID, a.NativeID}},
		{"assignee as stored only", store.MentionQuery{Assignees: []string{"Joko"}}, nil},
		{"nobody: never triaged", store.MentionQuery{Assignees: []string{""}}, []string{c.NativeID}},
		{"nobody or joko", store.MentionQuery{Assignees: []string{"", "joko"}}, []string{c.NativeID, b.NativeID}},
	}
	for _, tc := range cases {
		if diff := cmp.Diff(tc.want, ids(query(t, s, tc.q)), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
		if n, err := s.CountMentions(ctx, tc.q); err != nil || n != uint64(len(tc.want)) {
			t.Errorf("%s: CountMentions %d, %v; want %d", tc.name, n, err, len(tc.want))
		}
	}
	// Assignees: each spelling in use once, the earliest in use first
	// (joko's mention changed at t1, rina's at t2); an unassigned
	// mention's "" is none, and a name no mention has any more is gone.
	assignees := func(want ...string) {
		t.Helper()
		got, err := s.Assignees(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Assignees (-want +got):\n%s", diff)
		}
	}
	assignees("joko", "rina")
	t3 := t2.Add(time.Minute)
	if err := s.SaveTriage(ctx, []store.Triage{{MentionID: c.ID, State: store.StateNew, UpdatedAt: t3, UpdatedBy: "rina"}}, nil); err != nil {
		t.Fatal(err)
	}
	assignees("joko", "rina")
	if got := ids(query(t, s, store.MentionQuery{Assignees: []string{""}})); !slices.Equal(got, []string{c.NativeID}) {
		t.Errorf("nobody's, once c is triaged without an assignee: %v; want c", got)
	}
	b2 := first[1]
	b2.Assignee, b2.UpdatedAt = "Rina", t3
	if err := s.SaveTriage(ctx, []store.Triage{b2}, nil); err != nil {
		t.Fatal(err)
	}
	assignees("rina", "Rina")
}

func testEachMention(t *testing.T, open Opener) {
	s := open(t)
	var ms []mw.Mention
	for i := 0; i < 30; i++ {
		ms = append(ms, Mention("acme", fmt.Sprintf("e%02d", i), T0.Add(time.Duration(i)*time.Minute), mw.Negative))
	}
	insert(t, s, ms...)
	insert(t, s, ms[3]) // a second version counts once
	var got []string
	err := s.EachMention(context.Background(), store.MentionQuery{Brands: []string{"acme"}}, func(m mw.Mention) error {
		got = append(got, m.NativeID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 30 || got[0] != "e29" || got[29] != "e00" {
		t.Errorf("streamed %d mentions (%v), want 30 newest first", len(got), got)
	}
	// Filters see the latest version only; limits stop the stream.
	changed := ms[5]
	changed.Label, changed.Sentiment = mw.Positive, 0.5
	insert(t, s, changed)
	n := 0
	err = s.EachMention(context.Background(), store.MentionQuery{Label: mw.Negative}, func(m mw.Mention) error {
		n++
		if m.NativeID == "e05" {
			t.Errorf("e05 is positive now but was streamed as negative")
		}
		return nil
	})
	if err != nil || n != 29 {
		t.Errorf("negative: %d streamed, err %v; want 29", n, err)
	}
	n = 0
	if err := s.EachMention(context.Background(), store.MentionQuery{Limit: 7}, func(mw.Mention) error { n++; return nil }); err != nil || n != 7 {
		t.Errorf("limit 7: %d streamed, err %v", n, err)
	}
	stop := errors.New("stop")
	n = 0
	err = s.EachMention(context.Background(), store.MentionQuery{}, func(mw.Mention) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 5 {
		t.Errorf("stopping after 5: n=%d err=%v", n, err)
	}
}

// EachMatchesPages checks that streaming a view (EachMention, what the
// export reads) gives the same mentions in the same order as paging
// through it with Mentions and its cursor, newest first and by impact,
// with filters, with a word found in most mentions, a rare word and a
// phrase, over mentions spread across many hours (several of
// ClickHouse's export windows when a test makes them small) with shared
// times, rewritten mentions, and changed labels and texts. Exported so a
// store can run it again with its own tuning (small windows, small
// thresholds).
func EachMatchesPages(t *testing.T, open Opener) {
	s := open(t)
	var ms []mw.Mention
	for i := 0; i < 240; i++ {
		brand := []string{"acme", "globex"}[i%2]
		label := []mw.Label{mw.Negative, mw.Neutral, mw.Positive}[i%3]
		// Pairs share a time; 240 mentions over about 20 hours.
		m := Mention(brand, fmt.Sprintf("w%03d", i), T0.Add(time.Duration(i/2)*10*time.Minute), label)
		m.Text = "parcel late again"
		if i%4 == 0 {
			m.Text = "the parcel arrived"
		}
		if i%17 == 0 {
			m.Text = "refund please"
		}
		if i%53 == 0 {
			m.Text = "zanzibar parcel"
		}
		m.Reach = float32(1 + i%7)
		m.Sentiment = float32(i%5-2) / 4
		ms = append(ms, m)
	}
	insert(t, s, ms...)
	// Later versions: same time, another label, text or reach.
	var again []mw.Mention
	for i := 0; i < len(ms); i += 9 {
		m := ms[i]
		m.Label, m.Sentiment = mw.Positive, 0.5
		if i%2 == 0 {
			m.Text = "refund now"
		}
		m.Reach += 3
		again = append(again, m)
	}
	insert(t, s, again...)
	insert(t, s, ms[1], ms[2]) // the same version written twice
	w := func(words ...string) store.SearchTerm { return store.SearchTerm{Words: words} }
	for _, tc := range []struct {
		name string
		q    store.MentionQuery
	}{
		{"all", store.MentionQuery{}},
		{"acme", store.MentionQuery{Brands: []string{"acme"}}},
		{"negative", store.MentionQuery{Label: mw.Negative}},
		{"time range", store.MentionQuery{From: T0.Add(3 * time.Hour), To: T0.Add(11 * time.Hour)}},
		{"word in most", store.MentionQuery{Search: []store.SearchClause{{w("parcel")}}}},
		{"word in most, acme, negative", store.MentionQuery{Brands: []string{"acme"}, Label: mw.Negative, Search: []store.SearchClause{{w("parcel")}}}},
		{"rare word", store.MentionQuery{Search: []store.SearchClause{{w("zanzibar")}}}},
		{"phrase", store.MentionQuery{Search: []store.SearchClause{{w("parcel", "late")}}}},
		{"two clauses", store.MentionQuery{Search: []store.SearchClause{{w("parcel")}, {w("arrived"), w("again")}}}},
		{"by impact", store.MentionQuery{OrderBy: store.ByImpact}},
		{"by impact, word in most", store.MentionQuery{OrderBy: store.ByImpact, Search: []store.SearchClause{{w("parcel")}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var streamed []string
			err := s.EachMention(ctx, tc.q, func(m mw.Mention) error {
				streamed = append(streamed, m.NativeID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			q := tc.q
			q.Limit = 11
			paged := page(t, s, q, nil)
			if len(paged) == 0 {
				t.Fatal("the view is empty; the test needs mentions in it")
			}
			if diff := cmp.Diff(paged, streamed, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("EachMention against the pages of Mentions (-pages +streamed):\n%s", diff)
			}
		})
	}
}

func testAuthorHistory(t *testing.T, open Opener) {
	s := open(t)
	var ms []mw.Mention
	for i := 0; i < 5; i++ {
		m := Mention([]string{"acme", "globex"}[i%2], fmt.Sprintf("h%d", i), T0.Add(time.Duration(i)*time.Hour), mw.Negative)
		m.Author = "pat"
		m.Source = []string{"x", "reviews", "reddit"}[i%3]
		ms = append(ms, m)
	}
	insert(t, s, ms...)
	h, err := s.AuthorHistory(context.Background(), []string{"pat", "nobody", ""}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || h["pat"].Count != 5 || len(h["pat"].Recent) != 2 || h["pat"].Recent[0].NativeID != "h4" || h["pat"].Recent[1].NativeID != "h3" {
		t.Errorf("history %+v, want pat: 5 mentions, h4 and h3 newest", h)
	}
}
