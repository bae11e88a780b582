package critical

import (
	"bytes"
	"strings"
	"unicode"
)

// Features are word classes that terms need as evidence or that cancel them.
const (
	fNeg         = iota // not, bukan, ga, kirain: cancels a term just after it
	fFiction            // movie, drakor, sinetron: fiction cancels terms in its sentence
	fTopic              // season, nfl, presiden, fpi: sport and politics anywhere cancel the text
	fClauseBreak        // but, tapi, ternyata: ends a negation's scope
	fPerson             // son, ibu, customer, kucing: subjects that can die
	fThing              // phone, battery, hp, lampu: subjects that "die" harmlessly
	fDevice             // battery, kompor, warehouse: where fires happen
	fFireW              // fire, smoke, meledak: a second one corroborates
	fData               // data, alamat, password: what leaks
	fMoney              // money, saldo, rekening: what is stolen
	fReport             // report, lapor, arrested: what the police are for
	fFood               // ate, makan, nasi, milk: what poisons
	fSymptom            // vomiting, muntah, diare
	fBody               // hand, kulit, wajah: what gets hurt
	fHospVerb           // rushed, admitted, dilarikan, masuk: into a hospital
	fCall               // everyone, ajak, kalian: a call to others
	fTrouble            // roach, kasar, refund, worst: what makes a post spread
	fApproved           // approved, aman, terdaftar: a regulator's good news
	fCommerce           // store, kurir, makan, produk, hospital: a business is involved
	fParticle           // sih, ya, kah: a question particle after "penipuan gak"
	nFeat
)

type feats uint32

func bit(b int) feats { return 1 << uint(b) }

const anyWord = ^uint32(0) // '*' in a phrase

// term is one entry of the lexicon.
type term struct {
	ids    []uint32
	text   string
	cat    string
	need   feats    // evidence needed within win words, either side (0: none)
	before feats    // subject needed within win words before
	block  feats    // cancels within win words, same sentence
	ctx    feats    // needed anywhere in the text
	win    int      // window for need, before and block
	follow []uint32 // next words that cancel ("polisi tidur")
	noNeg  bool     // negation does not apply (the term holds its own)
	final  bool     // a suppressor that ends in a negation, a question particle ("penipuan gak")
}

func (t *term) follows(id uint32) bool {
	for _, f := range t.follow {
		if f == id {
			return true
		}
	}
	return false
}

type wordInfo struct {
	feats feats
	ends  []int32 // terms whose last word this is
	inSup bool    // a word of a suppressor, after its first
}

type prefix struct {
	p       []byte
	id      uint32
	tagOnly bool
}

// lexicon is built once by New and read-only afterwards.
type lexicon struct {
	ids      map[string]uint32
	words    []wordInfo // index 0: unknown word
	terms    []term
	sups     []int32 // the suppressors' terms
	prefixes []prefix
	table    []slot32 // open addressing over ids by FNV-1a hash
	text     []string // id -> word
	mask     uint32

	minPrefix   int       // shortest prefix
	prefixFirst [4]uint64 // bit set of the prefixes' first bytes
}

