package scoring

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// refToken is what the reference tokenizer says a token is.
type refToken struct {
	text                             string
	w                                *wordInfo
	upper, nt, brk, q, punct, noLang bool
}

func (t refToken) String() string {
	return fmt.Sprintf("%q w=%v upper=%v nt=%v brk=%v q=%v punct=%v noLang=%v", t.text, t.w != nil, t.upper, t.nt, t.brk, t.q, t.punct, t.noLang)
}

// refCounts are the counts the tokenizer keeps on the way.
type refCounts struct{ excl, quest, latin, nonLatin, nUpper, urls int }

// refTokenize is the tokenizer's contract written plainly, one rune at a
// time, with maps and strings, and none of tokens.go's fast paths:
//   - fields are split at ASCII white space and control characters; '!'
//     and '?' are counted in every field;
//   - an emoji ends a part of its field and adds the words of its
//     description (no language evidence); a space beyond ASCII (U+00A0,
//     U+3000, ...) or the zero-width space ends a part too;
//   - invisible characters (format characters, variation selectors) are
//     dropped from a part; a part of them alone is nothing;
//   - a part loses its leading and trailing ASCII punctuation, unless that
//     leaves two bytes or fewer and the whole part, lower-cased, is in the
//     vocabulary (an emoticon: ":)", "<3"); punctuation alone is nothing;
//   - the word is lower-cased (typographic apostrophes as '), ALL CAPS
//     when it has capitals and no small letters, "n't" at its end noted,
//     a slang word replaced by its normal form;
//   - the punctuation after it breaks the clause (, ; : . ! ?) and may ask
//     (?); "punct" means its field had ASCII punctuation or a non-ASCII
//     byte; an @handle, a link or a www. address is no language evidence,
//     and the links are counted;
//   - letters are counted by script (Latin below U+0250).
func refTokenize(text string) ([]refToken, refCounts) {
	var toks []refToken
	var c refCounts
	for _, field := range strings.FieldsFunc(text, func(r rune) bool { return r < utf8.RuneSelf && isSpace(byte(r)) }) {
		c.excl += strings.Count(field, "!") + strings.Count(field, "\uff01") // fullwidth ！ too
		c.quest += strings.Count(field, "?") + strings.Count(field, "\uff1f")
		high := false
		for i := 0; i < len(field); i++ {
			high = high || field[i] >= utf8.RuneSelf
		}
		start := 0
		for i := 0; i < len(field); {
			r, size := utf8.DecodeRuneInString(field[i:])
			if infos, ok := emojiInfo[r]; ok && r >= utf8.RuneSelf {
				toks = refPart(toks, &c, field[start:i], high)
				for _, wi := range infos {
					toks = append(toks, refToken{text: wi.text(), w: wi, noLang: true})
				}
				start = i + size
			} else if breaksWord(r) {
				toks = refPart(toks, &c, field[start:i], high)
				start = i + size
			}
			i += size
		}
		toks = refPart(toks, &c, field[start:], high)
	}
	return toks, c
}

func refPart(toks []refToken, c *refCounts, p string, high bool) []refToken {
	p = strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		if a, ok := refFancy(r); ok {
			return a
		}
		return r
	}, p)
	p = refMarks(p)
	if p == "" {
		return toks
	}
	var hasUpper, hasLower, hasPunct bool
	for i, r := range p {
		hasUpper = hasUpper || unicode.IsUpper(r)
		hasLower = hasLower || !unicode.IsUpper(r) && unicode.IsLower(r)
		hasPunct = hasPunct || r < utf8.RuneSelf && isPunct(p[i])
		if unicode.IsLetter(r) {
			if r < 0x250 || 0x1e00 <= r && r <= 0x1eff {
				c.latin++
			} else {
				c.nonLatin++
			}
		}
	}
	lo, hi := 0, len(p)
	for lo < hi && isPunct(p[lo]) {
		lo++
	}
	for hi > lo && isPunct(p[hi-1]) {
		hi--
	}
	if (lo > 0 || hi < len(p)) && hi-lo <= 2 {
		if w := vocab[refLower(p)]; w != nil {
			return append(toks, refToken{text: refLower(p), w: w})
		}
		if lo == hi {
			return toks
		}
	}
	word, after := refLower(p[lo:hi]), p[hi:]
	t := refToken{
		text:   word,
		upper:  hasUpper && !hasLower,
		nt:     len(word) > 3 && strings.HasSuffix(word, "n't"),
		brk:    strings.ContainsAny(after, ",;:.!?"),
		q:      strings.Contains(after, "?"),
		punct:  hasPunct || high,
		noLang: p[0] == '@' || strings.Contains(p, "://") || len(p) > 4 && (strings.HasPrefix(p, "www.") || strings.HasPrefix(p, "WWW.")),
	}
	if w := vocab[word]; w != nil {
		if w.normID != 0 {
			w = w.norm()
			t.text = w.text()
		}
		t.w = w
	}
	if t.upper {
		c.nUpper++
	}
	if t.noLang && p[0] != '@' {
		c.urls++
	}
	return append(toks, t)
}

