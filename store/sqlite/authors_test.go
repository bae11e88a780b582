package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/storetest"
)

// TestAuthorKeyExprIsAuthorKey: the SQL the index and the queries use
// computes store.AuthorKey.
func TestAuthorKeyExprIsAuthorKey(t *testing.T) {
	s := open(t).(*Store)
	for _, a := range storetest.AuthorKeyProbes {
		var got string
		if err := s.db.QueryRowContext(context.Background(), `SELECT `+authorKeyExpr+` FROM (SELECT ? AS author)`, a).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := store.AuthorKey(a); got != want {
			t.Errorf("SQL key of %q = %q, want store.AuthorKey's %q", a, got, want)
		}
	}
}

// TestAuthorQueriesUseTheKeyIndex: AuthorHistory's count and the Author
// filter search the index on the key, not the whole table.
func TestAuthorQueriesUseTheKeyIndex(t *testing.T) {
	s := open(t).(*Store)
	w, _, err := s.mentionFilter(store.MentionQuery{Author: "@Budi"})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT COUNT(*) FROM mentions WHERE ` + authorKeyExpr + ` = ?`,
		`SELECT ` + mentionCols + ` FROM mentions` + w.String() + ` ORDER BY published DESC, id LIMIT 3`,
	} {
		rows, err := s.db.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+q, "budi")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, "INDEX mentions_author_key") {
			t.Errorf("plan of %s:\n%s\nwant a search of mentions_author_key", q, p)
		}
	}
}
