package training

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mentionwatch/mentionwatch/alerts/critical"
)

// TestMentionSetsCritical scores the brand-mention sets, whose writers
// marked each mention reporting harm, with the critical matcher and holds
// what it achieves on them (docs/BENCHMARKS.md): the design sets of the
// thirteenth session, whose misses were read, and the kept-aside complaint
// sets, whose were not. Their writers' harm is wider than the 0.95 goal's
// set (recalls, burns, stolen parcels), so the floors are the achieved
// figures less 0.02, not the goal.
func TestMentionSetsCritical(t *testing.T) {
	for _, c := range []struct {
		path   string
		recall float64
	}{
		{"../../alerts/testdata/critical_mentions_design.tsv", 0.879},
		{"testdata/complaints_design.tsv", 1.000},
		{"testdata/complaints_design2.tsv", 0.889},
		{"mentions/train_en_d.tsv", 0.905},
		{"mentions/train_id_f.tsv", 0.900},
		{"testdata/complaints_unseen.tsv", 0.800},
		{"testdata/complaints_unseen2.tsv", 0.933},
		{"testdata/complaints_unseen3.tsv", 0.916},
		{"testdata/complaints_unseen4.tsv", 0.687},
	} {
		ex, err := ReadCriticalSet(c.path)
		if err != nil {
			t.Fatal(err)
		}
		s := critical.Evaluate(critical.New(nil), ex)
		t.Logf("%s: %d rows, recall %.3f (%d/%d), precision %.3f", c.path, len(ex), s.All.Recall(),
			s.All.TP, s.All.TP+s.All.FN, s.All.Precision())
		if s.All.TP+s.All.FN < 15 {
			t.Errorf("%s: %d harm rows, want at least 15 (read as a brand-mention set?)", c.path, s.All.TP+s.All.FN)
		}
		if r := s.All.Recall(); r < c.recall-0.02 {
			t.Errorf("%s: recall %.3f, want >= %.3f", c.path, r, c.recall-0.02)
		}
	}
}

func TestReadCriticalSetFormats(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "set.tsv")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ex, err := ReadCriticalSet(write("sentiment\tlang\tharm\ttext\nnegative\ten\tyes\tburned my hand\npositive\tid\tno\tmantap\n"))
	if err != nil || len(ex) != 2 || !ex[0].Critical || ex[0].Category != "harm" || ex[1].Critical || ex[1].Lang != "id" {
		t.Fatalf("brand-mention set read as %+v (%v)", ex, err)
	}
	if ex, err := ReadCriticalSet(write("critical\ten\tfire\tthe charger caught fire\n")); err != nil || len(ex) != 1 || ex[0].Category != "fire" {
		t.Fatalf("critical set read as %+v (%v)", ex, err)
	}
	for _, c := range []struct{ body, want string }{
		{"sentiment\tlang\tharm\ttext\nnegative\ten\tmaybe\ttext\n", `line 2: harm "maybe", want yes or no`},
		{"sentiment\tlang\tharm\ttext\nnegative\ten\tyes\n", "line 2: want sentiment<TAB>lang<TAB>harm<TAB>text"},
		{"maybe\ten\tfire\ttext\n", "neither critical nor ok"},
	} {
		_, err := ReadCriticalSet(write(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "set.tsv") {
			t.Errorf("ReadCriticalSet(%q) error = %v, want one naming set.tsv and %q", c.body, err, c.want)
		}
	}
	if _, err := ReadCriticalSet(filepath.Join(dir, "missing.tsv")); err == nil {
		t.Error("ReadCriticalSet of a missing file: no error")
	}
}
