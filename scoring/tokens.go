package scoring

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// token is one word of a text, VADER style: whitespace-separated, with
// surrounding punctuation stripped unless that leaves two bytes or fewer
// (so emoticons like ":)" survive). Emoji become the words of their
// description.
type token struct {
	w      *wordInfo // nil when the word is not in the vocabulary
	a, b   int32     // the lower-case word is scratch.buf[a:b]
	h      uint32    // hashBytes of that word
	upper  bool      // ALL CAPS in the original (Python's str.isupper)
	nt     bool      // contains "n't" (VADER counts it as a negation)
	brk    bool      // followed by clause punctuation (, ; : . ! ?)
	q      bool      // followed by '?': its clause is a question
	punct  bool      // the field had punctuation or non-ASCII bytes (may be a "4/5" rating)
	noLang bool      // an @handle or a URL: no language evidence
}

// scratch holds the per-call buffers. Pooled, so steady-state scoring
// allocates nothing for them.
type scratch struct {
	buf   []byte
	toks  []token
	sent  []float32
	pv    []phraseVal
	feats []uint32
	stage [numStages]float32
	asp   uint16
	dom   float32 // sum of domain valences seen (for Indonesian fusion)
	// The negative and the positive domain valences apart, and the harm
	// cues seen that no negation reaches (complaints.go, settle).
	domNeg, domPos   float32
	lastNeg, lastPos int32 // the last token of a negative and a positive cue, -1 if none
	harms            int
	harmEnd          int32      // the last token of the last harm counted, -1 if none
	weak             []weakHarm // ambiguous harm cues, not counted unless confirmed (confirmHarms)
	strong           []weakHarm // the other harm cues, counted
	weakOpen         bool       // some, and nothing confirmed them
	critical         uint8      // the matcher's answer on the text: 0 not asked yet, 1 a harm, 2 none
	// "tidak pernah" ends at neverAt (-1 if none); neverCue reports a cue
	// right after it. lastCue is the last token of the last cue applied
	// and lastCueVal its valence, for a booster after it (complaints.go).
	neverAt, lastCue int32
	neverCue         bool
	lastCueVal       float32
	// Counted while tokenizing.
	excl, quest     int    // '!' and '?'
	latin, nonLatin int    // letters by script
	nUpper          int    // ALL-CAPS tokens
	urls            int    // links (not @handles) among the tokens
	accented        int    // words with a letter with an accent (cAccent), not links or handles
	you, dur, stars bool   // structural stage signals (noteClass, noteStars)
	left            int    // bytes of the text still to tokenize (reserve)
	ev              uint64 // language evidence, packed (evPacked, langCounts)
	evAny           uint8  // the ev bits of all words, or-ed (a core Indonesian word?)
	// Found by see.
	butAt int     // first "but", -1 if none
	mods  []int32 // positions of "too", "should (have)", "would've", ...
	lexAt []int32 // positions of lexicon words that carry a valence
	negAt []int32 // positions of English negations ("not", "never", "n't")
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{buf: make([]byte, 0, 1024), toks: make([]token, 0, 128), sent: make([]float32, 0, 128),
		pv: make([]phraseVal, 0, 8), feats: make([]uint32, 0, 1024)}
}}

func getScratch() *scratch {
	s := scratchPool.Get().(*scratch)
	s.reset()
	return s
}

// reset empties s for the next text, keeping its buffers.
func (s *scratch) reset() {
	s.buf, s.toks, s.sent, s.pv, s.feats = s.buf[:0], s.toks[:0], s.sent[:0], s.pv[:0], s.feats[:0]
	s.stage, s.asp, s.dom = [numStages]float32{}, 0, 0
	s.domNeg, s.domPos, s.harms, s.harmEnd, s.weak, s.strong, s.weakOpen, s.critical = 0, 0, 0, -1, s.weak[:0], s.strong[:0], false, 0
	s.lastNeg, s.lastPos = -1, -1
	s.neverAt, s.lastCue, s.neverCue, s.lastCueVal = -1, -1, false, 0
	s.excl, s.quest, s.latin, s.nonLatin, s.nUpper, s.urls, s.accented = 0, 0, 0, 0, 0, 0, 0
	s.ev, s.evAny = 0, 0
	s.you, s.dur, s.stars = false, false, false
	s.butAt, s.mods, s.lexAt, s.negAt = -1, s.mods[:0], s.lexAt[:0], s.negAt[:0]
}

