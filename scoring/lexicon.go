package scoring

import (
	"bufio"
	"bytes"
	"cmp"
	_ "embed"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	kwLike      // like: a verb after a subject or adverb, else a preposition
	kwSort      // sort ("sort of" dampens, like "kind of")
	kwPernah    // Indonesian "pernah" (ever): "tidak pernah X" (complaints.go)
	kwIDBoost   // Indonesian "banget", "bgt", "sekali" after a cue (complaints.go)
	kwLagi      // Indonesian "lagi" (again): "gak bakal beli lagi" (complaints.go)
)

// Language evidence flags on a word.
const (
	langEN uint8 = 1 << iota
	langID
	langOther
	langIDCore // a curated Indonesian function word or slang spelling (strong evidence)
	langENWord // a word of the English descriptions in the emoji lexicon
)

// Evidence a token adds (wordInfo.ev): weights for English (bits 0-1),
// Indonesian (bits 2-3) and other (bits 4-5), and whether the Indonesian
// evidence is core (bit 6). Function words weigh 2; English sentiment and
// description words, and the Indonesian words learned from SmSA (which
// include loanwords: menu, steak, video), weigh 1.
const (
	evENShift   = 0
	evIDShift   = 2
	evOTShift   = 4
	evCoreShift = 6
)

// wordInfo is everything the scorer knows about one lower-case word. The
// vocabulary is built once at init and never written after, so scorers
// share it without locks.
//
// An entry is 32 bytes, two to a cache line (the whole vocabulary is
// about 430 KiB): the normal form and the cue are indexes, the flags bits,
// and the word's text lives in wordText.
type wordInfo struct {
	key     uint64  // first 8 bytes of the word, little-endian, zero-padded
	id      uint32  // dense id, for phrase keys and wordText
	h       uint32  // hashBytes of the word (the Indonesian model's word feature)
	valence float32 // VADER valence, or the domain lexicon's
	normID  uint16  // id of the Indonesian normal form of a slang spelling, 0 if none
	cueID   uint16  // index in wordCues of the word's own cue, 0 if none
	lang    uint8   // lang* flags: a stopword or marker of that language
	ev      uint8   // language evidence the token adds (ev* shifts, see buildTable)
	special uint8   // kw* constant
	booster int8    // VADER booster (+1) or dampener (-1), in units of bIncr
	flags   uint8   // f* bits
	n       uint8   // length of the word in bytes (at most 255 are looked up)
	class   uint8   // wc* bits: the word's class for the structural stage signals
	act     uint8   // nonzero when see has more to do than count language evidence (markActive)
}

// Word flags.
const (
	fInLex    uint8 = 1 << iota // valence is set (VADER treats lexicon words apart)
	fPhrase                     // first or middle word of some phrase
	fVader                      // in the VADER lexicon itself
	fNegate                     // English negation word
	fIDNeg                      // Indonesian negator (after normalising)
	fLikeVerb                   // "like" after it is the verb (I, you, would, really, ...)
	fEnd2                       // last word of some two-word phrase
	fEnd3                       // last word of some three-word phrase
)

func (w *wordInfo) inLex() bool  { return w.flags&fInLex != 0 }
func (w *wordInfo) phrase() bool { return w.flags&fPhrase != 0 }
func (w *wordInfo) vader() bool  { return w.flags&fVader != 0 }
func (w *wordInfo) negate() bool { return w.flags&fNegate != 0 }
func (w *wordInfo) idNeg() bool  { return w.flags&fIDNeg != 0 }

// text is the word itself.
func (w *wordInfo) text() string { return wordText[w.id] }

// norm is the word's Indonesian normal form, nil if none.
func (w *wordInfo) norm() *wordInfo {
	if w.normID == 0 {
		return nil
	}
	return &words[w.normID]
}

// cue is what a word or phrase signals beyond the VADER lexicon.
type cue struct {
	stage   [numStages]float32 // evidence for each moment of truth
	aspects uint16             // aspect bits
	valence float32            // domain valence (-4..4), 0 if none
	hasVal  bool
	harm    bool // reports harm (complaints.go)
	weak    bool // a harm only when the critical matcher finds one (ambiguousHarms)
}

var (
	vocab       = map[string]*wordInfo{}
	phraseMap   = map[uint64]*cue{} // key: phraseKey of 2 or 3 word ids (built at init)
	prefixMap   = map[uint64]bool{} // 2-word prefixes of 3-word phrases
	phrases     *phraseTable        // both, for scoring
	emoji       = map[rune][]string{}
	emojiInfo   = map[rune][]*wordInfo{}
	nextWordID  uint32
	words       = make([]wordInfo, 1, maxWords) // by id; entries never move (id 0 unused)
	wordText    = []string{""}                  // by id
	wordCues    = []*cue{nil}                   // by cueID
	maxPhraseID = uint32(1<<21 - 1)
)

// hotIDWords is how many of the most frequent learned Indonesian words
// get the first ids with the function words.
const hotIDWords = 256

