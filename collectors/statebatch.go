package collectors

import (
	"context"
	"sync"
	"time"

	"github.com/mentionwatch/mentionwatch/store"
)

// StatesSaver is a StateStore that saves several sources' states in one
// write (every store.Store is one). The scheduler then gathers the saves
// of concurrent runs: with a thousand sources, one insert per run is more
// than a ClickHouse server takes.
type StatesSaver interface {
	SaveSourceStates(ctx context.Context, sts []store.SourceState) error
}

// DefaultStateSaveDelay is how long the scheduler gathers source states
// before it writes them to a StatesSaver.
const DefaultStateSaveDelay = 200 * time.Millisecond

// stateBatcher is a group commit of source states: the first Save starts a
// batch that is written delay later, every Save that arrives meanwhile
// joins it, and each Save returns once its batch is written, so a run
// still saves its state in the store before it ends (and before its
// source's lock can move to another member). Writes are serialised: what
// arrives while one is written goes with the next. Safe for concurrent
// use; each batch is written by a goroutine of its own.
type stateBatcher struct {
	save  func(ctx context.Context, sts []store.SourceState) error
	delay time.Duration

	ioMu   sync.Mutex // one write at a time
	mu     sync.Mutex // guards cur and active
	cur    *stateBatch
	active int // Saves in progress
}

type stateBatch struct {
	sts  []store.SourceState // under stateBatcher.mu until written
	done chan struct{}       // closed when written; err is then its result
	err  error
}

// Save adds st to the open batch and waits until that batch is written or
// ctx ends. A Save with no other in progress (sources run one after
// another, as collect --once does) writes at once.
func (b *stateBatcher) Save(ctx context.Context, st store.SourceState) error {
	b.mu.Lock()
	b.active++
	alone := b.active == 1 && b.cur == nil
	defer func() {
		b.mu.Lock()
		b.active--
		b.mu.Unlock()
	}()
	if alone {
		b.mu.Unlock()
		b.ioMu.Lock()
		defer b.ioMu.Unlock()
		return b.save(ctx, []store.SourceState{st})
	}
	bt := b.cur
	if bt == nil {
		bt = &stateBatch{done: make(chan struct{})}
		b.cur = bt
		go b.write(bt)
	}
	bt.sts = append(bt.sts, st)
	b.mu.Unlock()
	select {
	case <-bt.done:
		return bt.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *stateBatcher) write(bt *stateBatch) {
	time.Sleep(b.delay)
	b.ioMu.Lock()
	defer b.ioMu.Unlock()
	b.mu.Lock()
	if b.cur == bt {
		b.cur = nil
	}
	sts := bt.sts
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	bt.err = b.save(ctx, sts)
	cancel()
	close(bt.done)
}