func putScratch(s *scratch) {
	if cap(s.buf) > 1<<16 || cap(s.toks) > 1<<13 || cap(s.feats) > 1<<16 {
		return // don't keep huge buffers alive
	}
	scratchPool.Put(s)
}

// isSpace reports ASCII white space, and the other ASCII control
// characters (NUL, ESC, DEL, ...): none of them is part of a word, and a
// "terrible\x00" from a JSON "\u0000" is the word "terrible".
func isSpace(c byte) bool {
	return c <= ' ' || c == 0x7f
}

// breaksWord reports a character beyond ASCII that separates words as a
// space does: the Unicode spaces (U+00A0 of an HTML &nbsp;, U+3000, the
// thin and narrow spaces) and the zero-width space U+200B. A field is
// split there, as at an emoji.
func breaksWord(r rune) bool { return r == '\u200b' || unicode.IsSpace(r) }

// invisible reports a character that shows nothing inside a word: the
// format characters (soft hyphen, zero-width joiner and non-joiner, word
// joiner, byte-order mark, the bidi marks, embeddings, overrides and
// isolates) and the variation selectors (U+FE0F after "❤"). They are
// dropped, so "terrible\u200e" and "ter\u00adrible" are "terrible".
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || 0xfe00 <= r && r <= 0xfe0f || 0xe0100 <= r && r <= 0xe01ef
}

// isPunct is Python's string.punctuation.
func isPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// Byte classes for the tokenizer's ASCII fast path.
const (
	cSpace uint8 = 1 << iota
	cPunct
	cUpper
	cLower
	cHigh  // non-ASCII byte
	cMark  // '!' or '?'
	cColon // ':' (a link has one)
	// A letter with an accent (Latin beyond ASCII: é, ñ, ç, ł, ạ), which
	// English and Indonesian words seldom have; set by lower only.
	cAccent
)

var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		switch {
		case isSpace(b):
			t[c] = cSpace
		case isPunct(b):
			t[c] = cPunct
			switch b {
			case '!', '?':
				t[c] |= cMark
			case ':':
				t[c] |= cColon
			}
		case 'A' <= b && b <= 'Z':
			t[c] = cUpper
		case 'a' <= b && b <= 'z':
			t[c] = cLower
		case b >= utf8.RuneSelf:
			t[c] = cHigh
		}
	}
	return t
}()

