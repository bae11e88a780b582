package critical

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

const (
	maxWord    = 40 // longer words are not looked up (no term is that long)
	ringN      = 8  // longest phrase, in words
	maxPending = 8  // hits waiting for evidence or for the next word
	negWin     = 4  // a negation this many words before a term cancels it
	ficWin     = 8  // a fiction word this close in the same sentence cancels a term
	never      = -1 << 30
)

// hit is a term found in the text, not yet confirmed.
type hit struct {
	term       int32
	start, end int  // word positions
	sent       int  // sentence of the last word
	ready      bool // its evidence near it is there
	ctxOK      bool // its context anywhere in the text is there
	q          bool // inside a question that ends in a particle ("penipuan gak"), if its clause ends there
	qClause    int  // that question's clause
}

// scan is the state of one walk over one text. It lives on Find's stack:
// fixed-size arrays only, so a walk allocates nothing.
type scan struct {
	lex         *lexicon
	pos         int // position of the next word
	sent        int // sentence counter (. ! ? and line breaks)
	clause      int // clause counter (also , ; : and but/tapi)
	ring        [ringN]slot
	last, last2 [nFeat]int // last two positions carrying each feature
	lastSent    [nFeat]int
	lastClause  [nFeat]int
	pend        [maxPending]hit
	np          int
	buf         [maxWord]byte
	n           int   // bytes in buf
	long        bool  // the word overflowed buf
	tag         bool  // the word follows '#'
	handle      bool  // the word follows '@': a handle, never a term
	camel       bool  // an upper-case letter follows a lower-case one in the word
	spell       byte  // the separator of a word spelled out letter by letter ("s c a m"), or 0
	run3        int   // length of the current run of one letter
	found       int32 // the first confirmed term, -1 until then
	foundEnd    int   // its last word's position
	foundSent   int   // its sentence
	topic       bool  // a sport or politics word was seen: the text cannot alert
	seen        feats // every feature seen so far
	steps       int   // inner-loop iterations, for the linearity test
}

type slot struct {
	id           uint32
	sent, clause int
}

func (s *scan) init(l *lexicon) {
	s.lex = l
	s.found = -1
	for i := range s.last {
		s.last[i], s.last2[i] = never, never
	}
	for i := range s.ring {
		s.ring[i].sent = -1
	}
}

// run walks text once and returns the index of the first confirmed term,
// or -1. A sport or politics word anywhere in the text makes it -1: such
// texts are about a match or a campaign, not a customer's harm. Every byte is looked at once; each word does a bounded amount of
// work (its terms, the pending hits, a ring of ringN words).
func (s *scan) run(text string) int32 {
	for i := 0; i < len(text); {
		c := text[i]
		if k := byteClass[c]; k == clLower || k == clUpper {
			i = s.letters(text, i)
			continue
		}
		if c < utf8.RuneSelf {
			i++
			if s.n > 0 && (c == ' ' || c == '.' || c == '-' || c == '_' || c == '*') && s.spells(text, i, c) {
				continue // "S C A M", "p-e-n-i-p-u-a-n", "F.O.O.D": one word
			}
			if (c == ':' || c == '.') && s.linkAt(text, i) {
				i = s.skipLink(text, i) // a link names a page: its words are not the author's
				continue
			}
			if c == '@' && s.n > 0 && i < len(text) && byteClass[text[i]] != clOther {
				s.add('@') // "sc@m": a letter (leet); "budi@acme" is no handle either
				continue
			}
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				s.add(c)
			case 'A' <= c && c <= 'Z':
				if s.n > 0 && s.buf[s.n-1] >= 'a' && s.buf[s.n-1] <= 'z' {
					s.camel = true // HomeMart, iPhone: a brand's spelling
				}
				s.add(c + 'a' - 'A')
			case c == '\'':
				// inside a word: didn't -> didnt
			case c == '#':
				s.flush()
				s.tag = true
			case c == '@':
				s.flush()
				s.handle = true
			case c == '.':
				s.flush()
				if !(i < len(text) && isAlnum(text[i]) && i >= 2 && isAlnum(text[i-2])) {
					s.breakSentence() // e.coli and 3.39 stay one sentence
				}
			case c == '!' || c == '?' || c == '\n':
				s.flush()
				s.breakSentence()
			case c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '"':
				s.flush()
				s.clause++
			default:
				s.flush()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch fr := foldTable[r]; {
		case r == '\u2019': // right single quote as apostrophe
		case invisible(r): // "kera\u200bcunan", "pe\u0301nipuan" (fold.go)
		case fr != "": // "ѕсаm", "ＳＣＡＭ", "pénipuan"
			for j := 0; j < len(fr); j++ {
				s.add(fr[j])
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			var b [utf8.UTFMax]byte
			n := utf8.EncodeRune(b[:], unicode.ToLower(r))
			for _, x := range b[:n] {
				s.add(x)
			}
		default:
			s.flush()
		}
	}
	s.flush()
	if s.topic {
		return -1
	}
	if s.found >= 0 {
		return s.found
	}
	for i := 0; i < s.np; i++ {
		if s.pend[i].ready && s.pend[i].ctxOK && !s.pend[i].q {
			return s.pend[i].term
		}
	}
	return -1
}

// Byte classes of the fast path: ASCII letters and digits extend a word,
// apostrophes are skipped inside it, anything else leaves the fast path.
const (
	clOther = iota
	clLower // a-z, 0-9
	clUpper // A-Z
	clApos  // '
)

var byteClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = clLower
		t[c-'a'+'A'] = clUpper
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = clLower
	}
	t['\''] = clApos
	return t
}()

