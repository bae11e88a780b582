package query

import (
	"fmt"

	"github.com/mentionwatch/mentionwatch/internal/editdist"
)

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
func EditDistance(a, b string) int { return editdist.Levenshtein(a, b) }