// tokenize appends the tokens of text to s.toks, and counts '!', '?' and
// letters by script on the way. ASCII fields are classified, lower-cased
// into buf and counted in one loop over their bytes.
func (s *scratch) tokenize(text string) {
	n := len(text)
	s.reserve(n)
fields:
	for i := 0; i < n; {
		if byteClass[text[i]]&cSpace != 0 {
			i++
			continue
		}
		a := len(s.buf)
		dst := s.buf[a:cap(s.buf)]
		j := i
		var acc uint8
		letters := 0
		// Eight bytes at a time while they are ASCII letters, hashing the
		// lower case as it goes (hashBytes, chunk by chunk).
		hh, first := uint64(hashSeed), uint64(0)
		for j+8 <= n {
			x := binary.LittleEndian.Uint64(unsafeBytes(text[j : j+8]))
			lowerM, upperM := letterMasks(x)
			run := lowerM | upperM
			lowered := x | upperM>>2
			binary.LittleEndian.PutUint64(dst[j-i:], lowered)
			k := 8
			if run != swarHigh {
				// The letters stop at byte k: count only those.
				k = bits.TrailingZeros64(^run&swarHigh) / 8
				m := uint64(1)<<(8*k) - 1
				lowerM, upperM, lowered = lowerM&m, upperM&m, lowered&m
			}
			// Without branches: whether a word has capitals is data, and
			// a mispredicted branch costs more than these instructions.
			acc |= cUpper*b2u(upperM != 0) | cLower*b2u(lowerM != 0)
			letters += k
			j += k
			if k == 8 {
				if j-i == 8 {
					first = lowered
				}
				hh = hashChunk(hh, lowered)
				continue
			}
			if j == n || byteClass[text[j]]&cSpace != 0 {
				// The field is letters only: its hash and key are known.
				if j-i < 8 {
					first = lowered
				}
				if j > i {
					s.buf = s.buf[:a+j-i]
					s.latin += letters
					s.left = n - j
					s.wordLetters(a, acc, j-i, hashFinal(hh, lowered, j-i), first)
				}
				i = j + 1 // the space (or the end)
				continue fields
			}
			if w := j - i; w > 2 && byteClass[text[j]]&cPunct != 0 {
				// Letters, then punctuation up to the space: "good,",
				// "why?!". The word is the letters, whose hash and key are
				// known; only a link ("http://", "www.!") or a short word
				// that may be an emoticon ("xd:") takes the general path.
				e, tail := j, uint8(0)
				for e < n && byteClass[text[e]]&cPunct != 0 {
					tail |= byteClass[text[e]]
					e++
				}
				if (e == n || byteClass[text[e]]&cSpace != 0) && tail&cColon == 0 &&
					(w != 3 || text[j] != '.' || text[i]|0x20 != 'w') {
					if w < 8 {
						first = lowered
					}
					s.buf = s.buf[:a+w]
					s.latin += letters
					s.left = n - e
					s.wordLetters(a, acc, w, hashFinal(hh, lowered, w), first)
					s.punctAfter(text[j:e])
					i = e + 1
					continue fields
				}
			}
			break
		}
		for ; j < n; j++ {
			c := text[j]
			k := byteClass[c]
			if k&cSpace != 0 {
				break
			}
			dst[j-i] = lowerASCIITable[c]
			acc |= k
			letters += int(k>>2|k>>3) & 1 // cUpper or cLower: one letter
		}
		f := text[i:j]
		i = j + 1 // the space (or the end)
		if acc&cMark != 0 {
			for k := 0; k < len(f); k++ {
				switch f[k] {
				case '!':
					s.excl++
				case '?':
					s.quest++
				}
			}
		}
		if acc&cHigh != 0 {
			s.field(f)
			s.reserve(n - j) // emoji descriptions may have used the room
			continue
		}
		s.buf = s.buf[:a+len(f)]
		s.latin += letters
		s.left = n - j
		s.word(a, acc, f)
	}
}

// punctAfter marks the token just added as followed by the punctuation p
// (a clause break, a question) and counts its '!' and '?', as the general
// path does for a field with punctuation. The token's word was already
// seen: see and seeMore do not read these marks.
func (s *scratch) punctAfter(p string) {
	t := &s.toks[len(s.toks)-1]
	t.punct = true
	var excl, quest int
	t.brk, t.q, excl, quest = clauseMarks(p)
	s.excl += excl
	s.quest += quest
}

// clauseMarks reports whether the punctuation p after a word ends a clause
// (, ; : . ! ?) and whether it asks a question (?), and counts its '!'
// and '?'.
func clauseMarks(p string) (brk, q bool, excl, quest int) {
	for k := 0; k < len(p); k++ {
		switch p[k] {
		case '?':
			brk, q = true, true
			quest++
		case '!':
			brk = true
			excl++
		case ',', ';', ':', '.':
			brk = true
		}
	}
	return brk, q, excl, quest
}

// reserve makes room in buf for the lower case of n more bytes of text,
// which the ASCII paths write in place, eight bytes at a time, plus 8
// bytes of slack for the lexicon's 8-byte loads. Checked once per text,
// not per field; the rare appends (a slang word's normal form, emoji
// descriptions) restore it.
func (s *scratch) reserve(n int) {
	s.left = n
	if cap(s.buf)-len(s.buf) < n+8 {
		s.buf = slices.Grow(s.buf, n+8)
	}
}

