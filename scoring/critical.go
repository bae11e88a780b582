package scoring

import (
	"encoding/binary"
	"strings"

	"github.com/mentionwatch/mentionwatch/alerts/critical"
)

// The scorer's own harm cues (complaints.go) settle a mention negative;
// so does a harm that the critical-mention matcher finds (alerts/critical:
// poisoning, injury, death, fire, fraud, a data leak, a lawsuit, the
// police, a regulator, a boycott, a post going viral, with its context
// rules, negations and slang). The alert loop alerts on the same matcher
// whatever the label; this keeps the label from praising what the alert
// calls a harm ("lapor YLKI", "mau aku viralin"). The matcher reads the
// text again (about a microsecond), so it runs only on a mention about to
// be labelled positive whose words include one of its triggers
// (critical.Matcher.Triggers): most texts pay a bit test per word.

// notSettling is the harm category that alerts but does not settle the
// label: a post going viral can be praise.
const notSettling = "viral"

// harmMatch is the built-in matcher (a brand's extra keywords alert, but
// do not settle the label); harmGate its trigger words.
var (
	harmMatch *critical.Matcher
	harmGate  triggerSet
)

// triggerSet holds the matcher's trigger words (with their "-nya" and "2"
// forms): those in the scorer's vocabulary as a bit per word id (the
// token already holds its entry, and the slang normal form the tokenizer
// may have put in its place is marked too), the others by hashBytes, in
// a small Bloom filter (one bit) before an open-addressing table (0
// marks an empty slot, so a word whose hash is 0 always passes).
type triggerSet struct {
	byID     []uint64
	bloom    [1 << 9]uint64
	mask     uint32
	slots    []uint32
	prefixes [][]byte
	pre4     []uint32 // each prefix's first four bytes, little-endian
	minPre   int
}

// loadHarmGate builds the matcher and its gate; loadModels calls it
// once, after the vocabulary is built.
func loadHarmGate() {
	harmMatch = critical.New(nil)
	trig, prefixes := harmMatch.Triggers(notSettling)
	g := triggerSet{byID: make([]uint64, len(words)/64+1), minPre: 1 << 30}
	for _, p := range prefixes {
		if len(p) < 4 {
			panic("scoring: a critical prefix shorter than 4 bytes: " + p)
		}
		g.prefixes = append(g.prefixes, []byte(p))
		g.pre4 = append(g.pre4, binary.LittleEndian.Uint32([]byte(p)))
		g.minPre = min(g.minPre, len(p))
	}
	var hs []uint32
	for _, w := range trig {
		for _, f := range []string{w, w + "nya", w + "2"} {
			if e := lex.get([]byte(f)); e != nil {
				g.markID(e.id)
				if e.normID != 0 {
					g.markID(uint32(e.normID))
				}
			} else {
				hs = append(hs, hashBytes([]byte(f)))
			}
		}
	}
	for id := 1; id < len(words); id++ { // vocabulary words that begin with a prefix
		if w := []byte(wordText[id]); len(w) >= g.minPre && g.prefixed(w) {
			g.markID(uint32(id))
		}
	}
	n := uint32(1)
	for n < uint32(len(hs))*2 {
		n <<= 1
	}
	g.mask, g.slots = n-1, make([]uint32, n)
	for _, h := range hs {
		if h == 0 {
			continue
		}
		i := h & g.mask
		for g.slots[i] != 0 && g.slots[i] != h {
			i = (i + 1) & g.mask
		}
		g.slots[i] = h
		g.bloom[h>>23] |= 1 << (h >> 16 & 63)
	}
	harmGate = g
}

func (g *triggerSet) markID(id uint32) { g.byID[id/64] |= 1 << (id % 64) }

// known reports whether the vocabulary word e is a trigger.
func (g *triggerSet) known(e *wordInfo) bool { return g.byID[e.id/64]&(1<<(e.id%64)) != 0 }

