package scoring

import "unsafe"

// The bit tricks of the tokenizer's hot path, in one place with their
// reasons. tokenize reads a field eight bytes at a time while they are
// ASCII letters (most of the bytes of most texts): one 64-bit load, the
// masks below, one 64-bit store of the lower case into the scratch buffer
// and one hashChunk, instead of eight table lookups, stores and hash
// steps. With the masks of a chunk:
//   - lower case: x | upper>>2 sets bit 5 (0x20) of each capital, which
//     is what 'A'..'Z' to 'a'..'z' is in ASCII;
//   - where the letters stop: bits.TrailingZeros64(^(lower|upper) &
//     swarHigh) / 8 is the index of the first byte that is not a letter
//     (the first byte of text is the low byte: little-endian loads);
//   - the letters' bytes only: & (1<<(8*k) - 1).
// TestTokenizerMatchesReference and FuzzTokenizerMatchesReference check
// the result against a plain tokenizer written rune by rune.

const (
	swarLow  = 0x0101010101010101 // 0x01 in every byte: multiplies a byte constant into all eight
	swarHigh = 0x8080808080808080 // the top bit of every byte
)

// letterMasks returns, for the eight bytes of x, 0x80 in each byte that is
// an ASCII lower-case letter (lower) or upper-case letter (upper). It is
// the classic SWAR range test: with each byte's top bit cleared, adding
// 0x80-'a' sets the top bit exactly when the byte is >= 'a', and adding
// 0x80-'z'-1 exactly when it is > 'z'; no byte carries into the next
// because both sums stay below 0x100. Bytes that had their top bit set
// (non-ASCII) are masked out at the end.
func letterMasks(x uint64) (lower, upper uint64) {
	ascii := ^x & swarHigh
	y := x &^ swarHigh // no carries between bytes below
	geA := y + swarLow*(0x80-'a')
	gtZ := y + swarLow*(0x80-'z'-1)
	geAU := y + swarLow*(0x80-'A')
	gtZU := y + swarLow*(0x80-'Z'-1)
	return geA &^ gtZ & ascii, geAU &^ gtZU & ascii
}

// unsafeBytes views s as bytes without a copy, for 8-byte loads
// (binary.LittleEndian.Uint64 takes a slice); the bytes are only read,
// so the string's immutability holds.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// b2u is 1 for true, 0 for false, compiled without a branch (SETcc), so
// that data the text decides (has the word capitals? is it Indonesian
// evidence?) does not cost mispredicted branches: there, a mispredict
// costs more than the arithmetic it avoids.
func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
