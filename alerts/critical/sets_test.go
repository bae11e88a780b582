package critical

import "testing"

// TestHeldOutRecall scores the blind-written held-out set
// (alerts/testdata/critical_heldout.tsv) and holds the goal: recall at
// least 0.95. Precision is logged; the set's near-misses are hard on
// purpose.
func TestHeldOutRecall(t *testing.T) {
	checkSet(t, "../testdata/critical_heldout.tsv", 0.95, 0.5)
}

// TestDevSet scores the set the matcher was designed on.
func TestDevSet(t *testing.T) {
	checkSet(t, "../testdata/critical_dev.tsv", 0.95, 0.4)
}

// TestMentionSets scores the brand-mention sets, whose writers marked each
// mention reporting harm, and holds what the matcher achieves on them
// (docs/BENCHMARKS.md): the design sets of the thirteenth session, whose
// misses were read, and the kept-aside complaint sets, whose were not.
// Their writers' harm is wider than the 0.95 goal's set (recalls, burns,
// stolen parcels), so the floors are the achieved figures less 0.02, not
// the goal.
func TestMentionSets(t *testing.T) {
	for _, c := range []struct {
		path   string
		recall float64
	}{
		{"../testdata/critical_mentions_design.tsv", 0.879},
		{"../../scoring/training/testdata/complaints_design.tsv", 1.000},
		{"../../scoring/training/testdata/complaints_design2.tsv", 0.889},
		{"../../scoring/training/mentions/train_en_d.tsv", 0.905},
		{"../../scoring/training/mentions/train_id_f.tsv", 0.900},
		{"../../scoring/training/testdata/complaints_unseen.tsv", 0.800},
		{"../../scoring/training/testdata/complaints_unseen2.tsv", 0.933},
		{"../../scoring/training/testdata/complaints_unseen3.tsv", 0.916},
		{"../../scoring/training/testdata/complaints_unseen4.tsv", 0.687},
	} {
		ex, err := ReadSet(c.path)
		if err != nil {
			t.Fatal(err)
		}
		s := Evaluate(New(nil), ex)
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

func checkSet(t *testing.T, path string, minRecall, minID float64) {
	t.Helper()
	ex, err := ReadSet(path)
	if err != nil {
		t.Fatal(err)
	}
	var en, id int
	for _, e := range ex {
		switch e.Lang {
		case "en":
			en++
		case "id":
			id++
		default:
			t.Errorf("%s: language %q is neither en nor id", path, e.Lang)
		}
	}
	if len(ex) < 150 || float64(id) < minID*float64(len(ex)) {
		t.Fatalf("%s: %d rows (%d en, %d id): want at least 150, %.0f%% Indonesian", path, len(ex), en, id, 100*minID)
	}
	s := Evaluate(New(nil), ex)
	t.Logf("%s: %d rows, recall %.3f (%d/%d), precision %.3f (%d/%d)", path, len(ex), s.All.Recall(),
		s.All.TP, s.All.TP+s.All.FN, s.All.Precision(), s.All.TP, s.All.TP+s.All.FP)
	for _, e := range s.Missed {
		t.Logf("missed [%s %s] %s", e.Lang, e.Category, e.Text)
	}
	for _, e := range s.Wrong {
		t.Logf("flagged [%s] %s", e.Lang, e.Text)
	}
	if r := s.All.Recall(); r < minRecall {
		t.Errorf("%s: recall %.3f, want >= %.2f", path, r, minRecall)
	}
}

func TestReadSetErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ body, want, at string }{
		{"critical\ten\tfire\n", "got 3 fields", "set.tsv:1"},
		{"maybe\ten\tfire\ttext\n", "neither critical nor ok", "set.tsv:1"},
		{"sentiment\tlang\tharm\ttext\nnegative\ten\tmaybe\ttext\n", "neither yes nor no", "set.tsv:2"},
		{"sentiment\tlang\tharm\ttext\nnegative\ten\tyes\n", "want sentiment<TAB>lang<TAB>harm<TAB>text", "set.tsv:2"},
	} {
		p := dir + "/set.tsv"
		if err := writeFile(p, c.body); err != nil {
			t.Fatal(err)
		}
		_, err := ReadSet(p)
		if err == nil || !contains(err.Error(), c.want) || !contains(err.Error(), c.at) {
			t.Errorf("ReadSet(%q) error = %v, want one naming %s and %q", c.body, err, c.at, c.want)
		}
	}
	if _, err := ReadSet(dir + "/missing.tsv"); err == nil {
		t.Error("ReadSet of a missing file: no error")
	}
}
