package clickhouse

import (
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/storetest"
)

// TestConformance runs the suite every store passes, each subtest on a
// fresh database of the shared test server.
func TestConformance(t *testing.T) {
	chtest.DSN(t) // skip (or fail in CI) once, not per subtest
	storetest.Run(t, func(t *testing.T) store.Store {
		return openDSN(t, chtest.Fresh(t), mw.StoreConfig{})
	})
}

// TestConformanceSmallWindows runs the suite again with windows of a few
// rows: the export's (EachMention) and the newest-first pages' (the first
// window of Mentions spans one candidate set, each next one twice that),
// so that every view spans many windows.
func TestConformanceSmallWindows(t *testing.T) {
	chtest.DSN(t)
	defer func(w, f, g uint64) { windowRows, newestFirstRows, newestGrowth = w, f, g }(windowRows, newestFirstRows, newestGrowth)
	windowRows, newestFirstRows, newestGrowth = 7, 1, 2
	storetest.Run(t, func(t *testing.T) store.Store {
		return openDSN(t, chtest.Fresh(t), mw.StoreConfig{})
	})
}