// letters is add over a run of ASCII letters, digits and apostrophes
// starting at i, with the word's state in registers; it returns the index
// after the run. It does exactly what the byte-by-byte path does.
func (s *scan) letters(text string, i int) int {
	n, run3, camel, long := s.n, s.run3, s.camel, s.long
	buf := &s.buf
	prev := byte(0) // buf[n-1] when n > 0
	if n > 0 {
		prev = buf[n-1]
	}
	for ; i < len(text); i++ {
		c := text[i]
		switch byteClass[c] {
		case clLower:
		case clUpper:
			if n > 0 && prev-'a' < 26 {
				camel = true
			}
			c += 'a' - 'A'
		case clApos:
			continue
		default:
			s.n, s.run3, s.camel, s.long = n, run3, camel, long
			return i
		}
		if n > 0 && prev == c && c >= 'a' {
			run3++
			if run3 >= 2 {
				if run3 == 2 {
					n--
				}
				continue
			}
		} else {
			run3 = 0
		}
		if n == maxWord {
			long = true
			continue
		}
		buf[n] = c
		prev = c
		n++
	}
	s.n, s.run3, s.camel, s.long = n, run3, camel, long
	return i
}

// spells reports whether the separator sep just before text[i] joins
// letters spelled out one by one: the word so far is such letters (or
// one, with two more after it, separated by sep alike), and text[i] is a
// lone letter or digit. Other separators end the word: "F.O.O.D
// P.O.I.S.O.N.I.N.G" is two.
func (s *scan) spells(text string, i int, sep byte) bool {
	lone := func(j int) bool {
		return j < len(text) && isAlnum(text[j]) && (j+1 == len(text) || text[j+1] < utf8.RuneSelf && !isAlnum(text[j+1]) && text[j+1] != '\'')
	}
	if s.spell == 0 {
		if s.n != 1 || i < 2 || i >= 3 && (text[i-3] >= utf8.RuneSelf || isAlnum(text[i-3]) || text[i-3] == '\'') ||
			!lone(i) || i+2 >= len(text) || text[i+1] != sep || !lone(i+2) {
			return false
		}
		s.spell = sep
		return true
	}
	return sep == s.spell && lone(i)
}

// linkAt reports whether the ':' or '.' just before text[i] makes the
// word so far the start of a link: a scheme ("https://", "ftp://") or
// "www." before a letter or digit. The link's words are then skipped,
// as an @handle's are: its path is named by whoever publishes the page
// (often the brand's own "/report-fraud" or "/how-to-avoid-scams"), and a
// shared headline is in the post's own words too.
func (s *scan) linkAt(text string, i int) bool {
	if s.n == 0 || s.long || s.spell != 0 || i+1 >= len(text) {
		return false
	}
	if text[i-1] == ':' {
		for _, c := range s.buf[:s.n] {
			if c < 'a' || c > 'z' {
				return false
			}
		}
		return text[i] == '/' && text[i+1] == '/'
	}
	// add cut "www" to one 'w' and counted the run.
	return s.n == 1 && s.buf[0] == 'w' && s.run3 == 2 && isAlnum(text[i])
}

