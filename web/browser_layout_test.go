package web

import (
	"testing"
	"time"
)

// TestBrowserNoSectionScrollsSideways: at laptop and desktop widths, and
// at the narrowest width that lays the grid in three columns (1,220 CSS
// pixels: three of 380), no dashboard section is wider than its box once
// the page has laid itself out (the charts follow their box through a
// ResizeObserver, which runs after the resize). Before, at 1280 px the
// customer journey's table (long moment names and a meter per row) and
// the aspects table overflowed their third of the grid and scrolled
// sideways, hiding the last column, and a chart kept the width it was
// first drawn at.
func TestBrowserNoSectionScrollsSideways(t *testing.T) {
	_, br, _ := agentBrowser(t, "/?brand=Acme&range=7d")
	br.waitUntil("the dashboard and its charts", `document.querySelector('#journey table') && document.querySelectorAll('.chart[data-rendered]').length === document.querySelectorAll('.chart').length`)
	const overflowing = `Array.from(document.querySelectorAll('main > section')).filter(s => !s.hidden && s.scrollWidth > s.clientWidth + 1).map(s => s.id + ': ' + s.scrollWidth + ' > ' + s.clientWidth)`
	for _, width := range []int{1024, 1220, 1280, 1440, 1920} {
		br.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 1400, "deviceScaleFactor": 1, "mobile": false}, nil)
		// Laid out when no section overflows; a minute is a hang, not
		// a timing budget.
		deadline := time.Now().Add(time.Minute)
		for !br.poll(overflowing+`.length === 0`) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		var over []string
		br.eval(overflowing, &over)
		if len(over) > 0 {
			t.Errorf("sections wider than their box at %d px: %v", width, over)
		}
	}
}
