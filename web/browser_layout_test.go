package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// screen is a viewport as Chromium emulates it: width in CSS pixels,
// device pixels per CSS pixel, and whether it is a phone's or a tablet's
// (mobile: the page's <meta name="viewport"> applies and, as on a phone, a
// page wider than the screen widens the layout viewport and shows zoomed
// out or scrolls sideways; the pointer is a finger).
type screen struct {
	width, scale int
	mobile       bool
}

func (s screen) String() string {
	if s.mobile {
		return fmt.Sprintf("%d px phone or tablet (×%d)", s.width, s.scale)
	}
	return fmt.Sprintf("%d px", s.width)
}

// phones are the phone and tablet screens an on-call responder opens the
// dashboard on: two phones and a tablet.
var phones = []screen{{360, 3, true}, {390, 3, true}, {768, 2, true}}

// use resizes the page to s.
func (b *browser) use(s screen) {
	b.t.Helper()
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": s.width, "height": 1400, "deviceScaleFactor": s.scale, "mobile": s.mobile}, nil)
	touch := map[string]any{"enabled": s.mobile}
	if s.mobile {
		touch["maxTouchPoints"] = 5
	}
	b.call("Emulation.setTouchEmulationEnabled", touch, nil)
}

// sideways lists what is wider than the screen of width w or than its own
// box: the page (content wider than a phone's screen widens its layout
// viewport, innerWidth), and each part of main shown (a section, the
// inbox's forms).
func sideways(w int) string {
	return fmt.Sprintf(`(() => {
		const out = [], doc = document.documentElement;
		if (innerWidth > %d || doc.scrollWidth > innerWidth) { out.push('the page: ' + doc.scrollWidth + ' px wide, ' + innerWidth + ' px laid out'); }
		for (const s of document.querySelectorAll('main > *')) {
			if (s.getClientRects().length && s.scrollWidth > s.clientWidth + 1) { out.push((s.getAttribute('id') || s.tagName.toLowerCase()) + ': ' + s.scrollWidth + ' > ' + s.clientWidth); }
		}
		return out;
	})()`, w)
}

// smallTargets lists, once each, the controls a finger misses: buttons,
// menus, fields, tick boxes (with their label) and the range, action,
// export and paging links less than 44 CSS px across (WCAG 2.5.5; Apple
// and Google ask 44 and 48), and the fields whose text is under 16 px,
// which iOS Safari zooms the page in on when they are tapped.
const smallTargets = `(() => {
	const out = new Set();
	for (const e of document.querySelectorAll('button, select, input:not([type=hidden]), .ranges a, .actions a, .exports a, a#next')) {
		if (!e.getClientRects().length) { continue; }
		const box = (e.type === 'checkbox' && e.closest('label')) || e, r = box.getBoundingClientRect();
		const name = e.tagName.toLowerCase() + ' "' + (e.type === 'checkbox' ? 'tick box' : (e.textContent || e.name || '').trim().slice(0, 30)) + '"';
		if (r.width < 43.5 || r.height < 43.5) { out.add(name + ' is ' + Math.round(r.width) + '×' + Math.round(r.height) + ' px'); }
		const text = parseFloat(getComputedStyle(e).fontSize);
		if (e.matches('select, input:not([type=checkbox])') && text < 16) { out.add(name + ' has ' + text + ' px text'); }
	}
	return Array.from(out);
})()`

// splitLabels lists the inbox's filters and triage fields whose name ends
// a line while the field starts the next: on a phone "stage" then read as
// the name of the menu below it, which was the state's.
const splitLabels = `Array.from(document.querySelectorAll('.filters label:not(.search), .triage-bar label')).filter(l => {
	const field = l.querySelector('input, select'), name = Array.from(l.childNodes).find(n => n.nodeType === 3 && n.textContent.trim());
	if (!field || !name || !l.getClientRects().length) { return false; }
	const r = document.createRange();
	r.selectNodeContents(name);
	const lines = r.getClientRects();
	return field.getBoundingClientRect().top >= lines[lines.length - 1].bottom - 1;
}).map(l => 'the field named "' + l.firstChild.textContent.trim() + '" is on the line below its name')`

