package main

import "context"

// compute runs work, a computation that does not watch ctx (a training or
// evaluation over a data set), and returns when it ends or when ctx does,
// whichever comes first: the first Ctrl-C stops an eval or train command
// at once and says it was interrupted, where it used to run on to the end
// (only a second Ctrl-C ended it). The commands write their files after
// compute returns, so an interrupted one writes nothing; the abandoned
// work ends with the process.
func compute(ctx context.Context, work func() error) error {
	done := make(chan error, 1)
	go func() { done <- work() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return interrupted(ctx)
	}
}
