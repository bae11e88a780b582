package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestClaimsInOneSecond: carol tags a mention, ana and budi both read it
// in that same second and both claim it, in that second too, on the page
// and through the JSON API (if_version). Before, the page's check
// compared whole seconds, so budi's claim silently took the mention from
// ana, and the API checked nothing.
func TestClaimsInOneSecond(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	claimsInOneSecond(t, h, st)
}

func claimsInOneSecond(t *testing.T, h *Handler, st store.Store) {
	ctx := context.Background()
	at := testNow.Add(time.Hour)
	h.opt.Now = func() time.Time { return at }
	post := func(actor string, body any) TriageResult {
		t.Helper()
		b, _ := json.Marshal(body)
		r := httpRequest("POST", "/api/mentions/triage", string(b), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)
		w := serve(h, WithActor(r, actor))
		if w.Code != http.StatusOK {
			t.Fatalf("%s's triage: %d %s", actor, w.Code, w.Body)
		}
		var res TriageResult
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	version := func(actor, id string) string { // as the feed shows it to actor
		t.Helper()
		var p FeedPage
		w := serve(h, WithActor(httpRequest("GET", "/api/mentions?group=0&limit=200", ""), actor))
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatalf("feed: %d %s", w.Code, w.Body)
		}
		for _, r := range p.Rows {
			if r.ID == id {
				if r.Triage.Version == "" || len(r.Members) != 1 || r.Members[0].Version != r.Triage.Version {
					t.Fatalf("row %s: triage version %q, members %+v", id, r.Triage.Version, r.Members)
				}
				return r.Triage.Version
			}
		}
		t.Fatalf("no row %s", id)
		return ""
	}
	claim := func(actor, value string) string {
		t.Helper()
		form := url.Values{"id": {value}, "assignee": {"me"}, "state": {"in_progress"}}
		r := httpRequest("POST", "/ui/mentions/triage", form.Encode(), "Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", h.csrfToken)
		w := serve(h, WithActor(r, actor))
		loc, _ := url.Parse(w.Header().Get("Location"))
		return loc.Query().Get("msg")
	}
	assigned := func(id string) string {
		t.Helper()
		tr, err := st.Triage(ctx, []string{id})
		if err != nil {
			t.Fatal(err)
		}
		return tr[id].Assignee
	}
	api, page := mw.MentionID("Acme", "rss", "m2"), mw.MentionID("Acme", "rss", "m3")
	post("carol", TriageRequest{IDs: []string{api, page}, TriageChange: TriageChange{AddTags: []string{"vip"}}})

	// The page: both see carol's tag, ana claims, then budi, all in one second.
	anaSaw, budiSaw := pageTicked(t, h, "ana", page), pageTicked(t, h, "budi", page)
	if msg := claim("ana", anaSaw); msg != "1 of 1 mentions changed" {
		t.Errorf("ana's claim on the page: %q", msg)
	}
	if msg := claim("budi", budiSaw); !strings.Contains(msg, "1 changed by someone else") {
		t.Errorf("budi's claim on the page: %q; want it kept as ana left it", msg)
	}
	if a := assigned(page); a != "ana" {
		t.Errorf("page: the mention is %q's; want ana's", a)
	}

	// The API: the same with if_version.
	anaV, budiV := version("ana", api), version("budi", api)
	if res := post("ana", map[string]any{"ids": []string{api}, "assignee": "me", "if_version": map[string]string{api: anaV}}); res.Kept != 0 || res.Changed != 1 {
		t.Errorf("ana's claim through the API: %+v", res)
	}
	res := post("budi", map[string]any{"ids": []string{api}, "assignee": "me", "note": "on it", "if_version": map[string]string{api: budiV}})
	if res.Kept != 1 || len(res.KeptIDs) != 1 || res.KeptIDs[0] != api || res.Changed != 1 {
		t.Errorf("budi's claim through the API: %+v; want kept (ana's) with his note added", res)
	}
	if a := assigned(api); a != "ana" {
		t.Errorf("API: the mention is %q's; want ana's", a)
	}
	// Having read ana's claim, budi takes it over on purpose; without
	// if_version the API checks nothing, as before.
	if res := post("budi", map[string]any{"ids": []string{api}, "assignee": "me", "if_version": map[string]string{api: version("budi", api)}}); res.Kept != 0 || assigned(api) != "budi" {
		t.Errorf("budi's hand-over: %+v, assigned to %q", res, assigned(api))
	}
	if res := post("ana", map[string]any{"ids": []string{api}, "assignee": "me"}); res.Kept != 0 || assigned(api) != "ana" {
		t.Errorf("ana without if_version: %+v, assigned to %q", res, assigned(api))
	}
	// An if_version for a mention the request does not change is a 400.
	b, _ := json.Marshal(map[string]any{"ids": []string{api}, "assignee": "me", "if_version": map[string]string{page: "0"}})
	if w := serve(h, httpRequest("POST", "/api/mentions/triage", string(b), "Content-Type", "application/json", "X-CSRF-Token", h.csrfToken)); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "if_version") {
		t.Errorf("stray if_version: %d %s", w.Code, w.Body)
	}
}