// brokenWords lists the words of tables that a narrow column cut in two
// ("researchin|g"), once each; a word may break at a hyphen, and one
// longer than 20 letters (a link) anywhere.
const brokenWords = `(() => {
	const out = new Set(), walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		if (!n.parentElement.closest('td, th') || !n.parentElement.getClientRects().length) { continue; }
		for (const w of n.textContent.matchAll(/\S+/g)) {
			if (w[0].length > 20) { continue; }
			for (const m of w[0].matchAll(/[^-]+/g)) {
				const r = document.createRange();
				r.setStart(n, w.index + m.index);
				r.setEnd(n, w.index + m.index + m[0].length);
				const lines = new Set(Array.from(r.getClientRects()).filter(b => b.width > 0).map(b => Math.round(b.top)));
				if (lines.size > 1) { out.add('"' + w[0] + '" is cut in two in ' + n.parentElement.closest('section, form').getAttribute('id')); }
			}
		}
	}
	return Array.from(out);
})()`

// misfits returns what does not fit s once the page has laid itself out:
// what is wider than its box (sideways), a field apart from its name
// (splitLabels) and, on a phone or a tablet, the small targets. It looks two frames after the resize, and on a page with
// charts once they follow their box (through a ResizeObserver, which runs
// after the resize): it waits until nothing is wider, for at most a
// minute, which is a hang, not a timing budget.
func (b *browser) misfits(s screen) []string {
	b.t.Helper()
	var ok bool
	b.evalAsync(`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, &ok)
	check := sideways(s.width)
	deadline := time.Now().Add(time.Minute)
	for b.poll(`!!document.querySelector('.chart')`) && !b.poll(check+`.length === 0`) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	var over, split, small []string
	b.eval(check, &over)
	b.eval(splitLabels, &split)
	if s.mobile {
		b.eval(smallTargets, &small)
		var broken []string
		b.eval(brokenWords, &broken)
		small = append(small, broken...)
	}
	return append(append(over, split...), small...)
}

// TestBrowserNoSectionScrollsSideways: at laptop and desktop widths, and
// at the narrowest width that lays the grid in three columns (1,220 CSS
// pixels: three of 380), no dashboard section is wider than its box once
// the page has laid itself out (the charts follow their box through a
// ResizeObserver, which runs after the resize). Before, at 1280 px the
// customer journey's table (long moment names and a meter per row) and
// the aspects table overflowed their third of the grid and scrolled
// sideways, hiding the last column, and a chart kept the width it was
// first drawn at. On phones (360 and 390 px) and a tablet (768 px), with
// an alert opened from a notification (/#alert=<id>), nothing is wider
// than the screen either: before, the alerts list put Acknowledge,
// Resolve and Silence past the screen's edge, the top mentions and the
// sources tables scrolled sideways, and each chart stayed 300 px wide in
// a 280 px box. A receiver's error quoting a long address (a webhook's
// redirect) wraps: before, on the tablet it pushed the focused alert's
// delivery log and the alerts list 200 px past the screen. On a phone no
// word of a table is cut in two (brokenWords): before, the journey's,
// the aspects' and the share of voice's five columns in 280 px cut
// "Negative", "researching" and "4600%" across lines.
func TestBrowserNoSectionScrollsSideways(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	st, srv := agentDashboard(t)
	// A receiver that fails with an address in its error, as post.go's
	// do: a long word in the alert's row and in its delivery log.
	at := time.Now().UTC().Add(-time.Hour)
	for _, d := range []mw.Delivery{
		{Key: "burst:firing:1", AlertID: "burst", Receiver: "ops-webhook", Status: mw.DeliveryQueued, At: at},
		{Key: "burst:firing:1", AlertID: "burst", Receiver: "ops-webhook", Attempt: 2, Status: mw.DeliveryRetrying, At: at.Add(time.Minute), NextAt: at.Add(3 * time.Minute),
			Error: `webhook: the server redirects to https://hooks.example.com/services/T0123ABCD/B0456EFGH/incoming-webhook-for-the-on-call-team, and a POST cannot follow it`},
	} {
		if err := st.SaveDelivery(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	br := openBrowser(t, chromium(t), 1280, 1400)
	br.logIn(srv.URL+"/?brand=Acme&range=7d#alert=burst", "ana", "agent-password-22")
	br.waitUntil("the dashboard, its charts and the alert", `document.querySelector('#journey table') && document.querySelectorAll('.chart[data-rendered]').length === document.querySelectorAll('.chart').length && document.querySelector('#alert-focus [data-focused="true"]')`)
	screens := phones
	for _, width := range []int{1024, 1220, 1280, 1440, 1920} {
		screens = append(screens, screen{width: width, scale: 1})
	}
	for _, s := range screens {
		br.use(s)
		if bad := br.misfits(s); len(bad) > 0 {
			t.Errorf("on a %v: %v", s, bad)
		}
	}
}

// TestBrowserPhonePagesFitTheScreen: the login page, the inbox and the
// pages a notification's Acknowledge and Silence 4 h links open fit a
// phone's screen and a tablet's. Before, every page laid main out as a
// grid of columns at least 380 CSS pixels wide, so on a 360 or 390 px
// phone the login form and the confirmation were wider than the screen:
// the phone showed them zoomed out, or scrolling sideways. And the inbox's
// five columns scrolled sideways inside the page, on a phone and, when a
// mention held a long link or word, on a 768 px tablet too, hiding the
// triage and author columns; the search box was wider than a phone. On
// these touch screens, and on the dashboard's, every control is big
// enough for a finger (smallTargets): before, buttons, menus and fields
// were 19 to 26 px high, a tick box 13 px, and fields' 13 px text made iOS
// Safari zoom in. The inbox's filters and triage fields keep their names
// (splitLabels): before, on a phone or tablet a name could end one line
// and its field start the next, below another name.
func TestBrowserPhonePagesFitTheScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	bin := chromium(t)
	st, srv := agentDashboard(t)
	now := time.Now().UTC()
	hash, err := HashPassword("admin-password-22")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveUser(context.Background(), store.User{Name: "oda", Role: mw.RoleAdmin, PasswordHash: hash, PasswordSet: now.Add(-time.Hour), Created: now}); err != nil {
		t.Fatal(err)
	}
	br := openBrowser(t, bin, 360, 1400)
	br.use(phones[0])
	pages := []struct{ name, url, ready string }{
		{"login page", srv.URL + "/login", `document.querySelector('form.login-form')`},
		// The inbox, its near-copies grouped (the demo's reviews repeat).
		{"inbox", srv.URL + "/mentions?brand=Acme", `document.querySelector('#triage tr.row .group')`},
		{"ack link's page", testSigner(t).URL(srv.URL, "ack", "burst", now.Add(time.Hour)), `document.querySelector('body.action-page form button[type=submit]')`},
		{"silence link's page", testSigner(t).URL(srv.URL, "silence", "burst", now.Add(time.Hour)), `document.querySelector('body.action-page form button[type=submit]')`},
	}
	for i, p := range pages {
		if i == 1 { // the rest as an admin, who may silence
			br.logIn(srv.URL+"/", "oda", "admin-password-22")
			br.waitUntil("the dashboard", `document.querySelector('#me-name')`)
		}
		br.call("Page.navigate", map[string]any{"url": p.url}, nil)
		br.waitUntil("the "+p.name, p.ready)
		for _, s := range phones {
			br.use(s)
			if bad := br.misfits(s); len(bad) > 0 {
				t.Errorf("%s on a %v: %v", p.name, s, bad)
			}
		}
	}
}
