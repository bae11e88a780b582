package writer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// failingFile wraps a real temporary file and fails its writes or its
// fsync, as a full disk or a failing device does.
type failingFile struct {
	*os.File
	failWrite, failSync bool
}

var errInjected = errors.New("injected I/O error")

func (f *failingFile) Write(p []byte) (int, error) {
	if f.failWrite {
		return 0, errInjected
	}
	return f.File.Write(p)
}

func (f *failingFile) Sync() error {
	if f.failSync {
		return errInjected
	}
	return f.File.Sync()
}

// A batch whose bytes or fsync did not reach the disk must not be reported
// as spooled: Flush fails, the mentions stay buffered, and no segment is
// left behind for a later replay.
func TestSpoolPushReportsWriteAndSyncErrors(t *testing.T) {
	for _, tc := range []struct {
		name                string
		failWrite, failSync bool
	}{
		{"flush", true, false},
		{"fsync", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			st := &fakeStore{down: true}
			w, err := New(st, Options{BatchSize: 100, FlushInterval: time.Hour, SpoolDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close(context.Background())
			w.spool.create = func(dir, pattern string) (segmentFile, error) {
				f, err := os.CreateTemp(dir, pattern)
				if err != nil {
					return nil, err
				}
				return &failingFile{File: f, failWrite: tc.failWrite, failSync: tc.failSync}, nil
			}
			if err := w.Write(context.Background(), mentions("a", 3)); err != nil {
				t.Fatal(err)
			}
			err = w.Flush(context.Background())
			if !errors.Is(err, errInjected) {
				t.Fatalf("Flush with a failing %s = %v, want the injected error", tc.name, err)
			}
			if s := w.Stats(); s.Spooled != 0 || s.SpoolBatches != 0 || s.Buffered != 3 {
				t.Errorf("after a failed %s: spooled %d, spool batches %d, buffered %d; want 0, 0, 3", tc.name, s.Spooled, s.SpoolBatches, s.Buffered)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				t.Errorf("file left in the spool after a failed %s: %s", tc.name, e.Name())
			}
			// Once the disk recovers, the same mentions are spooled.
			w.spool.create = createTemp
			if err := w.Flush(context.Background()); err != nil {
				t.Fatalf("Flush after recovery: %v", err)
			}
			if s := w.Stats(); s.Spooled != 3 || s.SpoolBatches != 1 {
				t.Errorf("after recovery: spooled %d, batches %d; want 3, 1", s.Spooled, s.SpoolBatches)
			}
		})
	}
}

// TestSpoolTakesNonFiniteScores: a batch holding a NaN or infinite score
// (which encoding/json refuses) is spooled while the store is down, not
// kept in memory failing every Flush, and reaches the store once it is
// back, as store.Clean maps it.
func TestSpoolTakesNonFiniteScores(t *testing.T) {
	st := &fakeStore{down: true}
	w := newWriter(t, st, Options{BatchSize: 100, FlushInterval: time.Hour})
	ms := mentions("a", 3)
	ms[1].Sentiment, ms[1].Reach, ms[2].Rating = float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))
	if err := w.Write(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("Flush while the store is down: %v (the spool should take the batch)", err)
	}
	if n, _ := w.SpoolDepth(); n != 1 {
		t.Fatalf("spool holds %d batches, want 1", n)
	}
	st.setDown(false)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(st.order()); got != "[a000 a001 a002]" {
		t.Fatalf("stored %s, want [a000 a001 a002]", got)
	}
}

// damageSegment replaces the second line of the only segment in dir with
// garbled bytes and returns the segment's path.
func damageSegment(t *testing.T, dir, garble string) string {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(dir, "*.batch"))
	if len(segs) != 1 {
		t.Fatalf("spool holds %v, want one segment", segs)
	}
	b, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	lines[1] = []byte(garble + "\n")
	if err := os.WriteFile(segs[0], bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	return segs[0]
}

