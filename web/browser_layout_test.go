package web

import "testing"

// TestBrowserNoSectionScrollsSideways: at laptop and desktop widths, and
// at the narrowest width that lays the grid in three columns (1,220 CSS
// pixels: three of 380), no dashboard section is wider than its box.
// Before, at 1280 px the customer journey's table (long moment names and a
// meter per row) and the aspects table overflowed their third of the grid
// and scrolled sideways, hiding the last column.
func TestBrowserNoSectionScrollsSideways(t *testing.T) {
	_, br, _ := agentBrowser(t, "/?brand=Acme&range=7d")
	br.waitUntil("the dashboard", `document.querySelector('#journey table') && document.querySelector('#aspects')`)
	for _, width := range []int{1024, 1220, 1280, 1440, 1920} {
		br.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 1400, "deviceScaleFactor": 1, "mobile": false}, nil)
		var over []string
		br.eval(`Array.from(document.querySelectorAll('main > section')).filter(s => !s.hidden && s.scrollWidth > s.clientWidth + 1).map(s => s.id + ': ' + s.scrollWidth + ' > ' + s.clientWidth)`, &over)
		if len(over) > 0 {
			t.Errorf("sections wider than their box at %d px: %v", width, over)
		}
	}
}
