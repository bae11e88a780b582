package scoring

import "github.com/mentionwatch/mentionwatch/query"

// Fold lowercases s and strips diacritics ("Café" -> "cafe"). Invalid UTF-8
// bytes become spaces. It is query.Fold, so brand queries and the scorer
// fold text the same way.
func Fold(s string) string { return query.Fold(s) }

// Token is a word of folded text. Prefix is '@', '#' or '$' for handles,
// hashtags and cashtags, 0 otherwise.
type Token = query.Token

// Tokenize splits folded text into words of letters, digits and '_',
// keeping a leading '@', '#' or '$'. It is query.Tokenize.
func Tokenize(folded string) []Token { return query.Tokenize(folded) }
