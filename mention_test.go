package mentionwatch

import (
	"encoding/json"
	"testing"
	"time"
)

// A collector builds its next cursor from a Clone and may fail half way:
// writing to the copy must leave the saved cursor as it was.
func TestCursorCloneSharesNothing(t *testing.T) {
	cur := Cursor{LastID: "7", LastTime: time.Unix(100, 0).UTC(), ETag: `W/"e"`, LastModified: "Mon",
		Seen: []string{"a", "b"}, Extra: map[string]string{"k": "v"}}
	saved, _ := json.Marshal(cur)
	next := cur.Clone()
	if got, _ := json.Marshal(next); string(got) != string(saved) {
		t.Fatalf("clone %s, want %s", got, saved)
	}
	next.Seen[0] = "changed"
	next.Remember("c")
	next.Extra["k"] = "changed"
	next.Extra["new"] = "x"
	if after, _ := json.Marshal(cur); string(after) != string(saved) {
		t.Errorf("writing to the clone changed the original: %s, was %s", after, saved)
	}

	empty := Cursor{}.Clone()
	empty.Extra["k"] = "v" // never nil: a collector writes to it directly
	got, _ := json.Marshal(Cursor{}.Clone())
	want, _ := json.Marshal(Cursor{})
	if string(got) != string(want) {
		t.Errorf("clone of the empty cursor marshals as %s, the empty cursor as %s", got, want)
	}
}
