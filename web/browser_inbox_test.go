package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestBrowserInboxWorkflow drives the mentions page as an agent would:
// filter to Indonesian AMOT negatives of Acme, search a phrase, tick three
// mentions, assign them, tag them and mark them handled in one action; then
// it checks the stored triage and the audit trail.
func TestBrowserInboxWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	bin := chromium(t)
	st := openStore(t)
	now := time.Now().UTC().Truncate(time.Second)
	texts := []string{
		"Paket belum sampai sudah lima hari, kurir tidak bisa dihubungi",
		"Kenapa paket belum sampai juga? Nomor resi tidak bergerak sejak Senin",
		"Sudah bayar ongkir mahal tapi paket belum sampai, tolong dicek admin",
		"Pesanan saya paket belum sampai dan CS hanya membalas dengan template",
		"Aplikasinya error terus waktu checkout", // no phrase
	}
	var ms []mw.Mention
	for i, text := range texts {
		m := mw.Mention{Brand: "Acme", Source: "news", Type: "rss", NativeID: fmt.Sprintf("id%d", i), URL: "https://example.org/id" + fmt.Sprint(i),
			Author: fmt.Sprintf("pelanggan%d", i), Title: "Keluhan", Text: text, Published: now.Add(-time.Duration(i+1) * time.Minute), Collected: now,
			Lang: "id", Sentiment: -0.7, Label: mw.Negative, Stage: mw.AMOT, Aspects: []string{"delivery"}, Reach: 1}
		m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
		ms = append(ms, m)
	}
	other := ms[0] // the same complaint in English: filtered out by lang
	other.NativeID, other.Lang, other.Text = "en0", "en", "My package has not arrived, paket belum sampai they say"
	other.ID = mw.MentionID(other.Brand, other.Type, other.NativeID)
	ms = append(ms, other)
	if err := st.InsertMentions(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, u := range []struct {
		name, password string
		role           mw.Role
	}{{"ana", "agent-password-22", mw.RoleAgent}, {"vic", "viewer-password-22", mw.RoleViewer}} {
		hash, err := HashPassword(u.password)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveUser(ctx, store.User{Name: u.name, Role: u.role, PasswordHash: hash, PasswordSet: now.Add(-time.Hour), Created: now}); err != nil {
			t.Fatal(err)
		}
	}
	h, err := New(Options{Store: st, Brands: testBrands, Sources: []mw.SourceConfig{{Name: "news", Type: "rss"}},
		Auth: mw.WebConfig{Listen: "127.0.0.1:0", Users: mw.WebUsersConfig{Enabled: true}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	br := openBrowser(t, bin, 1280, 1600)

	// Log in as the agent: the login page sends her on to the inbox.
	login := func(user, password string) {
		t.Helper()
		br.call("Page.navigate", map[string]any{"url": srv.URL + "/mentions"}, nil)
		br.waitUntil("the login page", `location.pathname === '/login' && document.querySelector('form.login-form')`)
		br.act(`(() => { const f = document.querySelector('form.login-form');
		f.username.value = '` + user + `'; f.password.value = '` + password + `'; f.submit(); return true })()`)
		br.waitUntil("the inbox as "+user, `location.pathname === '/mentions' && document.querySelector("#filters")`)
	}
	login("ana", "agent-password-22")
	br.act(`(function(){
	  var f = document.querySelector("#filters");
	  f.brand.value = "Acme"; f.lang.value = "id"; f.stage.value = "amot"; f.label.value = "negative";
	  f.q.value = '"paket belum sampai"';
	  document.querySelector("#apply").click();
	  return true; })()`)
	br.waitUntil("the filtered rows", `location.search.indexOf("q=") >= 0 && document.querySelectorAll("tr.row").length > 0`)
	var shown []string
	br.eval(`Array.from(document.querySelectorAll("tr.row")).map(function(r){ return r.getAttribute("data-id"); })`, &shown)
	want := []string{ms[0].ID, ms[1].ID, ms[2].ID, ms[3].ID}
	if !slices.Equal(shown, want) {
		t.Fatalf("rows shown %v, want the four Indonesian AMOT negatives with the phrase %v", shown, want)
	}
	br.act(`(function(){
	  var boxes = document.querySelectorAll("tr.row input[type=checkbox]");
	  for (var i = 0; i < 3; i++) { boxes[i].checked = true; }
	  document.querySelector("#t-assignee").value = "rina";
	  document.querySelector("#t-add-tag").value = "kurir";
	  document.querySelector("#t-state").value = "handled";
	  document.querySelector("#t-apply").click();
	  return true; })()`)
	br.waitUntil("the triage message", `document.querySelector("#inbox-message") && document.querySelectorAll("tr.row .audit").length === 3`)
	var msg string
	br.eval(`document.querySelector("#inbox-message").textContent`, &msg)
	if msg != "3 of 3 mentions changed" {
		t.Errorf("message %q", msg)
	}

	tri, err := st.Triage(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range want {
		tr, found := tri[id]
		if i == 3 {
			if found {
				t.Errorf("the unticked mention was changed: %+v", tr)
			}
			continue
		}
		if !found || tr.Assignee != "rina" || tr.State != store.StateHandled || !slices.Equal(tr.Tags, []string{"kurir"}) || tr.UpdatedBy != "ana" {
			t.Errorf("mention %d triage %+v, want rina, handled, #kurir by ana", i, tr)
		}
	}
	trail, err := st.Audit(ctx, want[:3])
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]int{}
	for _, a := range trail {
		fields[a.Field]++
		if a.Actor != "ana" {
			t.Errorf("audit actor %q", a.Actor)
		}
	}
	if len(trail) != 9 || fields["assignee"] != 3 || fields["state"] != 3 || fields["tags"] != 3 {
		t.Errorf("audit %+v, want assignee, state and tags for each of the three", trail)
	}

	// The agent logs out; a viewer logs in, sees the same rows, and her
	// attempt to change the fourth is refused: nothing is stored.
	br.act(`(() => { document.querySelector('#logout').click(); return true })()`)
	br.waitUntil("the login page after logging out", `location.pathname === '/login'`)
	login("vic", "viewer-password-22")
	br.call("Page.navigate", map[string]any{"url": srv.URL + "/mentions?brand=Acme&lang=id&stage=amot&label=negative"}, nil)
	br.waitUntil("the viewer's rows", `document.querySelector('tr.row[data-id="`+want[3]+`"] input[type=checkbox]')`)
	// No triage bar for her; a change sent anyway (as the page's own form
	// would, with its CSRF token) is refused.
	var readOnly bool
	br.eval(`!document.querySelector("#t-apply") && !!document.querySelector("#read-only")`, &readOnly)
	if !readOnly {
		t.Error("the viewer is shown the triage bar")
	}
	var status int
	br.evalAsync(`(async () => {
	  const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];
	  const body = new URLSearchParams({id: "`+want[3]+`", state: "ignored"});
	  const r = await fetch("/ui/mentions/triage", {method: "POST", body, headers: {"X-CSRF-Token": csrf, "HX-Request": "true"}});
	  return r.status; })()`, &status)
	if status != 403 {
		t.Errorf("a viewer's triage POST answered %d, want 403", status)
	}
	var page string
	br.eval(`document.body.textContent`, &page)
	tri, err = st.Triage(ctx, want[3:])
	if err != nil {
		t.Fatal(err)
	}
	if tr, found := tri[want[3]]; found {
		t.Errorf("a viewer changed a mention: %+v (page: %s)", tr, tail(page, 500))
	}
	after, err := st.Audit(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(trail) {
		t.Errorf("the viewer's attempt left audit entries: %+v", after[len(trail):])
	}
}

// TestBrowserInboxLayout: the inbox's parts stack (filters, then the
// triage bar and the table, then the next page link), each as wide as the
// page, and the table fits the window. The dashboard's grid of 380-pixel
// columns laid them side by side: the filters took a third of the width,
// "Next page" floated at the top right, and the table ran off the screen.
func TestBrowserInboxLayout(t *testing.T) {
	_, br, _ := agentBrowser(t, "/mentions?brand=Acme")
	br.waitUntil("the inbox", `document.querySelector('#t-apply') && document.querySelector('#next')`)
	var box struct {
		Main, Filters, Triage, Next, Table struct{ Left, Right, Top, Bottom float64 }
		View                               float64
	}
	br.eval(`(() => { const r = s => { const b = document.querySelector(s).getBoundingClientRect();
		return {Left: b.left, Right: b.right, Top: b.top, Bottom: b.bottom}; };
	  return {Main: r('main'), Filters: r('#filters'), Triage: r('#triage'), Next: r('#next'), Table: r('#triage table'),
	    View: document.documentElement.clientWidth}; })()`, &box)
	if box.Triage.Top < box.Filters.Bottom || box.Next.Top < box.Triage.Bottom {
		t.Errorf("the filters, the table and the next page link do not stack: %+v", box)
	}
	if box.Triage.Left > box.Main.Left+40 || box.Table.Right > box.View {
		t.Errorf("the table does not span the page within the window (%.0f px): %+v", box.View, box)
	}
}
