package web

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestBrowserRefusalsAreShown: a button whose request the server refuses
// says why on the page. htmx swaps no 4xx or 5xx answer, so without the
// page's handler an agent pressing Silence (an admin's action), or Apply
// with nothing ticked, saw nothing happen at all.
func TestBrowserRefusalsAreShown(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	bin := chromium(t)
	st, srv := agentDashboard(t)
	br := openBrowser(t, bin, 1280, 1400)
	br.logIn(srv.URL+"/?brand=Acme&range=24h", "ana", "agent-password-22")
	br.waitUntil("the dashboard", `location.pathname === '/' && document.querySelector('#alerts tr[data-alert="burst"] form.silence')`)

	var hidden bool
	br.eval(`document.querySelector('#request-error') ? document.querySelector('#request-error').hidden : null`, &hidden)
	if !hidden {
		t.Fatal("the dashboard has no hidden #request-error before any request fails")
	}
	br.act(`(() => { document.querySelector('#alerts tr[data-alert="burst"] form.silence button').click(); return true })()`)
	br.waitUntil("the refusal shown", `!document.querySelector('#request-error').hidden`)
	var msg string
	br.eval(`document.querySelector('#request-error').textContent`, &msg)
	if !strings.Contains(msg, "needs the admin role") || !strings.Contains(msg, "ana is agent") {
		t.Errorf("the page says %q; want the 403's reason (the admin role)", msg)
	}
	ss, err := st.Silences(context.Background(), time.Now())
	if err != nil || len(ss) != 0 {
		t.Errorf("silences %v, %v; want none", ss, err)
	}
	// A request that then succeeds clears the message.
	br.act(`(() => { document.querySelector('#alerts tr[data-alert="burst"] button.ack').click(); return true })()`)
	br.waitUntil("the acknowledgement", `document.querySelector('#alerts').textContent.includes('Acknowledged by ana')`)
	br.eval(`document.querySelector('#request-error').hidden`, &hidden)
	if !hidden {
		t.Error("the refusal is still shown after a request succeeded")
	}

	// The inbox: Apply with nothing ticked.
	br.call("Page.navigate", map[string]any{"url": srv.URL + "/mentions?brand=Acme"}, nil)
	br.waitUntil("the inbox", `document.querySelector('#t-apply') && document.querySelector('#request-error')`)
	br.act(`(() => { document.querySelector('#t-state').value = 'handled'; document.querySelector('#t-apply').click(); return true })()`)
	br.waitUntil("the inbox refusal shown", `!document.querySelector('#request-error').hidden`)
	br.eval(`document.querySelector('#request-error').textContent`, &msg)
	if msg != "tick at least one mention" {
		t.Errorf("the inbox says %q; want %q", msg, "tick at least one mention")
	}
}
