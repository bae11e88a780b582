package collectortest

import (
	"context"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// Runner runs sources through the real scheduler (RunOnce) with state
// kept in memory and a sink that keeps what it receives.
type Runner struct {
	State *collectors.MemStates
	Items []mw.Mention
	sched *collectors.Scheduler
}

// NewRunner returns a Runner with an empty state.
func NewRunner() *Runner {
	r := &Runner{State: collectors.NewMemStates()}
	r.sched = &collectors.Scheduler{
		Store: r.State,
		Now:   func() time.Time { return Now },
		Sink: func(_ context.Context, _ *collectors.Source, items []mw.Mention) error {
			r.Items = append(r.Items, items...)
			return nil
		},
	}
	return r
}

// RunOnce runs src once, as the scheduler would, and returns the result;
// the cursor it saved is in State.
func (r *Runner) RunOnce(t testing.TB, src *collectors.Source) collectors.RunResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return r.sched.RunOnce(ctx, src)
}
