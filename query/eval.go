package query

import (
	"math/bits"
	"strings"
)

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
	toks []Token
	// Bit i of cand0 (i < 64) or of candMore (i >= 64) is set when
	// toks[i] may be a variant of a shorter word (it ends in -nya or a run
	// of one letter; variants.go), so matching one brand reads few words
	// beyond the exact compare. Most mentions fit in cand0, allocating
	// nothing.
	cand0                     uint64
	candMore                  []uint64
	lang, source, typ, author string
}

// Prepare folds and tokenizes d. The cost is linear in the text.
func Prepare(d Doc) Prepared {
	p := Prepared{
		lang:   Fold(strings.TrimSpace(d.Lang)),
		source: Fold(strings.TrimSpace(d.Source)),
		typ:    Fold(strings.TrimSpace(d.Type)),
		author: strings.TrimSpace(strings.TrimPrefix(Fold(strings.TrimSpace(d.Author)), "@")),
	}
	p.toks = appendTokens(nil, Fold(d.Text), &p)
	return p
}

// isCand reports whether toks[i] may be a variant.
func (p *Prepared) isCand(i int) bool {
	if i < 64 {
		return p.cand0&(1<<i) != 0
	}
	k := i>>6 - 1
	return k < len(p.candMore) && p.candMore[k]&(1<<(i&63)) != 0
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
			if n.vary {
				w := first.Word
				for set := p.cand0; set != 0; set &= set - 1 {
					if tw := p.toks[bits.TrailingZeros64(set)].Word; len(tw) > len(w) && tw[0] == w[0] && variant(tw, w) {
						return true
					}
				}
				return p.candMore != nil && n.anyVariant(p, w)
			}
			return false
		}
		for i := range p.toks {
			if n.mayStart(p, i) && n.at(p, i) || n.joined != "" && (p.toks[i].Word == n.joined || p.isCand(i) && n.joinedAt(p, i)) {
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
		return near(p, n.kids[0], n.kids[1], n.dist)
	}
	return false
}

// at reports whether the term's tokens occur in toks from i on. A plain
// pattern word matches the word, the @handle, the #hashtag and the
// $cashtag; "@x" only the handle, "#x" only the hashtag, "$x" only the
// cashtag. The last word may be a variant (variants.go).
func (n *node) at(p *Prepared, i int) bool {
	toks := p.toks
	if i+len(n.toks) > len(toks) {
		return false
	}
	last := len(n.toks) - 1
	for j, pt := range n.toks {
		t := &toks[i+j]
		switch {
		case t.Word == pt.Word:
			if pt.Prefix != 0 && t.Prefix != pt.Prefix {
				return false
			}
		case j != last:
			return false
		case n.wild:
			if pt.Prefix != 0 && t.Prefix != pt.Prefix || !strings.HasPrefix(t.Word, pt.Word) {
				return false
			}
		case !n.vary || !p.isCand(i+j) || !variant(t.Word, pt.Word):
			return false
		}
	}
	return true
}

// near reports whether an occurrence of a and one of b, not overlapping,
// have at most dist words between them, in either order. One pass: at
// each position j it remembers where the latest a and b occurrences that
// end at or before j end, and checks the occurrences starting at j against
// them. The gap depends only on where one ends and the other starts, so
// the latest end is the nearest (a phrase's joined form is one token
// long, its words in a row len(toks)).
func near(p *Prepared, a, b *node, dist int) bool {
	aEnd, bEnd := -1, -1
	for j := 0; j <= len(p.toks); j++ {
		if a.endsAt(p, j) {
			aEnd = j
		}
		if b.endsAt(p, j) {
			bEnd = j
		}
		if aEnd >= 0 && j-aEnd <= dist && b.span(p, j) > 0 {
			return true
		}
		if bEnd >= 0 && j-bEnd <= dist && a.span(p, j) > 0 {
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
