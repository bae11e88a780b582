package scoring

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/namemask"
)

// Scorer fills the scoring fields of one mention in place (Lang,
// Sentiment, Label, Stage, StageConfidence, Aspects, Reach) without I/O:
// language from function words and word shapes, English sentiment by the
// VADER method plus a complaint lexicon, Indonesian sentiment by a trained
// model plus a slang normaliser, star rating fusion, moment-of-truth rules
// in both languages, aspect keywords (extendable per brand) and a reach
// weight. It holds only read-only tables, so one Scorer serves every
// goroutine.
type Scorer struct {
	brands  map[string]*brandAspects // folded brand or competitor name → its brand's extra aspects
	weights []typeWeight             // reach weight and review flag per source type, as declared at registration
	names   *namemask.Mask           // brand and competitor names that carry sentiment, blanked before scoring (names.go); nil if none
}

// NewScorer returns the default scorer for the configured brands. A
// brand's `aspects` config adds aspects (or keywords to built-in ones) for
// its mentions and its competitors'. It reads the source types' reach
// weights (mw.SourceTypeTable) once: call it after the collectors'
// init() has registered them.
func NewScorer(brands []mw.Brand) *Scorer {
	loadModels()
	sc := &Scorer{brands: map[string]*brandAspects{}, weights: typeWeights(), names: newNameMask(brands)}
	for _, b := range brands {
		if len(b.Aspects) == 0 {
			continue
		}
		ba := newBrandAspects(b.Aspects)
		sc.brands[Fold(b.Name)] = ba
		for _, c := range b.Competitors {
			sc.brands[Fold(c.Name)] = ba
		}
	}
	return sc
}

// Result is the scoring of one text, without a Mention around it.
type Result struct {
	Lang            string   `json:"lang"`
	Sentiment       float32  `json:"sentiment"`
	Label           mw.Label `json:"label"`
	Stage           mw.Stage `json:"stage"`
	StageConfidence float32  `json:"stage_confidence"`
	Aspects         []string `json:"aspects"`
}

// Score fills Lang, Sentiment, Label, Stage, StageConfidence, Aspects and
// Reach of m. The Aspects slice may be shared between mentions: replace
// it, don't modify it in place.
func (sc *Scorer) Score(m *mw.Mention) {
	sc.score(m, sc.names.Apply(capScored(m.Title)), sc.names.Apply(capScored(m.Text)))
}

// score is Score over the given title and text (capped by Score; the
// length benchmark passes them whole).
func (sc *Scorer) score(m *mw.Mention, title, text string) {
	s := getScratch()
	defer putScratch(s)
	if title != "" {
		s.tokenize(title)
	}
	s.tokenize(text)
	s.neverComplains()
	s.confirmHarms(title, text)
	m.Lang, m.LangBy = decideLang(s, mw.LangTag(m.LangHint))
	src := sc.source(m.Type)
	var v float64
	if m.Lang == "id" {
		v = s.sentimentID()
	} else {
		v = s.sentimentEN(src.review)
	}
	v = s.capWeakHarm(s.settle(v))
	v = s.settleCritical(v, title, text)
	v = fuseRating(v, m.Rating)
	m.Sentiment = float32(v)
	m.Label = labelOf(v)
	m.Stage, m.StageConfidence = s.decideStage(m.Rating)
	m.Aspects = sc.aspects(s, m.Brand)
	m.Reach = reachOf(src.w, m.AuthorReach)
}

// MaxScoredBytes caps the bytes of a title and of a text that are scored:
// the rest of a longer text is stored but not read. Scoring is linear in
// the text, so the cap bounds one mention's scoring time (a 9 MB feed item
// held a CPU for minutes before); 64 KiB is about 10,000 words, ten times
// a long review or news article, and every text of the scoring sets is far
// shorter, so their scores do not change.
const MaxScoredBytes = 64 << 10

