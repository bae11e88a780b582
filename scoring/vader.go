package scoring

import "math"

// This file is the project's own implementation of the VADER method
// (Hutto & Gilbert, ICWSM 2014): lexicon valences adjusted by boosters and
// dampeners in the three preceding words, negation, "no", "least",
// "never so", ALL-CAPS emphasis among mixed case, contrast on "but",
// '!' and '?' emphasis, and a squashing normalisation. It reads tokens
// already looked up once, so no step allocates.

const (
	vaderAlpha = 15 // normalisation: x / sqrt(x² + alpha)
	tooValence = -1.0
	// negWeight scales negative valences: in reviews and posts a negative
	// word weighs more than the lexicon's isolated rating (set on the
	// shape of the English sets, see docs/SCORING.md).
	negWeight = 1.2
	// questionWeight scales the valences of a clause that ends in '?':
	// "what was your favourite part?" asks, it does not assert (set on the
	// shape of the English sets, see docs/SCORING.md).
	questionWeight = 0.5
	// negPredicate is the valence of a negated predicate that carries no
	// sentiment word: "doesn't have a timer", "won't play DVDs", "never
	// reaches the emotion of". Reviewers mostly negate to report a
	// shortfall (set on the shape of the English sets, see docs/SCORING.md).
	negPredicate = -0.3
)

// phraseVal is a domain phrase's valence, applied at its last word.
type phraseVal struct {
	pos, n int32 // last word, words
	val    float32
}

func (s *scratch) inLex(j int) bool {
	w := s.toks[j].w
	return w != nil && w.inLex()
}

func (s *scratch) special(j int) uint8 {
	if w := s.toks[j].w; w != nil {
		return w.special
	}
	return kwNone
}

func (s *scratch) negated(j int) bool {
	t := s.toks[j]
	return t.nt || t.w != nil && t.w.negate()
}

// vader returns the sum of valences of s.toks, before punctuation
// emphasis and normalisation.
func (s *scratch) vader(pv []phraseVal) float64 {
	toks := s.toks
	n := len(toks)
	capDiff := s.nUpper > 0 && s.nUpper < n
	if cap(s.sent) < n {
		s.sent = make([]float32, n)
	}
	sent := s.sent[:n]
	clear(sent)
	qc := clauseCursor{from: 1, end: 0}
	// Only the lexicon words (found while tokenizing) carry a valence.
	for _, i32 := range s.lexAt {
		i := int(i32)
		t := toks[i]
		w := t.w
		if w.special == kwKind && i+1 < n && s.special(i+1) == kwOf {
			continue
		}
		v := shrink(w.valence)
		if w.special == kwNo && i+1 < n && s.inLex(i+1) {
			v = 0 // "no" before a lexicon word negates it instead
		}
		reach := 3 // words before i in the same clause, at most 3
		for k := 1; k <= 3; k++ {
			if i-k < 0 || toks[i-k].brk {
				reach = k - 1
				break
			}
		}
		if reach > 0 && i > 0 && s.special(i-1) == kwNo || reach > 1 && i > 1 && s.special(i-2) == kwNo ||
			reach > 2 && i > 2 && s.special(i-3) == kwNo && (s.special(i-1) == kwOr || s.special(i-1) == kwNor) {
			v = shrink(w.valence) * nScalar
		}
		if t.upper && capDiff {
			if v > 0 {
				v += cIncr
			} else {
				v -= cIncr
			}
		}
		for si := 0; si < reach; si++ {
			j := i - (si + 1)
			if j < 0 || s.inLex(j) {
				continue
			}
			b := s.boost(j, v, capDiff)
			if si == 1 {
				b *= 0.95
			} else if si == 2 {
				b *= 0.9
			}
			v += b
			v = s.negationCheck(v, si, i)
		}
		v = s.leastCheck(v, i)
		if w.special == kwLike && i > 0 && !s.likeVerb(i-1) {
			v = 0 // the preposition: "looks like", "plays like a sitcom"
		}
		if s.inQuestion(&qc, i) {
			v *= questionWeight
		}
		sent[i] = v
	}
	for _, p := range pv {
		// The phrase replaces its words' own valences.
		for k := p.pos - p.n + 1; k < p.pos; k++ {
			sent[k] = 0
		}
		sent[p.pos] = p.val
	}
	for _, j32 := range s.negAt {
		if j := int(j32); j+1 < n && !toks[j].brk && !s.valenceAfter(j, sent) {
			sent[j+1] += negPredicate
		}
	}
	for _, i32 := range s.mods {
		i := int(i32)
		t := toks[i]
		switch t.w.special {
		case kwToo:
			// "too slow", "too expensive", "too tepid": excess is a
			// complaint; a positive word after "too" turns mildly negative.
			if i+1 < n && !t.brk {
				if sent[i+1] > 0 {
					sent[i+1] *= -0.5
				} else if sent[i+1] == 0 {
					sent[i+1] = tooValence
				}
			}
		case kwModal, kwModalHave:
			// Counterfactuals: "should have been great", "would've liked"
			// wish for what did not happen.
			k := i + 1
			if t.w.special == kwModal {
				if k >= n || s.special(k) != kwHave || t.brk {
					continue
				}
				k++
			}
			for end := min(n, k+3); k < end; k++ {
				if sent[k] > 0 {
					sent[k] *= -0.5
				}
				if toks[k].brk {
					break
				}
			}
		}
	}
	if i := s.butAt; i >= 0 {
		for k := range sent {
			switch {
			case k < i:
				sent[k] *= 0.5
			case k > i:
				sent[k] *= 1.5
			}
		}
	}
	var sum float64
	for _, v := range sent {
		if v < 0 {
			v *= negWeight
		}
		sum += float64(v)
	}
	s.sent = sent
	return sum
}

