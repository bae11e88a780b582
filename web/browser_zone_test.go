package web

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

// jakartaChartFirstLabel serves a Jakarta dashboard over demo mentions
// around now, opens path (with the brand and range or window in it) in a
// browser in New York, and returns what the volume chart's legend says
// of its first bucket (uPlot's {YYYY}-{MM}-{DD} {h}:{mm}{aa}).
func jakartaChartFirstLabel(t *testing.T, now time.Time, path string) string {
	t.Helper()
	bin := chromium(t)
	st := openStore(t)
	brands := seedDemo(t, st, now)
	h, err := New(Options{Store: st, Brands: brands, Location: jakarta(t), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	br := openBrowser(t, bin, 1280, 1400)
	br.call("Emulation.setTimezoneOverride", map[string]any{"timezoneId": "America/New_York"}, nil)
	br.load(srv.URL+path, `document.querySelector('.chart[data-chart=volume][data-rendered] .u-over')`)
	var rect struct{ X, Y float64 }
	br.eval(`(() => { const o = document.querySelector('.chart[data-chart=volume] .u-over'); o.scrollIntoView({block: 'center'});
		const r = o.getBoundingClientRect(); return {X: r.left + 1, Y: r.top + r.height / 2} })()`, &rect)
	br.call("Input.dispatchMouseEvent", map[string]any{"type": "mouseMoved", "x": rect.X, "y": rect.Y}, nil)
	legend := `document.querySelector('.chart[data-chart=volume] .u-legend .u-series:first-child .u-value')`
	br.waitUntil("the legend's time under the cursor", legend+` && `+legend+`.textContent !== '--'`)
	var got string
	br.eval(legend+`.textContent`, &got)
	return got
}

func jakarta(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestBrowserChartTimesInConfiguredZone: the volume chart reads its times
// in timezone: like every other time on the page, not in the zone of the
// browser looking at it. A browser in New York looks at a dashboard kept
// in Jakarta time; the chart's first bucket reads as Jakarta's clock.
func TestBrowserChartTimesInConfiguredZone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	now := time.Now().UTC()
	// An explicit window (1 h steps), so the first bucket is known here.
	from := now.Add(-48 * time.Hour).Truncate(time.Hour)
	to := from.Add(36 * time.Hour)
	got := jakartaChartFirstLabel(t, now, fmt.Sprintf("/?brand=Acme&from=%d&to=%d", from.Unix(), to.Unix()))
	if want := from.In(jakarta(t)).Format("2006-01-02 3:04pm"); got != want {
		t.Errorf("the chart's first bucket reads %q; want %q, Jakarta's clock (New York's: %q)", got, want,
			from.In(time.FixedZone("NY", -5*3600)).Format("2006-01-02 3:04pm"))
	}
}
