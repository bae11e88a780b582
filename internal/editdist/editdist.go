// Package editdist measures how far apart two short names are, for the
// "did you mean" of config keys and query fields.
package editdist

// Levenshtein is the edit distance between a and b, counted in bytes (the
// names it compares are ASCII keys).
func Levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Closest is the name in known nearest to name within two edits, for a
// "did you mean"; "" when none is that near. Ties go to the first in known.
func Closest(name string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := Levenshtein(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}
