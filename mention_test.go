package mentionwatch

import (
	"encoding/json"
	"strings"
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

// A feed's megabyte ids cannot grow the cursor: a long id is kept as its
// SHA-256 and still recognised.
func TestCursorSeenBoundsLongIDs(t *testing.T) {
	var c Cursor
	long := strings.Repeat("g", 1<<20)
	c.Remember("short-id", long)
	if !c.HasSeen(long) || !c.HasSeen("short-id") || c.HasSeen(long+"x") {
		t.Fatalf("HasSeen: %v %v %v", c.HasSeen(long), c.HasSeen("short-id"), c.HasSeen(long+"x"))
	}
	size := 0
	for _, s := range c.Seen {
		size += len(s)
	}
	if size > 300 {
		t.Errorf("the cursor keeps %d bytes for two ids", size)
	}
}