// wordLetters adds the token of n ASCII letters (a whole field, or the
// letters before a field's trailing punctuation), whose lower case is
// buf[a:a+n], whose hash and first 8 bytes are known. Most tokens come
// here, so it does the vocabulary probe and see's plain-word path in
// line (seeWord): a word of letters is never a rating or stars, and its
// evidence counts (an @handle or a link has punctuation before or inside
// it, and takes the general path). An unknown word's zero entry adds
// nothing there.
func (s *scratch) wordLetters(a int, acc uint8, n int, h uint32, key uint64) {
	// lookupHashed's probe, written out: as a call (it is too big to
	// inline) it cost 5% of Score. TestWordLettersLookup keeps the two
	// in step.
	// An unknown word gets the zero entry (words[0], id 0: no evidence, no
	// flags), so that known and unknown words take the same path below,
	// without a branch on what the text says.
	w := &words[0]
	frag := h &^ (1<<slotIDBits - 1)
	for i := h & lex.mask; ; i = (i + 1) & lex.mask {
		sl := uint32(lex.slots[i])
		if sl == 0 {
			break
		}
		if sl&^(1<<slotIDBits-1) == frag {
			id := sl & (1<<slotIDBits - 1)
			e := &words[id]
			if e.key == key && int(e.n) == n && (n <= 8 || wordText[id][8:] == string(s.buf[a+8:a+n])) {
				w = e
				break
			}
		}
	}
	upper := acc&cLower == 0
	s.nUpper += int(b2u(upper))
	t := token{w: w, a: int32(a), b: int32(a + n), h: h, upper: upper}
	if w.id == 0 {
		t.w = nil
	}
	if w.normID != 0 {
		s.normalise(&t)
		w = t.w
	}
	s.toks = append(s.toks, t)
	if w.flags&fNegate != 0 { // noteNegation, without its nil check: w is never nil here
		s.negAt = append(s.negAt, int32(len(s.toks)-1))
	}
	s.seeWord(len(s.toks)-1, w, true)
}

// noteNegation records the position of the token just added when it is
// an English negation.
func (s *scratch) noteNegation(t token) {
	if t.nt || t.w != nil && t.w.flags&fNegate != 0 {
		s.negAt = append(s.negAt, int32(len(s.toks)-1))
	}
}

// normalise makes a slang token its normal form, text included.
func (s *scratch) normalise(t *token) {
	t.w = &words[t.w.normID]
	t.h = t.w.h
	a := len(s.buf)
	s.buf = append(s.buf, wordText[t.w.id]...)
	t.a, t.b = int32(a), int32(len(s.buf))
	if cap(s.buf)-len(s.buf) < s.left+8 {
		s.buf = slices.Grow(s.buf, s.left+8) // keep the room reserve made
	}
}

// word adds the token of the field f, or of a field's part between emoji,
// whose lower case the caller has appended at buf[a:]. acc is f's byte
// classes: cUpper and cLower whether it has capital and small letters (of
// any script), cPunct and cColon its ASCII punctuation, cHigh a non-ASCII
// byte anywhere in its field. The caller has counted f's letters and its
// '!' and '?'. Only ASCII punctuation is stripped from the ends, and it
// lower-cases to itself, so the word's bytes in buf start lo bytes after a
// and end as many bytes before the end of buf as were stripped from f.
func (s *scratch) word(a int, acc uint8, f string) {
	lo, hi := 0, len(f)
	var brk, q bool
	if acc&cPunct != 0 {
		for lo < hi && byteClass[f[lo]]&cPunct != 0 {
			lo++
		}
		for hi > lo && byteClass[f[hi-1]]&cPunct != 0 {
			hi--
		}
		if (lo > 0 || hi < len(f)) && hi-lo <= 2 {
			// Short words keep their punctuation when that is a known
			// emoticon (":)", ":d", "<3"); otherwise the stripped word counts.
			if w := lex.get(s.buf[a:]); w != nil {
				s.toks = append(s.toks, token{w: w, a: int32(a), b: int32(len(s.buf)), h: w.h})
				s.see(len(s.toks) - 1)
				return
			}
			if hi == lo {
				s.buf = s.buf[:a]
				return // punctuation only
			}
		}
		brk, q, _, _ = clauseMarks(f[hi:]) // the caller counted the field's marks
	}
	t := token{a: int32(a + lo), b: int32(len(s.buf) - (len(f) - hi)), upper: acc&cUpper != 0 && acc&cLower == 0,
		brk: brk, q: q, punct: acc&(cPunct|cHigh) != 0}
	if acc&cColon != 0 || f[0] == '@' || f[0]|0x20 == 'w' {
		s.markName(&t, f) // may be an @handle or a link
	}
	if t.upper {
		s.nUpper++
	}
	w := s.buf[t.a:t.b]
	t.w, t.h = lex.lookup(w)
	if t.w != nil && t.w.normID != 0 {
		s.normalise(&t)
	}
	if len(w) > 3 && w[len(w)-2] == '\'' {
		t.nt = w[len(w)-3] == 'n' && w[len(w)-1] == 't' // "don't", "isn't"
	}
	s.toks = append(s.toks, t)
	s.noteNegation(t)
	s.see(len(s.toks) - 1)
}

