package clickhouse

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/storetest"
)

// TestAuthorKeyExprIsAuthorKey: the SQL that AuthorHistory and the Author
// filter use computes store.AuthorKey on this server, and the cheap
// condition they narrow the rows with keeps every author of the key.
func TestAuthorKeyExprIsAuthorKey(t *testing.T) {
	s := openFresh(t)
	for _, a := range storetest.AuthorKeyProbes {
		want := store.AuthorKey(a)
		var got string
		if err := s.Conn().QueryRow(context.Background(), `SELECT `+authorKeyExpr+` FROM (SELECT ? AS author)`, a).Scan(&got); err != nil {
			t.Fatalf("key of %q on ClickHouse %s: %v", a, s.ServerVersion(), err)
		}
		if got != want {
			t.Errorf("SQL key of %q = %q on ClickHouse %s, want store.AuthorKey's %q", a, got, s.ServerVersion(), want)
		}
		narrow, args := authorNarrow([]string{want})
		var kept uint8
		if err := s.Conn().QueryRow(context.Background(), `SELECT `+narrow+` FROM (SELECT ? AS author)`, append(args, a)...).Scan(&kept); err != nil {
			t.Fatalf("narrowing %q on ClickHouse %s: %v", a, s.ServerVersion(), err)
		}
		if kept != 1 {
			t.Errorf("authorNarrow(%q) drops the author %q", want, a)
		}
	}
}

// TestSchemaDocShowsAuthorKey: docs/SCHEMA.md gives analysts the key
// these queries use.
func TestSchemaDocShowsAuthorKey(t *testing.T) {
	doc, err := os.ReadFile("../../docs/SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), authorKeyExpr) {
		t.Errorf("docs/SCHEMA.md does not show the author key as the store computes it: %s", authorKeyExpr)
	}
}
