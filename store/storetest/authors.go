package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// budiSpellings are one author by store.AuthorKey: the case, an '@' and
// spaces around the handle do not make another person.
var budiSpellings = []string{"Budi", "budi", "@budi", " budi "}

// testAuthorKey: AuthorHistory and the Author filter match authors by
// store.AuthorKey in every store, and key the history by the strings
// asked for. The key folds ASCII only, so a non-ASCII name matches its
// own spelling (SQLite's and ClickHouse's lower() fold ASCII only). A
// generic byline ("Redaksi", "Admin": store.HistoryKey) has no history:
// before, every news site's "Admin" was one author with one history.
func testAuthorKey(t *testing.T, open Opener) {
	s := open(t)
	var ms []mw.Mention
	add := func(brand, source, author string) {
		m := Mention(brand, fmt.Sprintf("a%d", len(ms)), T0.Add(time.Duration(len(ms))*time.Hour), mw.Negative)
		m.Source, m.Author = source, author
		ms = append(ms, m)
	}
	for i, a := range budiSpellings { // a0..a3, a3 the newest
		add([]string{"acme", "globex"}[i%2], []string{"x", "reviews", "reddit"}[i%3], a)
	}
	add("acme", "x", "budiman")          // a4
	add("acme", "reviews", "Élodie")     // a5
	add("acme", "reviews", "élodie")     // a6: É and é are two letters here
	add("globex", "mastodon", "Дмитрий") // a7
	add("acme", "x", "")                 // a8: no author
	add("acme", "rss", "Redaksi")        // a9: a news site's byline
	add("acme", "rss", "Admin")          // a10
	add("globex", "reviews", "admin")    // a11: another site's, another person
	insert(t, s, ms...)

	asked := append(append([]string{}, budiSpellings...), "BUDI", "@Budi ", "budiman", "Élodie", "élodie", "Дмитрий", "дмитрий",
		"nobody", "", "@", "  ", "Redaksi", "Admin", "@admin")
	h, err := s.AuthorHistory(ctx, asked, 2)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for a, ah := range h {
		got[a] = fmt.Sprintf("%d %v", ah.Count, ids(ah.Recent))
	}
	budi := "4 [a3 a2]"
	want := map[string]string{
		"Budi": budi, "budi": budi, "@budi": budi, " budi ": budi, "BUDI": budi, "@Budi ": budi,
		"budiman": "1 [a4]", "Élodie": "1 [a5]", "élodie": "1 [a6]", "Дмитрий": "1 [a7]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AuthorHistory by author key (-want +got):\n%s", diff)
	}

	for _, c := range []struct {
		author string
		want   []string
	}{
		{"Budi", []string{"a3", "a2", "a1", "a0"}},
		{"@BUDI", []string{"a3", "a2", "a1", "a0"}},
		{" budi ", []string{"a3", "a2", "a1", "a0"}},
		{"budiman", []string{"a4"}},
		{"budima", []string{}},
		{"Élodie", []string{"a5"}},
		{"ÉLODIE", []string{"a5"}}, // the ASCII letters fold
		{"élodie", []string{"a6"}},
		{"дмитрий", []string{}},
		{"Admin", []string{"a11", "a10"}}, // a generic byline has no history, but the filter finds it
		{"@", []string{}},                 // an empty key is nobody, not the authorless mention
		{"  ", []string{}},
	} {
		q := store.MentionQuery{Author: c.author, Limit: 10}
		if diff := cmp.Diff(c.want, ids(query(t, s, q))); diff != "" {
			t.Errorf("Mentions of author %q (-want +got):\n%s", c.author, diff)
		}
		var each []string
		if err := s.EachMention(ctx, q, func(m mw.Mention) error { each = append(each, m.NativeID); return nil }); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, append([]string{}, each...)); diff != "" {
			t.Errorf("EachMention of author %q (-want +got):\n%s", c.author, diff)
		}
	}
}

