package scoring

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// A brand's aspect keywords match the text as the scorer reads it: a
// keyword written with accents matches the text written with them (and
// without), a slang keyword matches its slang (the tokenizer replaces
// slang by its normal form), and a #hashtag keyword matches the hashtag
// (the tokenizer strips the '#').
func TestBrandAspectsReadLikeText(t *testing.T) {
	sc := NewScorer([]mw.Brand{{Name: "Acme", Aspects: map[string][]string{
		"ambience": {"Café", "crème brûlée"},
		"slow":     {"lemot bgt", "gk nyampe"},
		"promo":    {"#promo"},
	}}})
	for _, c := range []struct {
		text string
		want string
	}{
		{"the café was lovely", "ambience"},
		{"THE CAFÉ WAS LOVELY", "ambience"},
		{"the cafe was lovely", "ambience"},
		{"the crème brûlée was great", "ambience"},
		{"the creme brulee was great", "ambience"},
		{"aplikasinya lemot bgt", "slow"},
		{"aplikasinya lemot banget", "slow"},
		{"paket gk nyampe", "slow"},
		{"diskon #promo hari ini", "promo"},
	} {
		m := mw.Mention{Brand: "Acme", Text: c.text}
		sc.Score(&m)
		if !slices.Contains(m.Aspects, c.want) {
			t.Errorf("%q: aspects %q, want %q among them", c.text, m.Aspects, c.want)
		}
	}
	m := mw.Mention{Brand: "Acme", Text: "the cafeteria was lovely"}
	if sc.Score(&m); slices.Contains(m.Aspects, "ambience") {
		t.Errorf("%q: aspects %q; a keyword matches whole words only", m.Text, m.Aspects)
	}
}

// Hostile texts of one repeated unit, longer than MaxScoredBytes, score
// within range with a label that agrees with the score, and the matcher
// (which reads the whole text) takes them too.
func TestHostileTextsScore(t *testing.T) {
	sc := NewScorer(nil)
	mt := NewMatcher([]mw.Brand{{Name: "Acme", Query: `acme OR kecewa* OR "good bad" OR x NEAR/5 y lang:en`}})
	for _, unit := range []string{
		"a", "a ", "😀", "👨‍👩‍👧‍👦", "a\u0301\u0302\u0303", "\u0301", "مرحبا بالعالم ", "abcабвαβγ中文", "1234567890",
		"#good ", "@acme ", "https://x.co/a ", "\xff\xfe", "\x00", "\x00 ", "not ", "very ", "tidak pernah ",
		"kecewa banget ", "good? ", "but ", "too ", "should have been great ", "4/5 ", "★", ":) ", "don’t ",
		"www.", "http://", "good😀", "gk", "GOOD ", "kind of ", "İ", "Ⱥ", "ｇｏｏｄ ", "sooooo", "never so ",
		"food poisoning ", "keracunan enak ", "great love BPOM ", "good\u00a0", "bad\u3000",
		"\u00a0", "\u200b", "a\u00ad", "\u200d", "\ufe0f", "\u202e", "1/5 ", "★☆", "great, ", "gak rekomen ",
		"😡", "tidak kecewa ", "Terrible ",
	} {
		text := strings.Repeat(unit, (MaxScoredBytes*4)/len(unit)+1)
		m := mw.Mention{Title: text, Text: text}
		sc.Score(&m)
		if m.Sentiment < -1 || m.Sentiment > 1 || m.StageConfidence < 0 || m.StageConfidence > 1 ||
			m.Label != labelOf(float64(m.Sentiment)) || m.Stage == "" || m.Lang == "" {
			t.Errorf("%q × %d: %+v", unit, len(text)/len(unit), m)
		}
		mt.MatchMention(&m)
	}
}

// A text that is only links or handles says nothing: it is neutral.
func TestLinkOnlyTextsNeutral(t *testing.T) {
	sc := NewScorer(nil)
	for _, text := range []string{
		"https://x.co/a", "https://example.com/terrible-horrible-worst-scam", "https://acme.com/awesome-great-love",
		"www.acme.com", "http://bit.ly/3xYz https://t.co/kill", "@acme", "@acme @best_ever",
	} {
		m := mw.Mention{Text: text}
		if sc.Score(&m); m.Label != mw.Neutral {
			t.Errorf("%q: %s %v, want neutral", text, m.Label, m.Sentiment)
		}
	}
}

