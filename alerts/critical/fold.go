package critical

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Letters folded to plain a-z and 0-9 before a word is looked up, so that
// a harm written to slip past a word list still reads as the word:
//   - accents: "pénipuan", "crème" (also spelled with a combining accent);
//   - fullwidth, mathematical, circled and squared letters, which social
//     networks' "fancy text" generators use: "ＳＣＡＭ", "𝐬𝐜𝐚𝐦", "ⓢⓒⓐⓜ";
//   - Cyrillic and Greek letters drawn like Latin ones: "ѕсаm" (Cyrillic
//     ѕ, с, а), "pеnipuаn" (Cyrillic е, а).
//
// Invisible characters (zero-width spaces and joiners, the soft hyphen,
// direction marks: Unicode's format characters) and combining marks are
// dropped inside a word instead of ending it: "kera\u200bcunan" is
// "keracunan". Config keywords are folded the same way (splitWords).
var foldTable = func() map[rune]string {
	m := map[rune]string{}
	for _, rg := range [][2]rune{
		{0x00c0, 0x024f},   // Latin-1 Supplement, Latin Extended-A and -B: é, ñ, ş
		{0x1e00, 0x1eff},   // Latin Extended Additional: ạ, ế
		{0x2460, 0x24ff},   // enclosed: ⓢ, Ⓢ, ①
		{0xfb00, 0xfb06},   // ligatures: ﬁ
		{0xff10, 0xff5a},   // fullwidth: ０, Ｓ, ｓ
		{0x1d400, 0x1d7ff}, // mathematical: 𝐬, 𝑺, 𝓼, 𝟎
		{0x1f130, 0x1f149}, // squared: 🄰
	} {
		for r := rg[0]; r <= rg[1]; r++ {
			var b strings.Builder
			for _, d := range norm.NFKD.String(string(r)) {
				switch {
				case unicode.Is(unicode.Mn, d):
				case 'a' <= d && d <= 'z', '0' <= d && d <= '9':
					b.WriteRune(d)
				case 'A' <= d && d <= 'Z':
					b.WriteRune(d + 'a' - 'A')
				default:
					b.Reset()
					b.WriteString("!")
				}
			}
			if f := b.String(); f != "" && !strings.Contains(f, "!") && len(f) <= 3 {
				m[r] = f
			}
		}
	}
	// Letters that look Latin but do not decompose to it.
	for _, p := range []string{
		"ıi", "łl", "Łl", "øo", "Øo", "đd", "Đd", "ƒf",
		// Cyrillic
		"аa", "Аa", "вb", "Вb", "еe", "Еe", "ёe", "Ёe", "кk", "Кk", "мm", "Мm", "нh", "Нh", "оo", "Оo", "рp",
		"Рp", "сc", "Сc", "тt", "Тt", "уy", "Уy", "хx", "Хx", "ѕs", "Ѕs", "іi", "Іi", "їi", "Їi", "јj", "Јj",
		"ԁd", "ԛq", "ԝw", "һh", "ӏl", "Ӏl",
		// Greek
		"αa", "Αa", "Βb", "εe", "Εe", "Ζz", "Ηh", "ιi", "Ιi", "κk", "Κk", "Μm", "νv", "Νn", "οo", "Οo", "ρp",
		"Ρp", "τt", "Τt", "υu", "Υy", "χx", "Χx",
	} {
		r := []rune(p)
		m[r[0]] = string(r[1])
	}
	return m
}()

// invisible reports whether r is dropped inside a word: a format
// character (zero-width space, joiner, soft hyphen, direction mark) or a
// combining mark.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r)
}