// skipLink drops the word so far (the link's scheme or "www") and
// returns the index of the first byte after the link: the next space,
// control character or byte beyond ASCII.
func (s *scan) skipLink(text string, i int) int {
	s.n, s.long, s.tag, s.handle, s.camel, s.run3, s.spell = 0, false, false, false, false, 0, 0
	for i < len(text) && text[i] > ' ' && text[i] < utf8.RuneSelf {
		i++
	}
	return i
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// add appends a folded byte to the current word; a run of three or more of
// one letter is cut to one (scammm -> scam, diaaare -> diare).
func (s *scan) add(c byte) {
	if s.n > 0 && s.buf[s.n-1] == c && c >= 'a' {
		s.run3++
		if s.run3 >= 2 {
			if s.run3 == 2 {
				s.n-- // the run is three long: keep one
			}
			return
		}
	} else {
		s.run3 = 0
	}
	if s.n == maxWord {
		s.long = true
		return
	}
	s.buf[s.n] = c
	s.n++
}

func (s *scan) breakSentence() {
	s.sent++
	s.clause++
}

// flush ends the current word, if any.
func (s *scan) flush() {
	if s.n == 0 {
		s.tag, s.handle = false, false
		return
	}
	var id uint32
	if !s.long && !s.handle {
		id = s.lex.lookup(s.buf[:s.n], s.tag)
		if id == 0 {
			id = s.lookupLeet()
		}
		if id == 0 && s.spell != 0 && s.n > 3 && (s.buf[0] == 'a' || s.buf[0] == 'i') {
			id = s.lex.lookup(s.buf[1:s.n], s.tag) // "a s c a m", "I g o t": the article or "I" went with it
		}
	}
	var extra feats
	if s.camel && !s.tag && !s.handle && s.spell == 0 {
		extra = bit(fCommerce)
	}
	var id2 uint32
	if id == 0 && s.tag && !s.long {
		id, id2 = s.splitTag()
	}
	s.n, s.long, s.tag, s.handle, s.camel, s.run3, s.spell = 0, false, false, false, false, 0, 0
	s.emit(id, extra)
	if id2 != 0 {
		s.emit(id2, 0)
	}
}

// emit hands the word of lexicon id (0: unknown) to word, unless the text
// can no longer alert or has alerted.
func (s *scan) emit(id uint32, extra feats) {
	if s.topic {
		return // nothing can alert any more
	}
	if s.lex.words[id].feats&bit(fTopic) != 0 {
		s.topic = true
		return
	}
	if s.found >= 0 { // a fiction word soon after in its sentence withdraws it
		if s.lex.words[id].feats&bit(fFiction) != 0 && s.sent == s.foundSent && s.pos-s.foundEnd <= ficWin {
			s.found = -1
		} else {
			s.pos++
			return
		}
	}
	s.word(id, extra)
}

// splitTag reads a hashtag that is no word of the lexicon as two words
// that are ("#foodpoisoning", "#keracunanmassal", "#databreach"), the
// longest first word first; 0, 0 if it splits into none. The two words
// then go through the rules as if written apart ("#firesale" is "fire
// sale", no harm).
func (s *scan) splitTag() (uint32, uint32) {
	b := s.buf[:s.n]
	for k := len(b) - 2; k >= 2; k-- {
		s.steps++
		if a := s.lex.find(b[:k], fnvBytes(b[:k])); a != 0 {
			if c := s.lex.find(b[k:], fnvBytes(b[k:])); c != 0 {
				return a, c
			}
		}
	}
	return 0, 0
}

// leet maps the digits and signs that stand for letters ("sc4m",
// "p3nipuan", "f1re", "b0cor", "sc@m") to them.
var leet = [256]byte{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a'}

// lookupLeet looks the current word up with its leet signs read as
// letters, when it has both (a number alone, "4jt" or "muntah2" are
// looked up as they are).
func (s *scan) lookupLeet() uint32 {
	w := s.buf[:s.n]
	letter, sign := false, false
	for _, c := range w {
		letter = letter || 'a' <= c && c <= 'z'
		sign = sign || leet[c] != 0
	}
	if !letter || !sign {
		return 0
	}
	var b [maxWord]byte
	for j, c := range w {
		if b[j] = c; leet[c] != 0 {
			b[j] = leet[c]
		}
	}
	return s.lex.lookup(b[:len(w)], s.tag)
}

// word processes the word at s.pos with lexicon id (0: unknown).
func (s *scan) word(id uint32, extra feats) {
	p := s.pos
	s.pos++
	s.steps++
	if id == 0 && extra == 0 && s.np == 0 { // the common case: nothing to do but remember it
		s.ring[uint(p)%ringN] = slot{id: 0, sent: s.sent, clause: s.clause}
		return
	}
	w := &s.lex.words[id]
	f := w.feats | extra
	if f&bit(fClauseBreak) != 0 {
		s.clause++
	}
	// 1. A suppressor that ends with this word ("is this a scam") cancels
	// the terms inside it, before this word can confirm a hit that waited
	// for its next word. One that ends in a question particle ("penipuan
	// gak") is a question only if its clause ends there or a particle
	// follows ("penipuan gak?", "scam ga sih"): its hits wait for the next
	// word ("scam ga dikirim" is a complaint).
	s.ring[p%ringN] = slot{id: id, sent: s.sent, clause: s.clause}
	sup, held := p+1, false
	for _, ti := range w.ends {
		s.steps++
		if t := &s.lex.terms[ti]; t.cat == "" && s.matches(t, p) && p-len(t.ids)+1 < sup {
			sup, held = p-len(t.ids)+1, t.final
		}
	}
	for i := 0; i < s.np; {
		h := &s.pend[i]
		drop := false
		switch {
		case h.start >= sup && held:
			h.q, h.qClause = true, s.clause
		case h.start >= sup:
			drop = true
		case h.q:
			drop = s.clause != h.qClause || f&bit(fParticle) != 0
			h.q = false
		}
		if drop {
			s.np--
			s.pend[i] = s.pend[s.np]
			continue
		}
		i++
	}
	// 2. Pending hits see this word: a blocking next word, a fiction word,
	// a blocker or the evidence they wait for.
	for i := 0; i < s.np; {
		s.steps++
		h := &s.pend[i]
		t := &s.lex.terms[h.term]
		drop := false
		switch {
		case p == h.end+1 && t.follows(id):
			drop = true
		case f&bit(fFiction) != 0 && s.sent == h.sent && p-h.end <= ficWin:
			drop = true
		case t.block != 0 && f&t.block != 0 && s.sent == h.sent && p-h.end <= t.win:
			drop = true
		}
		if !drop && !h.ready && t.need&f != 0 && p-h.end <= t.win {
			h.ready = true
		}
		if t.ctx&f != 0 {
			h.ctxOK = true
		}
		if !drop && !h.q && h.ready && h.ctxOK && (t.block == 0 || p-h.end > t.win || s.sent != h.sent) &&
			!(w.inSup && s.inSuppressor(h.start, p)) {
			s.confirm(h.term, h.end)
			return
		}
		if !drop && !h.ready && p-h.end > t.win {
			drop = true
		}
		if drop {
			s.np--
			s.pend[i] = s.pend[s.np]
			continue
		}
		i++
	}
	// 3. Remember the word.
	s.seen |= f
	for rest := uint32(f); rest != 0; rest &= rest - 1 {
		b := bits.TrailingZeros32(rest)
		s.last2[b] = s.last[b]
		s.last[b], s.lastSent[b], s.lastClause[b] = p, s.sent, s.clause
	}
	// 4. Terms that end with this word, outside a suppressor.
	for _, ti := range w.ends {
		s.steps++
		t := &s.lex.terms[ti]
		if t.cat == "" || !s.matches(t, p) {
			continue
		}
		if t.cat == catCommerce { // a phrase that names a business ("rumah sakit")
			s.seen |= bit(fCommerce)
			for i := 0; i < s.np; i++ {
				s.pend[i].ctxOK = true
			}
			continue
		}
		start := p - len(t.ids) + 1
		if start >= sup {
			continue
		}
		if s.cancelled(t, start) {
			continue
		}
		if t.before != 0 && !s.subject(t, start) {
			continue
		}
		h := hit{term: ti, start: start, end: p, sent: s.sent}
		h.ready = t.need == 0 || s.near(t.need, start, p, t.win)
		h.ctxOK = t.ctx == 0 || s.seen&t.ctx != 0
		if h.ready && h.ctxOK && len(t.follow) == 0 && t.block == 0 {
			s.confirm(ti, p)
			return
		}
		if s.np == maxPending { // the oldest has the least time left
			copy(s.pend[:], s.pend[1:])
			s.np--
		}
		s.pend[s.np] = h
		s.np++
	}
}

// matches says whether t's words end at position p, in one sentence (a
// suppressor: in one clause).
func (s *scan) matches(t *term, p int) bool {
	return s.prefixAt(t, len(t.ids), p)
}

// prefixAt says whether the first n words of t end at position p, in one
// sentence (a suppressor: in one clause).
func (s *scan) prefixAt(t *term, n, p int) bool {
	if n > p+1 {
		return false
	}
	at := s.ring[p%ringN]
	for j := 0; j < n; j++ {
		s.steps++
		sl := s.ring[(p-j)%ringN]
		want := t.ids[n-1-j]
		if sl.sent != at.sent || (t.cat == "" && sl.clause != at.clause) || (want != anyWord && sl.id != want) {
			return false
		}
	}
	return true
}

// inSuppressor says whether the words up to p, from start or before,
// begin a suppressor they may still complete ("scam or" of "scam or
// legit"): a hit from start waits.
func (s *scan) inSuppressor(start, p int) bool {
	for _, ti := range s.lex.sups {
		t := &s.lex.terms[ti]
		for n := p - start + 1; n < len(t.ids); n++ {
			if s.prefixAt(t, n, p) {
				return true
			}
		}
	}
	return false
}

// cancelled says whether a negation just before start (same clause) or a
// fiction word or blocker earlier in the sentence cancels the term.
func (s *scan) cancelled(t *term, start int) bool {
	if !t.noNeg {
		if l := s.last[fNeg]; l < start && l >= start-negWin && s.lastClause[fNeg] == s.clause {
			return true
		}
	}
	if l := s.last[fFiction]; l < start && l >= start-ficWin && s.lastSent[fFiction] == s.sent {
		return true
	}
	for b := 0; t.block != 0 && b < nFeat; b++ {
		if t.block&bit(b) != 0 {
			if l := s.last[b]; l < start && l >= start-t.win && s.lastSent[b] == s.sent {
				return true
			}
		}
	}
	return false
}

// subject says whether a word of t.before stands within t.win words before
// start, in the same sentence, with no thing word after it ("my son's
// phone died" is about the phone).
func (s *scan) subject(t *term, start int) bool {
	thing := s.last[fThing]
	for b := 0; b < nFeat; b++ {
		if t.before&bit(b) == 0 {
			continue
		}
		l := s.last[b]
		if l >= start { // the term's own word: look one further back
			l = s.last2[b]
		}
		if l < start && l >= start-t.win && s.lastSent[b] == s.sent && (thing < l || thing >= start) {
			return true
		}
	}
	return false
}

// near says whether a word of need stands within win words before start,
// outside the term's own words [start, end].
func (s *scan) near(need feats, start, end, win int) bool {
	for b := 0; b < nFeat; b++ {
		if need&bit(b) == 0 {
			continue
		}
		l := s.last[b]
		if l >= start && l <= end {
			l = s.last2[b]
		}
		if l >= start && l <= end { // both inside the term: no outside evidence seen
			continue
		}
		if l < start && l >= start-win {
			return true
		}
	}
	return false
}

func (s *scan) confirm(term int32, end int) {
	s.found, s.foundEnd, s.foundSent = term, end, s.sent
}
