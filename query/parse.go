package query

import (
	"strings"
	"unicode"
)

// Limits that keep a hostile query cheap to parse and to run.
const (
	MaxQueryBytes = 16 << 10
	MaxDepth      = 64   // nested parentheses and NOTs
	MaxNear       = 1000 // largest n of NEAR/n
)

// Query is a parsed boolean query. It is immutable and safe for concurrent
// use by any number of goroutines.
type Query struct {
	root *node
}

type itemKind uint8

const (
	itEOF itemKind = iota
	itWord
	itPhrase
	itField
	itLParen
	itRParen
	itAnd
	itOr
	itNot // NOT or a leading '-'
	itNear
)

// item is one lexeme. col is its 1-based rune column.
type item struct {
	kind  itemKind
	col   int
	text  string // itWord, itPhrase: the raw text; itField: the value
	field string // itField
	quote bool   // itField: the value was quoted
	n     int    // itNear
}

// Parse parses a query. Operators are upper case only (AND, OR, NOT,
// NEAR/n); a lower-case "and" is a word. See docs/QUERIES.md for the
// grammar. A query that does not parse returns an *Error with its column.
func Parse(s string) (*Query, error) {
	if len(s) > MaxQueryBytes {
		return nil, errAt(1, "query is longer than %d bytes; split it into several brands or shorten it", MaxQueryBytes)
	}
	// []rune makes each invalid byte its own U+FFFD, so columns count
	// characters as utf8.RuneCountInString does (strings.ToValidUTF8 would
	// merge a run of bad bytes into one and pull later columns back).
	p := &parser{src: []rune(s)}
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.cur.kind == itEOF {
		return nil, errAt(1, "empty query: give at least one word, \"phrase\" or field:value")
	}
	root, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if p.cur.kind == itRParen {
		return nil, errAt(p.cur.col, "unmatched ')'")
	}
	if p.cur.kind != itEOF { // cannot happen: parseAnd consumes every term
		return nil, errAt(p.cur.col, "unexpected %s", p.describe())
	}
	return &Query{root: root}, nil
}

// MustParse is Parse for queries written in Go source (tests, built-in
// defaults); it panics on a bad query.
func MustParse(s string) *Query {
	q, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return q
}

type parser struct {
	src  []rune
	pos  int
	cur  item
	prev string // the operator just consumed, for "expected a term after X"
}

func (p *parser) describe() string {
	switch p.cur.kind {
	case itEOF:
		return "end of query"
	case itRParen:
		return "')'"
	case itAnd:
		return "AND"
	case itOr:
		return "OR"
	case itNot:
		return "NOT"
	case itNear:
		return "NEAR/" + itoa(p.cur.n)
	}
	return "term"
}

