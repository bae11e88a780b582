package writer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// fakeStore records inserted ids in order and fails while down is set.
type fakeStore struct {
	mu      sync.Mutex
	down    bool
	batches [][]string
	seen    map[string]int
}

func (f *fakeStore) InsertMentions(_ context.Context, ms []mw.Mention) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("connection refused")
	}
	if f.seen == nil {
		f.seen = map[string]int{}
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
		f.seen[m.ID]++
	}
	f.batches = append(f.batches, ids)
	return nil
}

func (f *fakeStore) setDown(d bool) { f.mu.Lock(); f.down = d; f.mu.Unlock() }

func (f *fakeStore) order() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, b := range f.batches {
		out = append(out, b...)
	}
	return out
}

func mentions(prefix string, n int) []mw.Mention {
	out := make([]mw.Mention, n)
	for i := range out {
		out[i] = mw.Mention{ID: fmt.Sprintf("%s%03d", prefix, i), Brand: "acme", Text: "teks «ü»", Published: time.Unix(int64(i), 0).UTC()}
	}
	return out
}

func newWriter(t *testing.T, st Inserter, opt Options) *Writer {
	t.Helper()
	if opt.SpoolDir == "" {
		opt.SpoolDir = filepath.Join(t.TempDir(), "spool")
	}
	w, err := New(st, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(context.Background()) })
	return w
}

var ctx = context.Background()

