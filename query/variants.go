package query

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A word of a query also matches the forms people write a name in that a
// whole-word match would miss (docs/QUERIES.md, "Words"):
//   - the Indonesian clitic -nya glued on ("Shopeenya lemot", "gojeknya"),
//     its a repeated too ("shopeenyaaa");
//   - the last letter repeated for emphasis ("SHOPEEEE", "gojekkk"): a run
//     of at least minRun letters, longer than the word's own;
//   - a phrase's words written together ("#KopiKenangan", "7Eleven").
//
// -nya and repeats apply to the last word of a term, when it has minVary
// letters or more (so "ta" does not match "tanya"), and only to plain words
// of the text (the handle @shopeenya is another account). Wildcards and
// words with @, # or $ take none of them.
const (
	minVary   = 3 // letters a word needs to take -nya or a repeated letter
	minJoined = 4 // letters a phrase's joined form needs: "hm" is no H&M
	minRun    = 3 // repeated letters that are emphasis: "dell" is no "del"
)

// newTerm is the node of a word or phrase of folded tokens.
func newTerm(toks []Token, wild bool) *node {
	n := &node{op: opTerm, toks: toks, wild: wild}
	if wild {
		return n
	}
	last := toks[len(toks)-1]
	n.vary = last.Prefix == 0 && utf8.RuneCountInString(last.Word) >= minVary
	if len(toks) > 1 {
		var b strings.Builder
		for _, t := range toks {
			if t.Prefix != 0 {
				return n
			}
			b.WriteString(t.Word)
		}
		if utf8.RuneCountInString(b.String()) >= minJoined {
			n.joined = b.String()
		}
	}
	return n
}

// anyVariant reports whether a candidate token of p past the 64th is a
// variant of the single word w (eval checks the first 64).
func (n *node) anyVariant(p *Prepared, w string) bool {
	for k, set := range p.candMore {
		for ; set != 0; set &= set - 1 {
			if tw := p.toks[64*(k+1)+bits.TrailingZeros64(set)].Word; len(tw) > len(w) && tw[0] == w[0] && variant(tw, w) {
				return true
			}
		}
	}
	return false
}

// markCandidate sets the bit of token i, a plain word that may be a
// variant of a shorter word (isCandidate).
func (p *Prepared) markCandidate(i int) {
	if i < 64 {
		p.cand0 |= 1 << i
		return
	}
	k := i>>6 - 1
	for len(p.candMore) <= k {
		p.candMore = append(p.candMore, 0)
	}
	p.candMore[k] |= 1 << (i & 63)
}

// isCandidate: w (of more than minVary bytes) ends in a run of minRun or
// more of one letter, or in -nya, -nyaa. Most words end in an ASCII letter
// that is not the third of a run nor an a: a comparison or two.
func isCandidate(w string) bool {
	n := len(w)
	c := w[n-1]
	if c >= utf8.RuneSelf {
		r, run := lastRun(w)
		return run >= minRun && unicode.IsLetter(r)
	}
	if c == w[n-2] && c == w[n-3] {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	}
	if c != 'a' {
		return false
	}
	i := n - 1
	for i > 0 && w[i] == 'a' {
		i--
	}
	return i >= 1 && w[i] == 'y' && w[i-1] == 'n'
}

// variant reports whether word is w with -nya (-nyaaa) glued on, or with
// its last letter repeated to a run of at least minRun. The caller has
// checked that word is a plain word (no @, # or $).
func variant(word, w string) bool {
	if len(word) <= len(w) || word[:len(w)] != w {
		return false
	}
	rest := word[len(w):]
	if len(rest) > 2 && rest[:2] == "ny" && strings.Trim(rest[2:], "a") == "" {
		return true
	}
	c, run := lastRun(w)
	if !unicode.IsLetter(c) {
		return false
	}
	for _, r := range rest {
		if r != c {
			return false
		}
		run++
	}
	return run >= minRun
}

// lastRun returns the last rune of w and how many times it ends w.
func lastRun(w string) (rune, int) {
	c, _ := utf8.DecodeLastRuneInString(w)
	run := 0
	for w != "" {
		r, sz := utf8.DecodeLastRuneInString(w)
		if r != c {
			break
		}
		run++
		w = w[:len(w)-sz]
	}
	return c, run
}

// joinedAt reports whether toks[i] is the term's phrase written as one word.
func (n *node) joinedAt(p *Prepared, i int) bool {
	if n.joined == "" || i >= len(p.toks) {
		return false
	}
	tw := p.toks[i].Word
	return tw == n.joined || p.isCand(i) && tw[0] == n.joined[0] && variant(tw, n.joined)
}

// span returns how many tokens the term matches from toks[i] on (its words
// in a row, or its joined form), 0 when it does not match there.
func (n *node) span(p *Prepared, i int) int {
	if i >= len(p.toks) {
		return 0
	}
	if n.mayStart(p, i) && n.at(p, i) {
		return len(n.toks)
	}
	if n.joined != "" && n.joinedAt(p, i) {
		return 1
	}
	return 0
}

// endsAt reports whether an occurrence of the term ends just before toks[j].
func (n *node) endsAt(p *Prepared, j int) bool {
	l := len(n.toks)
	return j >= l && n.mayStart(p, j-l) && n.at(p, j-l) || n.joined != "" && j >= 1 && n.joinedAt(p, j-1)
}

// mayStart is a cheap test that at(p, i) needs: the first word is there,
// or, for a one-word term, a wildcard or a candidate variant may be.
func (n *node) mayStart(p *Prepared, i int) bool {
	return p.toks[i].Word == n.toks[0].Word || len(n.toks) == 1 && (n.wild || n.vary && p.isCand(i))
}

// forms returns the text-search terms that find every variant the term
// matches: its words, and for the last word -nya and the repeated letter
// as prefixes ("shopeenya*", "shopeee*"), and the joined form and its
// variants. Required uses them, so a store's word index keeps what Match
// accepts.
func (n *node) forms() []Term {
	words := make([]string, len(n.toks))
	for i, tok := range n.toks {
		words[i] = tok.Word
	}
	out := []Term{{Words: words, Prefix: n.wild}}
	if n.vary {
		out = append(out, varied(words)...)
	}
	if n.joined != "" {
		out = append(out, Term{Words: []string{n.joined}})
		out = append(out, varied([]string{n.joined})...)
	}
	return out
}

// varied returns words with the last one's -nya and repeated-letter forms,
// as prefixes.
func varied(words []string) []Term {
	with := func(last string) Term {
		ws := append(append([]string(nil), words[:len(words)-1]...), last)
		return Term{Words: ws, Prefix: true}
	}
	last := words[len(words)-1]
	out := []Term{with(last + "nya")}
	if c, run := lastRun(last); unicode.IsLetter(c) {
		out = append(out, with(last+strings.Repeat(string(c), max(1, minRun-run))))
	}
	return out
}

// Joined returns the one-word form of a phrase that the phrase also
// matches, as Phrase reads text ("Kopi Kenangan" -> "kopikenangan",
// "go-jek" -> "gojek", "7-Eleven" -> "7eleven"): its folded words
// together. It is "" for one word, a phrase with a handle or hashtag in it,
// a joined form under minJoined letters ("H&M"), or text without letters
// or digits. Collectors add it to the search terms they send a service
// that matches whole words (docs/SOURCES.md, "Search query").
func Joined(text string) string {
	p, ok := Phrase(text)
	if !ok {
		return ""
	}
	return p.root.joined
}
