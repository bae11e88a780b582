package coord

import "hash/fnv"

// Owner returns the member that owns key under rendezvous (highest random
// weight) hashing, or "" when there are no members. Every member computes
// the same owner from the same member list, without talking to the others.
// When a member leaves, only the keys it owned move (each to the member
// with its next-highest weight); when one joins, only the keys it now wins
// move to it.
func Owner(key string, members []string) string {
	best, bestW := "", uint64(0)
	for _, m := range members {
		w := weight(m, key)
		// Ties (vanishingly rare) go to the smaller id, so the choice does
		// not depend on the order of members.
		if best == "" || w > bestW || (w == bestW && m < best) {
			best, bestW = m, w
		}
	}
	return best
}

// weight hashes member and key together: FNV-1a over "member\x00key",
// then the splitmix64 finaliser, which spreads FNV's weak low bits.
func weight(member, key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(member))
	h.Write([]byte{0})
	h.Write([]byte(key))
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