// refFancy returns the ASCII character a character of fancy text stands
// for, by its compatibility decomposition: any fullwidth form of ASCII, a
// mathematical letter or digit, a circled or squared letter.
func refFancy(r rune) (rune, bool) {
	d := []rune(norm.NFKC.String(string(r)))
	if len(d) != 1 || d[0] <= ' ' || d[0] >= utf8.RuneSelf {
		return 0, false
	}
	c := d[0]
	switch {
	case 0xff01 <= r && r <= 0xff5e: // Halfwidth and Fullwidth Forms
		return c, true
	case 0x1d400 <= r && r <= 0x1d7ff: // Mathematical Alphanumeric Symbols
		return c, unicode.IsLetter(c) || unicode.IsDigit(c)
	case 0x2460 <= r && r <= 0x24ff, 0x1f100 <= r && r <= 0x1f1ff: // Enclosed Alphanumerics (and Supplement)
		return c, unicode.IsLetter(c)
	}
	return 0, false
}

// refMarks drops the combining marks that follow an ASCII letter, but
// for one mark alone that NFC composes with the letter into one letter.
func refMarks(p string) string {
	rs := []rune(p)
	var out []rune
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		out = append(out, r)
		if r >= utf8.RuneSelf || !unicode.IsLetter(r) {
			continue
		}
		j := i + 1
		for j < len(rs) && unicode.Is(unicode.Mn, rs[j]) {
			j++
		}
		if c := []rune(norm.NFC.String(string(rs[i:j]))); j == i+2 && len(c) == 1 {
			out[len(out)-1] = c[0]
		}
		i = j - 1
	}
	return string(out)
}

// refLower is the lower case of s, with typographic apostrophes as '.
func refLower(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\u2019' || r == '\u2018' {
			r = '\''
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// checkTokenizer compares the fast tokenizer with refTokenize on text.
func checkTokenizer(t *testing.T, text string) {
	t.Helper()
	want, wantC := refTokenize(text)
	s := getScratch()
	defer putScratch(s)
	s.tokenize(text)
	got := make([]refToken, len(s.toks))
	for i, tk := range s.toks {
		w := s.buf[tk.a:tk.b]
		if tk.h != hashBytes(w) {
			t.Fatalf("%q: token %q hash %x, want hashBytes %x", text, w, tk.h, hashBytes(w))
		}
		got[i] = refToken{text: string(w), w: tk.w, upper: tk.upper, nt: tk.nt, brk: tk.brk, q: tk.q, punct: tk.punct, noLang: tk.noLang}
	}
	gotC := refCounts{s.excl, s.quest, s.latin, s.nonLatin, s.nUpper, s.urls}
	if len(got) != len(want) {
		t.Fatalf("%q: %d tokens %v, the reference %d %v", text, len(got), got, len(want), want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%q: token %d is %v, the reference's %v", text, i, got[i], want[i])
		}
	}
	if gotC != wantC {
		t.Fatalf("%q: counts %+v, the reference's %+v", text, gotC, wantC)
	}
}

var tokenizerSeeds = []string{
	"", " ", "gk", "gk gk gk gk gk gk gk gk gk gk gk gk gk gk", "bgt😀😀😀😀 mantul!!", "abcdefghijklmnopqrstuvwxyz",
	"The app keeps CRASHING after the update!!! :( 😠 https://x.co/a", "★★★★☆ 4/5 would've",
	"Paket gak nyampe2, kecewa bgt sama kurirnya... #kapok @acme", "\x00\xff\xfe café naïve",
	"good, Terrible!! why?! really... dogs' internationalization; ok? (great) :) :D <3 ;-)",
	"ok!😀 é, Don’t DON'T isn't WWW.ACME.COM www.a http://x.co @handle: #TAG",
	"ÉCOLE Straße İstanbul ΣΟΦΙΑ日本語 مرحبا\u00a0nbsp", "a\tb\nc\rd\fe\vf", "..., !? ?! ':' ``",
	"ABCDEFGHIJ abcdefghi ABCDEFGHIJKLMNOPQRS wow!!!!!!!!!!!!!!! x:y abcdefgh:ijk",
	"was\u00a0terrible,\u3000kecewa\u200bbanget \u200e(good)\u200f ter\u00adrible \ufeffok \u2764\ufe0f \u200d \x00bad\x1b",
	"\u202egood\u202c DON\u00adT\u00a0?! \u2003\u2003 \u00ad",
	"t\u0336e\u0336r\u0336 e\u0301 e\u0301\u0302 \u0301a ｓ\u0336 é\u0336 a\u200d\u0301 ก\u0e31 a\u0301😀\u0301",
	"𝐚𝐦𝐚𝐳𝐢𝐧𝐠 𝓼𝓮𝓻𝓿𝓲𝓬𝓮，ｈａｔｅ ｉｔ！？ ＧＯＯＤ ⓖⓞⓞⓓ Ⓜ 🄶🄾🄾🄳 🄫 ① 𝟓/𝟓 ｗｗｗ．ａ．ｃｏ ＠ａｃｍｅ ：） ＤＯＮ＇Ｔ",
}

// The fast tokenizer (eight bytes at a time, hashing as it goes, with
// in-line lookups) gives the reference's tokens and counts on hand-made
// texts that reach each of its paths.
func TestTokenizerMatchesReference(t *testing.T) {
	for _, text := range tokenizerSeeds {
		checkTokenizer(t, text)
	}
}

// FuzzTokenizerMatchesReference: on any text, the fast tokenizer gives the
// reference's tokens and counts.
func FuzzTokenizerMatchesReference(f *testing.F) {
	for _, seed := range tokenizerSeeds {
		f.Add(seed)
	}
	f.Fuzz(checkTokenizer)
}
