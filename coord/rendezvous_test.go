package coord

import (
	"fmt"
	"testing"
)

func keys(n int) []string {
	ks := make([]string, n)
	for i := range ks {
		ks[i] = fmt.Sprintf("source-%d", i)
	}
	return ks
}

func owners(ks, members []string) map[string]string {
	m := map[string]string{}
	for _, k := range ks {
		m[k] = Owner(k, members)
	}
	return m
}

// TestOwnerMovesOnlyTheChangedMembersShare: a departure moves only the
// departed member's keys, an arrival only the keys the newcomer wins.
func TestOwnerMovesOnlyTheChangedMembersShare(t *testing.T) {
	ks := keys(1000)
	before := owners(ks, []string{"a", "b", "c"})
	count := map[string]int{}
	for _, o := range before {
		count[o]++
	}
	for _, m := range []string{"a", "b", "c"} {
		// Even enough: each of 3 members gets 1000/3 ± 20%.
		if count[m] < 266 || count[m] > 400 {
			t.Errorf("member %s owns %d of 1000 keys, want about 333: %v", m, count[m], count)
		}
	}

	// b leaves: only b's keys move, and they spread over a and c.
	left := owners(ks, []string{"a", "c"})
	moved := map[string]int{}
	for _, k := range ks {
		if before[k] != "b" && left[k] != before[k] {
			t.Fatalf("key %s moved from %s to %s although %s stayed", k, before[k], left[k], before[k])
		}
		if before[k] == "b" {
			moved[left[k]]++
		}
	}
	if moved["a"] == 0 || moved["c"] == 0 {
		t.Errorf("b's keys went to %v, want both a and c", moved)
	}

	// d arrives: keys move only to d, about a quarter of them.
	joined := owners(ks, []string{"a", "b", "c", "d"})
	toD := 0
	for _, k := range ks {
		if joined[k] != before[k] {
			if joined[k] != "d" {
				t.Fatalf("key %s moved from %s to %s on d's arrival", k, before[k], joined[k])
			}
			toD++
		}
	}
	if toD < 200 || toD > 300 {
		t.Errorf("%d keys moved to the fourth member, want about 250", toD)
	}
}

func TestOwnerIgnoresMemberOrderAndEmpty(t *testing.T) {
	if got := Owner("x", nil); got != "" {
		t.Fatalf("Owner with no members = %q, want empty", got)
	}
	for _, k := range keys(100) {
		if Owner(k, []string{"a", "b", "c"}) != Owner(k, []string{"c", "a", "b"}) {
			t.Fatalf("owner of %s depends on the order of members", k)
		}
	}
}
