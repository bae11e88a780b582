package query

// Term is a word or run of words a document must contain, folded; Prefix
// makes the last word a prefix. Handles and hashtags are given as their
// bare word ("@acme" as "acme"), which a text search finds too.
type Term struct {
	Words  []string
	Prefix bool
}

// Required returns clauses every document matching q satisfies: each
// clause lists terms, and a matching document's text holds at least one
// term of every clause. A store narrows a search with them (a full-text
// index, a substring scan) before the evaluator decides; nil means the
// query needs no word (only NOTs and field filters). It never rejects a
// document Match accepts.
func (q *Query) Required() [][]Term { return q.root.required() }

func (n *node) required() [][]Term {
	switch n.op {
	case opTerm:
		return [][]Term{n.forms()}
	case opAnd, opNear:
		var out [][]Term
		for _, k := range n.kids {
			out = append(out, k.required()...)
		}
		return out
	case opOr:
		// Any kid may match: one clause of every kid's first clause.
		var alt []Term
		for _, k := range n.kids {
			cs := k.required()
			if len(cs) == 0 {
				return nil
			}
			alt = append(alt, cs[0]...)
		}
		return [][]Term{alt}
	}
	return nil // a field or a NOT constrains no word
}