// capScored cuts text to MaxScoredBytes at a rune boundary.
func capScored(text string) string {
	if len(text) <= MaxScoredBytes {
		return text
	}
	n := MaxScoredBytes
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n]
}

// ScoreText scores a bare text (the CLI's `score` command).
func ScoreText(sc *Scorer, text string) Result { return ScoreTextAs(sc, text, "") }

// ScoreTextAs scores a bare text as a mention of source type typ
// (mw.Mention.Type): mw.ReviewType, or a type that declares Reviews,
// scores English sentiment in the review register.
func ScoreTextAs(sc *Scorer, text, typ string) Result {
	m := mw.Mention{Text: text, Type: typ}
	sc.Score(&m)
	return Result{Lang: m.Lang, Sentiment: m.Sentiment, Label: m.Label, Stage: m.Stage,
		StageConfidence: m.StageConfidence, Aspects: m.Aspects}
}

// labelOf maps a score to its class with the ±0.05 thresholds.
func labelOf(v float64) mw.Label {
	switch {
	case v >= 0.05:
		return mw.Positive
	case v <= -0.05:
		return mw.Negative
	}
	return mw.Neutral
}

// see records what token i signals, as soon as it is tokenized: language
// evidence, word cues, phrases ending at i (stage, aspects, domain
// valence; phrase valences go to s.pv), and the positions the VADER rules
// need. Most tokens are plain words that only add language evidence:
// their act byte is 0 and see stops there.
func (s *scratch) see(i int) {
	t := &s.toks[i]
	w := t.w
	if w == nil {
		if t.punct && s.ratingShape(*t) {
			s.stage[stL] += 3
		}
		s.noteStars(*t)
		if t.punct && !s.datePrefix(i) {
			if v := s.ratingValence(*t); v != 0 {
				s.addDomain(v, int32(i))
			}
		}
		return
	}
	s.seeWord(i, w, !t.noLang)
}

// seeWord is see for token i, of word w: it counts the word's language
// evidence (when lang) with one add, and hands a word that signals more
// (act) to seeMore.
func (s *scratch) seeWord(i int, w *wordInfo, lang bool) {
	if lang {
		s.ev += evPacked[w.ev]
		s.evAny |= w.ev
	}
	if w.act != 0 {
		s.seeMore(i, w)
	}
}

// Packed language evidence: English, Indonesian and other counted in
// 21-bit fields of one word, so a token adds its evidence with one add.
// The fields cannot overflow below 2^21/3 tokens; langCounts recounts
// texts longer than that.
const (
	evField      = 21
	evFieldMask  = 1<<evField - 1
	maxPackedEvs = (1<<evField - 1) / 3
)

var evPacked = func() (t [256]uint64) {
	for ev := range t {
		t[ev] = uint64(ev>>evENShift&3) | uint64(ev>>evIDShift&3)<<evField | uint64(ev>>evOTShift&3)<<(2*evField)
	}
	return t
}()

// langCounts returns the language evidence of the text: weights for
// English, Indonesian and other, and whether any word is core Indonesian.
func (s *scratch) langCounts() (en, id, ot int, core bool) {
	if len(s.toks) > maxPackedEvs {
		return s.recountLang()
	}
	return int(s.ev & evFieldMask), int(s.ev >> evField & evFieldMask), int(s.ev >> (2 * evField) & evFieldMask),
		s.evAny>>evCoreShift&1 != 0
}

// recountLang is langCounts token by token, for texts too long for the
// packed fields.
func (s *scratch) recountLang() (en, id, ot int, core bool) {
	var any uint8
	for _, t := range s.toks {
		if t.w == nil || t.noLang {
			continue
		}
		ev := int(t.w.ev)
		en += ev >> evENShift & 3
		id += ev >> evIDShift & 3
		ot += ev >> evOTShift & 3
		any |= t.w.ev
	}
	return en, id, ot, any>>evCoreShift&1 != 0
}

