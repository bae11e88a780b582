package scoring

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The VADER lexicons (Hutto & Gilbert, ICWSM 2014; MIT, see
// lexicon/VADER_LICENSE.txt) are embedded and parsed once at init.
var (
	//go:embed lexicon/vader_lexicon.txt
	vaderLexicon []byte
	//go:embed lexicon/vader_emoji_lexicon.txt
	vaderEmojiLexicon []byte
)

// Special words the VADER rules test by identity.
const (
	kwNone uint8 = iota
	kwBut
	kwNo
	kwLeast
	kwNever
	kwSo
	kwThis
	kwWithout
	kwDoubt
	kwKind
	kwOf
	kwOr
	kwNor
	kwAt
	kwVery
	kwToo
	kwModal     // should, would, could
	kwHave      // have
	kwModalHave // should've, would've, could've
)

// Language evidence flags on a word.
const (
	langEN uint8 = 1 << iota
	langID
	langOther
)

// wordInfo is everything the scorer knows about one lower-case word. The
// vocabulary is built once at init and never written after, so scorers
// share it without locks.
type wordInfo struct {
	s       string    // the word itself
	norm    *wordInfo // Indonesian normal form of a slang spelling, nil if none
	cue     *cue      // stage/aspect/domain cue carried by the word alone
	id      uint32    // dense id, for phrase keys
	valence float32   // VADER valence, or the domain lexicon's
	booster float32   // VADER booster/dampener scalar, 0 if none
	inLex   bool      // valence is set (VADER treats lexicon words apart)
	vader   bool      // in the VADER lexicon itself
	negate  bool      // English negation word
	special uint8     // kw* constant
	lang    uint8     // lang* flags: a stopword or marker of that language
	idNeg   bool      // Indonesian negator (after normalising)
	phrase  bool      // first or middle word of some phrase
}

// cue is what a word or phrase signals beyond the VADER lexicon.
type cue struct {
	stage   [numStages]float32 // evidence for each moment of truth
	aspects uint16             // aspect bits
	valence float32            // domain valence (-4..4), 0 if none
	hasVal  bool
}

var (
	vocab       = map[string]*wordInfo{}
	phraseMap   = map[uint64]*cue{} // key: phraseKey of 2 or 3 word ids (built at init)
	prefixMap   = map[uint64]bool{} // 2-word prefixes of 3-word phrases
	phrases     *phraseTable        // both, for scoring
	emoji       = map[rune][]string{}
	emojiInfo   = map[rune][]*wordInfo{}
	nextWordID  uint32
	slab        []wordInfo
	maxPhraseID = uint32(1<<21 - 1)
)

func word(w string) *wordInfo {
	if wi, ok := vocab[w]; ok {
		return wi
	}
	nextWordID++
	if len(slab) == cap(slab) {
		slab = make([]wordInfo, 0, 1024) // entries close together in memory
	}
	slab = append(slab, wordInfo{id: nextWordID, s: w})
	wi := &slab[len(slab)-1]
	vocab[w] = wi
	return wi
}

func phraseKey(ids ...uint32) uint64 {
	var k uint64
	for _, id := range ids {
		k = k<<21 | uint64(id)
	}
	return k
}

func init() {
	if err := loadVADER(vaderLexicon, vaderEmojiLexicon); err != nil {
		panic(err) // embedded data: a failure here is a build defect
	}
	loadTables()
	if err := loadIDModel(); err != nil {
		panic(err)
	}
	if nextWordID > maxPhraseID {
		panic("scoring: vocabulary too large for phrase keys")
	}
	lex = buildTable(vocab)
	phrases = buildPhraseTable(phraseMap, prefixMap)
}

// phraseTable maps phrase keys to cues (and marks 3-word prefixes), with
// open addressing: cheaper than a Go map on the hot path.
type phraseTable struct {
	mask  uint32
	slots []phraseSlot
}

type phraseSlot struct {
	key    uint64 // 0: empty (word ids start at 1)
	c      *cue
	prefix bool
}

func buildPhraseTable(m map[uint64]*cue, prefixes map[uint64]bool) *phraseTable {
	n := uint32(1)
	for n < uint32(len(m)+len(prefixes))*2 {
		n <<= 1
	}
	t := &phraseTable{mask: n - 1, slots: make([]phraseSlot, n)}
	put := func(k uint64) *phraseSlot {
		i := uint32(mix64(k)) & t.mask
		for t.slots[i].key != 0 && t.slots[i].key != k {
			i = (i + 1) & t.mask
		}
		t.slots[i].key = k
		return &t.slots[i]
	}
	for k, c := range m {
		put(k).c = c
	}
	for k := range prefixes {
		put(k).prefix = true
	}
	return t
}

// get returns the phrase's cue (nil if none) and whether it begins a
// longer phrase.
func (t *phraseTable) get(k uint64) (*cue, bool) {
	for i := uint32(mix64(k)) & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.key == k {
			return sl.c, sl.prefix
		}
		if sl.key == 0 {
			return nil, false
		}
	}
}

func mix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	return k
}

// lexTable is the read-only vocabulary used while scoring: open
// addressing over a fast byte hash, looked up with the scratch buffer's
// bytes directly (no string conversion, no Swiss-table probing overhead).
type lexTable struct {
	mask  uint32
	slots []lexSlot
}

// lexSlot is 16 bytes: a probe touches one cache line.
type lexSlot struct {
	h uint32
	w *wordInfo // nil: empty
}

var lex *lexTable

func buildTable(m map[string]*wordInfo) *lexTable {
	n := uint32(1)
	for n < uint32(len(m))*2 {
		n <<= 1
	}
	t := &lexTable{mask: n - 1, slots: make([]lexSlot, n)}
	for w, wi := range m {
		h := hashBytes([]byte(w))
		i := h & t.mask
		for t.slots[i].w != nil {
			i = (i + 1) & t.mask
		}
		t.slots[i] = lexSlot{h: h, w: wi}
	}
	return t
}

