//go:build race

package training

// raceEnabled: the race detector makes the single-threaded training of the
// reproducibility tests about ten times slower and checks nothing there;
// make test runs them again without it.
const raceEnabled = true