// markActive sets the act byte of the words for which see does more than
// count language evidence. It runs once the vocabulary is complete.
func markActive() {
	for id := 1; id < len(words); id++ {
		w := &words[id]
		if w.class != 0 || w.flags&fInLex != 0 && w.booster == 0 || w.cueID != 0 ||
			w.flags&(fEnd2|fEnd3) != 0 {
			w.act = 1
		}
		switch w.special {
		case kwBut, kwToo, kwModal, kwModalHave, kwLagi:
			w.act = 1
		}
	}
}

// seeMore is see for a word with a class, a valence, a cue, a special
// role or the end of a phrase.
func (s *scratch) seeMore(i int, w *wordInfo) {
	toks := s.toks
	if w.class != 0 {
		s.noteClass(i, w.class)
	}
	if w.flags&fInLex != 0 && w.booster == 0 {
		s.lexAt = append(s.lexAt, int32(i))
	}
	if w.cueID != 0 {
		s.apply(wordCues[w.cueID], i, 1)
	}
	switch w.special {
	case kwBut:
		if s.butAt < 0 {
			s.butAt = i
		}
	case kwToo, kwModal, kwModalHave:
		s.mods = append(s.mods, int32(i))
	case kwPernah:
		if i > 0 && s.toks[i-1].w != nil && s.toks[i-1].w.idNeg() {
			s.neverAt = int32(i)
		}
	case kwIDBoost:
		s.boostCue(i)
	case kwLagi:
		s.negatedReturn(i)
	}
	// Phrases ending at i: only words that end some phrase are looked up.
	if i >= 1 && w.flags&(fEnd2|fEnd3) != 0 {
		if p := toks[i-1].w; p != nil && p.phrase() {
			if w.flags&fEnd2 != 0 {
				if c, _ := phrases.get(phraseKey(p.id, w.id)); c != nil {
					s.apply(c, i, 2)
				}
			}
			if i >= 2 && w.flags&fEnd3 != 0 {
				if pp := toks[i-2].w; pp != nil && pp.phrase() {
					if _, prefix := phrases.get(phraseKey(pp.id, p.id)); prefix {
						if c, _ := phrases.get(phraseKey(pp.id, p.id, w.id)); c != nil {
							s.apply(c, i, 3)
						}
					}
				}
			}
		}
	}
}

func (s *scratch) apply(c *cue, pos, words int) {
	for st, w := range c.stage {
		s.stage[st] += w
	}
	s.asp |= c.aspects
	v, negHarm := s.cueValence(c, pos, words)
	if c.weak && !negHarm {
		// An ambiguous harm: counted, valence and all, only if the text
		// holds a harm for sure (confirmHarms).
		s.weak = append(s.weak, weakHarm{pos: int32(pos), v: v})
		return
	}
	if c.hasVal {
		if first := int32(pos - words + 1); s.neverAt >= 0 && first <= s.neverAt+1 && s.neverAt+1 <= int32(pos) {
			s.neverCue = true
		}
		s.lastCue, s.lastCueVal = int32(pos), v
		s.addDomain(v, int32(pos))
		if words > 1 {
			s.pv = append(s.pv, phraseVal{pos: int32(pos), n: int32(words), val: c.valence})
			s.phraseReplaces(pos, words, v)
		}
	}
	if c.harm {
		switch {
		case !negHarm:
			s.harms++
			s.harmEnd = int32(pos)
			s.strong = append(s.strong, weakHarm{pos: int32(pos), v: v})
		case words > 1 && s.harmEnd == int32(pos):
			// The phrase's last word counted as a harm alone, out of the
			// negation's reach ("didn't get food poisoning"): the phrase
			// is negated, so its word is too.
			s.harms--
			s.harmEnd = -1
			s.strong = s.strong[:len(s.strong)-1]
		}
	}
}

