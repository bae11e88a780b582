package store

import "strings"

// AuthorKey is what makes two author strings one author: AuthorHistory and
// MentionQuery.Author match by it, in both stores. It trims ASCII spaces
// (' ' only) from both ends, drops one leading '@', and folds ASCII A-Z to
// a-z, so "Budi", "budi", "@budi" and " budi " are one author: handles on
// X, Reddit, Mastodon, Bluesky and most review sites ignore case, and
// collectors and people write the '@' or not.
//
// The folding is ASCII only, on purpose: SQLite's lower() and ClickHouse's
// lower() fold exactly A-Z and leave every other byte alone, so each store
// computes the same key in SQL (and indexes it) as this function does in
// Go. A non-ASCII name ("Élodie") matches only its own spelling of the
// non-ASCII letters. Each store's SQL twin of this function (authorKeyExpr)
// must change with it, and docs/SCHEMA.md shows it to analysts.
//
// An author whose key is empty ("", "  ", "@") is nobody: AuthorHistory
// leaves it out and an Author filter with it matches no mention.
func AuthorKey(author string) string {
	k := strings.Trim(author, " ")
	k = strings.TrimPrefix(k, "@")
	for i := 0; i < len(k); i++ {
		if c := k[i]; 'A' <= c && c <= 'Z' {
			b := []byte(k)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return k
}
