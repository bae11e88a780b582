package query

import "strings"

// Doc is what a query is matched against: one mention's fields.
type Doc struct {
	Text   string // title and text, as "title\ntext" (the matcher's input)
	Lang   string // en, id or other
	Source string // the configured source name
	Type   string // the source type (rss, appstore, x, ...)
	Author string // handle or display name; a leading '@' is ignored
}

// Prepared is a Doc folded and tokenized once, for matching many queries
// (every brand's) against the same mention. Build it with Prepare; it is
// read-only afterwards and may be shared by goroutines.
type Prepared struct {
	toks                      []Token
	lang, source, typ, author string
}

// Prepare folds and tokenizes d. The cost is linear in the text.
func Prepare(d Doc) Prepared {
	return Prepared{
		toks:   Tokenize(Fold(d.Text)),
		lang:   Fold(strings.TrimSpace(d.Lang)),
		source: Fold(strings.TrimSpace(d.Source)),
		typ:    Fold(strings.TrimSpace(d.Type)),
		author: strings.TrimPrefix(Fold(strings.TrimSpace(d.Author)), "@"),
	}
}

// Match reports whether d matches q. To match many queries against one
// document, Prepare it once and call MatchPrepared.
func (q *Query) Match(d Doc) bool {
	p := Prepare(d)
	return q.MatchPrepared(&p)
}

// MatchPrepared reports whether the prepared document matches q. It does
// not allocate, and its time is O(len(query) × words in the text).
func (q *Query) MatchPrepared(p *Prepared) bool { return q.root.eval(p) }

func (n *node) eval(p *Prepared) bool {
	switch n.op {
	case opTerm:
		if first := n.toks[0]; len(n.toks) == 1 && !n.wild { // the common case, inlined
			for i := range p.toks {
				if t := &p.toks[i]; t.Word == first.Word && (first.Prefix == 0 || t.Prefix == first.Prefix) {
					return true
				}
			}
			return false
		}
		for i := 0; i+len(n.toks) <= len(p.toks); i++ {
			if n.at(p.toks, i) {
				return true
			}
		}
		return false
	case opField:
		return n.fieldMatch(p)
	case opNot:
		return !n.kids[0].eval(p)
	case opAnd:
		for _, k := range n.kids {
			if !k.eval(p) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range n.kids {
			if k.eval(p) {
				return true
			}
		}
		return false
	case opNear:
		return near(p.toks, n.kids[0], n.kids[1], n.dist)
	}
	return false
}

// at reports whether the term's tokens occur in toks from i on. A plain
// pattern word matches the word, the @handle and the #hashtag; "@x" only
// the handle and "#x" only the hashtag.
func (n *node) at(toks []Token, i int) bool {
	if i+len(n.toks) > len(toks) {
		return false
	}
	last := len(n.toks) - 1
	for j, pt := range n.toks {
		t := toks[i+j]
		if pt.Prefix != 0 && t.Prefix != pt.Prefix {
			return false
		}
		if j == last && n.wild {
			if !strings.HasPrefix(t.Word, pt.Word) {
				return false
			}
		} else if t.Word != pt.Word {
			return false
		}
	}
	return true
}

// near reports whether an occurrence of a and one of b, not overlapping,
// have at most dist words between them, in either order. One pass: at
// each position j it remembers where the latest a and b occurrences that
// end at or before j end, and checks the occurrences starting at j against
// them. Terms have a fixed length, so the latest end is the nearest.
func near(toks []Token, a, b *node, dist int) bool {
	la, lb := len(a.toks), len(b.toks)
	aEnd, bEnd := -1, -1
	for j := 0; j <= len(toks); j++ {
		if j >= la && a.at(toks, j-la) {
			aEnd = j
		}
		if j >= lb && b.at(toks, j-lb) {
			bEnd = j
		}
		if aEnd >= 0 && j-aEnd <= dist && b.at(toks, j) {
			return true
		}
		if bEnd >= 0 && j-bEnd <= dist && a.at(toks, j) {
			return true
		}
	}
	return false
}

func (n *node) fieldMatch(p *Prepared) bool {
	var v string
	switch n.field {
	case FieldLang:
		v = p.lang
	case FieldSource:
		v = p.source
	case FieldType:
		v = p.typ
	case FieldAuthor:
		v = p.author
	}
	if n.wild {
		return strings.HasPrefix(v, n.value)
	}
	return v == n.value
}