// cueValence returns the valence that the cue c of words words ending
// at token pos adds, and whether it is a harm cue that a negation
// reaches (harmNegated), which adds the other way and halved, as a
// negated word does ("not a scam", "no food poisoning").
func (s *scratch) cueValence(c *cue, pos, words int) (float32, bool) {
	v := c.valence
	if words == 1 {
		v = s.wordValence(c, pos)
	}
	negHarm := c.harm && s.harmNegated(pos-words+1)
	if negHarm && v < 0 {
		v *= -0.5
	}
	return v, negHarm
}

// harmNegated reports a negation in the three words before token first,
// the first word of a harm cue, in its clause (VADER's negation window):
// "not a scam", "bukan penipuan", "tidak pernah keracunan", "no food
// poisoning", "didn't get food poisoning", "isn't this a scam?". Such a
// cue reports no harm. A negation further back ("didn't know it was a
// scam") or in another clause ("not happy, it's a scam") does not reach
// it.
func (s *scratch) harmNegated(first int) bool {
	for j := first - 1; j >= max(0, first-3); j-- {
		t := &s.toks[j]
		if t.brk {
			return false // a clause ends between them: "not happy, it's a scam"
		}
		if s.negatedWord(j) || t.w != nil && t.w.special == kwNo {
			return true
		}
	}
	return false
}

// addDomain adds the domain valence v of a cue that ends at token pos.
func (s *scratch) addDomain(v float32, pos int32) {
	s.dom += v
	if v < 0 {
		s.domNeg += v
		s.lastNeg = pos
	} else {
		s.domPos += v
		s.lastPos = pos
	}
}

// wordValence is the valence the one-word cue c adds at token pos: its
// own, or, after a negation, the other way and halved ("not broken"
// mildly praises, "tidak pernah kecewa" praises). Praise after an
// Indonesian negation is a complaint as strong as the praise, and at
// least a clear one (complaintClear): "gak rekomen", "kurang cepat",
// "bukan terbaik" complain as plainly as "tidak puas" or "tidak ramah"
// (complaintCues), and the Indonesian model, which has seldom seen the
// praise negated, reads the praise.
func (s *scratch) wordValence(c *cue, pos int) float32 {
	if pos == 0 {
		return c.valence
	}
	switch prev := s.toks[pos-1].w; {
	case c.valence > 0 && prev != nil && prev.idNeg():
		return -max(c.valence, -complaintClear)
	case s.negatedWord(pos-1) || int32(pos-1) == s.neverAt:
		return c.valence * -0.5
	}
	return c.valence
}

// phraseReplaces takes back the valences the words of a phrase that ends
// at pos added to the negative and positive sums, when they have the
// other sign than the phrase's: "no complaints" does not complain. A word
// counts with the valence it added, after its negation: the "kecewa" of
// "tidak kecewa" added praise, not a complaint, so there is no complaint
// to take back. (Same-sign phrases add to their words, as s.dom always
// has.)
func (s *scratch) phraseReplaces(pos, words int, v float32) {
	for k := pos - words + 1; k <= pos; k++ {
		w := s.toks[k].w
		if w == nil || w.cueID == 0 {
			continue
		}
		if c := wordCues[w.cueID]; c.hasVal {
			added, negHarm := s.cueValence(c, k, 1)
			if c.weak && !negHarm {
				continue // added nothing (yet): confirmHarms
			}
			switch {
			case v > 0 && added < 0:
				s.domNeg -= added
			case v < 0 && added > 0:
				s.domPos -= added
			}
		}
	}
}

// negatedWord reports an English or Indonesian negation at token j.
func (s *scratch) negatedWord(j int) bool {
	t := &s.toks[j]
	return t.nt || t.w != nil && (t.w.negate() || t.w.idNeg())
}

// ratingShape reports a "4/5", "1/5", "10/10" or "4.5/5" token.
func (s *scratch) ratingShape(t token) bool {
	w := s.buf[t.a:t.b]
	slash := -1
	for i, c := range w {
		switch {
		case c == '/':
			if slash >= 0 {
				return false
			}
			slash = i
		case c == '.' || c >= '0' && c <= '9':
		default:
			return false
		}
	}
	if slash < 1 || slash == len(w)-1 {
		return false
	}
	d := string(w[slash+1:])
	return d == "5" || d == "10"
}

