//go:build race

package scoring

// raceEnabled: sync.Pool drops items at random under the race detector.
const raceEnabled = true
