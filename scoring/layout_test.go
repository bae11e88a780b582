package scoring

import (
	"encoding/binary"
	"fmt"
	fnvhash "hash/fnv"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// layoutFingerprint hashes what init builds from the embedded tables: the
// words in id order with their entries, the lookup table's slots, the
// phrase table's keys and the cues' stage evidence.
func layoutFingerprint() string {
	h := fnvhash.New64a()
	var b [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	for id, w := range wordText {
		h.Write([]byte(w))
		e := words[id]
		put(uint64(e.h)<<32 | uint64(e.normID)<<16 | uint64(e.cueID))
		put(uint64(math.Float32bits(e.valence))<<32 | uint64(e.flags)<<24 | uint64(e.class)<<16 | uint64(e.lang)<<8 | uint64(e.special))
	}
	for _, sl := range lex.slots {
		put(uint64(sl))
	}
	for _, sl := range phrases.slots {
		put(sl.key)
		if sl.c != nil {
			for _, v := range sl.c.stage {
				put(uint64(math.Float32bits(v)))
			}
			put(uint64(sl.c.aspects)<<32 | uint64(math.Float32bits(sl.c.valence)))
		}
	}
	for _, c := range wordCues {
		if c == nil {
			continue
		}
		for _, v := range c.stage {
			put(uint64(math.Float32bits(v)))
		}
	}
	return fmt.Sprintf("%016x words=%d", h.Sum64(), len(wordText))
}

// TestLayoutDeterministic checks that init builds the same vocabulary and
// tables in every process. Go randomises map order per process, so the
// test runs itself again and compares fingerprints: ids, table layout and
// summed cue weights that depended on map order would differ (and with
// them instruction counts and, in the last bits, stage evidence).
func TestLayoutDeterministic(t *testing.T) {
	if os.Getenv("MW_LAYOUT_CHILD") == "1" {
		fmt.Println("layout", layoutFingerprint())
		return
	}
	for run := 0; run < 2; run++ {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestLayoutDeterministic$", "-test.count", "1")
		cmd.Env = append(os.Environ(), "MW_LAYOUT_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child test process: %v\n%s", err, out)
		}
		var got string
		for _, l := range strings.Split(string(out), "\n") {
			if s, ok := strings.CutPrefix(l, "layout "); ok {
				got = s
			}
		}
		if want := layoutFingerprint(); got != want {
			t.Fatalf("init built a different layout in another process: %q, here %q; "+
				"some init loop walks a map in Go's random order (walk sortedKeys(m) instead)", got, want)
		}
	}
}