// ratingValence is the complaint or praise of a rating written in the
// text: a mark out of 5 or 10 ("1/5", "4.5/5", "2/10") or five star
// glyphs ("★☆☆☆☆"). A fifth of the marks or less complains as "zero
// stars" nearly does, two fifths less so; nine tenths or more praise as
// "10/10" does, four fifths less so; a middle mark, or a token that is
// no rating, is 0. "10/10" itself is a praise cue and never comes here.
func (s *scratch) ratingValence(t token) float32 {
	w := s.buf[t.a:t.b]
	var got, of float64
	if s.ratingShape(t) {
		var ok bool
		slash := bytes.IndexByte(w, '/')
		if got, ok = decimal(w[:slash]); !ok {
			return 0
		}
		of, _ = decimal(w[slash+1:])
	} else {
		for len(w) >= len(starGlyph) && (bytes.HasPrefix(w, starGlyph) || bytes.HasPrefix(w, emptyStar)) {
			if w[2] == starGlyph[2] {
				got++
			}
			of++
			w = w[len(starGlyph):]
		}
		if len(w) > 0 || of != 5 {
			return 0
		}
	}
	switch r := got / of; {
	case r > 1:
		return 0 // no rating: "7/5"
	case r >= 0.9:
		return 2.5
	case r >= 0.8:
		return 1.5
	case r <= 0.2:
		return -2.5
	case r <= 0.4:
		return -1.8
	}
	return 0
}

// datePrefix reports whether the word before token i introduces a date:
// then a "1/5" after it is the first of May or the fifth of January ("on
// 5/5", "tgl 1/5"), not a mark.
func (s *scratch) datePrefix(i int) bool {
	if i == 0 {
		return false
	}
	p := s.toks[i-1]
	switch string(s.buf[p.a:p.b]) {
	case "on", "by", "until", "till", "from", "since", "before", "after", "date", "dated", "due",
		"tgl", "tanggal", "sejak", "sampai", "hingga", "mulai", "per", "pada", "sebelum", "setelah":
		return true
	}
	return false
}

// emptyStar is the glyph of a star not given, as starGlyph is of one
// given: the two differ in their last byte only.
var emptyStar = []byte("☆")

// decimal reads the digits of w with at most one '.' ("4", "4.5").
func decimal(w []byte) (float64, bool) {
	v, scale, dot, digits := 0.0, 1.0, false, 0
	for _, c := range w {
		switch {
		case c == '.' && !dot:
			dot = true
		case c >= '0' && c <= '9':
			digits++
			if dot {
				scale /= 10
				v += float64(c-'0') * scale
			} else {
				v = v*10 + float64(c-'0')
			}
		default:
			return 0, false
		}
	}
	return v, digits > 0
}

// English sentiment: the VADER method, damped for long texts and for link
// shares, read by the trained English model (en_model.go) when it is
// embedded, else mapped through a wider neutral band for weak positives.
// The score blends the model's p(pos) - p(neg) with the rules' compound
// (enBlend). Outside the review register the label is the model's class
// (its offsets aim at the tweets' macro-recall) and the score is placed to
// agree with it; in the review register (review true: a mention of a type
// that declares mw.SourceTraits.Reviews) the label is the blended score's
// own, at ±0.05: on review sentences the tweet-trained model calls many
// positive verdicts negative, and the blend, with the rules' reading of
// reviewers' words, decides better (movie reviews macro-F1 0.485 -> 0.500;
// ±0.05 is what 5-fold cross-validation of both thresholds picks there,
// docs/BENCHMARKS.md).
func (s *scratch) sentimentEN(review bool) float64 {
	rule := s.ruleCompoundEN()
	if sentimentEN == nil {
		return neutralBand(rule)
	}
	p, cls := sentimentEN.predictEN(s, rule)
	v := enBlend*float64(p[clsPos]-p[clsNeg]) + (1-enBlend)*neutralBand(rule)
	if review {
		return max(-1, min(1, v))
	}
	return inClass(v, cls)
}