// maxWords bounds the vocabulary (about 14k words now): one array of
// 32-byte entries, indexed by id, so a lookup goes from slot to entry
// without a pointer load.
const maxWords = 1 << slotIDBits

func word(w string) *wordInfo {
	if wi, ok := vocab[w]; ok {
		return wi
	}
	nextWordID++
	if len(words) == cap(words) {
		panic("scoring: vocabulary larger than maxWords") // a build defect
	}
	words = append(words, wordInfo{id: nextWordID})
	wordText = append(wordText, w)
	wi := &words[len(words)-1]
	vocab[w] = wi
	return wi
}

// sortedKeys returns m's keys in order. Init walks its tables' maps in
// this order, so word ids, the tables' layout (which entry a probe meets
// first) and float sums of cues come out the same on every run; Go
// randomises map order, and the layout moved instruction counts per text
// by 2-3% between runs.
func sortedKeys[M ~map[K]V, K cmp.Ordered, V any](m M) []K {
	return slices.Sorted(maps.Keys(m))
}

func phraseKey(ids ...uint32) uint64 {
	var k uint64
	for _, id := range ids {
		k = k<<21 | uint64(id)
	}
	return k
}

func init() {
	// The function words of both languages, the most frequent tokens, get
	// the first ids: their entries sit together in a few KiB that stay in
	// cache, instead of two to a cache line with rare words.
	for _, list := range []string{enWords, idWords} {
		for _, w := range strings.Fields(list) {
			word(w)
		}
	}
	for i, w := range strings.Fields(idWordList) {
		if i == hotIDWords {
			break
		}
		word(w)
	}
	if err := loadVADER(vaderLexicon, vaderEmojiLexicon); err != nil {
		panic(err) // embedded data: a failure here is a build defect
	}
	loadTables()
	loadIDWords()
	if nextWordID > maxPhraseID {
		panic("scoring: vocabulary too large for phrase keys")
	}
	setStageClasses()
	lex = buildTable(vocab)
	phrases = buildPhraseTable(phraseMap, prefixMap)
	markActive()
}

// modelsOnce guards loadModels.
var modelsOnce sync.Once

