package writer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// gatedStore is a fakeStore whose first insert waits for release; entered
// is closed when that insert has begun.
type gatedStore struct {
	fakeStore
	entered, release chan struct{}
	once             sync.Once
}

func (g *gatedStore) InsertMentions(ctx context.Context, ms []mw.Mention) error {
	first := false
	g.once.Do(func() { first = true })
	if first {
		close(g.entered)
		<-g.release
	}
	return g.fakeStore.InsertMentions(ctx, ms)
}

func (f *fakeStore) stored(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[id]
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(time.Minute); time.Now().Before(end); {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("never: %s", what)
}

// TestCommitsShareOneInsert: the Commits that arrive while an insert runs
// go to the store together in the next one, and each returns only once
// its own mentions are stored.
func TestCommitsShareOneInsert(t *testing.T) {
	st := &gatedStore{entered: make(chan struct{}), release: make(chan struct{})}
	w := newWriter(t, st, Options{BatchSize: 1000, FlushInterval: time.Hour, CommitDelay: time.Millisecond})
	const runs = 40
	errs := make(chan error, runs)
	commit := func(r int) {
		ms := mentions(fmt.Sprintf("r%02d-", r), 3)
		err := w.Commit(ctx, ms)
		for _, m := range ms {
			if err == nil && st.stored(m.ID) != 1 {
				err = fmt.Errorf("run %d: Commit returned before %s was stored", r, m.ID)
			}
		}
		errs <- err
	}
	go commit(0)
	<-st.entered // the first run's insert is in progress
	for r := 1; r < runs; r++ {
		go commit(r)
	}
	waitUntil(t, "the other runs' mentions buffered", func() bool { return w.Stats().Buffered == 3*(runs-1) })
	close(st.release)
	for r := 0; r < runs; r++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.batches) != 2 || len(st.batches[1]) != 3*(runs-1) {
		t.Fatalf("%d runs made %d inserts (sizes %v), want 2: the first run's, then the other %d runs' together", runs, len(st.batches), batchSizes(st.batches), runs-1)
	}
}

func batchSizes(bs [][]string) []int {
	out := make([]int, len(bs))
	for i, b := range bs {
		out[i] = len(b)
	}
	return out
}

// TestCommitLargerThanABatch: a Commit of more mentions than BatchSize
// returns once all of them are stored, the full batches included.
func TestCommitLargerThanABatch(t *testing.T) {
	st := &fakeStore{}
	w := newWriter(t, st, Options{BatchSize: 4, FlushInterval: time.Hour, CommitDelay: time.Hour})
	ms := mentions("a", 10)
	if err := w.Commit(ctx, ms); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if st.stored(m.ID) != 1 {
			t.Fatalf("%s stored %d times after Commit, want 1", m.ID, st.stored(m.ID))
		}
	}
}

// TestCommitSpoolsWhileTheStoreIsDown: a Commit succeeds once its
// mentions are in the spool, and they reach the store when it is back.
func TestCommitSpoolsWhileTheStoreIsDown(t *testing.T) {
	st := &fakeStore{down: true}
	// A Commit with no other in progress flushes at once: the hour's
	// delay is never waited.
	w := newWriter(t, st, Options{BatchSize: 100, FlushInterval: time.Hour, CommitDelay: time.Hour})
	if err := w.Commit(ctx, mentions("a", 5)); err != nil {
		t.Fatalf("Commit with the store down: %v, want the batch spooled", err)
	}
	if n, _ := w.SpoolDepth(); n != 1 {
		t.Fatalf("spool holds %d batches, want 1", n)
	}
	st.setDown(false)
	if err := w.Commit(ctx, mentions("b", 1)); err != nil {
		t.Fatal(err)
	}
	if got := st.order(); len(got) != 6 || got[0] != "a000" || got[5] != "b000" {
		t.Fatalf("stored %v, want the spooled batch first, then b000", got)
	}
}

// TestCommitFailsWhenTheSpoolIsFull: the run learns its mentions are not
// durable (so it keeps its cursor), and they stay buffered for a later
// flush.
func TestCommitFailsWhenTheSpoolIsFull(t *testing.T) {
	st := &fakeStore{down: true}
	w := newWriter(t, st, Options{BatchSize: 100, FlushInterval: time.Hour, SpoolMaxBytes: 600, CommitDelay: time.Hour})
	err := w.Commit(ctx, mentions("a", 20))
	if !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("Commit with the store down and a full spool: %v, want ErrSpoolFull", err)
	}
	if s := w.Stats(); s.Buffered != 20 {
		t.Fatalf("%d mentions buffered, want the 20 kept", s.Buffered)
	}
	st.setDown(false)
	if err := w.Commit(ctx, mentions("b", 1)); err != nil {
		t.Fatal(err)
	}
	if got := st.order(); len(got) != 21 {
		t.Fatalf("stored %d mentions once the store was back, want 21", len(got))
	}
}

// TestCloseFlushesWaitingCommits: a Commit waiting for the committer when
// the writer closes is answered by Close's flush.
func TestCloseFlushesWaitingCommits(t *testing.T) {
	st := &gatedStore{entered: make(chan struct{}), release: make(chan struct{})}
	w := newWriter(t, st, Options{BatchSize: 100, FlushInterval: time.Hour, CommitDelay: time.Hour})
	first := make(chan error, 1)
	go func() { first <- w.Commit(ctx, mentions("a", 1)) }() // alone: flushes at once, and its insert waits
	<-st.entered
	second := make(chan error, 1)
	go func() { second <- w.Commit(ctx, mentions("b", 3)) }() // waits for the committer's flush, an hour away
	waitUntil(t, "the second Commit's mentions buffered", func() bool { return w.Stats().Buffered == 3 })
	closed := make(chan error, 1)
	go func() { closed <- w.Close(ctx) }()
	close(st.release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	for _, c := range []chan error{first, second} {
		if err := <-c; err != nil {
			t.Fatalf("Commit answered by Close: %v", err)
		}
	}
	if got := st.order(); len(got) != 4 {
		t.Fatalf("stored %v after Close, want the 4 mentions", got)
	}
	if err := w.Commit(ctx, mentions("c", 1)); err == nil {
		t.Fatal("Commit after Close succeeded")
	}
}
