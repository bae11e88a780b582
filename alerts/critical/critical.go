// Package critical finds the single mentions that need an answer now,
// whatever their sentiment label: a harm (poisoning, injury, death, fire),
// fraud or a scam, a data leak, a lawsuit, the police or a regulator, a
// boycott, a post going viral, in English or Indonesian.
//
// The matcher is pure (no I/O, no clock) and linear in the text's length.
package critical

import (
	"strings"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// Harm is why a text is critical.
type Harm struct {
	Category string // poisoning, injury, death, fire, fraud, leak, legal, police, regulator, boycott, viral, custom
	Term     string // the words that matched, as folded
}

// Matcher finds harms in text. It is safe for concurrent use.
type Matcher struct {
	extra []string // folded, space padded
}

// New returns a Matcher with the built-in harms plus extra keywords from
// config (any language), which match whole words.
func New(extra []string) *Matcher {
	m := &Matcher{}
	for _, k := range extra {
		if w := words(k); strings.TrimSpace(w) != "" {
			m.extra = append(m.extra, w)
		}
	}
	return m
}

// builtin is the first cut of the harm terms; see the package docs.
var builtin = map[string][]string{
	"poisoning": {"food poisoning", "poisoned", "keracunan", "diracun"},
	"injury":    {"injured", "hospital", "rumah sakit", "luka"},
	"death":     {"died", "death", "meninggal", "tewas"},
	"fire":      {"caught fire", "exploded", "kebakaran", "meledak"},
	"fraud":     {"scam", "fraud", "penipuan", "ketipu", "tertipu"},
	"leak":      {"data leak", "data breach", "bocor"},
	"legal":     {"lawsuit", "sue", "gugat"},
	"police":    {"police", "polisi"},
	"regulator": {"bpom", "ylki"},
	"boycott":   {"boycott", "boikot"},
	"viral":     {"viral", "viralin", "viralkan"},
}

// Find reports the first harm in text.
func (m *Matcher) Find(text string) (Harm, bool) {
	w := words(text)
	for _, cat := range []string{"poisoning", "injury", "death", "fire", "fraud", "leak", "legal", "police", "regulator", "boycott", "viral"} {
		for _, t := range builtin[cat] {
			if strings.Contains(w, " "+t+" ") {
				return Harm{Category: cat, Term: t}, true
			}
		}
	}
	for _, k := range m.extra {
		if strings.Contains(w, k) {
			return Harm{Category: "custom", Term: strings.TrimSpace(k)}, true
		}
	}
	return Harm{}, false
}

// words folds s to its words, space separated and padded, so that a term
// matches whole words only.
func words(s string) string {
	var b strings.Builder
	b.WriteByte(' ')
	for _, t := range scoring.Tokenize(scoring.Fold(s)) {
		b.WriteString(t.Word)
		b.WriteByte(' ')
	}
	if b.Len() == 1 {
		b.WriteByte(' ')
	}
	return b.String()
}