// Characters a reader does not see change no reading: a space beyond
// ASCII (an HTML &nbsp; is U+00A0) or a zero-width space separates words
// as a space does, an invisible character inside or beside a word
// (soft hyphen, zero-width joiner, bidi mark, byte-order mark, variation
// selector) is dropped, and an ASCII control character (a JSON "\u0000")
// is a space. Each text scores as its plain twin.
func TestInvisibleCharactersChangeNothing(t *testing.T) {
	sc := NewScorer(nil)
	scoresAsPlain(t, sc, []struct{ text, plain string }{
		{"the service was\u00a0terrible", "the service was terrible"},
		{"the\u00a0service\u00a0was\u00a0terrible\u00a0and\u00a0slow", "the service was terrible and slow"},
		{"the service was\u3000terrible", "the service was terrible"},
		{"the service was\u2009terrible", "the service was terrible"},
		{"the service was\u200bterrible", "the service was terrible"},
		{"the service was terrible\u200b", "the service was terrible"},
		{"the service was terrible\ufe0f", "the service was terrible"},
		{"the service was ter\u00adrible", "the service was terrible"},
		{"\ufeffthe service was terrible", "the service was terrible"},
		{"\u202ethe service was terrible\u202c", "the service was terrible"},
		{"the service was \u200e(terrible)\u200f", "the service was (terrible)"},
		{"the service was terrible\x00 and slow\x1b", "the service was terrible and slow"},
		{"pengirimannya\u00a0lama\u00a0banget,\u00a0kecewa", "pengirimannya lama banget, kecewa"},
		{"kecewa\u200b banget", "kecewa banget"},
		{"\u2764\ufe0f love it", "\u2764 love it"},
	})
}

// scoresAsPlain checks that each text scores exactly as its plain twin.
func scoresAsPlain(t *testing.T, sc *Scorer, cases []struct{ text, plain string }) {
	t.Helper()
	for _, c := range cases {
		got, want := ScoreText(sc, c.text), ScoreText(sc, c.plain)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+q: %+v\nwant as %q: %+v", c.text, got, c.plain, want)
		}
	}
}

// Letters of "fancy text" (mathematical bold, italic, script and
// double-struck, fullwidth, circled and squared), which social networks'
// text generators and CJK keyboards produce, read as the plain letters
// they draw: each text scores as its plain twin. They used to be
// unknown words of no language ("other", neutral).
func TestFancyLettersReadAsPlain(t *testing.T) {
	sc := NewScorer(nil)
	scoresAsPlain(t, sc, []struct{ text, plain string }{
		{"𝐚𝐦𝐚𝐳𝐢𝐧𝐠 𝐬𝐞𝐫𝐯𝐢𝐜𝐞, 𝐥𝐨𝐯𝐞 𝐢𝐭", "amazing service, love it"},
		{"𝓪𝓶𝓪𝔃𝓲𝓷𝓰 𝓼𝓮𝓻𝓿𝓲𝓬𝓮", "amazing service"},
		{"𝕥𝕖𝕣𝕣𝕚𝕓𝕝𝕖 𝕤𝕖𝕣𝕧𝕚𝕔𝕖", "terrible service"},
		{"𝑻𝑬𝑹𝑹𝑰𝑩𝑳𝑬 service, 𝘩𝘢𝘵𝘦 it", "TERRIBLE service, hate it"},
		{"ｔｅｒｒｉｂｌｅ ｓｅｒｖｉｃｅ， ｈａｔｅ ｉｔ！", "terrible service, hate it!"},
		{"ｉｓ ｉｔ ｇｏｏｄ？", "is it good?"},
		{"𝐩𝐞𝐥𝐚𝐲𝐚𝐧𝐚𝐧 𝐛𝐮𝐫𝐮𝐤, 𝐤𝐞𝐜𝐞𝐰𝐚 𝐛𝐚𝐧𝐠𝐞𝐭", "pelayanan buruk, kecewa banget"},
		{"ⓣⓔⓡⓡⓘⓑⓛⓔ service", "terrible service"},
		{"🅃🄴🅁🅁🄸🄱🄻🄴 service", "TERRIBLE service"},
		{"rated 𝟏/𝟓, ｎｅｖｅｒ again", "rated 1/5, never again"},
		{"great\u00a0𝐬𝐞𝐫𝐯𝐢𝐜𝐞\u200b", "great service"},
	})
	// Combining marks drawn over ASCII letters (strikethrough, zalgo) are
	// dropped, as the critical-mention matcher drops them; an accent typed
	// as a second character makes the accented letter.
	scoresAsPlain(t, sc, []struct{ text, plain string }{
		{"t̶e̶r̶r̶i̶b̶l̶e̶ service", "terrible service"},
		{"t̷̢e̴r̸r̷i̷b̶l̵é̂̃ service!", "terrible service!"},
		{"the cafe\u0301 was lovely", "the café was lovely"}, // composed, as NFC does
		{"kecewa\u0301 banget", "kecew\u00e1 banget"},
	})
	// Letters of other scripts are left alone.
	if got := ScoreText(sc, "Обслуживание ужасное"); got.Lang != "other" {
		t.Errorf("Cyrillic text: lang %s, want other", got.Lang)
	}
}