// TestSpoolKeepsTheBadFilesOfAnEarlierRun: the undecodable lines of a
// replayed segment are kept in its name + ".bad" for an operator. Once the
// spool had drained, a restart numbered segments from 1 again, and the
// next damaged segment's .bad file overwrote the earlier one.
func TestSpoolKeepsTheBadFilesOfAnEarlierRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	for run, garble := range []string{"first-run-garble", "second-run-garble"} {
		st := &fakeStore{down: true}
		w, err := New(st, Options{BatchSize: 3, FlushInterval: time.Hour, SpoolDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(ctx, mentions(fmt.Sprint(run), 3)); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		damageSegment(t, dir, garble)
		st.setDown(false)
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if got := st.order(); len(got) != 2 {
			t.Fatalf("run %d stored %v, want the segment's 2 good mentions", run, got)
		}
	}
	bads, _ := filepath.Glob(filepath.Join(dir, "*.bad"))
	var all []byte
	for _, b := range bads {
		data, _ := os.ReadFile(b)
		all = append(all, data...)
	}
	for _, garble := range []string{"first-run-garble", "second-run-garble"} {
		if !bytes.Contains(all, []byte(garble)) {
			t.Errorf("the line %q kept aside is gone; .bad files: %v", garble, bads)
		}
	}
}

// TestSpoolLinesThatAreNoMentionKeptAside: push writes every mention with
// its id (store.Clean sets it), so a line of valid JSON that holds no
// mention (null, {}, an object of other keys: a damaged or hand-edited
// file) is damage. It used to replay as an empty mention, a row without
// id in the store.
func TestSpoolLinesThatAreNoMentionKeptAside(t *testing.T) {
	for _, garble := range []string{`null`, `{}`, `{"foo":1}`, `"a string"`, `42`} {
		t.Run(garble, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "spool")
			st := &fakeStore{down: true}
			w := newWriter(t, st, Options{BatchSize: 3, FlushInterval: time.Hour, SpoolDir: dir})
			if err := w.Write(ctx, mentions("a", 3)); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			seg := damageSegment(t, dir, garble)
			st.setDown(false)
			if err := w.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(st.order()); got != "[a000 a002]" {
				t.Errorf("stored %s, want [a000 a002]", got)
			}
			if bad, err := os.ReadFile(seg + ".bad"); err != nil || string(bad) != garble+"\n" {
				t.Errorf("the line is not kept aside: %q, %v", bad, err)
			}
		})
	}
}

// TestSpoolHugeLineBounded: a damaged segment holding 100 MB without a
// newline (a disk that zeroed or garbled a run of blocks) is read within
// bounded memory: the huge line is copied aside as it is read, and the
// good mentions around it are replayed.
func TestSpoolHugeLineBounded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "00000000000000000001.batch"))
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(f)
	ms := mentions("a", 2)
	enc.Encode(ms[0])
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	const huge = 100
	for range huge {
		f.Write(chunk)
	}
	f.Write([]byte("\n"))
	enc.Encode(ms[1])
	f.Write(chunk) // and a damaged tail without a newline
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	st := &fakeStore{}
	w := newWriter(t, st, Options{BatchSize: 3, FlushInterval: time.Hour, SpoolDir: dir})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if got := fmt.Sprint(st.order()); got != "[a000 a001]" {
		t.Errorf("stored %s, want [a000 a001]", got)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 40<<20 {
		t.Errorf("replaying a segment with a %d MB line allocated %d MB", huge, alloc>>20)
	}
	if took > 20*time.Second {
		t.Errorf("replay took %v", took)
	}
	info, err := os.Stat(filepath.Join(dir, "00000000000000000001.batch.bad"))
	if err != nil || info.Size() != (huge+1)<<20+2 {
		t.Errorf("the damaged lines are not kept aside whole: %v, %v", info, err)
	}
}

// TestTwoWritersOnOneSpoolLoseNothing: `collect --once` run beside the
// daemon (as the runbook suggests for a failing source) opens the same
// spool. Both numbered their next segment alike, and the second rename
// replaced the first writer's batch while the store was down.
func TestTwoWritersOnOneSpoolLoseNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	st := &fakeStore{down: true}
	daemon := newWriter(t, st, Options{BatchSize: 100, FlushInterval: time.Hour, SpoolDir: dir})
	if err := daemon.Commit(ctx, mentions("a", 2)); err != nil {
		t.Fatal(err)
	}
	once := newWriter(t, st, Options{BatchSize: 100, FlushInterval: time.Hour, SpoolDir: dir})
	if err := daemon.Commit(ctx, mentions("b", 2)); err != nil {
		t.Fatal(err)
	}
	if err := once.Commit(ctx, mentions("c", 2)); err != nil {
		t.Fatal(err)
	}
	if err := once.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := daemon.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st.setDown(false)
	next := newWriter(t, st, Options{BatchSize: 100, FlushInterval: time.Hour, SpoolDir: dir})
	if err := next.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, m := range append(append(mentions("a", 2), mentions("b", 2)...), mentions("c", 2)...) {
		if st.seen[m.ID] == 0 {
			t.Errorf("%s, spooled by Commit, never reached the store", m.ID)
		}
	}
}
