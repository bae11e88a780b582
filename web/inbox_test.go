package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/demo"
	"github.com/mentionwatch/mentionwatch/scoring"
	"github.com/mentionwatch/mentionwatch/store"
)

func feed(t *testing.T, h http.Handler, target string) FeedPage {
	t.Helper()
	var p FeedPage
	getJSON(t, h, target, &p)
	return p
}

func postJSON(t *testing.T, h *Handler, target string, body any, want int) *TriageResult {
	t.Helper()
	b, _ := json.Marshal(body)
	w := do(t, h, "POST", target, strings.NewReader(string(b)), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
	if w.Code != want {
		t.Fatalf("POST %s: %d %s, want %d", target, w.Code, w.Body.String(), want)
	}
	var res TriageResult
	json.Unmarshal(w.Body.Bytes(), &res)
	return &res
}

func TestFeedFiltersAndPaging(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	seed(t, st)
	p := feed(t, h, "/api/mentions?group=0&limit=2")
	if len(p.Rows) != 2 || p.Rows[0].NativeID != "m5" || p.Next == "" {
		t.Fatalf("first page %+v", p)
	}
	var seen []string
	for cursor := ""; ; {
		p := feed(t, h, "/api/mentions?group=0&limit=2&cursor="+url.QueryEscape(cursor))
		for _, r := range p.Rows {
			seen = append(seen, r.NativeID)
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	if want := []string{"m5", "m1", "m2", "m3", "m4", "m6"}; !slices.Equal(seen, want) {
		t.Errorf("pages %v, want %v", seen, want)
	}
	cases := map[string][]string{
		"brand=Acme&label=negative&stage=amot":        {"m1", "m6"},
		"competitor=Roboclean":                        {"m5"},
		"brand=Acme&order=impact&label=negative":      {"m1", "m6", "m2"},
		"author=alice&range=7d&feed=1":                {"m5", "m1", "m3"},
		"aspect=price":                                {"m4"},
		"q=" + url.QueryEscape("text AND (m2 OR m4)"): {"m2", "m4"},
	}
	for qs, want := range cases {
		var got []string
		for _, r := range feed(t, h, "/api/mentions?group=0&"+qs).Rows {
			got = append(got, r.NativeID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", qs, got, want)
		}
	}
}

// A mistyped brand, source or filter value is a 400 listing the valid
// ones, on the inbox and on the dashboard's endpoints alike.
func TestMistypedValuesAre400(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	seed(t, st)
	cases := map[string]string{
		"/api/mentions?brand=Nope":                    `valid: Acme, Roboclean`,
		"/api/mentions?brand=acme&feed=1":             `did you mean \"Acme\"`,
		"/api/series?brand=acme":                      `did you mean \"Acme\"`,
		"/api/share-of-voice?brand=Nope":              `valid: Acme, Roboclean`,
		"/api/mentions?label=negatif":                 `did you mean \"negative\"`,
		"/api/mentions?source=nws":                    `valid: news, x`,
		"/api/mentions?stage=AMOT":                    `did you mean \"amot\"`,
		"/api/mentions?state=done":                    `valid: new, in_progress, handled, ignored`,
		"/api/mentions?lang=fr":                       `valid: en, id, other`,
		"/api/mentions?q=" + url.QueryEscape("a AND"): `column 6`,
		"/api/mentions/export?format=xls":             `valid: csv, jsonl`,
		"/api/mentions?rating=9":                      `stars 1..5`,
		"/api/mentions?cursor=garbage":                `not a cursor`,
	}
	for target, want := range cases {
		w := do(t, h, "GET", target, nil)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: %d %s, want 400 containing %s", target, w.Code, w.Body.String(), want)
		}
	}
	if w := do(t, h, "GET", "/mentions?brand=Nope", nil); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "valid: Acme, Roboclean") {
		t.Errorf("the page: %d", w.Code)
	}
}

func TestTriageAuditAndBulk(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	seed(t, st)
	p := feed(t, h, "/api/mentions?brand=Acme&label=negative")
	ids := []string{p.Rows[0].ID, p.Rows[1].ID}
	assignee, state := "rina", "in_progress"
	res := postJSON(t, h, "/api/mentions/triage", TriageRequest{IDs: ids, TriageChange: TriageChange{Assignee: &assignee, State: &state, AddTags: []string{"vip", "delivery"}}}, http.StatusOK)
	if res.Changed != 2 {
		t.Fatalf("changed %d, want 2", res.Changed)
	}
	// The same change again changes nothing and records nothing.
	if res := postJSON(t, h, "/api/mentions/triage", TriageRequest{IDs: ids, TriageChange: TriageChange{Assignee: &assignee}}, http.StatusOK); res.Changed != 0 {
		t.Errorf("a no-op changed %d", res.Changed)
	}
	got := feed(t, h, "/api/mentions?assignee=rina&tag=vip&state=in_progress")
	if len(got.Rows) != 2 || got.Rows[0].Triage.Assignee != "rina" || !slices.Equal(got.Rows[0].Triage.Tags, []string{"delivery", "vip"}) {
		t.Fatalf("filtered by triage: %+v", got.Rows)
	}
	var trail []AuditEntryView
	getJSON(t, h, "/api/mentions/"+ids[0]+"/audit", &trail)
	if len(trail) != 3 || trail[0].Actor != "dashboard" {
		t.Fatalf("audit %+v, want assignee, state, tags by dashboard", trail)
	}
	// A mention never triaged has an empty trail; one that does not exist
	// is a 404, as triage answers it (it was 200 []).
	getJSON(t, h, "/api/mentions/"+feed(t, h, "/api/mentions?brand=Acme&label=positive").Rows[0].ID+"/audit", &trail)
	if len(trail) != 0 {
		t.Errorf("untouched mention's audit %+v", trail)
	}
	if w := do(t, h, "GET", "/api/mentions/no-such-id/audit", nil); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "no such mention: no-such-id") {
		t.Errorf("unknown mention's audit: %d %s", w.Code, w.Body)
	}
	// The actor comes from the request context when login put one there.
	handled := "handled"
	b, _ := json.Marshal(TriageRequest{IDs: ids[:1], TriageChange: TriageChange{State: &handled}})
	r := httpRequest("POST", "/api/mentions/triage", string(b), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
	w := serve(h, WithActor(r, "joko"))
	if w.Code != http.StatusOK {
		t.Fatal(w.Body.String())
	}
	tr, _ := st.Audit(context.Background(), ids[:1])
	if last := tr[len(tr)-1]; last.Actor != "joko" || last.Field != "state" || last.Old != "in_progress" || last.New != "handled" {
		t.Errorf("last audit %+v", last)
	}
	// Bulk: every negative Acme mention, capped at 2 of 3.
	ignored := "ignored"
	res = postJSON(t, h, "/api/mentions/bulk", BulkRequest{Filter: "brand=Acme&label=negative", Max: 2, TriageChange: TriageChange{State: &ignored}}, http.StatusOK)
	if !res.Capped || res.Applied != 2 || res.Matched != 3 {
		t.Errorf("bulk %+v, want capped, 2 applied of more than 2", res)
	}
	postJSON(t, h, "/api/mentions/bulk", BulkRequest{Filter: "brand=Nope", TriageChange: TriageChange{State: &ignored}}, http.StatusBadRequest)
	// A parameter the view does not take is an error, not a wider view
	// (before: "lable=negative" was left out and every Acme mention was
	// changed).
	before := len(feed(t, h, "/api/mentions?brand=Acme&state=handled&group=0").Rows)
	b, _ = json.Marshal(BulkRequest{Filter: "brand=Acme&lable=negative", TriageChange: TriageChange{State: &handled}})
	if w := do(t, h, "POST", "/api/mentions/bulk", strings.NewReader(string(b)), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Body.String(), `parameter \"lable\" is not known: did you mean \"label\"?`) {
		t.Errorf("bulk with a mistyped parameter: %d %s", w.Code, w.Body)
	}
	if p := feed(t, h, "/api/mentions?brand=Acme&state=handled&group=0"); len(p.Rows) != before {
		t.Errorf("%d Acme mentions handled after the refused bulk; want %d as before", len(p.Rows), before)
	}
	postJSON(t, h, "/api/mentions/triage", TriageRequest{IDs: []string{"nope"}, TriageChange: TriageChange{State: &ignored}}, http.StatusNotFound)
	bad := "done"
	postJSON(t, h, "/api/mentions/triage", TriageRequest{IDs: ids, TriageChange: TriageChange{State: &bad}}, http.StatusBadRequest)
	// A role check refuses before anything changes.
	h.opt.CanTriage = func(*http.Request) error { return fmt.Errorf("viewers cannot change triage") }
	postJSON(t, h, "/api/mentions/triage", TriageRequest{IDs: ids, TriageChange: TriageChange{State: &ignored}}, http.StatusForbidden)
	postJSON(t, h, "/api/mentions/bulk", BulkRequest{Filter: "brand=Acme", TriageChange: TriageChange{State: &ignored}}, http.StatusForbidden)
}

func TestExportEscapesAndStreams(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	seed(t, st)
	m := mention("Acme", "formula", "=cmd|' /C calc'!A0", -0.2, mw.Negative, mw.SMOT, 1, time.Hour)
	m.Text = "=HYPERLINK(\"http://evil\")"
	st.InsertMentions(context.Background(), []mw.Mention{m})
	w := do(t, h, "GET", "/api/mentions/export?format=csv&brand=Acme", nil)
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", w.Code, w.Header())
	}
	recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 7 || recs[0][0] != "id" {
		t.Fatalf("%d records, want header + 6 Acme mentions", len(recs))
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	w = do(t, h, "GET", "/api/mentions/export?format=jsonl&label=negative", nil)
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if len(lines) != 5 || strings.Contains(w.Body.String(), "<script>") {
		t.Errorf("jsonl: %d lines (want 5), raw markup: %v", len(lines), strings.Contains(w.Body.String(), "<script>"))
	}
}

// parcelCopies are three near-copies by u1, u2 and u3 (d0 the newest),
// which the inbox groups into one row.
func parcelCopies() []mw.Mention {
	var ms []mw.Mention
	for i, a := range []string{"u1", "u2", "u3"} {
		m := mention("Acme", fmt.Sprintf("d%d", i), a, -0.5, mw.Negative, mw.AMOT, 1, time.Duration(i+1)*time.Minute)
		m.Text = "RT: Acme lost my parcel again and support does not answer at all " + strings.Repeat("!", i)
		ms = append(ms, m)
	}
	return ms
}

func TestFeedGroupsNearDuplicatesAndShowsHistory(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	ms := parcelCopies()
	old := mention("Acme", "old", "u1", -0.5, mw.Negative, mw.SMOT, 1, 48*time.Hour)
	old.Source = "reviews"
	ms = append(ms, old)
	st.InsertMentions(context.Background(), ms)
	p := feed(t, h, "/api/mentions?q=parcel")
	if len(p.Rows) != 1 || p.Rows[0].Count != 3 || len(p.Rows[0].IDs) != 3 || p.Rows[0].Authors != 3 {
		t.Fatalf("rows %+v, want one group of 3", p.Rows)
	}
	if hi := p.Rows[0].History; hi == nil || hi.Count != 1 || hi.Recent[0].Source != "reviews" {
		t.Errorf("history %+v, want u1's review", hi)
	}
}

// The inbox's q= and the collectors' matcher give the same mentions for
// the same query: the matcher decides on every demo post, the inbox
// searches the stored posts.
func TestInboxAndMatcherAgree(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	now := testNow
	var all []mw.Mention
	for _, p := range demo.Posts(now) {
		m := mw.Mention{Brand: "Acme", Source: "demo-" + p.Feed, Type: "rss", NativeID: p.ID, URL: p.URL, Author: p.Author,
			Title: p.Title, Text: p.Text, Published: p.Published, Collected: now, Lang: "en", Label: mw.Neutral, Stage: mw.StageUnknown}
		m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
		all = append(all, m)
	}
	if err := st.InsertMentions(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	queries := []string{
		`acme`, `acme AND (late OR refund)`, `"never arrived"`, `acme NEAR/3 order`, `(kurir OR courier) AND NOT acme`,
		`refund* OR delivery`, `acme AND NOT (great OR love)`, `source:demo-community AND acme`, `author:dana OR #acme`,
	}
	for _, qs := range queries {
		matcher, err := scoring.CompileMatcher([]mw.Brand{{Name: "Q", Query: qs}})
		if err != nil {
			t.Fatalf("%s: %v", qs, err)
		}
		var want []string
		for i := range all {
			if len(matcher.MatchMention(&all[i])) > 0 {
				want = append(want, all[i].ID)
			}
		}
		var got []string
		for cursor := ""; ; {
			p := feed(t, h, "/api/mentions?limit=7&q="+url.QueryEscape(qs)+"&cursor="+url.QueryEscape(cursor))
			for _, r := range p.Rows {
				got = append(got, r.IDs...)
			}
			if p.Next == "" {
				break
			}
			cursor = p.Next
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("%s: matcher %d mentions, inbox %d", qs, len(want), len(got))
		}
		if len(want) == 0 && qs == "acme" {
			t.Fatal("the demo day names acme: the corpus is wrong")
		}
	}
	_ = store.StateNew
}

func httpRequest(method, target, body string, hdr ...string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Host = "127.0.0.1:8080"
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	return r
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestAuthorHistoryCountsOthersOnly: the row of an author's oldest
// mention says how many *other* mentions they wrote, whether or not the
// row's own mention is among the newest few the history lists.
func TestAuthorHistoryCountsOthersOnly(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	var ms []mw.Mention
	for i := range 5 {
		m := mention("Acme", fmt.Sprintf("z%d", i), "zed", -0.5, mw.Negative, mw.AMOT, 1, time.Duration(i+1)*time.Hour)
		m.Text = fmt.Sprintf("complaint number %d about something else entirely %d", i, i*7)
		if i == 4 {
			m.Lang = "id" // the oldest, alone in the view below
		}
		ms = append(ms, m)
	}
	if err := st.InsertMentions(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/api/mentions?author=zed&lang=id", "/api/mentions?author=zed&limit=1&feed=1"} {
		p := feed(t, h, target)
		if len(p.Rows) != 1 {
			t.Fatalf("%s: %d rows, want 1", target, len(p.Rows))
		}
		hi := p.Rows[0].History
		if hi == nil || hi.Count != 4 || len(hi.Recent) != 3 {
			t.Errorf("%s: history %+v; want 4 other mentions, 3 of them listed", target, hi)
		}
		for _, r := range hi.Recent {
			if r.ID == p.Rows[0].ID {
				t.Errorf("%s: the history lists the row's own mention", target)
			}
		}
	}
}

// TestAuthorHistoryByAuthorKey: a row by "@Budi" shows what "budi",
// " budi " and "BUDI" wrote (store.AuthorKey), not what "budiman" wrote,
// and a near-duplicate of the row by "budi" is the row's own mention,
// not another one.
func TestAuthorHistoryByAuthorKey(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	var ms []mw.Mention
	for i, a := range []string{"@Budi", "budi", " budi ", "BUDI", "budiman"} {
		m := mention("Acme", fmt.Sprintf("b%d", i), a, -0.5, mw.Negative, mw.AMOT, 1, time.Duration(i+1)*time.Hour)
		m.Text = fmt.Sprintf("other complaint %d, about something else entirely %d", i, i*7)
		if i < 2 {
			m.Lang, m.Text = "id", "paket saya belum sampai sudah seminggu, tolong dicek" // one group of two
		}
		ms = append(ms, m)
	}
	if err := st.InsertMentions(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	p := feed(t, h, "/api/mentions?lang=id")
	if len(p.Rows) != 1 || p.Rows[0].Author != "@Budi" || p.Rows[0].Count != 2 {
		t.Fatalf("rows %+v; want one group of b0 (by @Budi) and b1", p.Rows)
	}
	hi := p.Rows[0].History
	var recent []string
	if hi != nil {
		for _, r := range hi.Recent {
			recent = append(recent, r.ID)
		}
	}
	if want := []string{ms[2].ID, ms[3].ID}; hi == nil || hi.Count != 2 || !slices.Equal(recent, want) {
		t.Errorf("history of @Budi's row: %+v; want 2 other mentions, by \" budi \" and \"BUDI\" (%v)", hi, want)
	}
	p = feed(t, h, "/api/mentions?author=budiman&feed=1")
	if len(p.Rows) != 1 || p.Rows[0].History != nil {
		t.Errorf("budiman's row: %+v; want one row, no history (budi is someone else)", p.Rows)
	}
}

// TestTriageIDsBounded: a triage form or body naming a huge number of
// ids is refused after the first 500 distinct ones, with work and memory
// bounded by that, not by the body: 64,000 ids in one 300 KB field took
// 19 s of CPU (each id compared with every one kept before it).
func TestTriageIDsBounded(t *testing.T) {
	var b strings.Builder
	for i := range 64000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%x", i)
	}
	field := []string{b.String()}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := cleanIDs(field)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("64,000 ids: %v; want an error naming the limit of 500", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 256<<10 {
		t.Errorf("refusing 64,000 ids allocated %d KiB; want the work bounded by the 500 kept", n>>10)
	}
	if ids, err := cleanIDs([]string{"a, b", "b", " ", "c"}); err != nil || !slices.Equal(ids, []string{"a", "b", "c"}) {
		t.Errorf("a, b / b / c: %v %v; want a b c", ids, err)
	}
	if _, err := cleanIDs([]string{" , "}); err == nil {
		t.Error("no ids accepted")
	}
}

// TestUITriageTooManyTickedSaysSo: ticking more than 500 rows answered
// "tick at least one mention", the message for ticking none.
func TestUITriageTooManyTickedSaysSo(t *testing.T) {
	h, err := New(Options{Store: openStore(t), Brands: testBrands})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"state": {"handled"}}
	for i := range 501 {
		form.Add("id", fmt.Sprintf("m%d", i))
	}
	req := httptest.NewRequest("POST", "/ui/mentions/triage", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.uiTriage(w, req)
	if body := w.Body.String(); w.Code != http.StatusBadRequest || !strings.Contains(body, "500") || strings.Contains(body, "at least one") {
		t.Errorf("501 ticked: HTTP %d, %q; want a 400 naming the limit of 500", w.Code, body)
	}
}

// TestNotesAreKeptAsAList: two agents adding notes to one mention both
// keep theirs, with author and time; a note never replaces another.
func TestNotesAreKeptAsAList(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	id := mw.MentionID("Acme", "rss", "m1")
	addNote := func(actor, note string, at time.Time, want int) {
		t.Helper()
		h.opt.Now = func() time.Time { return at }
		b, _ := json.Marshal(TriageRequest{IDs: []string{id}, TriageChange: TriageChange{Note: &note}})
		r := httpRequest("POST", "/api/mentions/triage", string(b), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
		if w := serve(h, WithActor(r, actor)); w.Code != want {
			t.Fatalf("%s adding %q: %d %s, want %d", actor, note, w.Code, w.Body, want)
		}
	}
	addNote("rina", "called the customer", testNow.Add(time.Minute), http.StatusOK)
	addNote("budi", "refund <b>sent</b>", testNow.Add(2*time.Minute), http.StatusOK)
	addNote("joko", "called the customer", testNow.Add(3*time.Minute), http.StatusOK) // the same words, another agent
	addNote("joko", "called the customer", testNow.Add(4*time.Minute), http.StatusOK) // joko's double submit
	addNote("rina", " \n ", testNow.Add(5*time.Minute), http.StatusBadRequest)

	want := []NoteView{
		{Text: "called the customer", By: "rina", At: testNow.Add(time.Minute)},
		{Text: "refund <b>sent</b>", By: "budi", At: testNow.Add(2 * time.Minute)},
		{Text: "called the customer", By: "joko", At: testNow.Add(3 * time.Minute)},
	}
	for _, target := range []string{"/api/mentions?feed=1&group=0", "/api/mentions?feed=1&group=0&label=negative"} {
		var row *FeedRow
		p := feed(t, h, target)
		for i := range p.Rows {
			if p.Rows[i].ID == id {
				row = &p.Rows[i]
			}
		}
		if row == nil {
			t.Fatalf("%s: no row %s", target, id)
		}
		got := row.Triage.Notes
		if len(got) != len(want) {
			t.Fatalf("%s: notes %+v, want %+v", target, got, want)
		}
		for i := range want {
			if got[i].Text != want[i].Text || got[i].By != want[i].By || !got[i].At.Equal(want[i].At) {
				t.Errorf("%s: note %d %+v, want %+v", target, i, got[i], want[i])
			}
		}
		if row.Triage.Note != "called the customer" {
			t.Errorf("%s: note %q, want the latest", target, row.Triage.Note)
		}
	}
	body := do(t, h, "GET", "/mentions?group=0", nil).Body.String()
	for _, s := range []string{"rina", "budi", "refund &lt;b&gt;sent&lt;/b&gt;", "2026-03-10 12:02 UTC"} {
		if !strings.Contains(body, s) {
			t.Errorf("the inbox page lacks %q", s)
		}
	}
	if strings.Count(body, "called the customer") < 2 || strings.Contains(body, "<b>sent</b>") {
		t.Errorf("the inbox page does not list every note, escaped:\n%s", body)
	}
}

// TestJSONBodyTooLargeOrTrailingSaysSo: a JSON body past the limit is a
// 400 that names the limit (not "unexpected EOF"), and a body with more
// than one JSON value is refused rather than half applied.
func TestJSONBodyTooLargeOrTrailingSaysSo(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	id := mw.MentionID("Acme", "rss", "m1")
	post := func(target, body string) *httptest.ResponseRecorder {
		return do(t, h, "POST", target, strings.NewReader(body), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
	}
	huge := `{"ids":["` + id + `"],"note":"` + strings.Repeat("n", 70<<10) + `"}`
	for _, target := range []string{"/api/mentions/triage", "/api/mentions/bulk", "/api/silences", "/api/alerts/a1/ack"} {
		w := post(target, huge)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "larger than 64 KiB") {
			t.Errorf("%s with a 70 KiB body: %d %s", target, w.Code, w.Body)
		}
	}
	w := post("/api/mentions/triage", `{"ids":["`+id+`"],"state":"handled"} {"ids":["`+id+`"],"state":"ignored"}`)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "one JSON value") {
		t.Errorf("two JSON values: %d %s", w.Code, w.Body)
	}
	if tr, _ := st.Triage(context.Background(), []string{id}); tr[id].State != "" {
		t.Errorf("a refused body changed the triage: %+v", tr[id])
	}
	// An empty body is still no body (ack and resolve take an optional one).
	if w := post("/api/alerts/a1/ack", ""); w.Code == http.StatusBadRequest {
		t.Errorf("empty body: %d %s", w.Code, w.Body)
	}
}

// TestTriageFormInvalidUTF8StoredValid: the page's form is not decoded
// as JSON (which replaces bytes that are not UTF-8 with U+FFFD), so its
// tags, assignee and note are made valid the same way before they are
// stored: the API shows them as stored, and its values filter.
func TestTriageFormInvalidUTF8StoredValid(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	id := mw.MentionID("Acme", "rss", "m1")
	form := url.Values{"id": {id}, "add_tag": {"vip\xff"}, "assignee": {"rina\xfe\xfe"}, "note": {"called \xc3"}}
	w := do(t, h, "POST", "/ui/mentions/triage", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", h.csrfToken)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("triage form: %d %s", w.Code, w.Body)
	}
	tr, err := st.Triage(context.Background(), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	got := tr[id]
	if !slices.Equal(got.Tags, []string{"vip\uFFFD"}) || got.Assignee != "rina\uFFFD\uFFFD" || got.Note != "called \uFFFD" {
		t.Fatalf("stored %q %q %q, want each bad byte as U+FFFD", got.Tags, got.Assignee, got.Note)
	}
	p := feed(t, h, "/api/mentions?group=0&tag="+url.QueryEscape("vip\uFFFD")+"&assignee="+url.QueryEscape("rina\uFFFD\uFFFD"))
	if len(p.Rows) != 1 || p.Rows[0].ID != id {
		t.Errorf("filtering by the tag and assignee the API shows: %d rows", len(p.Rows))
	}
}

// TestExportTimesInZone: the export's published and collected times are
// RFC 3339 with the configured zone's offset, as the page and the API
// show them: a team in Jakarta reads 17:00 for a post of 17:00 WIB, not
// 10:00Z.
func TestExportTimesInZone(t *testing.T) {
	st := openStore(t)
	h := alertHandler(t, st, nil) // Asia/Jakarta
	m := mention("Acme", "zoned", "rina", -0.4, mw.Negative, mw.AMOT, 1, 0)
	m.Published = time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	if err := st.InsertMentions(context.Background(), []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	recs := exportCSV(t, h, "brand=Acme&q=zoned", 1)
	if recs[1][4] != "2026-03-10T17:00:00+07:00" || recs[1][5] != "2026-03-10T19:00:00+07:00" {
		t.Errorf("csv published %q, collected %q; want 2026-03-10T17:00:00+07:00 and 2026-03-10T19:00:00+07:00", recs[1][4], recs[1][5])
	}
	w := do(t, h, "GET", "/api/mentions/export?format=jsonl&brand=Acme&q=zoned", nil)
	if body := w.Body.String(); !strings.Contains(body, `"published":"2026-03-10T17:00:00+07:00"`) ||
		!strings.Contains(body, `"collected":"2026-03-10T19:00:00+07:00"`) {
		t.Errorf("jsonl times not in the zone: %s", body)
	}
}

// TestInboxNextPageKeepsLimit: the page's "Next page" link keeps the
// page size asked for (limit=), as it keeps the filters; it went back to
// 50 rows.
func TestInboxNextPageKeepsLimit(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	body := do(t, h, "GET", "/mentions?group=0&limit=2", nil).Body.String()
	m := regexp.MustCompile(`<a href="([^"]*)" id="next"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no next page link:\n%s", body)
	}
	next, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	q := next.Query()
	if q.Get("limit") != "2" || q.Get("group") != "0" || q.Get("cursor") == "" {
		t.Fatalf("next page link %s; want limit=2 and group=0 kept, and a cursor", next)
	}
	page2 := do(t, h, "GET", next.String(), nil).Body.String()
	if n := strings.Count(page2, `<tr class="row `); n != 2 {
		t.Errorf("the next page shows %d rows; want 2", n)
	}
}

// TestExportForExcel: excel=1 starts the CSV with a UTF-8 byte-order mark,
// so Excel shows "café" and emoji as written rather than in its legacy
// code page; the plain CSV stays without one (a script reads "id"), and
// the inbox links both. Before, there was no way to get a CSV Excel reads
// right.
func TestExportForExcel(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	seed(t, st)
	w := do(t, h, "GET", "/api/mentions/export?format=csv&brand=Acme&excel=1", nil)
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Body.String(), "\ufeffid,") {
		t.Fatalf("excel=1: %d %q; want a CSV starting with a byte-order mark", w.Code, w.Body.String()[:min(20, w.Body.Len())])
	}
	w = do(t, h, "GET", "/api/mentions/export?format=csv&brand=Acme", nil)
	if !strings.HasPrefix(w.Body.String(), "id,") {
		t.Errorf("plain CSV starts %q; want id, with no mark", w.Body.String()[:min(20, w.Body.Len())])
	}
	for _, bad := range []string{"format=jsonl&excel=1", "format=csv&excel=yes"} {
		if w := do(t, h, "GET", "/api/mentions/export?"+bad, nil); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "excel") {
			t.Errorf("%s: %d %s; want a 400 naming excel", bad, w.Code, w.Body.String())
		}
	}
	w = do(t, h, "GET", "/mentions?brand=Acme", nil)
	if !strings.Contains(w.Body.String(), `id="export-excel"`) || !strings.Contains(w.Body.String(), "excel=1") {
		t.Errorf("the inbox does not link the CSV for Excel")
	}
}

// TestAuthorHistoryShowsHowTheyWereHelped: the row of an author's new
// mention shows, for their earlier mentions on other channels, the state,
// the assignee and the notes the team left, so that the second agent does
// not treat the person as a stranger; on the API and on the page.
func TestAuthorHistoryShowsHowTheyWereHelped(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	historyShowsTriage(t, h, st)
}

func historyShowsTriage(t *testing.T, h *Handler, st store.Store) {
	old := mention("Acme", "x1", "@Sari", -0.8, mw.Negative, mw.AMOT, 1, 5*time.Hour)
	old.Source, old.Text = "x", "my order never arrived, third time asking"
	fresh := mention("Acme", "r1", "sari", -0.6, mw.Negative, mw.AMOT, 1, time.Hour)
	fresh.Text, fresh.Lang = "still waiting for the refund you promised", "id"
	if err := st.InsertMentions(context.Background(), []mw.Mention{old, fresh}); err != nil {
		t.Fatal(err)
	}
	h.opt.Now = func() time.Time { return testNow.Add(-4 * time.Hour) }
	assignee, state, note := "rina", "handled", "promised a refund <by Friday>"
	b, _ := json.Marshal(TriageRequest{IDs: []string{old.ID}, TriageChange: TriageChange{Assignee: &assignee, State: &state, Note: &note}})
	r := httpRequest("POST", "/api/mentions/triage", string(b), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
	if w := serve(h, WithActor(r, "rina")); w.Code != http.StatusOK {
		t.Fatalf("triage: %d %s", w.Code, w.Body)
	}
	p := feed(t, h, "/api/mentions?lang=id")
	if len(p.Rows) != 1 || p.Rows[0].History == nil || len(p.Rows[0].History.Recent) != 1 {
		t.Fatalf("rows %+v; want sari's new mention with one earlier one", p.Rows)
	}
	got := p.Rows[0].History.Recent[0]
	if got.ID != old.ID || got.State != "handled" || got.Assignee != "rina" || len(got.Notes) != 1 ||
		got.Notes[0].Text != note || got.Notes[0].By != "rina" || !got.Notes[0].At.Equal(testNow.Add(-4*time.Hour)) {
		t.Errorf("history %+v; want the earlier mention handled by rina with her note", got)
	}
	body := do(t, h, "GET", "/mentions?lang=id", nil).Body.String()
	for _, s := range []string{"handled", "rina", "promised a refund &lt;by Friday&gt;"} {
		if !strings.Contains(body, s) {
			t.Errorf("the inbox page's author history lacks %q", s)
		}
	}
}

// TestTwoAgentsClaimingTheSameMention: ana and budi open the inbox at
// once and both assign the same mention to themselves. budi's page showed
// it unassigned, so his claim does not silently take it from ana: it
// keeps ana as assignee and her state, his note is still added, and the
// message says so. Once his page shows ana's claim, assigning again is a
// deliberate hand-over and applies.
func TestTwoAgentsClaimingTheSameMention(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	twoAgentsClaim(t, h, st)
}

func twoAgentsClaim(t *testing.T, h *Handler, st store.Store) {
	id := mw.MentionID("Acme", "rss", "m2")
	ticked := func(actor string) string { t.Helper(); return pageTicked(t, h, actor, id) }
	submit := func(actor, value string, at time.Time, form url.Values) string {
		t.Helper()
		h.opt.Now = func() time.Time { return at }
		form.Set("id", value)
		r := httpRequest("POST", "/ui/mentions/triage", form.Encode(), "Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", h.csrfToken)
		w := serve(h, WithActor(r, actor))
		if w.Code != http.StatusSeeOther {
			t.Fatalf("%s's triage: %d %s", actor, w.Code, w.Body)
		}
		loc, _ := url.Parse(w.Header().Get("Location"))
		return loc.Query().Get("msg")
	}
	anaSaw, budiSaw := ticked("ana"), ticked("budi")
	if msg := submit("ana", anaSaw, testNow.Add(time.Minute), url.Values{"assignee": {"ana"}, "state": {"in_progress"}}); msg != "1 of 1 mentions changed" {
		t.Errorf("ana's message %q", msg)
	}
	msg := submit("budi", budiSaw, testNow.Add(2*time.Minute), url.Values{"assignee": {"budi"}, "state": {"handled"}, "note": {"called her back"}})
	if !strings.HasPrefix(msg, "1 of 1 mentions changed; 1 changed by someone else") {
		t.Errorf("budi's message %q; want it to say the mention was kept as someone else left it", msg)
	}
	if body := serve(h, WithActor(httpRequest("GET", "/mentions?group=0&msg="+url.QueryEscape(msg), ""), "budi")).Body.String(); !strings.Contains(body, "see who has them") {
		t.Errorf("budi's page does not show the message %q", msg)
	}
	tri, err := st.Triage(context.Background(), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	if tr := tri[id]; tr.Assignee != "ana" || tr.State != store.StateInProgress || tr.Note != "called her back" {
		t.Errorf("after both: %+v; want ana's claim and state kept, budi's note added", tr)
	}
	// budi now sees ana's claim and takes the mention over on purpose.
	if msg := submit("budi", ticked("budi"), testNow.Add(3*time.Minute), url.Values{"assignee": {"budi"}}); msg != "1 of 1 mentions changed" {
		t.Errorf("budi's hand-over: message %q", msg)
	}
	if tri, _ := st.Triage(context.Background(), []string{id}); tri[id].Assignee != "budi" {
		t.Errorf("after the hand-over: %+v, want budi", tri[id])
	}
}

// TestInboxCheckboxesNamed: each row's checkbox has its own accessible
// name (the mention's title, author and source): a screen reader said
// "select, checkbox" on every row, so a blind agent could not tell which
// mention they ticked before assigning it.
func TestInboxCheckboxesNamed(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	seed(t, st)
	body := do(t, h, "GET", "/mentions?group=0", nil).Body.String()
	labels := regexp.MustCompile(`<input type="checkbox" name="id" [^>]*aria-label="([^"]*)"`).FindAllStringSubmatch(body, -1)
	if len(labels) != 6 {
		t.Fatalf("%d labelled checkboxes, want 6:\n%s", len(labels), body)
	}
	seen := map[string]bool{}
	for _, l := range labels {
		name := html.UnescapeString(l[1])
		if seen[name] || !strings.HasPrefix(name, "select: ") || len(name) < len("select: x (y, z)") {
			t.Errorf("checkbox named %q: want each named after its mention", name)
		}
		seen[name] = true
	}
	if !seen["select: title m2 (bob, news)"] {
		t.Errorf("no checkbox named after m2: %v", seen)
	}
}

// TestInboxEmptySaysWhatToDo: an empty inbox said "No mentions match."
// whether the filters excluded everything or nothing was ever collected;
// it now says which, and what to do.
func TestInboxEmptySaysWhatToDo(t *testing.T) {
	st := openStore(t)
	h, err := New(Options{Store: st, Brands: testBrands})
	if err != nil {
		t.Fatal(err)
	}
	empty := regexp.MustCompile(`(?s)id="inbox-empty">(.*?)</td>`)
	text := func(target string) string {
		m := empty.FindStringSubmatch(do(t, h, "GET", target, nil).Body.String())
		if m == nil {
			t.Fatalf("%s: no empty-state row", target)
		}
		return m[1]
	}
	if got := text("/mentions"); !strings.Contains(got, "No mentions yet") || !strings.Contains(got, "collect --once") {
		t.Errorf("an empty store: %q; want it to say none were collected and how to collect", got)
	}
	seed(t, st)
	if got := text("/mentions?brand=Acme&state=handled"); !strings.Contains(got, "remove a filter") || !strings.Contains(got, `href="/mentions"`) {
		t.Errorf("filters matching nothing: %q; want it to say to widen or clear them", got)
	}
}

// TestGroupedRowShowsEveryMembersTriage: a grouped row showed its first
// mention's triage and notes only, so a note left on another copy
// (through the API, or before the copies were grouped) was invisible and
// copies in different states looked the same. The row now lists every
// copy's notes, oldest first, and says how their states and assignees
// differ, on the page and in the API.
func TestGroupedRowShowsEveryMembersTriage(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	ms := parcelCopies()
	if err := st.InsertMentions(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	change := func(actor, id string, at time.Time, c TriageChange) {
		t.Helper()
		h.opt.Now = func() time.Time { return at }
		b, _ := json.Marshal(TriageRequest{IDs: []string{id}, TriageChange: c})
		r := httpRequest("POST", "/api/mentions/triage", string(b), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
		if w := serve(h, WithActor(r, actor)); w.Code != http.StatusOK {
			t.Fatalf("%s changing %s: %d %s", actor, id, w.Code, w.Body)
		}
	}
	str := func(s string) *string { return &s }
	// d0, the newest, heads the group and is untouched.
	change("budi", ms[2].ID, testNow.Add(2*time.Minute), TriageChange{Note: str("refund <b>sent</b>"), State: str("handled")})
	change("rina", ms[1].ID, testNow.Add(time.Minute), TriageChange{Note: str("called u2"), State: str("handled"), Assignee: str("rina"), AddTags: []string{"refund"}})

	type note struct {
		Text      string    `json:"text"`
		By        string    `json:"by"`
		At        time.Time `json:"at"`
		MentionID string    `json:"mention_id"`
	}
	type page struct {
		Rows []struct {
			ID            string     `json:"id"`
			Count         int        `json:"count"`
			Triage        TriageView `json:"triage"`
			Notes         []note     `json:"notes"`
			Members       []struct{ ID, State, Assignee string }
			MixedState    string     `json:"mixed_state"`
			MixedAssignee string     `json:"mixed_assignee"`
			Tags          []TagCount `json:"tags"`
		} `json:"rows"`
	}
	var p page
	getJSON(t, h, "/api/mentions?q=parcel", &p)
	if len(p.Rows) != 1 || p.Rows[0].Count != 3 || p.Rows[0].ID != ms[0].ID {
		t.Fatalf("rows %+v, want one group of 3 headed by d0", p.Rows)
	}
	row := p.Rows[0]
	if row.Triage.State != "new" || len(row.Triage.Notes) != 0 {
		t.Errorf("triage %+v, want d0's own (new, no note) as before", row.Triage)
	}
	want := []note{
		{Text: "called u2", By: "rina", At: testNow.Add(time.Minute), MentionID: ms[1].ID},
		{Text: "refund <b>sent</b>", By: "budi", At: testNow.Add(2 * time.Minute), MentionID: ms[2].ID},
	}
	if len(row.Notes) != len(want) {
		t.Fatalf("notes %+v, want %+v", row.Notes, want)
	}
	for i := range want {
		if n := row.Notes[i]; n.Text != want[i].Text || n.By != want[i].By || !n.At.Equal(want[i].At) || n.MentionID != want[i].MentionID {
			t.Errorf("note %d %+v, want %+v", i, n, want[i])
		}
	}
	if row.MixedState != "2 handled, 1 new" || row.MixedAssignee != "2 unassigned, 1 with rina" {
		t.Errorf("mixed %q / %q, want %q / %q", row.MixedState, row.MixedAssignee, "2 handled, 1 new", "2 unassigned, 1 with rina")
	}
	if len(row.Members) != 3 || row.Members[1].ID != ms[1].ID || row.Members[1].State != "handled" || row.Members[1].Assignee != "rina" {
		t.Errorf("members %+v, want each mention's triage", row.Members)
	}

	body := do(t, h, "GET", "/mentions?q=parcel", nil).Body.String()
	if len(row.Tags) != 1 || row.Tags[0] != (TagCount{Tag: "refund", Count: 1, Of: 3}) {
		t.Errorf("tags %+v, want refund on 1 of 3 (a copy's tag was hidden when it was not the first's)", row.Tags)
	}
	for _, s := range []string{"2 handled, 1 new", "2 unassigned, 1 with rina", "called u2", "refund &lt;b&gt;sent&lt;/b&gt;", "budi", "#refund (1 of 3)"} {
		if !strings.Contains(body, s) {
			t.Errorf("the inbox page lacks %q", s)
		}
	}
	if strings.Contains(body, "<b>sent</b>") {
		t.Error("the inbox page shows a note unescaped")
	}
	// Members that agree show their one state, as a single mention does.
	change("rina", ms[0].ID, testNow.Add(3*time.Minute), TriageChange{State: str("handled")})
	p = page{}
	getJSON(t, h, "/api/mentions?q=parcel", &p)
	if r := p.Rows[0]; r.MixedState != "" || r.Triage.State != "handled" || r.MixedAssignee == "" {
		t.Errorf("after handling d0: mixed %q / %q, state %q; want no mixed state", r.MixedState, r.MixedAssignee, r.Triage.State)
	}
}
