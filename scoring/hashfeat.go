package scoring

// hashing is what a sentiment model hashes from a text's tokens; each
// feature is a bucket of a 1<<bits hash space. The English and the
// Indonesian models differ only where en says.
type hashing struct {
	bits             uint8
	bigrams          bool  // each pair of adjacent words, and the last word with the end
	stem             bool  // each word's canonical form too (Indonesian, id_morph.go)
	negate           bool  // the words in a negation's scope, hashed apart
	charMin, charMax uint8 // character n-gram sizes of each word, 0 for none
	// en: English. An @handle and a link share one feature each, and an
	// unknown word is hashed squeezed ("sooooo" as "soo"); a negation
	// (s.negated) reaches 3 words and stops at the clause's end; handles,
	// links and words over 24 bytes get no character n-grams. Otherwise
	// (Indonesian): the word's hash as it is (slang already normalised by
	// the tokenizer), a negator reaches negWin words, and words up to 40
	// bytes get character n-grams.
	en     bool
	negWin int
}

// hashFeatures appends the hashed feature buckets of s.toks to dst: for
// each token its word, then its stem, its bigram with the word before,
// its negation mark and its character n-grams, as c asks; then the last
// bigram. Training (IDFeatures, ENFeatures) and the models' fallback path
// read these lists; the shipped models' in-line scorers (scoresInline,
// predictText) sum the same buckets without them (TestENInlineMatches,
// TestPredictTextMatchesFeatures).
func (s *scratch) hashFeatures(c hashing, dst []uint32) []uint32 {
	mask := uint32(1)<<c.bits - 1
	var prev uint32 = seedBigram
	negLeft := 0
	var gram [16]byte
	for i := range s.toks {
		t := &s.toks[i]
		w := s.buf[t.a:t.b]
		u := t.h // hashBytes(w), from the vocabulary lookup
		if c.en {
			if t.noLang {
				if isLink(w) {
					u = seedLink
				} else {
					u = seedHandle
				}
			} else if t.w == nil {
				if n := squeeze(w, gram[:]); n > 0 {
					u = hashBytes(gram[:n]) // "sooooo" as "soo"
				}
			}
		}
		dst = append(dst, u&mask)
		if c.stem {
			dst = append(dst, s.idCanon(t)&mask)
		}
		if c.bigrams {
			dst = append(dst, mix(prev, u)&mask)
			prev = u
		}
		if c.negate {
			if negLeft > 0 {
				dst = append(dst, mix(seedNeg, u)&mask)
				negLeft--
			}
			if c.en {
				if s.negated(i) {
					negLeft = 3
				}
				if t.brk {
					negLeft = 0
				}
			} else if t.w != nil && t.w.idNeg() {
				negLeft = c.negWin
			}
		}
		switch {
		case c.charMax == 0:
		case c.en && !t.noLang && len(w) <= 24:
			dst = enCharGrams(dst, w, int(c.charMin), int(c.charMax), mask)
		case !c.en && len(w) <= 40:
			dst = charGrams(dst, w, int(c.charMin), int(c.charMax), mask)
		}
	}
	if c.bigrams {
		dst = append(dst, mix(prev, seedBigram)&mask)
	}
	return dst
}

// enCharGrams appends the buckets of w's character n-grams, n in [cmin,
// min(cmax, 8)], with '<' and '>' marking the word's ends (the grams of
// charGrams): each gram's bytes, packed into a uint64 as the word is
// walked once per n, are mixed by one multiplication. The English model
// hashes its grams so (a cheaper hash than charGrams' FNV byte loop).
func enCharGrams(dst []uint32, w []byte, cmin, cmax int, mask uint32) []uint32 {
	for n := max(cmin, 1); n <= min(cmax, 8); n++ {
		keep := uint64(1)<<(8*n) - 1 // all ones for n = 8
		seed := uint64(n) * 0x9e3779b97f4a7c15
		var win uint64
		for i := -1; i <= len(w); i++ {
			c := byte('<')
			switch {
			case i == len(w):
				c = '>'
			case i >= 0:
				c = w[i]
			}
			win = (win<<8 | uint64(c)) & keep
			if i+2 >= n {
				dst = append(dst, uint32(((win^seed)*0xff51afd7ed558ccd)>>32)&mask)
			}
		}
	}
	return dst
}