// loadModels decodes the embedded sentiment models and links them to the
// vocabulary, once, when the first scorer is made: the commands that
// score nothing start without the cost (about 0.1 s of CPU), and a
// daemon installs its signal handlers sooner.
func loadModels() {
	modelsOnce.Do(func() {
		if err := loadIDModel(); err != nil {
			panic(err) // embedded data: a build defect
		}
		if err := loadENModel(); err != nil {
			panic(err)
		}
		if sentimentEN != nil {
			sentimentEN.linkWords()
		}
		sentimentID.linkWords()
		loadHarmGate()
	})
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
	for _, k := range sortedKeys(m) {
		put(k).c = m[k]
	}
	for _, k := range sortedKeys(prefixes) {
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
// bytes directly (no string conversion). Slots are 4 bytes (32k slots:
// 128 KiB, so the table stays in cache): the word's id and 17 bits of its
// hash. A word that is not in the vocabulary is settled by the slots
// alone (but for one in 130k); a match is confirmed on the entry, which
// the caller reads next anyway: its length and first 8 bytes are stored
// in it, and longer words compare their tail with the word's text, kept
// in one arena.
type lexTable struct {
	mask  uint32
	slots []lexSlot
}

// lexSlot is 4 bytes: the word id in the low 15 bits (0: empty), 17
// bits of the hash above.
type lexSlot uint32

const slotIDBits = 15 // maxWords = 1<<slotIDBits

var lex *lexTable

func buildTable(m map[string]*wordInfo) *lexTable {
	n := uint32(1)
	for n < uint32(len(m))*2 {
		n <<= 1
	}
	t := &lexTable{mask: n - 1, slots: make([]lexSlot, n)}
	// Words' text in one arena, in id order, so tail compares stay local.
	size := 0
	for _, w := range wordText {
		size += len(w)
	}
	var arena strings.Builder
	arena.Grow(size)
	for _, w := range wordText {
		arena.WriteString(w)
	}
	all, off := arena.String(), 0
	for id := range wordText {
		wordText[id], off = all[off:off+len(wordText[id])], off+len(wordText[id])
	}
	for id := 1; id < len(words); id++ {
		wi := &words[id]
		b := []byte(wordText[id])
		if len(b) > 255 {
			continue // no token is that long in practice; never matched
		}
		h, key, _ := lexKey(b)
		wi.key, wi.h, wi.n = key, h, uint8(len(b))
		wi.ev = langEvidence(wi)
		i := h & t.mask
		for t.slots[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = lexSlot(h&^(1<<slotIDBits-1) | wi.id)
	}
	return t
}

// langEvidence is the language evidence of a word: function words of each
// language weigh 2 (curated Indonesian words and slang are core evidence),
// words learned from the Indonesian training set weigh 1 for Indonesian
// unless English lexicons hold them too, and English lexicon words that
// are nothing else weigh 1 for English.
func langEvidence(wi *wordInfo) uint8 {
	var en, id, ot uint8
	core := wi.lang&langIDCore != 0
	switch {
	case core:
		id = 2
	case wi.lang&langID != 0 && wi.lang&(langENWord|langEN) == 0:
		id = 1
	}
	if wi.lang&langOther != 0 {
		ot = 2
	}
	switch {
	case wi.lang&langEN != 0:
		en = 2
	case core || wi.lang&langOther != 0 || wi.cueID != 0 && wi.lang&langID != 0:
	case wi.inLex() && wi.cueID == 0 && wi.lang&langID == 0:
		en = 1
	}
	ev := en<<evENShift | id<<evIDShift | ot<<evOTShift
	if core {
		ev |= 1 << evCoreShift
	}
	return ev
}

// lexKey returns the probe start hash, the first-8-bytes key and the
// length-and-hash check of a word.
func lexKey(b []byte) (h uint32, key uint64, meta uint32) {
	h = hashBytes(b)
	if len(b) >= 8 {
		key = binary.LittleEndian.Uint64(b)
	} else {
		key = tailBytes(b)
	}
	return h, key, uint32(min(len(b), 255))<<24 | h>>8
}

// tailBytes returns the last len(b)%8 bytes of b, zero-padded, reading
// one 8-byte word when b's capacity allows (the scratch buffer keeps
// slack for this).
func tailBytes(b []byte) uint64 {
	r := len(b) & 7
	if r == 0 {
		return 0
	}
	off := len(b) - r
	if cap(b)-off >= 8 {
		return binary.LittleEndian.Uint64(b[off:off+8]) & (1<<(8*r) - 1)
	}
	var t uint64
	for i, c := range b[off:] {
		t |= uint64(c) << (8 * i)
	}
	return t
}

// get returns the word's entry, or nil.
func (t *lexTable) get(b []byte) *wordInfo {
	w, _ := t.lookup(b)
	return w
}

// lookup returns the word's entry (nil if none) and its hash.
func (t *lexTable) lookup(b []byte) (*wordInfo, uint32) {
	h, key, _ := lexKey(b)
	return t.lookupHashed(b, h, key)
}

// lookupHashed is lookup with the word's hash and first-8-bytes key
// already known.
func (t *lexTable) lookupHashed(b []byte, h uint32, key uint64) (*wordInfo, uint32) {
	frag := h &^ (1<<slotIDBits - 1)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		sl := uint32(t.slots[i])
		if sl == 0 {
			return nil, h
		}
		if sl&^(1<<slotIDBits-1) == frag {
			id := sl & (1<<slotIDBits - 1)
			w := &words[id]
			if w.key == key && int(w.n) == len(b) && (len(b) <= 8 || wordText[id][8:] == string(b[8:])) {
				return w, h
			}
		}
	}
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
		wi.valence = float32(v)
		wi.flags |= fInLex | fVader
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
			word(w).lang |= langENWord
		}
		emoji[r] = words
		infos := make([]*wordInfo, len(words))
		for i, w := range words {
			infos[i] = word(w)
		}
		emojiInfo[r] = infos
	}
	for _, w := range sortedKeys(boosters) {
		word(w).booster = int8(boosters[w] / bIncr)
	}
	for _, w := range negations {
		word(w).flags |= fNegate
	}
	for _, w := range strings.Fields(likeVerbBefore) {
		word(w).flags |= fLikeVerb
	}
	for _, w := range sortedKeys(specials) {
		word(w).special = specials[w]
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

// likeVerbBefore are the words after which "like" is the verb ("I like
// it", "would like", "really like"); elsewhere it is mostly the
// preposition ("looks like", "plays like a sitcom") and carries no
// valence. Negations and boosters count too.
const likeVerbBefore = `i you we they u ya people who i'd we'd you'd they'd would really also
	do does did dont didnt doesnt never not always totally just to kinda actually still genuinely truly`

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
	"nor": kwNor, "at": kwAt, "very": kwVery, "too": kwToo, "like": kwLike,
	"sort":   kwSort,
	"pernah": kwPernah, "banget": kwIDBoost, "bgt": kwIDBoost, "bener": kwIDBoost, "lagi": kwLagi,
	"should": kwModal, "would": kwModal, "could": kwModal, "have": kwHave,
	"should've": kwModalHave, "would've": kwModalHave, "could've": kwModalHave,
}

// hashBytes mixes 8 bytes at a time (the tokenizer computes the same hash
// chunk by chunk while it scans a word).
func hashBytes(b []byte) uint32 {
	h, n := uint64(hashSeed), len(b)
	for len(b) >= 8 {
		h = hashChunk(h, binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	return hashFinal(h, tailBytes(b), n)
}

const hashSeed = 0x9e3779b97f4a7c15

func hashChunk(h, x uint64) uint64 {
	h = (h ^ x) * 0xbf58476d1ce4e5b9
	return h ^ h>>31
}

// hashFinal mixes in the last len%8 bytes (zero-padded) and the length.
func hashFinal(h, tail uint64, n int) uint32 {
	h = (h ^ tail ^ uint64(n)<<56) * 0x94d049bb133111eb
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	return uint32(h >> 32)
}
