package scoring

import (
	"testing"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
)

// FuzzScore: any text scores without a panic, within range, and every
// token the tokenizer made is consistent: its hash is hashBytes of its
// text and its entry is the vocabulary's (or the normal form's) for that
// text. The tokenizer writes eight bytes at a time into a buffer it
// reserves once per text, so this guards the reservation too.
func FuzzScore(f *testing.F) {
	for _, seed := range []string{
		"", " ", "gk", "gk gk gk gk gk gk gk gk gk gk gk gk gk gk", "bgt😀😀😀😀 mantul!!", "abcdefghijklmnopqrstuvwxyz",
		"The app keeps CRASHING after the update!!! :( 😠 https://x.co/a", "★★★★☆ 4/5 would've",
		"Paket gak nyampe2, kecewa bgt sama kurirnya... #kapok @acme", "\x00\xff\xfe café naïve",
	} {
		f.Add(seed)
	}
	sc := NewScorer(nil)
	f.Fuzz(func(t *testing.T, text string) {
		m := mw.Mention{Title: text, Text: text + " " + text}
		sc.Score(&m)
		if m.Sentiment < -1 || m.Sentiment > 1 || m.StageConfidence < 0 || m.StageConfidence > 1 {
			t.Fatalf("%q: sentiment %v, stage confidence %v out of range", text, m.Sentiment, m.StageConfidence)
		}
		s := getScratch()
		defer putScratch(s)
		s.tokenize(text)
		for _, tk := range s.toks {
			w := s.buf[tk.a:tk.b]
			if tk.h != hashBytes(w) {
				t.Fatalf("%q: token %q hash %x, want %x", text, w, tk.h, hashBytes(w))
			}
			if !utf8.Valid(w) && utf8.ValidString(text) {
				t.Fatalf("%q: token %q is not UTF-8", text, w)
			}
			want := vocab[string(w)]
			if want != nil && want.normID != 0 {
				want = want.norm()
			}
			if tk.w != want && (tk.w == nil || tk.w.text() != string(w)) {
				t.Fatalf("%q: token %q has entry %v, want %v", text, w, tk.w, want)
			}
		}
	})
}
