package scoring

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

// token is one word of a text, VADER style: whitespace-separated, with
// surrounding punctuation stripped unless that leaves two bytes or fewer
// (so emoticons like ":)" survive). Emoji become the words of their
// description.
type token struct {
	w     *wordInfo // nil when the word is not in the vocabulary
	a, b  int32     // the lower-case word is scratch.buf[a:b]
	upper bool      // ALL CAPS in the original (Python's str.isupper)
	nt    bool      // contains "n't" (VADER counts it as a negation)
	brk   bool      // followed by clause punctuation (, ; : . ! ?)
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
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{buf: make([]byte, 0, 1024), toks: make([]token, 0, 128), sent: make([]float32, 0, 128),
		pv: make([]phraseVal, 0, 8), feats: make([]uint32, 0, 1024)}
}}

func getScratch() *scratch {
	s := scratchPool.Get().(*scratch)
	s.buf, s.toks, s.sent, s.pv, s.feats = s.buf[:0], s.toks[:0], s.sent[:0], s.pv[:0], s.feats[:0]
	s.stage, s.asp, s.dom = [numStages]float32{}, 0, 0
	return s
}

func putScratch(s *scratch) {
	if cap(s.buf) > 1<<16 || cap(s.toks) > 1<<13 || cap(s.feats) > 1<<16 {
		return // don't keep huge buffers alive
	}
	scratchPool.Put(s)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isPunct is Python's string.punctuation.
func isPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// tokenize appends the tokens of text to s.toks.
func (s *scratch) tokenize(text string) {
	i := 0
	for i < len(text) {
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		j := i
		for j < len(text) && !isSpace(text[j]) {
			j++
		}
		if j > i {
			s.field(text[i:j])
		}
		i = j
	}
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
		if words, ok := emoji[r]; ok {
			if i > start {
				s.word(f[start:i])
			}
			for _, w := range words {
				a := len(s.buf)
				s.buf = append(s.buf, w...)
				s.toks = append(s.toks, token{w: vocab[w], a: int32(a), b: int32(len(s.buf))})
			}
			start = i + size
		}
		i += size
	}
	if start < len(f) {
		s.word(f[start:])
	}
}

// word adds one token: lower-cased into buf, looked up once.
func (s *scratch) word(f string) {
	lo, hi := 0, len(f)
	for lo < hi && isPunct(f[lo]) {
		lo++
	}
	for hi > lo && isPunct(f[hi-1]) {
		hi--
	}
	a := len(s.buf)
	var t token
	if (lo > 0 || hi < len(f)) && hi-lo <= 2 {
		// Short words keep their punctuation when that is a known
		// emoticon (":)", ":d", "<3"); otherwise the stripped word counts.
		s.lower(f)
		if w := vocab[string(s.buf[a:])]; w != nil {
			t = token{w: w, a: int32(a), b: int32(len(s.buf))}
			s.toks = append(s.toks, t)
			return
		}
		s.buf = s.buf[:a]
		if hi == lo {
			return // punctuation only
		}
	}
	upper, lower := s.lower(f[lo:hi])
	t = token{a: int32(a), b: int32(len(s.buf)), upper: upper && !lower}
	for k := hi; k < len(f); k++ {
		switch f[k] {
		case ',', ';', ':', '.', '!', '?':
			t.brk = true
		}
	}
	w := s.buf[a:]
	t.w = vocab[string(w)]
	if t.w != nil && t.w.idNorm != "" {
		// Slang: the token becomes the normal form, text included.
		t.w = vocab[t.w.idNorm]
		a := len(s.buf)
		s.buf = append(s.buf, t.w.s...)
		t.a, t.b = int32(a), int32(len(s.buf))
	}
	for k := 0; k+2 < len(w); k++ {
		if w[k] == 'n' && w[k+1] == '\'' && w[k+2] == 't' {
			t.nt = true
			break
		}
	}
	s.toks = append(s.toks, t)
}

// lower appends the lower case of f to buf and reports whether f has
// upper-case and lower-case letters.
func (s *scratch) lower(f string) (hasUpper, hasLower bool) {
	for i := 0; i < len(f); {
		c := f[i]
		if c < utf8.RuneSelf {
			switch {
			case 'A' <= c && c <= 'Z':
				hasUpper = true
				c += 'a' - 'A'
			case 'a' <= c && c <= 'z':
				hasLower = true
			}
			s.buf = append(s.buf, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(f[i:])
		if r == '\u2019' || r == '\u2018' {
			r = '\'' // typographic apostrophes: "don’t" is "don't"
		}
		if unicode.IsUpper(r) {
			hasUpper = true
		} else if unicode.IsLower(r) {
			hasLower = true
		}
		s.buf = utf8.AppendRune(s.buf, unicode.ToLower(r))
		i += size
	}
	return hasUpper, hasLower
}

// str returns the token's lower-case word as a string view (no copy is
// kept beyond the call; callers use it only for lookups).
func (s *scratch) str(t token) []byte { return s.buf[t.a:t.b] }