func TestFlushBySize(t *testing.T) {
	st := &fakeStore{}
	w := newWriter(t, st, Options{BatchSize: 3, FlushInterval: time.Hour})
	if err := w.Write(ctx, mentions("a", 7)); err != nil {
		t.Fatal(err)
	}
	// Full batches are stored in the background.
	deadline := time.Now().Add(10 * time.Second)
	for len(st.order()) < 6 {
		if time.Now().After(deadline) {
			t.Fatalf("after writing 7 with batch size 3: %d stored, want 6 (two full batches)", len(st.order()))
		}
		time.Sleep(time.Millisecond)
	}
	if s := w.Stats(); s.Buffered != 1 {
		t.Fatalf("buffered %d, want 1", s.Buffered)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(st.order()); got != 7 {
		t.Fatalf("after Flush: %d stored, want 7", got)
	}
	for _, b := range st.batches {
		if len(b) > 3 {
			t.Fatalf("a batch of %d exceeds the batch size", len(b))
		}
	}
}

func TestFlushByAge(t *testing.T) {
	st := &fakeStore{}
	w := newWriter(t, st, Options{BatchSize: 1000, FlushInterval: 20 * time.Millisecond})
	if err := w.Write(ctx, mentions("a", 2)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(st.order()) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("buffered mentions were never flushed by age")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStoreDownSpoolsThenReplaysInOrder(t *testing.T) {
	st := &fakeStore{down: true}
	var replayed []mw.Mention
	w := newWriter(t, st, Options{BatchSize: 4, FlushInterval: time.Hour, OnReplay: func(ms []mw.Mention) { replayed = append(replayed, ms...) }})
	if err := w.Write(ctx, mentions("a", 10)); err != nil {
		t.Fatalf("Write while the store is down: %v (the spool should take it)", err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n, size := w.SpoolDepth(); n != 3 || size == 0 {
		t.Fatalf("spool depth %d batches (%d bytes), want 3", n, size)
	}
	st.setDown(false)
	if err := w.Write(ctx, mentions("b", 2)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range append(mentions("a", 10), mentions("b", 2)...) {
		want = append(want, m.ID)
	}
	got := st.order()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("replay order:\n got %v\nwant %v", got, want)
	}
	if n, _ := w.SpoolDepth(); n != 0 {
		t.Fatalf("spool not drained: %d batches", n)
	}
	s := w.Stats()
	if s.Spooled != 10 || s.Replayed != 10 || s.Stored != 12 || s.InsertErrors == 0 {
		t.Fatalf("stats %+v", s)
	}
	var told []string
	for _, m := range replayed {
		told = append(told, m.ID)
	}
	if fmt.Sprint(told) != fmt.Sprint(want[:10]) {
		t.Fatalf("OnReplay was told of %v, want the spooled %v (the daemon's alert loop reads them back)", told, want[:10])
	}
}

func TestBackgroundReplay(t *testing.T) {
	st := &fakeStore{down: true}
	w := newWriter(t, st, Options{BatchSize: 5, FlushInterval: 10 * time.Millisecond})
	if err := w.Write(ctx, mentions("a", 5)); err != nil {
		t.Fatal(err)
	}
	st.setDown(false)
	deadline := time.Now().Add(20 * time.Second)
	for len(st.order()) < 5 {
		if time.Now().After(deadline) {
			t.Fatal("the background loop never replayed the spool")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRestartReplaysSpool(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	down := &fakeStore{down: true}
	w1, err := New(down, Options{BatchSize: 3, FlushInterval: time.Hour, SpoolDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := w1.Write(ctx, mentions("a", 8)); err != nil {
		t.Fatal(err)
	}
	if err := w1.Close(ctx); err != nil {
		t.Fatalf("Close with the store down: %v (the spool should take it)", err)
	}
	// A write interrupted by a crash leaves a temporary file behind; one
	// another process is writing right now must stay.
	crashed, writing := filepath.Join(dir, "batch-123.tmp"), filepath.Join(dir, "batch-456.tmp")
	os.WriteFile(crashed, []byte(`{"id":"half`), 0o600)
	os.WriteFile(writing, []byte(`{"id":"being written`), 0o600)
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(crashed, old, old); err != nil {
		t.Fatal(err)
	}

	up := &fakeStore{}
	w2 := newWriter(t, up, Options{BatchSize: 3, FlushInterval: time.Hour, SpoolDir: dir})
	if n, _ := w2.SpoolDepth(); n != 3 {
		t.Fatalf("second run sees %d spooled batches, want 3", n)
	}
	if err := w2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := up.order(); len(got) != 8 || got[0] != "a000" || got[7] != "a007" {
		t.Fatalf("after restart: %v", got)
	}
	if _, err := os.Stat(crashed); !os.IsNotExist(err) {
		t.Error("interrupted temporary file not cleaned up")
	}
	if _, err := os.Stat(writing); err != nil {
		t.Errorf("another process's batch being written was removed: %v", err)
	}
}

func TestSpoolFull(t *testing.T) {
	st := &fakeStore{down: true}
	w := newWriter(t, st, Options{BatchSize: 100, FlushInterval: time.Hour, SpoolMaxBytes: 600})
	if err := w.Write(ctx, mentions("a", 1)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("first small batch should fit: %v", err)
	}
	if err := w.Write(ctx, mentions("b", 20)); err != nil {
		t.Fatal(err)
	}
	err := w.Flush(ctx)
	if !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("Flush with a full spool: %v, want ErrSpoolFull", err)
	}
	if s := w.Stats(); s.Buffered != 20 {
		t.Fatalf("a batch the spool refused must stay buffered: %d buffered", s.Buffered)
	}
	st.setDown(false)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := st.order(); len(got) != 21 || got[0] != "a000" {
		t.Fatalf("after the store came back: %d stored (%v), want 21, spooled first", len(got), got)
	}
}

func TestCorruptSegmentMovedAside(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	os.MkdirAll(dir, 0o750)
	os.WriteFile(filepath.Join(dir, "00000000000000000001.batch"), []byte("{not json\n"), 0o600)
	st := &fakeStore{down: true}
	w := newWriter(t, st, Options{BatchSize: 2, FlushInterval: time.Hour, SpoolDir: dir})
	w.Write(ctx, mentions("a", 2))
	st.setDown(false)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := st.order(); len(got) != 2 {
		t.Fatalf("stored %v, want the 2 good mentions", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "00000000000000000001.batch.bad")); err != nil {
		t.Errorf("corrupt segment not kept aside for inspection: %v", err)
	}
}

func TestNoSpoolDir(t *testing.T) {
	if _, err := New(&fakeStore{}, Options{}); err == nil {
		t.Fatal("no spool dir: no error")
	}
}

func TestWriteAfterClose(t *testing.T) {
	w := newWriter(t, &fakeStore{}, Options{BatchSize: 1})
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, mentions("a", 3)); err == nil {
		t.Fatal("Write after Close: no error")
	}
}

// TestBackgroundSpoolFullKeepsMentions: a full batch the background flusher
// can neither store nor spool is kept, reported by the next Write, and
// stored by a later Flush.
func TestBackgroundSpoolFullKeepsMentions(t *testing.T) {
	st := &fakeStore{down: true}
	w := newWriter(t, st, Options{BatchSize: 10, FlushInterval: time.Hour, SpoolMaxBytes: 100})
	if err := w.Write(ctx, mentions("a", 10)); err != nil {
		t.Fatal(err)
	}
	var err error
	deadline := time.Now().Add(10 * time.Second)
	for err == nil && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		err = w.Write(ctx, nil)
		if err == nil {
			err = w.Write(ctx, mentions("b", 1))
		}
	}
	if !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("Write after a failed background flush: %v, want ErrSpoolFull", err)
	}
	st.setDown(false)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := st.order()
	if len(got) < 10 || got[0] != "a000" {
		t.Fatalf("kept mentions not stored in order: %v", got)
	}
}

// Healthy reports failing writes while the store is down and while the
// spool cannot take batches, and clears when writes succeed again.
func TestHealthy(t *testing.T) {
	st := &fakeStore{}
	w := newWriter(t, st, Options{BatchSize: 100, FlushInterval: time.Hour, SpoolMaxBytes: 600})
	if err := w.Healthy(); err != nil {
		t.Fatalf("a new writer: %v", err)
	}
	st.setDown(true)
	w.Write(ctx, mentions("a", 1))
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Healthy(); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("store down, batch spooled: Healthy() = %v, want the insert error", err)
	}
	w.Write(ctx, mentions("b", 20))
	if err := w.Flush(ctx); !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("Flush: %v", err)
	}
	if err := w.Healthy(); !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("spool full: Healthy() = %v, want ErrSpoolFull", err)
	}
	st.setDown(false)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Healthy(); err != nil {
		t.Fatalf("store back, spool drained: Healthy() = %v", err)
	}
}

// slowStore holds every insert until release is closed, as a hung server
// does.
type slowStore struct {
	fakeStore
	release chan struct{}
}

func (s *slowStore) InsertMentions(ctx context.Context, ms []mw.Mention) error {
	<-s.release
	return s.fakeStore.InsertMentions(ctx, ms)
}

// TestWriteCancelledWhileQueueFull: a Write whose context ends while it
// waits for room in the queue (the store hangs; a source run timed out)
// puts its batch back in front of what others wrote meanwhile. The
// buffer then holds more than a batch; the next Write used to panic
// (slice bounds out of range) on it. Nothing is lost or doubled.
func TestWriteCancelledWhileQueueFull(t *testing.T) {
	st := &slowStore{release: make(chan struct{})}
	w := newWriter(t, st, Options{BatchSize: 2, FlushInterval: time.Hour})
	if err := w.Write(ctx, mentions("a", 4)); err != nil { // one batch in the flusher, one in the queue
		t.Fatal(err)
	}
	if err := w.Write(ctx, mentions("b", 1)); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	blocked := make(chan error)
	go func() { blocked <- w.Write(cctx, mentions("c", 1)) }() // fills the batch; waits for the queue
	for w.Stats().Buffered != 0 {
		time.Sleep(time.Millisecond) // until it took the full buffer
	}
	if err := w.Write(ctx, mentions("d", 1)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-blocked; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Write: %v, want context.Canceled", err)
	}
	done := make(chan error)
	go func() { done <- w.Write(ctx, mentions("e", 1)) }()
	close(st.release)
	if err := <-done; err != nil {
		t.Fatalf("Write after the cancelled one: %v", err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := st.order()
	if len(got) != 8 {
		t.Fatalf("stored %v, want the 8 mentions once each", got)
	}
	for id, n := range st.seen {
		if n != 1 {
			t.Errorf("%s stored %d times", id, n)
		}
	}
}

// TestCorruptLineKeepsTheRestOfItsSegment: a segment with one damaged
// line (a disk that flipped a few bytes) used to be moved aside whole, and
// every good mention in it was lost to the store. The good lines are
// replayed; the damaged one is kept in the segment's .bad file.
func TestCorruptLineKeepsTheRestOfItsSegment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	st := &fakeStore{down: true}
	w := newWriter(t, st, Options{BatchSize: 3, FlushInterval: time.Hour, SpoolDir: dir})
	if err := w.Write(ctx, mentions("a", 3)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil { // one batch of 3, spooled while the store is down
		t.Fatal(err)
	}
	seg := damageSegment(t, dir, "{\"id\": \x01garbled")
	st.setDown(false)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := st.order(); len(got) != 2 {
		t.Fatalf("stored %v, want the segment's 2 good mentions", got)
	}
	bad, err := os.ReadFile(seg + ".bad")
	if err != nil || !bytes.Contains(bad, []byte("garbled")) || bytes.Count(bad, []byte("\n")) != 1 {
		t.Errorf("the damaged line is not kept aside alone: %q, %v", bad, err)
	}
	if _, err := os.Stat(seg); !os.IsNotExist(err) {
		t.Errorf("the replayed segment is still queued: %v", err)
	}
}