func (l *lexicon) id(w string) uint32 {
	if id, ok := l.ids[w]; ok {
		return id
	}
	id := uint32(len(l.words))
	l.ids[w] = id
	l.words = append(l.words, wordInfo{})
	return id
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func fnv(s string) uint32 {
	h := uint32(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

func fnvBytes(b []byte) uint32 {
	h := uint32(fnvOffset)
	for _, c := range b {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

// slot is an entry of the open-addressing word table; id 0 is empty.
type slot32 struct {
	hash, id uint32
}

// index builds the word table that lookup probes.
func (l *lexicon) index() {
	size := 1
	for size < 2*len(l.words) {
		size *= 2
	}
	l.table = make([]slot32, size)
	l.text = make([]string, len(l.words))
	l.mask = uint32(size - 1)
	for w, id := range l.ids {
		l.text[id] = w
		h := fnv(w)
		i := h & l.mask
		for l.table[i].id != 0 {
			i = (i + 1) & l.mask
		}
		l.table[i] = slot32{hash: h, id: id}
	}
	l.minPrefix = maxWord + 1
	for i := range l.prefixes {
		p := l.prefixes[i].p
		l.prefixFirst[p[0]>>6] |= 1 << (p[0] & 63)
		l.minPrefix = min(l.minPrefix, len(p))
	}
}

func (l *lexicon) find(b []byte, h uint32) uint32 {
	for i := h & l.mask; ; i = (i + 1) & l.mask {
		e := l.table[i]
		if e.id == 0 {
			return 0
		}
		if e.hash == h && l.text[e.id] == string(b) {
			return e.id
		}
	}
}

// lookup finds a folded word b: as is, without Indonesian reduplication ("muntah2"), without the
// "-nya" suffix ("datanya"), or by prefix ("#BoycottAcme", "scammed"). It
// does not allocate.
func (l *lexicon) lookup(b []byte, tag bool) uint32 {
	n := len(b)
	if id := l.find(b, fnvBytes(b)); id != 0 {
		return id
	}
	if n > 3 && b[n-1] == '2' && b[n-2] >= 'a' && b[n-2] <= 'z' {
		if id := l.find(b[:n-1], fnvBytes(b[:n-1])); id != 0 {
			return id
		}
	}
	if n > 6 && b[n-3] == 'n' && b[n-2] == 'y' && b[n-1] == 'a' {
		if id := l.find(b[:n-3], fnvBytes(b[:n-3])); id != 0 {
			return id
		}
	}
	if n < l.minPrefix || l.prefixFirst[b[0]>>6]&(1<<(b[0]&63)) == 0 {
		return 0
	}
	for _, p := range l.prefixes {
		if k := len(p.p); n >= k && (tag || !p.tagOnly) && bytes.Equal(b[:k], p.p) {
			return p.id
		}
	}
	return 0
}

// spec describes terms in the tables of terms.go: terms are separated by
// '|', words by spaces, '*' is any one word.
type spec struct {
	cat    string
	terms  string
	need   feats
	before feats
	block  feats
	ctx    feats
	win    int
	follow string
	noNeg  bool
}

func build(extra []string) *lexicon {
	l := &lexicon{ids: map[string]uint32{}, words: []wordInfo{{}}}
	for f, list := range featureWords {
		for _, w := range strings.Split(list, "|") {
			if w = strings.TrimSpace(w); w != "" {
				l.words[l.id(w)].feats |= bit(f)
			}
		}
	}
	for _, w := range strings.Split(plainWords, "|") {
		l.id(w)
	}
	for _, sp := range specs {
		l.add(sp)
	}
	for _, k := range extra {
		words := splitWords(k)
		if len(words) > 0 && len(words) <= ringN {
			l.add(spec{cat: "custom", terms: strings.Join(words, " "), noNeg: true})
		}
	}
	for _, p := range prefixes {
		l.prefixes = append(l.prefixes, prefix{p: []byte(p.p), id: l.id(p.word), tagOnly: p.tagOnly})
	}
	l.index()
	return l
}

func (l *lexicon) add(sp spec) {
	win := sp.win
	if win == 0 {
		win = 8
	}
	var follow []uint32
	for _, w := range strings.Split(sp.follow, "|") {
		if w = strings.TrimSpace(w); w != "" {
			follow = append(follow, l.id(w))
		}
	}
	for _, text := range strings.Split(sp.terms, "|") {
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		ws := strings.Fields(text)
		if len(ws) > ringN {
			panic("critical: term longer than ringN words: " + text)
		}
		t := term{text: text, cat: sp.cat, need: sp.need, before: sp.before, block: sp.block, ctx: sp.ctx, win: win,
			follow: follow, noNeg: sp.noNeg}
		for _, w := range ws {
			if w == "*" {
				t.ids = append(t.ids, anyWord)
			} else {
				t.ids = append(t.ids, l.id(w))
			}
		}
		last := t.ids[len(t.ids)-1]
		if last == anyWord {
			panic("critical: term ends with '*': " + text)
		}
		if t.cat == "" {
			t.final = l.words[last].feats&bit(fNeg) != 0
			for _, id := range t.ids[1:] {
				l.words[id].inSup = true
			}
			l.sups = append(l.sups, int32(len(l.terms)))
		}
		l.terms = append(l.terms, t)
		l.words[last].ends = append(l.words[last].ends, int32(len(l.terms)-1))
	}
}

// splitWords splits a config keyword the way the scanner splits texts:
// letters and digits, lower-cased and folded (fold.go); apostrophes and
// invisible characters dropped.
func splitWords(s string) []string {
	var out []string
	var cur strings.Builder
	for _, r := range s {
		switch {
		case r == '\'' || r == '\u2019' || invisible(r):
		case foldTable[r] != "":
			cur.WriteString(foldTable[r])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(unicode.ToLower(r))
		case cur.Len() > 0:
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
