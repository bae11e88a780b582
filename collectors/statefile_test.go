package collectors

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// TestDamagedStateFileKeptAside: a state file that does not decode (cut
// short, empty, garbage, JSON of another shape) was logged, then
// overwritten by the run's save: the damaged file was gone before an
// operator could look at it. It is kept aside; the source runs from the
// store's state and saves a good file.
func TestDamagedStateFileKeptAside(t *testing.T) {
	for name, damage := range map[string]string{
		"truncated":   `{"state":{"source":"feed","cursor":{"last_id":"3"`,
		"empty":       ``,
		"garbage":     "\x00\x01\xffnot json",
		"wrong shape": `[1,2,3]`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := &StateDir{Dir: t.TempDir()}
			if err := os.WriteFile(dir.File("feed"), []byte(damage), 0o600); err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			mem := NewMemStates(store.SourceState{Source: "feed", Cursor: mw.Cursor{LastID: "3"}, LastRun: time.Unix(1, 0)})
			s := &Scheduler{Store: mem, StateDir: dir, Log: slog.New(slog.NewTextHandler(&logs, nil)),
				Sink: func(context.Context, *Source, []mw.Mention) error { return nil }}
			if res := s.RunOnce(context.Background(), src("feed", pagedCollector(), time.Minute)); res.Err != nil || res.Items != 3 {
				t.Fatalf("run with a damaged state file: %+v, want 3 items", res)
			}
			if mem.Saved("feed").Cursor.LastID != "6" {
				t.Errorf("cursor %q after the run, want 6 (resumed from the store's)", mem.Saved("feed").Cursor.LastID)
			}
			if !strings.Contains(logs.String(), dir.File("feed")) {
				t.Errorf("the log does not name the file:\n%s", logs.String())
			}
			kept, _ := filepath.Glob(dir.File("feed") + ".*.bad")
			if len(kept) != 1 {
				t.Fatalf("damaged state file not kept aside: %v in %s", kept, dir.Dir)
			}
			if b, err := os.ReadFile(kept[0]); err != nil || string(b) != damage {
				t.Errorf("kept %q, %v; want the damaged file %q", b, err, damage)
			}
			if st, ok, err := dir.load("feed"); err != nil || !ok || st.State.Cursor.LastID != "6" {
				t.Errorf("state file after the run: %+v, %v, %v; want cursor 6", st.State.Cursor, ok, err)
			}
		})
	}
}
