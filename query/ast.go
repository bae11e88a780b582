package query

import (
	"strconv"
	"strings"
	"unicode"
)

type op uint8

const (
	opTerm  op = iota // a word or phrase: toks in a row
	opField           // field:value
	opNot
	opAnd
	opOr
	opNear // kids[0] and kids[1] (terms) within dist words, either order
)

// Field names a query can filter on.
const (
	FieldLang   = "lang"
	FieldSource = "source"
	FieldAuthor = "author"
	FieldType   = "type"
)

var fieldNames = []string{FieldLang, FieldSource, FieldAuthor, FieldType}

// node is one operator or operand. The tree is immutable after Parse.
type node struct {
	op op
	// opTerm: the folded tokens in a row; wild makes the last one a prefix.
	toks []Token
	wild bool
	// opTerm, derived from toks and wild by newTerm (variants.go): vary
	// lets the last word take -nya or a repeated last letter; joined is a
	// phrase's words written as one ("kopikenangan"), "" when it has none.
	vary   bool
	joined string
	// opField: the field, and the folded value (a prefix when wild).
	field, value string
	kids         []*node
	dist         int // opNear
}

// String writes the query fully parenthesised, with phrases quoted: the
// form tests read precedence from. It parses back to the same query.
func (q *Query) String() string {
	var b strings.Builder
	q.root.write(&b)
	return b.String()
}

func (n *node) write(b *strings.Builder) {
	switch n.op {
	case opTerm:
		b.WriteString(termString(n.toks, n.wild))
	case opField:
		v := n.value
		if n.field == FieldAuthor && strings.HasPrefix(v, "@") {
			v = "@" + v // the parser drops one leading @ of an author
		}
		if n.wild {
			b.WriteString(n.field + ":" + v + "*")
		} else {
			b.WriteString(n.field + ":" + quoteIfNeeded(v))
		}
	case opNot:
		b.WriteString("NOT ")
		n.kids[0].write(b)
	case opNear:
		n.kids[0].write(b)
		b.WriteString(" NEAR/" + strconv.Itoa(n.dist) + " ")
		n.kids[1].write(b)
	case opAnd, opOr:
		sep := " AND "
		if n.op == opOr {
			sep = " OR "
		}
		b.WriteByte('(')
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(sep)
			}
			k.write(b)
		}
		b.WriteByte(')')
	}
}

func termString(toks []Token, wild bool) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		if t.Prefix != 0 {
			b.WriteByte(t.Prefix)
		}
		b.WriteString(t.Word)
	}
	s := b.String()
	switch {
	case wild:
		// A bare word with a wildcard ("acme.sto*"): its tokens joined by
		// a non-word character, so it reads back as the same tokens.
		s = strings.ReplaceAll(s, " ", ".") + "*"
	case len(toks) > 1:
		s = `"` + s + `"`
	}
	return s
}

func quoteIfNeeded(v string) string {
	if v == "" || strings.ContainsFunc(v, unicode.IsSpace) || strings.ContainsAny(v, "()\"*") || strings.HasPrefix(v, "//") {
		return `"` + v + `"`
	}
	return v
}

// Terms returns the words and phrases the query looks for outside a NOT,
// in query order, as plain text ("acme", "acme store", "@acme_id"): what a
// collector that searches a service by keyword should ask for.
func (q *Query) Terms() []string {
	var out []string
	var walk func(n *node, neg bool)
	walk = func(n *node, neg bool) {
		switch n.op {
		case opTerm:
			if !neg {
				out = append(out, strings.Trim(termString(n.toks, false), `"`))
			}
		case opNot:
			walk(n.kids[0], !neg)
		case opField:
		default:
			for _, k := range n.kids {
				walk(k, neg)
			}
		}
	}
	walk(q.root, false)
	return out
}

// NeedsTerm reports whether every match must contain at least one word or
// phrase of the query. A query of only NOTs and field filters ("NOT spam",
// "lang:id") does not: as a brand query it would claim every text.
func (q *Query) NeedsTerm() bool { return q.root.needsTerm() }

func (n *node) needsTerm() bool {
	switch n.op {
	case opTerm, opNear:
		return true
	case opAnd:
		for _, k := range n.kids {
			if k.needsTerm() {
				return true
			}
		}
		return false
	case opOr:
		for _, k := range n.kids {
			if !k.needsTerm() {
				return false
			}
		}
		return true
	}
	return false
}

// UsesField reports whether the query filters on field (FieldLang, ...).
func (q *Query) UsesField(field string) bool {
	var walk func(n *node) bool
	walk = func(n *node) bool {
		if n.op == opField && n.field == field {
			return true
		}
		for _, k := range n.kids {
			if walk(k) {
				return true
			}
		}
		return false
	}
	return walk(q.root)
}