// enBlend is the model's share of the English score, p(pos) - p(neg); the
// rules' compound has the rest. Outside the review register the label is
// the model's.
// Chosen on the VADER sets' Pearson r (0.3, 0.5, 0.7, 1 compared: product
// reviews r 0.680, 0.676, 0.665, 0.643; tweets 0.887, 0.887, 0.882,
// 0.866); it does not change a label.
const enBlend = 0.3

// ruleCompoundEN is the VADER-method compound of s, damped for long texts
// and link shares, before the neutral band.
func (s *scratch) ruleCompoundEN() float64 {
	sum := s.vader(s.pv)
	if sum != 0 {
		e := s.punctEmphasis()
		if sum > 0 {
			sum += e
		} else {
			sum -= e
		}
	}
	if s.urls > 0 {
		sum *= linkShare
	}
	return normalize(sum / lengthDamping(len(s.toks)))
}

// Shape parameters, set on the English sets as a whole (docs/SCORING.md):
// one sentiment word in a long text moves raters less than in a short one,
// and raters call weakly positive texts neutral more often than weakly
// negative ones.
const (
	dampK      = 0.4 // strength of the length damping
	dampFrom   = 1.5 // ln(words) from which it starts (~4-5 words)
	posNeutral = 0.2 // compounds in [0, posNeutral) map into the neutral zone
	// A post that shares a link mostly reports (a headline, an
	// announcement): raters read its words milder. Chosen on the odd
	// tweets (F1 0.721 -> 0.735), checked on the even ones (0.725 -> 0.734).
	linkShare   = 0.6
	labelThresh = 0.05
)

func lengthDamping(words int) float64 {
	if words < len(dampTable) {
		return dampTable[words]
	}
	return damping(words)
}

func damping(words int) float64 {
	if words < 5 {
		return 1
	}
	return 1 + dampK*max(0, math.Log(float64(words))-dampFrom)
}

// dampTable holds damping for the usual text lengths (no log per text).
var dampTable = func() (t [256]float64) {
	for n := range t {
		t[n] = damping(n)
	}
	return t
}()

// neutralBand maps compounds in [0, posNeutral) below the label threshold,
// monotonically, so ranking (and r) barely moves.
func neutralBand(c float64) float64 {
	if c <= 0 {
		return c
	}
	if c < posNeutral {
		return c * labelThresh / posNeutral * 0.98
	}
	return labelThresh + (c-posNeutral)*(1-labelThresh)/(1-posNeutral)
}

// idLexNeutral is the domain valence that turns a neutral model verdict.
const idLexNeutral = 1.5

// idAskNeutral is the model's negative probability under which a question
// with no cue is neutral.
const idAskNeutral = 0.8

// Indonesian sentiment: the trained model, nudged by the complaint and
// slang lexicon when that carries a clear signal.
func (s *scratch) sentimentID() float64 {
	p := sentimentID.predictText(s)
	cls := Argmax(p)
	v := float64(p[clsPos] - p[clsNeg])
	// A clear complaint word turns a neutral verdict; overturning the
	// opposite class takes more evidence.
	if cls == clsNeg && s.quest > 0 && s.domNeg == 0 && s.domPos == 0 && s.harms == 0 && p[clsNeg] < idAskNeutral {
		// A question with no complaint or praise cue asks ("bisa bayar
		// pakai transfer tidak?"): the model, trained on reviews whose
		// questions are mostly rhetorical complaints, reads it negative.
		cls = clsNeu
	}
	if s.dom <= -2 && cls != clsNeg || s.dom <= -idLexNeutral && cls == clsNeu {
		cls, v = clsNeg, min(v, 0)-0.1
	} else if s.dom >= 2 && cls != clsPos || s.dom >= idLexNeutral && cls == clsNeu {
		cls, v = clsPos, max(v, 0)+0.1
	}
	return inClass(v, cls)
}

