package sqlite

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "mw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestOpenErrors(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Error("empty path: no error")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing-dir", "x", "mw.db")); err == nil {
		t.Error("unwritable path: no error")
	}
}

// TestOpenPathIsTheFile: store.path is a file name, not a URI: "?", "#"
// and "%" in it name that file (they used to open "data" for "data#2.db",
// and "a?b.db" for "a%3fb.db").
func TestOpenPathIsTheFile(t *testing.T) {
	for _, name := range []string{"data#2.db", "data?x=1.db", "50%off.db", "a%3fb.db", "with space.db"} {
		dir := t.TempDir()
		s, err := Open(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := s.Migrate(context.Background()); err != nil {
			t.Errorf("%s: migrate: %v", name, err)
		}
		s.Close()
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var files []string
		for _, e := range ents {
			files = append(files, e.Name())
		}
		if !slices.Contains(files, name) || len(files) != 1 {
			t.Errorf("store.path %q made the files %q", name, files)
		}
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mw.db")
	ctx := context.Background()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m := storetest.Mention("acme", "keep", storetest.T0, "negative")
	if err := s.InsertMentions(ctx, []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Mentions(ctx, store.MentionQuery{})
	if err != nil || len(got) != 1 || got[0].ID != m.ID {
		t.Fatalf("after reopening: %v %+v", err, got)
	}
}

// TestSearchWalkGivesTheSamePages runs the conformance suite's stream
// against pages check again with the walk of frequent words switched on
// for a few hundred mentions: once with room for the walk to answer, once
// with so few candidates that it often gives up and leaves the page to
// the IN plan. Both must give the rows the IN plan gives.
func TestSearchWalkGivesTheSamePages(t *testing.T) {
	defer func(c float64, sl int64) { ftsLookupCost, walkSlack, walkHook = c, sl, nil }(ftsLookupCost, walkSlack)
	for _, tc := range []struct {
		name  string
		slack int64
	}{{"walk answers", 4}, {"walk gives up", 0}} {
		t.Run(tc.name, func(t *testing.T) {
			var answered, gaveUp int
			ftsLookupCost, walkSlack = 0.001, tc.slack
			walkHook = func(done bool) {
				if done {
					answered++
				} else {
					gaveUp++
				}
			}
			storetest.EachMatchesPages(t, open)
			t.Logf("walks: %d answered, %d gave up", answered, gaveUp)
			if answered == 0 || (tc.slack == 0 && gaveUp == 0) {
				t.Errorf("walks: %d answered, %d gave up; the test did not exercise the walk", answered, gaveUp)
			}
		})
	}
}

// A file that is not a database says so and what to do, rather than
// asking whether the directory is writable.
func TestOpenCorruptFileSaysWhatToDo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentions.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not sqlite at all ", 400)), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err == nil {
		err = s.Migrate(context.Background())
		s.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "restore it from a backup") || strings.Contains(err.Error(), "writable") {
		t.Errorf("err = %v, want it to say the file is not a database and to restore it", err)
	}
}

// TestMigrateWhileAnotherProcessMigrates: two processes starting at once
// on a new file both read schema version 0; the one that gets the write
// lock second must find the migrations applied by the first and skip
// them (it used to fail with "UNIQUE constraint failed" or "duplicate
// column name").
func TestMigrateWhileAnotherProcessMigrates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mw.db")
	first, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	defer func() { beforeMigration = nil }()
	beforeMigration = func(int) {
		beforeMigration = nil
		if err := first.Migrate(ctx); err != nil { // the other process, between the read of the version and the write lock
			t.Errorf("the other process's Migrate: %v", err)
		}
	}
	if err := second.Migrate(ctx); err != nil {
		t.Fatalf("Migrate beside another process's: %v", err)
	}
	if v, err := second.MigrationVersion(ctx); err != nil || v != uint32(len(migrations)) {
		t.Fatalf("version %d, %v; want %d", v, err, len(migrations))
	}
}

// TestOpenMissingDirectoryOrDirectorySaysWhatToDo: a store.path in a
// directory that does not exist, naming a directory, or in a "directory"
// that is a file asked whether the directory was writable.
func TestOpenMissingDirectoryOrDirectorySaysWhatToDo(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing", "mw.db"), "does not exist"},
		{dir, "is a directory"},
		{filepath.Join(file, "mw.db"), file + " is not a directory"},
	} {
		s, err := Open(tc.path)
		if err == nil {
			err = s.Migrate(context.Background())
			s.Close()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "writable") {
			t.Errorf("%s: %v; want it to say the path %s", tc.path, err, tc.want)
		}
	}
}

