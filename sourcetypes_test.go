package mentionwatch

import (
	"strings"
	"testing"
)

// declareForTest declares typ for the duration of t (this package's tests
// do not import the collectors that declare the real types).
func declareForTest(t *testing.T, typ string, tr SourceTraits) {
	t.Helper()
	if err := DeclareSourceType(typ, tr); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		traitsMu.Lock()
		delete(traits, typ)
		traitsMu.Unlock()
	})
}

// TestDeclareSourceTypeRefuses: a type without a reach weight, a second
// declaration and an empty name are errors that say what to do, not a
// silent weight of 1.
func TestDeclareSourceTypeRefuses(t *testing.T) {
	declareForTest(t, "forum-test", SourceTraits{ReachWeight: 1})
	for _, c := range []struct {
		typ  string
		tr   SourceTraits
		want string
	}{
		{"noweight-test", SourceTraits{OwnPage: true}, `source type "noweight-test": ReachWeight is 0: declare`},
		{"negative-test", SourceTraits{ReachWeight: -1}, "ReachWeight is -1"},
		{"forum-test", SourceTraits{ReachWeight: 2}, `"forum-test": declared twice`},
		{"", SourceTraits{ReachWeight: 1}, "empty name"},
	} {
		if err := DeclareSourceType(c.typ, c.tr); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DeclareSourceType(%q, %+v) = %v, want %q", c.typ, c.tr, err, c.want)
		}
	}
	if _, ok := SourceTypeTraits("noweight-test"); ok {
		t.Error("a refused type was recorded")
	}
	if tr, ok := SourceTypeTraits("forum-test"); !ok || tr.ReachWeight != 1 {
		t.Errorf("forum-test = %+v, %v; the second declaration replaced the first", tr, ok)
	}
	if got := SourceTypeTable()["forum-test"]; got.ReachWeight != 1 {
		t.Errorf("table has %+v", got)
	}
}