// get returns the word's entry, or nil.
func (t *lexTable) get(b []byte) *wordInfo {
	h := hashBytes(b)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		sl := t.slots[i]
		if sl.w == nil {
			return nil
		}
		if sl.h == h && sl.w.s == string(b) {
			return sl.w
		}
	}
}

// hashBytes mixes 8 bytes at a time.
func hashBytes(b []byte) uint32 {
	h := uint64(len(b)) * 0x9e3779b97f4a7c15
	for len(b) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(b)) * 0xbf58476d1ce4e5b9
		h ^= h >> 31
		b = b[8:]
	}
	var tail uint64
	for i, c := range b {
		tail |= uint64(c) << (8 * i)
	}
	h = (h ^ tail) * 0x94d049bb133111eb
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	return uint32(h >> 32)
}

// loadVADER parses the word lexicon (word TAB valence TAB sd TAB ratings)
// and the emoji lexicon (emoji TAB description).
func loadVADER(lex, emo []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(lex))
	for n := 1; sc.Scan(); n++ {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 32)
		if err != nil {
			return fmt.Errorf("vader_lexicon.txt line %d: valence %q: %w", n, f[1], err)
		}
		wi := word(strings.ToLower(f[0]))
		wi.valence, wi.inLex, wi.vader = float32(v), true, true
	}
	sc = bufio.NewScanner(bytes.NewReader(emo))
	for sc.Scan() {
		e, desc, ok := strings.Cut(sc.Text(), "\t")
		r, size := utf8.DecodeRuneInString(e)
		if !ok || size != len(e) || r == utf8.RuneError {
			continue // multi-rune sequences: VADER reads one rune at a time
		}
		words := strings.Fields(strings.ToLower(desc))
		for _, w := range words {
			word(w)
		}
		emoji[r] = words
		infos := make([]*wordInfo, len(words))
		for i, w := range words {
			infos[i] = word(w)
		}
		emojiInfo[r] = infos
	}
	for w, b := range boosters {
		word(w).booster = b
	}
	for _, w := range negations {
		word(w).negate = true
	}
	for w, k := range specials {
		word(w).special = k
	}
	return nil
}

const (
	bIncr   = 0.293 // booster increment
	bDecr   = -0.293
	cIncr   = 0.733 // ALL-CAPS increment
	nScalar = -0.74 // negation scalar
)

var boosters = map[string]float32{
	"absolutely": bIncr, "amazingly": bIncr, "awfully": bIncr, "completely": bIncr,
	"considerable": bIncr, "considerably": bIncr, "decidedly": bIncr, "deeply": bIncr,
	"effing": bIncr, "enormous": bIncr, "enormously": bIncr, "entirely": bIncr,
	"especially": bIncr, "exceptional": bIncr, "exceptionally": bIncr, "extreme": bIncr,
	"extremely": bIncr, "fabulously": bIncr, "flipping": bIncr, "flippin": bIncr,
	"frackin": bIncr, "fracking": bIncr, "fricking": bIncr, "frickin": bIncr,
	"frigging": bIncr, "friggin": bIncr, "fully": bIncr, "fuckin": bIncr, "fucking": bIncr,
	"fuggin": bIncr, "fugging": bIncr, "greatly": bIncr, "hella": bIncr, "highly": bIncr,
	"hugely": bIncr, "incredible": bIncr, "incredibly": bIncr, "intensely": bIncr,
	"major": bIncr, "majorly": bIncr, "more": bIncr, "most": bIncr, "particularly": bIncr,
	"purely": bIncr, "quite": bIncr, "really": bIncr, "remarkably": bIncr, "so": bIncr,
	"substantially": bIncr, "thoroughly": bIncr, "total": bIncr, "totally": bIncr,
	"tremendous": bIncr, "tremendously": bIncr, "uber": bIncr, "unbelievably": bIncr,
	"unusually": bIncr, "utter": bIncr, "utterly": bIncr, "very": bIncr,
	"almost": bDecr, "barely": bDecr, "hardly": bDecr, "kinda": bDecr, "kindof": bDecr,
	"kind-of": bDecr, "less": bDecr, "little": bDecr, "marginal": bDecr, "marginally": bDecr,
	"occasional": bDecr, "occasionally": bDecr, "partly": bDecr, "scarce": bDecr,
	"scarcely": bDecr, "slight": bDecr, "slightly": bDecr, "somewhat": bDecr, "sorta": bDecr,
	"sortof": bDecr, "sort-of": bDecr,
}

var negations = []string{
	"aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "ain't",
	"aren't", "can't", "couldn't", "daren't", "didn't", "doesn't", "dont", "hadnt", "hasnt",
	"havent", "isnt", "mightnt", "mustnt", "neither", "don't", "hadn't", "hasn't", "haven't",
	"isn't", "mightn't", "mustn't", "neednt", "needn't", "never", "none", "nope", "nor", "not",
	"nothing", "nowhere", "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
	"oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't", "without", "wont",
	"wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
}

var specials = map[string]uint8{
	"but": kwBut, "no": kwNo, "least": kwLeast, "never": kwNever, "so": kwSo, "this": kwThis,
	"without": kwWithout, "doubt": kwDoubt, "kind": kwKind, "of": kwOf, "or": kwOr,
	"nor": kwNor, "at": kwAt, "very": kwVery, "too": kwToo,
	"should": kwModal, "would": kwModal, "could": kwModal, "have": kwHave,
	"should've": kwModalHave, "would've": kwModalHave, "could've": kwModalHave,
}