// valenceAfter reports whether one of the three words after j, in its
// clause, carries a valence (the negation then applies to it).
func (s *scratch) valenceAfter(j int, sent []float32) bool {
	for k := j + 1; k < min(len(sent), j+4); k++ {
		if sent[k] != 0 || s.inLex(k) {
			return true
		}
		if s.toks[k].brk {
			break
		}
	}
	return false
}

// likeVerb reports whether "like" after token j is the verb.
func (s *scratch) likeVerb(j int) bool {
	t := s.toks[j]
	return t.nt || t.w != nil && (t.w.flags&fLikeVerb != 0 || t.w.booster != 0 || t.w.negate())
}

// clauseCursor remembers the last clause inQuestion scanned: every token
// in [from, end] has its clause end at end, because none before end
// breaks a clause. vader asks for ascending positions (s.lexAt), so each
// token is scanned at most once per text and the whole pass is linear;
// scanning afresh per lexicon word was quadratic in a text without
// clause breaks (320k words took 29 s).
type clauseCursor struct {
	from, end int // the scanned span; from > end when nothing is scanned
	q         bool
	steps     int // tokens scanned so far (the linearity test reads it)
}

// inQuestion reports whether the clause of token i ends in '?'.
func (s *scratch) inQuestion(c *clauseCursor, i int) bool {
	if i >= c.from && i <= c.end {
		return c.q
	}
	toks := s.toks
	c.from = i
	for ; i < len(toks)-1 && !toks[i].brk; i++ {
	}
	c.steps += i - c.from + 1
	c.end, c.q = i, toks[i].q
	return c.q
}

// boost is VADER's scalar_inc_dec: the booster effect of word j on valence v.
func (s *scratch) boost(j int, v float32, capDiff bool) float32 {
	t := s.toks[j]
	if t.w == nil {
		return 0
	}
	if t.w.special == kwOf && j > 0 && (s.special(j-1) == kwKind || s.special(j-1) == kwSort) {
		// "kind of", "sort of": a two-word dampener.
		if v < 0 {
			return -bDecr
		}
		return bDecr
	}
	if t.w.booster == 0 {
		return 0
	}
	b := float32(t.w.booster) * bIncr
	if v < 0 {
		b = -b
	}
	if t.upper && capDiff {
		if v > 0 {
			b += cIncr
		} else {
			b -= cIncr
		}
	}
	return b
}

func (s *scratch) negationCheck(v float32, si, i int) float32 {
	switch si {
	case 0:
		if s.negated(i - 1) {
			v *= nScalar
		}
	case 1:
		p2, p1 := s.special(i-2), s.special(i-1)
		switch {
		case p2 == kwNever && (p1 == kwSo || p1 == kwThis):
			v *= 1.25
		case p2 == kwWithout && p1 == kwDoubt:
		case s.negated(i - 2):
			v *= nScalar
		}
	case 2:
		p3, p2, p1 := s.special(i-3), s.special(i-2), s.special(i-1)
		switch {
		case p3 == kwNever && (p2 == kwSo || p2 == kwThis), p1 == kwSo || p1 == kwThis:
			// As the reference implementation reads it: "never so/this"
			// three back, or "so"/"this" just before, emphasise.
			v *= 1.25
		case p3 == kwWithout && (p2 == kwDoubt || p1 == kwDoubt):
		case s.negated(i - 3):
			v *= nScalar
		}
	}
	return v
}

func (s *scratch) leastCheck(v float32, i int) float32 {
	if i > 0 && !s.inLex(i-1) && s.special(i-1) == kwLeast {
		if i == 1 || s.special(i-2) != kwAt && s.special(i-2) != kwVery {
			v *= nScalar
		}
	}
	return v
}

// punctEmphasis is VADER's '!' and '?' amplifier, from the counts the
// tokenizer kept.
func (s *scratch) punctEmphasis() float64 {
	e := float64(min(s.excl, 4)) * 0.292
	switch {
	case s.quest > 3:
		e += 0.96
	case s.quest > 1:
		e += float64(s.quest) * 0.18
	}
	return e
}

// normalize squashes a valence sum into -1..1.
func normalize(sum float64) float64 {
	c := sum / math.Sqrt(sum*sum+vaderAlpha)
	return max(-1, min(1, c))
}

var shrinkD float32 = 0

// shrink soft-thresholds a lexicon valence.
func shrink(v float32) float32 {
	switch {
	case v > shrinkD:
		return v - shrinkD
	case v < -shrinkD:
		return v + shrinkD
	}
	return 0
}