func isDelim(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' }

// next reads the next lexeme into p.cur.
func (p *parser) next() error {
	for p.pos < len(p.src) && unicode.IsSpace(p.src[p.pos]) {
		p.pos++
	}
	col := p.pos + 1
	if p.pos >= len(p.src) {
		p.cur = item{kind: itEOF, col: col}
		return nil
	}
	switch r := p.src[p.pos]; {
	case r == '(':
		p.pos++
		p.cur = item{kind: itLParen, col: col}
		return nil
	case r == ')':
		p.pos++
		p.cur = item{kind: itRParen, col: col}
		return nil
	case r == '"':
		text, err := p.quoted()
		if err != nil {
			return err
		}
		if p.glued() {
			return p.gluedWord(col)
		}
		p.cur = item{kind: itPhrase, col: col, text: text}
		return nil
	case r == '-' && p.pos+1 < len(p.src) && !unicode.IsSpace(p.src[p.pos+1]) && p.src[p.pos+1] != ')':
		// "-acme", "-\"a b\"", "-(a OR b)": NOT. A '-' inside a word is
		// part of the word ("e-commerce").
		p.pos++
		p.cur = item{kind: itNot, col: col}
		return nil
	}
	start := p.pos
	for p.pos < len(p.src) && !isDelim(p.src[p.pos]) {
		p.pos++
	}
	word := string(p.src[start:p.pos])
	switch {
	case word == "AND":
		p.cur = item{kind: itAnd, col: col}
		return nil
	case word == "OR":
		p.cur = item{kind: itOr, col: col}
		return nil
	case word == "NOT":
		p.cur = item{kind: itNot, col: col}
		return nil
	case word == "NEAR":
		return errAt(col, "NEAR needs a distance in words, as in NEAR/3")
	case strings.HasPrefix(word, "NEAR/"):
		n, ok := 0, len(word) > len("NEAR/")
		for _, c := range word[len("NEAR/"):] {
			if c < '0' || c > '9' {
				ok = false
				break
			}
			if n = n*10 + int(c-'0'); n > MaxNear {
				return errAt(col, "NEAR distance is at most %d words", MaxNear)
			}
		}
		if !ok {
			return errAt(col+len("NEAR/"), "expected a number of words after NEAR/, as in NEAR/3")
		}
		p.cur = item{kind: itNear, col: col, n: n}
		return nil
	}
	if i := strings.IndexByte(word, ':'); i > 0 && isFieldName(word[:i]) && !strings.HasPrefix(word[i+1:], "//") {
		name := strings.ToLower(word[:i])
		known := false
		for _, f := range fieldNames {
			known = known || f == name
		}
		if !known {
			msg := "unknown field " + quoteIfNeeded(name) + ":"
			if s := suggestField(name); s != "" {
				msg += " (did you mean " + s + ":?)"
			}
			return errAt(col, "%s; the fields are lang:, source:, author: and type:; to search for text with a colon, put it in quotes", msg)
		}
		it := item{kind: itField, col: col, field: name, text: word[i+1:]}
		if it.text == "" && p.pos < len(p.src) && p.src[p.pos] == '"' {
			text, err := p.quoted()
			if err != nil {
				return err
			}
			it.text, it.quote = text, true
		}
		if strings.TrimSpace(it.text) == "" {
			return errAt(col+len([]rune(word)), "expected a value after %s:, as in %s", name, fieldExample(name))
		}
		p.cur = it
		return nil
	}
	if p.glued() {
		return p.gluedWord(col)
	}
	p.cur = item{kind: itWord, col: col, text: word}
	return nil
}

// glued reports whether the next character continues the word or phrase
// just read: a quote right after a letter or digit (Toys"R), or a letter
// or digit right after a closing quote ("R"Us).
func (p *parser) glued() bool {
	if p.pos >= len(p.src) || p.pos == 0 {
		return false
	}
	prev, r := p.src[p.pos-1], p.src[p.pos]
	if r == '"' {
		return isAlnum(prev)
	}
	return prev == '"' && isAlnum(r)
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// gluedWord reads on to the end of a name written with quotes inside it,
// Toys"R"Us, which started at column col, and makes it one word: the
// parts' words in a row, as "Toys R Us". A trailing * outside quotes is
// still a wildcard; a * inside quotes is not. Each quote becomes a space,
// so later columns stay right. A part that would be an operator or a
// field ("a"OR b) is not glued.
func (p *parser) gluedWord(col int) error {
	for p.glued() {
		if p.src[p.pos] == '"' {
			if _, err := p.quoted(); err != nil {
				return err
			}
			continue
		}
		end := p.pos
		for end < len(p.src) && !isDelim(p.src[end]) {
			end++
		}
		part := string(p.src[p.pos:end])
		if i := strings.IndexByte(part, ':'); part == "AND" || part == "OR" || part == "NOT" || strings.HasPrefix(part, "NEAR") ||
			i > 0 && isFieldName(part[:i]) {
			break
		}
		p.pos = end
	}
	text := []rune(string(p.src[col-1 : p.pos]))
	inQuote := false
	for i, r := range text {
		switch {
		case r == '"':
			inQuote, text[i] = !inQuote, ' '
		case r == '*' && inQuote:
			text[i] = ' '
		}
	}
	p.cur = item{kind: itWord, col: col, text: string(text)}
	return nil
}

func fieldExample(name string) string {
	switch name {
	case FieldLang:
		return "lang:id"
	case FieldSource:
		return "source:tokopedia-reviews"
	case FieldAuthor:
		return "author:@budi"
	}
	return "type:appstore"
}

// isFieldName: a field name is ASCII letters only, so "12:30" stays a
// word; so does a URL ("https://acme.id", a "//" after the colon).
func isFieldName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// quoted reads a "..." starting at p.pos and returns its inside.
func (p *parser) quoted() (string, error) {
	open := p.pos
	for i := open + 1; i < len(p.src); i++ {
		if p.src[i] == '"' {
			p.pos = i + 1
			return string(p.src[open+1 : i]), nil
		}
	}
	return "", errAt(open+1, "unclosed quote: add the closing \"")
}

// startsOperand reports whether the current item can begin an operand
// (so two operands side by side are an implicit AND).
func (p *parser) startsOperand() bool {
	switch p.cur.kind {
	case itWord, itPhrase, itField, itLParen, itNot:
		return true
	}
	return false
}

// parseOr: and { OR and }.
func (p *parser) parseOr(depth int) (*node, error) {
	first, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	kids := []*node{first}
	for p.cur.kind == itOr {
		p.prev = "OR"
		if err := p.next(); err != nil {
			return nil, err
		}
		n, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &node{op: opOr, kids: kids}, nil
}

// parseAnd: unary { [AND] unary }.
func (p *parser) parseAnd(depth int) (*node, error) {
	first, err := p.parseUnary(depth)
	if err != nil {
		return nil, err
	}
	kids := []*node{first}
	for {
		if p.cur.kind == itAnd {
			p.prev = "AND"
			if err := p.next(); err != nil {
				return nil, err
			}
		} else if !p.startsOperand() {
			break
		}
		n, err := p.parseUnary(depth)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &node{op: opAnd, kids: kids}, nil
}

// parseUnary: NOT unary | near.
func (p *parser) parseUnary(depth int) (*node, error) {
	if depth > MaxDepth {
		return nil, errAt(p.cur.col, "query nests deeper than %d levels", MaxDepth)
	}
	if p.cur.kind == itNot {
		p.prev = "NOT"
		if err := p.next(); err != nil {
			return nil, err
		}
		n, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &node{op: opNot, kids: []*node{n}}, nil
	}
	a, err := p.parsePrimary(depth)
	if err != nil {
		return nil, err
	}
	if p.cur.kind != itNear {
		return a, nil
	}
	near := p.cur
	if a.op != opTerm {
		return nil, errAt(near.col, "NEAR/%d joins two words or phrases, not a group or a field filter", near.n)
	}
	p.prev = "NEAR/" + itoa(near.n)
	if err := p.next(); err != nil {
		return nil, err
	}
	col := p.cur.col
	b, err := p.parsePrimary(depth)
	if err != nil {
		return nil, err
	}
	if b.op != opTerm {
		return nil, errAt(col, "NEAR/%d joins two words or phrases, not a group or a field filter", near.n)
	}
	if p.cur.kind == itNear {
		return nil, errAt(p.cur.col, "NEAR joins two words or phrases; to chain them, join the pairs with AND")
	}
	return &node{op: opNear, dist: near.n, kids: []*node{a, b}}, nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}

// parsePrimary: word | "phrase" | field:value | ( or ).
func (p *parser) parsePrimary(depth int) (*node, error) {
	it := p.cur
	switch it.kind {
	case itWord, itPhrase:
		n, err := termNode(it)
		if err != nil {
			return nil, err
		}
		return n, p.next()
	case itField:
		v := Fold(strings.TrimSpace(it.text))
		wild := !it.quote && strings.HasSuffix(v, "*")
		v = strings.TrimSuffix(v, "*")
		if it.field == FieldAuthor {
			v = strings.TrimSpace(strings.TrimPrefix(v, "@")) // "@ budi" is budi
		}
		if v == "" {
			return nil, errAt(it.col, "expected a value after %s:, as in %s", it.field, fieldExample(it.field))
		}
		return &node{op: opField, field: it.field, value: v, wild: wild}, p.next()
	case itLParen:
		p.prev = ""
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.cur.kind == itRParen {
			return nil, errAt(it.col, "empty parentheses")
		}
		n, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.cur.kind != itRParen {
			return nil, errAt(it.col, "unclosed parenthesis: add the closing ')'")
		}
		return n, p.next()
	}
	if p.prev == "" {
		if it.kind == itEOF || it.kind == itRParen {
			return nil, errAt(it.col, "expected a term")
		}
		return nil, errAt(it.col, "expected a term before %s", p.describe())
	}
	return nil, errAt(it.col, "expected a term after %s, found %s", p.prev, p.describe())
}

// termNode folds and tokenizes a word or phrase exactly as the matcher
// tokenizes text, so "acme's" is the phrase "acme s" and "@acme" a handle.
func termNode(it item) (*node, error) {
	text, wild := it.text, false
	if it.kind == itWord {
		if strings.HasSuffix(text, "*") {
			text, wild = strings.TrimRight(text, "*"), true
		}
		if i := strings.IndexByte(text, '*'); i >= 0 {
			return nil, errAt(it.col+len([]rune(text[:i])), "a wildcard * goes only at the end of a word")
		}
	}
	toks := Tokenize(Fold(text))
	if len(toks) == 0 {
		if it.kind == itPhrase {
			return nil, errAt(it.col, "phrase has no letters or digits")
		}
		return nil, errAt(it.col, "%q has no letters or digits to match", it.text)
	}
	if wild && len([]rune(toks[len(toks)-1].Word)) < 2 {
		return nil, errAt(it.col, "a wildcard needs at least 2 letters before the *")
	}
	return newTerm(toks, wild), nil
}

// Phrase returns the query that matches text as one phrase, the way a
// config keyword does: outer quotes are dropped, the rest is folded and
// tokenized, and no operator is read. ok is false when text has no
// letters or digits (such a keyword matches nothing).
func Phrase(text string) (q *Query, ok bool) {
	toks := Tokenize(Fold(strings.Trim(strings.TrimSpace(text), `"`)))
	if len(toks) == 0 {
		return nil, false
	}
	return &Query{root: newTerm(toks, false)}, true
}

// AnyExcept returns the query "(k1 OR k2 ...) AND NOT (e1 OR e2 ...)" of
// config keywords and excludes, each keyword a Phrase. Keywords without
// letters or digits are dropped. ok is false when no keyword is left.
func AnyExcept(keywords, exclude []string) (q *Query, ok bool) {
	var pos, neg []*node
	for _, k := range keywords {
		if p, ok := Phrase(k); ok {
			pos = append(pos, p.root)
		}
	}
	for _, k := range exclude {
		if p, ok := Phrase(k); ok {
			neg = append(neg, p.root)
		}
	}
	if len(pos) == 0 {
		return nil, false
	}
	root := either(pos)
	if len(neg) > 0 {
		root = &node{op: opAnd, kids: []*node{root, {op: opNot, kids: []*node{either(neg)}}}}
	}
	return &Query{root: root}, true
}

func either(ns []*node) *node {
	if len(ns) == 1 {
		return ns[0]
	}
	return &node{op: opOr, kids: ns}
}
