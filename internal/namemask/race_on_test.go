//go:build race

package namemask

// raceEnabled: under the race detector sync.Pool drops items at random,
// so regexp allocates its matcher now and then; the allocation check
// runs in make test's race-free pass.
const raceEnabled = true
