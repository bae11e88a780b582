// Package critical finds the single mentions that need an answer now,
// whatever their sentiment label: a harm (poisoning, injury, death, fire),
// fraud or a scam, a data leak, a lawsuit, the police or a regulator, a
// boycott, a post going viral, in English or Indonesian with slang and
// affixes (keracunan, diracunin, ketipu, dibocorin, polisikan, viralin).
//
// A term is strong (it alerts alone: "keracunan", "lawsuit") or needs
// evidence near it: a word of a context class within a few words on either
// side ("bocor" needs data, "exploded" needs a device or a second fire
// word), or a subject before it ("died" needs a person or an animal, so "my
// son died" alerts and "my phone died" does not). A negation just before a
// term ("not a scam", "bukan penipuan", "kirain ketipu"), a fiction word in
// the same sentence ("police drama", "drakor") or a blocking next word
// ("polisi tidur", "kebakaran jenggot") cancels it.
//
// Words are read through the disguises that hide them from a word list:
// invisible characters, accents and look-alike letters (fold.go),
// leetspeak ("sc4m", "p3nipuan"), letters spelled out one by one ("s c a
// m", "F.O.O.D") and hashtags of two words ("#foodpoisoning").
//
// The matcher is pure (no I/O, no clock), walks the text once with a
// bounded look-back and look-ahead, so it is linear in the text's length,
// and allocates nothing per call.
package critical

import (
	"slices"
	"strings"
)

// Harm is why a text is critical.
type Harm struct {
	Category string // poisoning, injury, death, fire, fraud, leak, legal, police, regulator, boycott, viral, custom
	Term     string // the lexicon term that matched, folded ("keracunan", "lapor polisi")
	Label    string // the category for people, in both languages ("poisoning / keracunan")
}

// Matcher finds harms in text. It is immutable after New and safe for
// concurrent use.
type Matcher struct {
	lex *lexicon
}

// New returns a Matcher with the built-in harms plus extra keywords from
// config (any language, one or more words each), which match whole words
// and alert alone, under the category "custom".
func New(extra []string) *Matcher {
	return &Matcher{lex: build(extra)}
}

// Find reports the first harm in text (in reading order of where its
// evidence completes), or false.
func (m *Matcher) Find(text string) (Harm, bool) {
	var s scan
	s.init(m.lex)
	if t := s.run(text); t >= 0 {
		tm := &m.lex.terms[t]
		return Harm{Category: tm.cat, Term: tm.text, Label: labels[tm.cat]}, true
	}
	return Harm{}, false
}

// Triggers returns what a text must contain for Find to report a harm of
// a category not in skip: one of words (one word of each term, the
// rarest by rarer, since a term matches only with all its words), as a
// word of its own or followed by "nya" or a reduplication "2" ("datanya",
// "muntah2"), or a word that begins with one of prefixes. Folded as Find
// folds (lower case). A caller that has already split a text into words
// can skip Find on texts that contain none of them; the converse does not
// hold (the term's other words and its evidence decide). Words Find
// reads through a disguise (fold.go and scan.go: look-alike letters,
// invisible characters, leetspeak "sc4m", letters spelled out "s c a m",
// hashtags of two words "#foodpoisoning") hold none: a caller that skips
// texts by Triggers misses those harms.
func (m *Matcher) Triggers(skip ...string) (words, prefixes []string) {
	l := m.lex
	seen := map[uint32]bool{}
	for _, t := range l.terms {
		if t.cat == catCommerce || t.cat == "" || slices.Contains(skip, t.cat) {
			continue // context for other terms, a suppressor (never a harm), or skipped
		}
		var pick uint32
		for _, id := range t.ids {
			if id != anyWord && (pick == 0 || l.rarer(id, pick)) {
				pick = id
			}
		}
		if !seen[pick] {
			seen[pick] = true
			words = append(words, l.text[pick])
		}
	}
	for _, p := range l.prefixes {
		prefixes = append(prefixes, string(p.p))
	}
	return words, prefixes
}

// commonWords are words that Triggers avoids picking for a term when it
// has another (any word of a term would do; a rarer one lets a caller skip
// more texts): function words of both languages, and words that the
// tweets, product reviews and SmSA reviews use often (a speed heuristic:
// it changes which texts reach Find, never what Find reports).
var commonWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of in on at to for from by up out off over after into down as so all this that is are was were be
		been me my us him her them it his their made make get got getting going go let call called calling right
		share news twitter di ke dari yang dan ini itu saya kami aku orang semua biar jangan buat sampai tidak ada
		punya sudah udah eating drinking food seriously masuk lost never beli bakal using pakai pada please until
		taking action menarik tanpa front bikin buy stop life rt rumah shop page business tolong supaya retweet
		class better aja have too very really used took name other another care gone hit ill wrong minta salah
		public details board control second changed talking speaking consumer health forum glass plastic metal
		smell became breathing marks potongan jual mengaku ngaku nyaris pinjaman blocked scared locked atas nama
		cs kurir kode bau`) {
		commonWords[w] = true
	}
}

// rarer reports whether word a is a better trigger than b: a plain word
// before a word of a feature class (the classes hold the context words:
// people, food, commerce...), before a common word, before a negation or
// a clause break; then the longer.
func (l *lexicon) rarer(a, b uint32) bool {
	if ra, rb := l.rank(a), l.rank(b); ra != rb {
		return ra < rb
	}
	return len(l.text[a]) > len(l.text[b])
}

func (l *lexicon) rank(id uint32) int {
	switch {
	case l.words[id].feats&(bit(fNeg)|bit(fClauseBreak)) != 0:
		return 3 // "ga", "tapi": in most sentences
	case commonWords[l.text[id]]:
		return 2
	case l.words[id].feats != 0:
		return 1
	}
	return 0
}

// steps runs Find and also returns the scanner's inner-loop iterations
// (for the linearity test).
func (m *Matcher) steps(text string) (bool, int) {
	var s scan
	s.init(m.lex)
	return s.run(text) >= 0, s.steps
}

// Categories lists the built-in categories in a stable order.
func Categories() []string {
	return []string{"poisoning", "injury", "death", "fire", "fraud", "leak", "legal", "police", "regulator", "boycott", "viral"}
}

var labels = map[string]string{
	"poisoning": "poisoning / keracunan",
	"injury":    "injury / cedera",
	"death":     "death / kematian",
	"fire":      "fire or explosion / kebakaran atau ledakan",
	"fraud":     "fraud or scam / penipuan",
	"leak":      "data leak / kebocoran data",
	"legal":     "legal threat / ancaman hukum",
	"police":    "police / polisi",
	"regulator": "regulator / regulator",
	"boycott":   "boycott / boikot",
	"viral":     "going viral / viral",
	"custom":    "keyword / kata kunci",
	CatLearned:  "possible harm (learned model) / kemungkinan bahaya",
}

// Label returns the human label of a category ("" if unknown).
func Label(category string) string { return labels[category] }