// AuthorKeyProbes are author strings whose store.AuthorKey a store's SQL
// twin of it must compute alike (each store's own test runs them): case,
// '@' and spaces, and what must stay as it is (other white space,
// non-ASCII letters that Unicode folding would change, a newline).
var AuthorKeyProbes = []string{
	"Budi", "budi", "@budi", " budi ", "  @BuDi  ", "@@Budi", "@ Budi", "budi@", "@", "  ", "", " @ ",
	"\tBudi", "Budi\n", " a\nB ", "\u00a0Budi\u00a0", "Élodie", "ÉLODIE", "İSTANBUL", "\u212aelvin", "STRASSE ß",
	"ＢＵＤＩ", "Дмитрий", "Jos\uFFFD", `x' OR 1=1 --`, `\\1 ?`,
}

// testAuthorHistoryLatestVersion: a mention stored again with a new time
// (a review page that gave only a date, then the hour) counts once for
// its author and shows its latest text. (A version whose author changed
// still counts for the old author on ClickHouse until its rows merge:
// docs/SCHEMA.md.)
func testAuthorHistoryLatestVersion(t *testing.T, open Opener) {
	s := open(t)
	var first []mw.Mention
	for i, a := range []string{"budi", "budi", "andi", "budi"} {
		m := Mention("acme", fmt.Sprintf("m%d", i), T0.Add(time.Duration(i)*time.Hour), mw.Negative)
		m.Author = a
		first = append(first, m)
	}
	insert(t, s, first...)
	moved := first[1]
	moved.Published, moved.Text = T0.Add(48*time.Hour), "moved"
	insert(t, s, moved)

	got := histories(t, s, []string{"budi", "andi"}, func(m mw.Mention) string { return m.NativeID + " " + m.Author + " " + m.Text })
	want := map[string]string{
		"budi": fmt.Sprintf("3 %q", []string{"m1 budi moved", "m3 budi " + first[3].Text, "m0 budi " + first[0].Text}),
		"andi": fmt.Sprintf("1 %q", []string{"m2 andi " + first[2].Text}),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AuthorHistory after a mention moved in time (-want +got):\n%s", diff)
	}
}

// testAuthorHistoryRenamed: a mention written again under another author
// (a display name changed, a collector that now reads the handle) is in
// the history of its latest author only, in both stores, as the Author
// filter has it. ClickHouse counted it for every author any version had.
func testAuthorHistoryRenamed(t *testing.T, open Opener) {
	s := open(t)
	a := Mention("acme", "a", T0, mw.Negative)
	a.Author = "budi"
	b := Mention("acme", "b", T0.Add(time.Hour), mw.Negative)
	b.Author = "budi"
	insert(t, s, a, b)
	renamed := a
	renamed.Author = "Budi Santoso"
	insert(t, s, renamed)
	got := histories(t, s, []string{"budi", "budi santoso"}, func(m mw.Mention) string { return m.NativeID + " " + m.Author })
	want := map[string]string{"budi": fmt.Sprintf("1 %q", []string{"b budi"}), "budi santoso": fmt.Sprintf("1 %q", []string{"a Budi Santoso"})}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AuthorHistory after a rename (-want +got):\n%s", diff)
	}
	for author, want := range map[string][]string{"budi": {"b"}, "budi santoso": {"a"}} {
		if diff := cmp.Diff(want, ids(query(t, s, store.MentionQuery{Author: author}))); diff != "" {
			t.Errorf("Mentions of %q (-want +got):\n%s", author, diff)
		}
	}
}

// histories returns the AuthorHistory of authors (10 each) as "count
// [line of each recent mention]" by author.
func histories(t *testing.T, s store.Store, authors []string, line func(mw.Mention) string) map[string]string {
	t.Helper()
	h, err := s.AuthorHistory(ctx, authors, 10)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for a, ah := range h {
		var recent []string
		for _, m := range ah.Recent {
			recent = append(recent, line(m))
		}
		out[a] = fmt.Sprintf("%d %q", ah.Count, recent)
	}
	return out
}
