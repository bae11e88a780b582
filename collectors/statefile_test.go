package collectors

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
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
		"trailing":    `{"state":{"source":"feed"}} {"state"`,
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

// TestHugeStateFileBounded: a state file grown to a gigabyte of zeros
// (blocks a crash left unwritten, a file extended by mistake) was read
// into memory whole before it failed to decode.
func TestHugeStateFileBounded(t *testing.T) {
	dir := &StateDir{Dir: t.TempDir()}
	if err := os.WriteFile(dir.File("feed"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(dir.File("feed"), 1<<30); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, ok, err := dir.load("feed")
	runtime.ReadMemStats(&after)
	if err == nil || ok {
		t.Fatalf("a gigabyte of zeros loaded: ok %v, err %v", ok, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("loading it allocated %d MB", alloc>>20)
	}
}

// TestRunRemovesLeftoverStateTemps: a crash between writing a state file's
// temporary copy and renaming it left the copy behind, and every such
// crash added one (up to a dedup window's size each) for good. Run removes
// those an earlier process left; one younger than a minute may be another
// process's save in progress (`collect --once` beside the daemon).
func TestRunRemovesLeftoverStateTemps(t *testing.T) {
	dir := &StateDir{Dir: t.TempDir()}
	old, fresh := filepath.Join(dir.Dir, ".state-1.tmp"), filepath.Join(dir.Dir, ".state-2.tmp")
	for _, f := range []string{old, fresh, dir.File("feed")} {
		if err := os.WriteFile(f, []byte(`{}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(old, hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}
	s := &Scheduler{Store: NewMemStates(), StateDir: dir}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.Run(ctx)
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("leftover temporary state file still there: %v", err)
	}
	for _, f := range []string{fresh, dir.File("feed")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestSourceResetInTheStoreWinsOverAStateFile: `source reset` clears the
// cursor in the store, keeping its last run, and removes the state file
// of the host it runs on. With coordination the source's last run may
// have been on another member, whose state file holds the old cursor with
// the same last run: that file won the tie, so the reset was undone
// there, silently. The store's state wins a tie.
func TestSourceResetInTheStoreWinsOverAStateFile(t *testing.T) {
	dir := &StateDir{Dir: t.TempDir()} // another member's
	mem := NewMemStates()
	var from []string // the cursor each run starts from
	paged := pagedCollector()
	c := &fakeCollector{fn: func(n int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		from = append(from, cur.LastID)
		return paged.fn(n, cur)
	}}
	sink := func(context.Context, *Source, []mw.Mention) error { return nil }
	s := &Scheduler{Store: mem, StateDir: dir, Sink: sink}
	if res := s.RunOnce(context.Background(), src("feed", c, time.Minute)); res.Err != nil || res.Items != 3 {
		t.Fatalf("first run: %+v", res)
	}
	// source reset, on another host: the store's cursor is cleared.
	reset := mem.Saved("feed")
	reset.Cursor = mw.Cursor{}
	if err := mem.SaveSourceState(context.Background(), reset); err != nil {
		t.Fatal(err)
	}
	// The member restarts (or takes the source over) and runs it again.
	s = &Scheduler{Store: mem, StateDir: dir, Sink: sink}
	if res := s.RunOnce(context.Background(), src("feed", c, time.Minute)); res.Err != nil {
		t.Fatal(res.Err)
	}
	if fmt.Sprintf("%q", from) != `["" ""]` {
		t.Fatalf("the runs started from cursors %q; want the second from the start, as source reset asked", from)
	}
}
