package query

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold lowercases s and strips diacritics ("Café" -> "cafe"). Invalid UTF-8
// bytes become spaces. scoring.Fold is this function.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, " ")) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Token is a word of folded text. Prefix is '@', '#' or '$' for handles,
// hashtags and cashtags ($GOTO, $AAPL), 0 otherwise.
type Token struct {
	Word   string
	Prefix byte
}

// Tokenize splits folded text into words of letters, digits and '_',
// keeping a leading '@', '#' or '$'. scoring.Tokenize is this function.
func Tokenize(folded string) []Token {
	return appendTokens(nil, folded, nil)
}

// appendTokens is Tokenize appending to out, so a caller can reuse a buffer.
// wordBefore reports whether s ends with a word character.
func wordBefore(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_')
}

// When p is not nil, it also marks the candidate variants (variants.go)
// in p while each word's bytes are at hand.
func appendTokens(out []Token, folded string, p *Prepared) []Token {
	start, prefix := -1, byte(0)
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, Token{Word: folded[start:end], Prefix: prefix})
			// Most words end in an ASCII letter that is not an a nor the
			// third of a run: no candidate, and no call.
			if c := folded[end-1]; p != nil && prefix == 0 && end-start > minVary &&
				(c == 'a' || c >= utf8.RuneSelf || c == folded[end-2] && c == folded[end-3]) && isCandidate(folded[start:end]) {
				p.markCandidate(len(out) - 1)
			}
		}
		start, prefix = -1, 0
	}
	for i, r := range folded {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
		switch {
		case word && start < 0:
			start = i
			// A handle or hashtag starts after a non-word character: the
			// "@acme" of "budi@acme.com" is an e-mail's domain, and the
			// "#acme" of "c#acme" is not a hashtag, nor "$x" of "US$x"
			// a cashtag.
			if i > 0 && (folded[i-1] == '@' || folded[i-1] == '#' || folded[i-1] == '$') && !wordBefore(folded[:i-1]) {
				prefix = folded[i-1]
			}
		case !word && start >= 0:
			flush(i)
		}
	}
	flush(len(folded))
	return out
}