// has reports whether the word w of hash h, not in the vocabulary, may
// be a trigger.
func (g *triggerSet) has(w []byte, h uint32) bool {
	if len(w) >= g.minPre && g.prefixed(w) {
		return true
	}
	if h == 0 {
		return true
	}
	if g.bloom[h>>23]&(1<<(h>>16&63)) == 0 {
		return false
	}
	for i := h & g.mask; ; i = (i + 1) & g.mask {
		switch g.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// word reports whether the word w, known or not, may be a trigger.
func (g *triggerSet) word(w []byte) bool {
	e, h := lex.lookup(w)
	if e != nil {
		return g.known(e)
	}
	return g.has(w, h)
}

// prefixed reports whether w begins with one of the prefixes.
func (g *triggerSet) prefixed(w []byte) bool {
	k := binary.LittleEndian.Uint32(w)
	for j, p4 := range g.pre4 {
		if k == p4 && len(w) >= len(g.prefixes[j]) && string(w[:len(g.prefixes[j])]) == string(g.prefixes[j]) {
			return true
		}
	}
	return false
}

// mayHarm reports whether any token of s is one of the matcher's
// triggers. A word unknown to the vocabulary (no known word has a run of
// three letters) is also checked folded; a token with punctuation inside
// ("hospital...cite") is several words to the matcher: each part is
// checked.
func (s *scratch) mayHarm() bool {
	g := &harmGate
	for i := range s.toks {
		t := &s.toks[i]
		if t.w != nil {
			if g.known(t.w) {
				return true
			}
		} else if w := s.buf[t.a:t.b]; g.has(w, t.h) || len(w) >= 3 && g.hasFolded(w) {
			return true
		}
		if t.punct && g.hasPart(s.buf[t.a:t.b]) {
			return true
		}
	}
	return false
}

// hasPart reports whether a part of w between its ASCII punctuation is a
// trigger.
func (g *triggerSet) hasPart(w []byte) bool {
	a := 0
	for i := 0; i <= len(w); i++ {
		if i < len(w) && byteClass[w[i]]&cPunct == 0 {
			continue
		}
		if i > a && i-a < len(w) && (g.word(w[a:i]) || g.hasFolded(w[a:i])) {
			return true
		}
		a = i + 1
	}
	return false
}

// hasFolded reports whether w, with each run of three or more of a letter
// cut to one as the matcher folds it ("keracunannn"), is a trigger; false
// when w has no such run.
func (g *triggerSet) hasFolded(w []byte) bool {
	i := 2
	for i < len(w) && (w[i] != w[i-1] || w[i] != w[i-2]) {
		i++
	}
	if i >= len(w) {
		return false // no run of three: most words stop here
	}
	var buf [48]byte
	n, run := 0, false
	for i, c := range w {
		if i >= 2 && c == w[i-1] && c == w[i-2] && c >= 'a' {
			if !run {
				n-- // the run is three long: keep one
				run = true
			}
			continue
		}
		if i >= 1 && c != w[i-1] {
			run = false
		}
		if n == len(buf) {
			return false // longer than any term word
		}
		buf[n] = c
		n++
	}
	if n == len(w) {
		return false
	}
	return g.word(buf[:n])
}

// settleCritical returns v, made negative as settle makes a harm cue's,
// when the matcher finds a harm in the title or text and v would label
// the mention positive, or the text writes a harm in a disguise that the
// scorer's own harm cues cannot read (disguised: "k3racunan", "S C A M",
// "scaaaam"), so that it settles as its plain spelling does. A post
// going viral is the one category that can be praise ("enak banget, mau
// aku viralin"): it alerts, but does not settle the label.
func (s *scratch) settleCritical(v float64, title, text string) float64 {
	if v < labelThresh {
		if s.harms > 0 || v <= harmSettled || !s.disguised(title, text) {
			return v
		}
	} else if !s.mayHarm() && !s.disguised(title, text) {
		return v
	}
	if s.matcherHarm(title, text) {
		return min(v, harmSettled)
	}
	return v
}

// matcherHarm reports whether the matcher finds a harm of a category
// that settles the label in the text or the title. The answer is kept
// for the rest of the text's scoring.
func (s *scratch) matcherHarm(title, text string) bool {
	if s.critical == 0 {
		s.critical = 2
		for _, t := range [2]string{text, title} {
			if h, ok := harmMatch.Find(t); t != "" && ok && h.Category != notSettling {
				s.critical = 1
				break
			}
		}
	}
	return s.critical == 1
}

func hasZWSP(s string) bool { return strings.Contains(s, "\u200b") }

// disguised reports a word the matcher may read as a harm that the
// scorer's words hide: mayDisguise's (leetspeak, look-alike letters,
// letters spelled out), a word with a letter held ("scaaaam",
// "keracunannnn") whose folded form is a trigger, or a zero-width space,
// which the tokenizer splits words at and the matcher reads as nothing
// inside a word ("kera\u200bcunan").
func (s *scratch) disguised(title, text string) bool {
	if s.mayDisguise() || hasZWSP(title) || hasZWSP(text) {
		return true
	}
	for i := range s.toks {
		if t := &s.toks[i]; t.w == nil && t.b-t.a >= 3 && harmGate.hasFolded(s.buf[t.a:t.b]) {
			return true
		}
	}
	return false
}

// mayDisguise reports whether s has a word the trigger gate cannot see
// but the matcher reads as one (alerts/critical, fold.go): an unknown
// word with digits or '@' among its letters ("k3racunan", "sc@m"), with
// letters beyond ASCII (look-alike or full-width letters: "ѕсаm"), or
// three single letters in a row ("S C A M"). Such texts are rare, so the
// matcher's second reading stays off the common path.
func (s *scratch) mayDisguise() bool {
	single := 0
	for i := range s.toks {
		t := &s.toks[i]
		w := s.buf[t.a:t.b]
		if len(w) == 1 && w[0] >= 'a' && w[0] <= 'z' {
			if single++; single >= 3 {
				return true
			}
			continue
		}
		single = 0
		if t.w != nil || t.noLang || len(w) < 3 {
			continue
		}
		var letters, marks bool
		for j, c := range w {
			switch {
			case c >= 'a' && c <= 'z':
				letters = true
			case c >= '0' && c <= '9', c == '@' && j > 0, c == '$' && j > 0:
				marks = true
			case c >= 0x80:
				return true
			}
		}
		if letters && marks {
			return true
		}
	}
	return false
}
