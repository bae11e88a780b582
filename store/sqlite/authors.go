package sqlite

// authorKeyExpr is store.AuthorKey of the author column in SQL: trim(X)
// removes only spaces, and lower() folds only ASCII (this build has no
// ICU), as AuthorKey does. substr counts characters, but '@' is one byte.
// Queries must write exactly this expression for SQLite to use the index
// of migrationAuthorKey.
const authorKeyExpr = `lower(CASE WHEN substr(trim(author), 1, 1) = '@' THEN substr(trim(author), 2) ELSE trim(author) END)`

// migrationAuthorKey is schema version 6: the index AuthorHistory and the
// Author filter read; nothing reads the exact author's index any more.
const migrationAuthorKey = `CREATE INDEX IF NOT EXISTS mentions_author_key ON mentions (` + authorKeyExpr + `);
	DROP INDEX IF EXISTS mentions_author;`

// authorIs adds the condition "the author is key by store.AuthorKey"; an
// empty key (an Author of only spaces or "@") matches no mention.
func (w *where) authorIs(key string) {
	if key == "" {
		w.add("0")
		return
	}
	w.add(authorKeyExpr+" = ?", key)
}
