//go:build !race

package namemask

const raceEnabled = false