// TestMigrateRefusesANewerSchema: a file a newer mentionwatch migrated is
// refused with store.ErrSchemaNewer and what to do (it said only "upgrade
// mentionwatch", not how to go back).
func TestMigrateRefusesANewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mw.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (1000, 0)`); err != nil {
		t.Fatal(err)
	}
	err = s.Migrate(context.Background())
	if !errors.Is(err, store.ErrSchemaNewer) || !strings.Contains(err.Error(), "restore a backup") {
		t.Fatalf("Migrate on a newer schema: %v; want store.ErrSchemaNewer with what to do", err)
	}
}

// openPrevious opens the file at path as the previous release left it:
// every migration applied but the newest. It is closed at the test's end.
func openPrevious(t *testing.T, path string) *Store {
	t.Helper()
	return openBefore(t, path, len(migrations))
}

// openBefore is openPrevious for the release before migration version.
func openBefore(t *testing.T, path string, version int) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	all := migrations
	migrations = all[:version-1]
	err = s.Migrate(context.Background())
	migrations = all
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestUpgradeSaysWhatStartUpIsDoing: a migration that rebuilds an index
// over every mention can take minutes on a large file, and start-up said
// nothing meanwhile. Upgrading an existing file logs each migration, its
// start and how long it took.
func TestUpgradeSaysWhatStartUpIsDoing(t *testing.T) {
	s := openPrevious(t, filepath.Join(t.TempDir(), "mw.db"))
	ctx := context.Background()
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(old)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.Contains(out, "applying a schema migration") || !strings.Contains(out, "schema migration applied") || !strings.Contains(out, "took=") {
		t.Errorf("upgrade logged:\n%s", out)
	}
}

// TestMigrateRefusesAnotherProgramsDatabase: store.path naming another
// program's SQLite database got mentionwatch's tables added to it (or,
// when it had a table named like one of them, failed with "no such
// column: brand"). Migrate now refuses it, says why and what to do, and
// leaves it as it was.
func TestMigrateRefusesAnotherProgramsDatabase(t *testing.T) {
	for _, table := range []string{"invoices (id INTEGER PRIMARY KEY, total REAL)", "mentions (x TEXT)"} {
		path := filepath.Join(t.TempDir(), "other.db")
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec("CREATE TABLE " + table); err != nil {
			t.Fatal(err)
		}
		err = s.Migrate(context.Background())
		if err == nil || !strings.Contains(err.Error(), "not a mentionwatch store") || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: Migrate: %v; want it to say the file is not a mentionwatch store", table, err)
		}
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM sqlite_master`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%s: the file has %d schema objects after Migrate (%v), want its 1", table, n, err)
		}
		s.Close()
	}
}

// TestMigrateBesideALongMigrationSaysWhatToDo: a process starting while
// another holds the file's write lock longer than busy_timeout (run and
// serve started together on a large file, one rebuilding an index for
// minutes) failed with only "database is locked".
func TestMigrateBesideALongMigrationSaysWhatToDo(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for busy_timeout (10 s)")
	}
	path := filepath.Join(t.TempDir(), "mw.db")
	s := openPrevious(t, path)
	ctx := context.Background()
	other, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.DB().BeginTx(ctx, nil) // the other process's long migration
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	err = s.Migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), "another process") {
		t.Fatalf("Migrate while another process holds the write lock: %v; want it to say what to do", err)
	}
}

// mentionColsV1 are the columns of mentions before migration 9.
const mentionColsV1 = `id, brand, source, kind, native_id, url, author, author_reach, title, text, rating,
	published, collected, lang, sentiment, label, stage, stage_confidence, aspects, reach`

// TestUpgradeFoldsTheSearchIndex: a file written before migration 8 has
// its mentions found by their folded words once upgraded ("дмитрии" is
// how the query folds "Дмитрий"; the old index missed it), a rewrite and
// a delete made with plain SQL (the sqlite3 shell's retention, which has
// none of mentionwatch's functions) keep the index right.
func TestUpgradeFoldsTheSearchIndex(t *testing.T) {
	s := openBefore(t, filepath.Join(t.TempDir(), "mw.db"), 8) // migration 8 folds the search index
	ctx := context.Background()
	old := storetest.Mention("acme", "ru", storetest.T0, mw.Negative)
	old.Text = "ДМИТРИЙ доволен, ½harga"
	ascii := storetest.Mention("acme", "en", storetest.T0.Add(time.Minute), mw.Negative)
	ascii.Text = "Dmitrii is happy"
	for _, m := range []mw.Mention{old, ascii} {
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO mentions (`+mentionColsV1+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.Brand, m.Source, m.Type, m.NativeID, m.URL, m.Author, m.AuthorReach, m.Title, m.Text, m.Rating,
			m.Published.UnixMilli(), m.Collected.UnixMilli(), m.Lang, m.Sentiment, string(m.Label), string(m.Stage), m.StageConfidence, `["quality"]`, m.Reach); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	search := func(word string) []string {
		t.Helper()
		ms, err := s.Mentions(ctx, store.MentionQuery{Search: []store.SearchClause{{{Words: []string{word}}}}})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.NativeID)
		}
		return out
	}
	for word, want := range map[string][]string{"дмитрии": {"ru"}, "harga": {"ru"}, "dmitrii": {"en"}, "happy": {"en"}} {
		if got := search(word); !slices.Equal(got, want) {
			t.Errorf("after the upgrade, %q finds %v; want %v", word, got, want)
		}
	}
	rewrite := old
	rewrite.Text = "Ёлка"
	if err := s.InsertMentions(ctx, []mw.Mention{rewrite}); err != nil {
		t.Fatal(err)
	}
	if got, gotNew := search("дмитрии"), search("елка"); len(got) != 0 || !slices.Equal(gotNew, []string{"ru"}) {
		t.Errorf("after a rewrite: the old word finds %v, the new %v; want nothing and [ru]", got, gotNew)
	}
	if _, err := s.DB().ExecContext(ctx, `DELETE FROM mentions WHERE native_id = 'ru'`); err != nil {
		t.Fatalf("delete with plain SQL: %v", err)
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO mentions_fts (mentions_fts) VALUES ('integrity-check')`); err != nil {
		t.Errorf("index after the delete: %v", err)
	}
	if got := search("елка"); len(got) != 0 {
		t.Errorf("after the delete, %v found", got)
	}
}