// inClass places the score v inside or outside ±0.05 to agree with the
// class cls, within -1..1.
func inClass(v float64, cls int) float64 {
	switch cls {
	case clsNeu:
		v = max(-0.049, min(0.049, v))
	case clsPos:
		v = max(0.05, v)
	default:
		v = min(-0.05, v)
	}
	return max(-1, min(1, v))
}

// fuseRating combines the text's score with a star rating (1..5, 0 for
// none): 1 and 2 stars are never positive, 5 stars are never negative
// unless the text is strongly negative.
func fuseRating(v float64, rating float32) float64 {
	if rating <= 0 {
		return v
	}
	r := float64(max(1, min(5, rating)))
	prior := (r - 3) / 2
	switch {
	case r <= 2:
		if v > -0.05 {
			v = min(-0.05, (v+prior)/2)
		}
	case r >= 4.5:
		if v < 0.05 && v > -0.5 {
			v = max(0.05, (v+prior)/2)
		}
	case r >= 4:
		v = 0.7*v + 0.3*prior
	}
	return max(-1, min(1, v))
}

// detectLang decides en, id or other from weighted function-word
// evidence, then word shapes, then the script. Indonesian needs positive
// evidence of its own: a core word (function word, particle, slang) or
// Indonesian word shapes, since the words learned from the Indonesian
// training set include English loanwords. "other" needs function words of
// another language or a non-Latin script; a Latin-script text with no
// evidence either way is English, the default.
func detectLang(s *scratch) string {
	lang, _ := detectLangSure(s)
	return lang
}

// minLangMargin is how much more function-word evidence (langCounts'
// weights) the language detected must have than the next for the text to
// decide on its own (sure): one strong word, or two weak ones.
const minLangMargin = 2

// detectLangSure is detectLang, and whether the text decided: by its
// script, or by function words with minLangMargin over the next language.
// A decision by word shapes, by one weak word ("ok", "nice", "promo"), or
// the English default of a text with no evidence (or no letters) is not
// sure: a short text says too little ("Acme wkwk", "Acme 👍").
func detectLangSure(s *scratch) (lang string, sure bool) {
	en, id, ot, core := s.langCounts()
	ot += s.accented // a word with an accent weighs 1 for other
	if s.nonLatin > s.latin {
		return "other", true
	}
	if s.latin == 0 {
		return "other", false
	}
	switch {
	case ot > en && ot > id:
		return "other", ot-max(en, id) >= minLangMargin
	case id > en && core:
		return "id", id-max(en, ot) >= minLangMargin
	case en > id:
		return "en", en-max(id, ot) >= minLangMargin
	}
	// A tie, or Indonesian evidence from learned words only: word shapes.
	ei, ii := en, id
	for _, t := range s.toks {
		if t.noLang {
			continue
		}
		w := s.buf[t.a:t.b]
		// A word of the English lexicon has no Indonesian shape:
		// "terrible", "terrific" and "bereaved" are no ter- or ber- words.
		lexEN := t.w != nil && t.w.vader()
		switch {
		case !lexEN && (hasSuffix(w, "nya") || hasSuffix(w, "kan") || hasSuffix(w, "lah") || hasPrefix(w, "meng") ||
			hasPrefix(w, "meny") || hasPrefix(w, "ber") || hasPrefix(w, "ter") && len(w) > 5 || hasPrefix(w, "peng")):
			ii += 2
		case hasSuffix(w, "ing"), hasSuffix(w, "ed"), hasSuffix(w, "tion"), hasSuffix(w, "ly"),
			hasSuffix(w, "'s"), hasSuffix(w, "ness"), englishSpelling(w):
			ei += 2
		}
	}
	if ii > ei {
		return "id", false
	}
	return "en", false
}

