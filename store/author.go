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

// genericBylines are author keys (AuthorKey) that name a role or nobody
// rather than a person: a news site's "Redaksi" or "Admin", a review
// site's "Verified buyer", Google Play's "A Google user". Mentions under
// one of them are most likely different people's, so they share no
// history (HistoryKey); the Author filter still finds them.
var genericBylines = map[string]bool{}

func init() {
	for _, k := range strings.Split(`admin|administrator|webmaster|anonymous|anon|anonim|guest|tamu|unknown|
		redaksi|tim redaksi|redaktur|editor|editors|editorial|editorial team|staff|staff writer|newsroom|
		team|support|customer|a customer|customer service|verified buyer|verified purchaser|verified customer|
		pembeli|pelanggan|pengguna|user|a google user|google user|reviewer|contributor|kontributor|
		n/a|na|none|-|[deleted]|[removed]`, "|") {
		genericBylines[strings.TrimSpace(k)] = true
	}
}

// HistoryKey is AuthorKey for an author's history (AuthorHistory): "",
// nobody, for a generic byline, whose mentions are not one person's.
func HistoryKey(author string) string {
	k := AuthorKey(author)
	if genericBylines[k] {
		return ""
	}
	return k
}