// markName marks a token whose field f is an @handle or a link as no
// language evidence, and counts the links.
func (s *scratch) markName(t *token, f string) {
	if t.noLang = isHandleOrURL(f); t.noLang && f[0] != '@' {
		s.urls++
	}
}

// isHandleOrURL reports an @handle, a URL or a web address: names, not
// words of the text's language.
func isHandleOrURL(f string) bool {
	if f[0] == '@' {
		return true
	}
	for i := 0; i+3 <= len(f); i++ {
		if f[i] == ':' && f[i+1] == '/' && f[i+2] == '/' {
			return true
		}
	}
	return len(f) > 4 && (f[:4] == "www." || f[:4] == "WWW.")
}

// field tokenizes one whitespace-separated field.
func (s *scratch) field(f string) {
	// Emoji split a field: "great😀" is "great" then the emoji's words.
	start := 0
	for i := 0; i < len(f); {
		c := f[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(f[i:])
		if infos, ok := emojiInfo[r]; ok {
			if i > start {
				s.part(f[start:i])
			}
			for _, wi := range infos {
				a := len(s.buf)
				s.buf = append(s.buf, wordText[wi.id]...)
				// An emoji's description is English, whatever the text's
				// language: its words are no language evidence.
				s.toks = append(s.toks, token{w: wi, a: int32(a), b: int32(len(s.buf)), h: wi.h, noLang: true})
				s.see(len(s.toks) - 1)
			}
			start = i + size
		} else if breaksWord(r) {
			if i > start {
				s.part(f[start:i])
			}
			start = i + size
		}
		i += size
	}
	if start < len(f) {
		s.part(f[start:])
	}
}

// part adds the token of p, a part of a field with non-ASCII bytes
// between emoji or spaces beyond ASCII (or all of it). The word is read
// from its lower case in buf, which lower has written without the
// invisible characters: so their place does not matter ("\u200e(good)"
// is "good" as "(good)" is), and a part of them alone is no token.
func (s *scratch) part(p string) {
	if strings.ContainsFunc(p, rewritten) {
		p = s.plainPart(p)
	}
	a := len(s.buf)
	acc := s.lower(p) | cHigh
	if len(s.buf) == a {
		return
	}
	// word strips the part's ASCII punctuation as written: a typographic
	// apostrophe, which lower wrote as ', is not ASCII punctuation
	// ("0!’" keeps it).
	n := len(s.toks)
	s.word(a, acc, p)
	if acc&cAccent != 0 && len(s.toks) > n && !s.toks[n].noLang {
		s.accented++
	}
}

// rewritten reports a character that part may drop or rewrite.
func rewritten(r rune) bool { return invisible(r) || plainLetter(r) != 0 || unicode.Is(unicode.Mn, r) }

// plainPart returns p as part reads it (rare: only a part with such
// characters is copied): the invisible characters left out, the letters
// of fancy text written as the ASCII they draw, and the combining marks
// after an ASCII letter dropped (strikethrough "s̶c̶a̶m̶", zalgo), but for
// one mark alone that Unicode composes with the letter into one (an
// accent typed as a second character: e and U+0301 are é, as NFC makes
// them). The '!' and '?' that fullwidth marks become are counted, as
// tokenize counted the field's ASCII ones.
func (s *scratch) plainPart(p string) string {
	b := make([]byte, 0, len(p))
	at, marks := -1, 0 // where the last ASCII letter was written (-1: the last rune is none), and how many marks follow it
	var bare byte      // that letter
	for _, r := range p {
		if invisible(r) {
			continue
		}
		if at >= 0 && unicode.Is(unicode.Mn, r) {
			if marks == 0 {
				bare = b[at]
				if c := norm.NFC.String(string(bare) + string(r)); utf8.RuneCountInString(c) == 1 {
					b = append(b[:at], c...)
				}
			} else {
				b = append(b[:at], bare) // marks on marks: drawing, not an accent
			}
			marks++
			continue
		}
		if c := plainLetter(r); c != 0 {
			switch c {
			case '!':
				s.excl++
			case '?':
				s.quest++
			}
			r = rune(c)
		}
		at, marks = -1, 0
		if r < utf8.RuneSelf && (r|0x20 >= 'a' && r|0x20 <= 'z') {
			at = len(b)
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// plainLetter returns the ASCII character that r, a character of "fancy
// text", draws, or 0: the fullwidth forms of ASCII (U+FF01-FF5E, which
// CJK keyboards type: "ｇｏｏｄ，"), the mathematical letters and digits
// (bold, italic, script, fraktur, double-struck, sans-serif, monospace:
// "𝐠𝐨𝐨𝐝", "𝓰𝓸𝓸𝓭"), and the circled and squared letters ("ⓖⓞⓞⓓ",
// "🄶🄾🄾🄳") that text generators on social networks produce; each is
// its compatibility decomposition (NFKC). Circled digits ("①", a list's
// numbering) and look-alike letters of other scripts (Cyrillic "о") are
// left as they are: the critical-mention matcher reads the latter as
// Latin (alerts/critical/fold.go), the scorer as the script they are.
func plainLetter(r rune) byte {
	switch {
	case r < 0x2460:
		return 0
	case r < 0x2500:
		return fancyEnclosed[r-0x2460]
	case 0xff01 <= r && r <= 0xff5e:
		return byte(r - 0xff01 + '!')
	case 0x1d400 <= r && r < 0x1d800:
		return fancyMath[r-0x1d400]
	case 0x1f100 <= r && r < 0x1f200:
		return fancySupplement[r-0x1f100]
	}
	return 0
}

// The tables of plainLetter: a block's code points whose NFKC is one
// ASCII letter (or digit, where digits is true).
var (
	fancyEnclosed   = fancyTable(0x2460, 0xa0, false)   // Enclosed Alphanumerics
	fancyMath       = fancyTable(0x1d400, 0x400, true)  // Mathematical Alphanumeric Symbols
	fancySupplement = fancyTable(0x1f100, 0x100, false) // Enclosed Alphanumeric Supplement
)

func fancyTable(first rune, n int, digits bool) []byte {
	t := make([]byte, n)
	for i := range t {
		d := norm.NFKC.String(string(first + rune(i)))
		if len(d) == 1 && (d[0]|0x20 >= 'a' && d[0]|0x20 <= 'z' || digits && d[0] >= '0' && d[0] <= '9') {
			t[i] = d[0]
		}
	}
	return t
}

// lower appends the lower case of f to buf (typographic apostrophes as
// '), counts its letters by script, and returns its byte classes: those
// of its ASCII bytes, cHigh for any other, and cUpper and cLower for
// letters of any script.
func (s *scratch) lower(f string) (acc uint8) {
	for i := 0; i < len(f); {
		c := f[i]
		if c < utf8.RuneSelf {
			k := byteClass[c]
			acc |= k
			s.latin += int(k>>2|k>>3) & 1 // cUpper or cLower: one letter
			s.buf = append(s.buf, lowerASCIITable[c])
			i++
			continue
		}
		acc |= cHigh
		r, size := utf8.DecodeRuneInString(f[i:])
		if invisible(r) {
			i += size
			continue
		}
		if r == '\u2019' || r == '\u2018' {
			r = '\'' // typographic apostrophes: "don’t" is "don't"
		}
		if unicode.IsUpper(r) {
			acc |= cUpper
		} else if unicode.IsLower(r) {
			acc |= cLower
		}
		if unicode.IsLetter(r) {
			if latinLetter(r) {
				s.latin++
				acc |= cAccent
			} else {
				s.nonLatin++
			}
		}
		s.buf = utf8.AppendRune(s.buf, unicode.ToLower(r))
		i += size
	}
	return acc
}

// latinLetter reports a letter of the Latin script beyond ASCII: the
// Latin-1 Supplement, Latin Extended-A and -B (é, ñ, ß, ł, ş) and Latin
// Extended Additional (Vietnamese ạ, ế).
func latinLetter(r rune) bool { return r < 0x250 || 0x1e00 <= r && r <= 0x1eff }

var lowerASCIITable = func() (t [256]byte) {
	for c := range t {
		t[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			t[c] = byte(c + 'a' - 'A')
		}
	}
	return t
}()
