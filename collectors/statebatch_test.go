package collectors

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// batchStates records the batches written; the first write waits for
// release, and fail makes writes fail.
type batchStates struct {
	*MemStates
	mu      sync.Mutex
	batches [][]string
	entered chan struct{}
	release chan struct{}
	once    sync.Once
	fail    error
}

func (b *batchStates) SaveSourceStates(ctx context.Context, sts []store.SourceState) error {
	first := false
	b.once.Do(func() { first = true })
	if first {
		close(b.entered)
		<-b.release
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail != nil {
		return b.fail
	}
	var names []string
	for _, st := range sts {
		names = append(names, st.Source)
		b.MemStates.SaveSourceState(ctx, st)
	}
	b.batches = append(b.batches, names)
	return nil
}

// TestStateSavesShareOneWrite: the saves that arrive while a write runs go
// to the store together in the next write, and each Save returns only
// once its own state is written.
func TestStateSavesShareOneWrite(t *testing.T) {
	st := &batchStates{MemStates: NewMemStates(), entered: make(chan struct{}), release: make(chan struct{})}
	b := &stateBatcher{save: st.SaveSourceStates, delay: time.Millisecond}
	const runs = 30
	errs := make(chan error, runs)
	save := func(r int) {
		name := fmt.Sprintf("s%02d", r)
		err := b.Save(context.Background(), store.SourceState{Source: name})
		if err == nil && st.Saved(name).Source != name {
			err = fmt.Errorf("Save of %s returned before it was written", name)
		}
		errs <- err
	}
	go save(0)
	<-st.entered
	for r := 1; r < runs; r++ {
		go save(r)
	}
	// The other saves join one batch; wait until they all have.
	for end := time.Now().Add(time.Minute); ; {
		b.mu.Lock()
		n := 0
		if b.cur != nil {
			n = len(b.cur.sts)
		}
		b.mu.Unlock()
		if n == runs-1 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("%d of %d saves joined the next batch", n, runs-1)
		}
		time.Sleep(time.Millisecond)
	}
	close(st.release)
	for r := 0; r < runs; r++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(st.batches) != 2 || len(st.batches[1]) != runs-1 {
		t.Fatalf("%d saves made %d writes %v, want 2: the first, then the other %d together", runs, len(st.batches), st.batches, runs-1)
	}
}

// TestStateSaveFailureReachesEverySave: when the write fails, every run in
// the batch hears of it (the scheduler logs it and keeps the state in
// memory and in its file).
func TestStateSaveFailureReachesEverySave(t *testing.T) {
	down := errors.New("connection refused")
	st := &batchStates{MemStates: NewMemStates(), entered: make(chan struct{}), release: make(chan struct{}), fail: down}
	close(st.release)
	b := &stateBatcher{save: st.SaveSourceStates, delay: time.Millisecond}
	var wg sync.WaitGroup
	for r := 0; r < 5; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.Save(context.Background(), store.SourceState{Source: fmt.Sprint(r)}); !errors.Is(err, down) {
				t.Errorf("Save while the store fails: %v, want %v", err, down)
			}
		}()
	}
	wg.Wait()
}

// TestSchedulerBatchesStateSaves: a scheduler whose store takes several
// states at once saves every run's state, with its new cursor, through it.
func TestSchedulerBatchesStateSaves(t *testing.T) {
	st := &batchStates{MemStates: NewMemStates(), entered: make(chan struct{}), release: make(chan struct{})}
	close(st.release)
	c := &fakeCollector{fn: func(n int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return []mw.Mention{{ID: fmt.Sprint(n), Text: "acme"}}, mw.Cursor{LastID: fmt.Sprint(n)}, nil
	}}
	s := &Scheduler{Store: st, Sink: func(context.Context, *Source, []mw.Mention) error { return nil }, StateSaveDelay: time.Millisecond}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res := s.RunOnce(context.Background(), src(fmt.Sprintf("s%d", i), c, time.Minute)); res.Err != nil {
				t.Error(res.Err)
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, b := range st.batches {
		total += len(b)
	}
	if total != 8 {
		t.Fatalf("the store got %d states in %d writes, want 8", total, len(st.batches))
	}
	for i := 0; i < 8; i++ {
		if got := st.Saved(fmt.Sprintf("s%d", i)); got.Cursor.LastID == "" || got.ItemsLastRun != 1 {
			t.Fatalf("state of s%d in the store: %+v, want its new cursor and 1 item", i, got)
		}
	}
}