// pageTicked is the value of id's checkbox on actor's inbox page.
func pageTicked(t *testing.T, h *Handler, actor, id string) string {
	t.Helper()
	body := serve(h, WithActor(httpRequest("GET", "/mentions?group=0", ""), actor)).Body.String()
	m := regexp.MustCompile(`name="id" value="(` + regexp.QuoteMeta(id) + `[^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s's page has no checkbox for %s", actor, id)
	}
	return html.UnescapeString(m[1])
}

// TestAssigneeNamesFoldCaseAndSpaces: a name that is no dashboard user's
// is one assignee whatever its letter case and spaces. Before, "Vendor
// team" and "vendor  team" were two assignees, the filter assignee=vendor
// team found nothing of "Vendor team"'s, and the names suggested listed
// both.
func TestAssigneeNamesFoldCaseAndSpaces(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	assigneeFolding(t, h, st)
}

func assigneeFolding(t *testing.T, h *Handler, st store.Store) {
	ctx := context.Background()
	m1, m2, m3 := mw.MentionID("Acme", "rss", "m1"), mw.MentionID("Acme", "rss", "m2"), mw.MentionID("Acme", "rss", "m3")
	for i, a := range []string{"Vendor team", " vendor  TEAM "} {
		h.opt.Now = func() time.Time { return testNow.Add(time.Duration(i+1) * time.Minute) }
		postJSON(t, h, "/api/mentions/triage", TriageRequest{IDs: []string{[]string{m1, m2}[i]}, TriageChange: TriageChange{Assignee: &a}}, http.StatusOK)
	}
	tr, err := st.Triage(ctx, []string{m1, m2})
	if err != nil {
		t.Fatal(err)
	}
	if tr[m1].Assignee != "Vendor team" || tr[m2].Assignee != "Vendor team" {
		t.Errorf("assigned to %q and %q; want the first spelling, Vendor team, for both", tr[m1].Assignee, tr[m2].Assignee)
	}
	// A mention given "vendor team" before names were folded is found too.
	if err := st.SaveTriage(ctx, []store.Triage{{MentionID: m3, Assignee: "vendor team", State: store.StateNew, UpdatedAt: testNow.Add(time.Hour), UpdatedBy: "ana"}}, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"vendor team", "VENDOR   Team", "Vendor team"} {
		p := feed(t, h, "/api/mentions?group=0&assignee="+url.QueryEscape(f))
		if len(p.Rows) != 3 {
			t.Errorf("assignee=%q: %d rows; want the team's 3", f, len(p.Rows))
		}
	}
	if p := feed(t, h, "/api/mentions?group=0&assignee=vendor"); len(p.Rows) != 0 {
		t.Errorf("assignee=vendor: %d rows; a part of a name is another name", len(p.Rows))
	}
	// "-", which unassigns in the triage bar, finds nobody's mentions:
	// never triaged, or unassigned (before: a name "-" no mention had).
	unassigned := ""
	postJSON(t, h, "/api/mentions/triage", TriageRequest{IDs: []string{m1}, TriageChange: TriageChange{Assignee: &unassigned}}, http.StatusOK)
	var nobodys []string
	for _, r := range feed(t, h, "/api/mentions?group=0&assignee=-").Rows {
		nobodys = append(nobodys, r.NativeID)
	}
	if !slices.Equal(nobodys, []string{"m5", "m1", "m4", "m6"}) {
		t.Errorf("assignee=-: %v; want m5, m1 (unassigned), m4 and m6 (never triaged)", nobodys)
	}
	body := do(t, h, "GET", "/mentions", nil).Body.String()
	list := regexp.MustCompile(`(?s)<datalist id="assignees">(.*?)</datalist>`).FindStringSubmatch(body)
	if list == nil || !strings.Contains(list[1], `<option value="Vendor team">`) || strings.Count(strings.ToLower(list[1]), "vendor team") != 1 {
		t.Errorf("the names suggested: %q; want Vendor team once", list)
	}
}

// TestFeedTotal: a view says how many mentions it holds and how many
// pages they fill, on the page and in the API's first page, with q=
// checked on every mention the store's word search lets through. Before,
// nothing told an agent whether a view held 3 mentions or 3,000.
func TestFeedTotal(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	feedTotals(t, h, st)
}

func feedTotals(t *testing.T, h *Handler, _ store.Store) {
	for _, tc := range []struct {
		view         string
		total, pages uint64
	}{
		{"group=0&limit=2", 6, 3},
		{"brand=Acme&label=negative", 3, 1},
		{"brand=Acme&state=handled", 0, 0},
		// The store's search finds "text" in 5 mentions (m1's text is
		// the probe); the query keeps 4.
		{"q=" + url.QueryEscape("text AND NOT m2") + "&limit=3", 4, 2},
	} {
		p := feed(t, h, "/api/mentions?"+tc.view)
		if p.Total == nil || *p.Total != (FeedTotal{Mentions: tc.total, Pages: tc.pages, Exact: true}) {
			t.Errorf("%s: total %+v; want %d mentions, %d pages, exact", tc.view, p.Total, tc.total, tc.pages)
		}
		if p.Next != "" {
			if next := feed(t, h, "/api/mentions?"+tc.view+"&cursor="+url.QueryEscape(p.Next)); next.Total != nil {
				t.Errorf("%s: the next page has a total %+v; the first page's is the view's", tc.view, next.Total)
			}
		}
	}
	body := do(t, h, "GET", "/mentions?brand=Acme&limit=2", nil).Body.String()
	if !strings.Contains(body, `id="inbox-total">5 mentions match · 3 pages of 2</p>`) {
		t.Errorf("the page does not say 5 mentions match in 3 pages: %s", regexp.MustCompile(`(?s)<p class="total".*?</p>`).FindString(body))
	}
	// Words in more mentions than the total checks one by one: the
	// count of those, said to be an upper bound.
	defer func(n uint64) { exactCountMax = n }(exactCountMax)
	exactCountMax = 3
	if p := feed(t, h, "/api/mentions?q="+url.QueryEscape("text AND NOT m2")); p.Total == nil || *p.Total != (FeedTotal{Mentions: 5, Pages: 1}) {
		t.Errorf("many search matches: total %+v; want up to 5, not exact", p.Total)
	}
	if body := do(t, h, "GET", "/mentions?q="+url.QueryEscape("text AND NOT m2"), nil).Body.String(); !strings.Contains(body, `id="inbox-total">Up to 5 mentions hold the search`) {
		t.Errorf("the page does not say the count is an upper bound: %s", regexp.MustCompile(`(?s)<p class="total".*?</p>`).FindString(body))
	}
}

// TestTriageReturnsToTheSamePage: applying the triage bar on the second
// page of a view of 2 rows a page sends the browser back to that page,
// with its page size. Before, it went back to the first page of 50, so an
// agent working through a long view started over after every change.
func TestTriageReturnsToTheSamePage(t *testing.T) {
	h, _ := newTestHandler(t, mw.WebConfig{})
	first := do(t, h, "GET", "/mentions?group=0&limit=2&label=negative", nil).Body.String()
	next := regexp.MustCompile(`href="(/mentions\?[^"]*)" id="next"`).FindStringSubmatch(first)
	if next == nil {
		t.Fatal("the first page has no next link")
	}
	second := do(t, h, "GET", html.UnescapeString(next[1]), nil).Body.String()
	view := regexp.MustCompile(`name="view" value="([^"]*)"`).FindStringSubmatch(second)
	box := regexp.MustCompile(`name="id" value="([^"]*)"`).FindStringSubmatch(second)
	if view == nil || box == nil {
		t.Fatal("the second page has no triage form or no row")
	}
	form := url.Values{"view": {html.UnescapeString(view[1])}, "id": {html.UnescapeString(box[1])}, "add_tag": {"seen"}}
	w := do(t, h, "POST", "/ui/mentions/triage", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", h.csrfToken)
	loc, err := url.Parse(w.Header().Get("Location"))
	if w.Code != http.StatusSeeOther || err != nil {
		t.Fatalf("triage: %d %s", w.Code, w.Body)
	}
	want, _ := url.Parse(html.UnescapeString(next[1]))
	for _, k := range []string{"limit", "cursor", "label", "group"} {
		if got := loc.Query().Get(k); got != want.Query().Get(k) {
			t.Errorf("back to %s: %s=%q; want the page's %q", loc, k, got, want.Query().Get(k))
		}
	}
}
