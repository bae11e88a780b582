package query

import "fmt"

// Error is a query that does not parse. Col is the 1-based column, counted
// in characters (runes), of the place the parser gave up.
type Error struct {
	Col int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("query: column %d: %s", e.Col, e.Msg) }

func errAt(col int, format string, args ...any) *Error {
	return &Error{Col: col, Msg: fmt.Sprintf(format, args...)}
}

// suggestField returns the known field nearest to name, or "".
func suggestField(name string) string {
	best, bestD := "", 3
	for _, f := range fieldNames {
		if d := EditDistance(name, f); d < bestD {
			best, bestD = f, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance of two short names, counted in
// bytes. The config's "did you mean" uses it too.
func EditDistance(a, b string) int {
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
