package digest_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentionwatch/mentionwatch/digest"
	"github.com/mentionwatch/mentionwatch/digest/digesttest"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var ctx = context.Background()

// seeded returns an embedded store holding digesttest's data.
func seeded(t *testing.T) *sqlite.Store {
	t.Helper()
	st := emptyStore(t)
	if err := digesttest.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	return st
}

// emptyStore is a new, migrated embedded store, closed at the test's end.
func emptyStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "mw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func build(t *testing.T, st digest.Reader, p digest.Period, end time.Time) *digest.Report {
	t.Helper()
	r, err := digest.Build(ctx, st, digest.Options{Brand: digesttest.Brand(), Period: p, End: end, Location: digesttest.Jakarta,
		Dashboard: "https://dash.example/", AlertBucket: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./digest -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run go test ./digest -update, then review the diff):\n--- got ---\n%s", path, got)
	}
}

// One golden file per format, from the same fixed data and clock.
func TestGoldenWeekly(t *testing.T) {
	r := build(t, seeded(t), digest.Weekly, digesttest.WeekEnd)
	d, err := digest.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "weekly.html", d.HTML)
	golden(t, "weekly.txt", d.Subject+"\n\n"+d.Text)
	golden(t, "weekly.slack.txt", d.Slack)
	golden(t, "weekly.telegram.txt", strings.Join(d.Telegram, "\n\n----- next message -----\n\n"))
}

func TestGoldenDaily(t *testing.T) {
	r := build(t, seeded(t), digest.Daily, digesttest.DayEnd)
	golden(t, "daily.txt", r.Subject()+"\n\n"+digest.Text(r))
}