// decideLang is the language of the text tokenized in s, and what decided
// it (mw.LangByText, mw.LangByHint): the service's hint (mw.LangTag) when
// it is en or id and the text is not sure on its own (detectLangSure);
// the text otherwise. A hint never overrides a sure detection, and a hint
// of another language is not used (the models score en and id only).
func decideLang(s *scratch, hint string) (lang, by string) {
	lang, sure := detectLangSure(s)
	if !sure && (hint == "en" || hint == "id") {
		return hint, mw.LangByHint
	}
	return lang, mw.LangByText
}

// englishSpelling reports letter groups of English spelling that
// Indonesian spelling does not use (it writes foto, teh, kue, sepatu):
// ph, th, ck, wh, and a final y.
func englishSpelling(w []byte) bool {
	if len(w) > 2 && w[len(w)-1] == 'y' {
		return true
	}
	for i := 0; i+1 < len(w); i++ {
		switch string(w[i : i+2]) {
		case "ph", "th", "ck", "wh":
			return true
		}
	}
	return false
}

func hasSuffix(w []byte, suf string) bool {
	return len(w) > len(suf)+1 && string(w[len(w)-len(suf):]) == suf
}

func hasPrefix(w []byte, pre string) bool {
	return len(w) > len(pre)+2 && string(w[:len(pre)]) == pre
}

// typeWeight is what scoring reads of one source type's declared traits:
// its reach weight and whether its items are reviews.
type typeWeight struct {
	typ    string
	w      float64
	review bool
}

// typeWeights snapshots the reach weights and review flags the registered
// source types declare (mw.SourceTraits), sorted by type name, and
// mw.ReviewType (reach weight mw.UnknownReachWeight, a review) unless a
// registered type has that name.
func typeWeights() []typeWeight {
	var out []typeWeight
	tab := mw.SourceTypeTable()
	for k, t := range tab {
		out = append(out, typeWeight{k, t.ReachWeight, t.Reviews})
	}
	if _, ok := tab[mw.ReviewType]; !ok {
		out = append(out, typeWeight{mw.ReviewType, mw.UnknownReachWeight, true})
	}
	slices.SortFunc(out, func(a, b typeWeight) int { return strings.Compare(a.typ, b.typ) })
	return out
}

// unknownType is what scoring reads of a type no registered source type
// declares: weight mw.UnknownReachWeight, not a review.
var unknownType = typeWeight{w: mw.UnknownReachWeight}

// source is what the source type typ declared at registration
// (unknownType when no registered type has that name; an upper-case type
// is looked up in lower case). A scan of a short slice, not a map: it runs
// once per mention, and a string comparison stops at the length for most
// entries.
func (sc *Scorer) source(typ string) typeWeight {
	for _, tw := range sc.weights {
		if tw.typ == typ {
			return tw
		}
	}
	for i := 0; i < len(typ); i++ {
		if 'A' <= typ[i] && typ[i] <= 'Z' {
			return sc.source(strings.ToLower(typ))
		}
	}
	return unknownType
}

// sourceWeight is how far a mention from a source type carries, as its
// source type declared at registration (mw.UnknownReachWeight when no
// registered type has that name).
func (sc *Scorer) sourceWeight(typ string) float64 { return sc.source(typ).w }

// reachWeight is (1 + log10(1 + reach)) × the source type's weight
// (mw.UnknownReachWeight when unknown): 1 follower ≈ 1.3, 1k ≈ 4, 1M ≈ 7
// for a forum.
func (sc *Scorer) reachWeight(reach uint32, typ string) float32 {
	return reachOf(sc.sourceWeight(typ), reach)
}

// reachOf is (1 + log10(1 + n)) × the source weight w.
func reachOf(w float64, n uint32) float32 {
	if n == 0 {
		return float32(w)
	}
	return float32(w * (1 + math.Log10(1+float64(n))))
}
