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

// TestEachMentionSmallWindows runs the stream-against-pages check with
// export windows of a few rows, so that every view spans many windows.
func TestEachMentionSmallWindows(t *testing.T) {
	chtest.DSN(t)
	defer func(n uint64) { windowRows = n }(windowRows)
	windowRows = 7
	storetest.EachMatchesPages(t, func(t *testing.T) store.Store {
		return openDSN(t, chtest.Fresh(t), mw.StoreConfig{})
	})
}
