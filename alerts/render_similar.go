package alerts

import (
	"strings"
	"unicode"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// Group is a mention and its near-copies: the same sentence posted again,
// retweeted, or pasted with another link or handle.
type Group struct {
	Mention mw.Mention // the first of the group in the input order (the most impactful)
	Count   int        // mentions in the group, Mention included
	IDs     []string   // their ids, in input order
	Authors int        // distinct non-empty authors, told apart by store.AuthorKey
}

// similarJaccard is how much of two texts' word pairs must be shared for
// them to be near-copies. At 0.6 a copy with a prefix ("RT @x:") or a few
// words changed in a 15-word sentence still groups; two complaints that
// share a phrase ("my order is late") do not.
const similarJaccard = 0.6

// maxShingleWords bounds the words read from one mention, so that grouping
// stays linear in the input however long a text is.
const maxShingleWords = 200

// GroupSimilar groups near-duplicate mentions, keeping the input order of
// each group's first mention. Texts are compared after folding case and
// dropping links, @handles, numbers, apostrophes and other punctuation, by the Jaccard
// similarity of their word pairs. A mention with no words left is a group
// of its own. Cost: O(n·groups·words), n being at most EvidenceLimit.
func GroupSimilar(ms []mw.Mention) []Group {
	type entry struct {
		key    string
		shings map[string]struct{}
		g      *Group
		auth   map[string]bool
	}
	var es []*entry
	for _, m := range ms {
		words := normWords(m.Title + " " + m.Text)
		key := strings.Join(words, " ")
		sh := shingles(words)
		var hit *entry
		if key != "" {
			for _, e := range es {
				if e.key == key || jaccard(e.shings, sh) >= similarJaccard {
					hit = e
					break
				}
			}
		}
		if hit == nil {
			hit = &entry{key: key, shings: sh, g: &Group{Mention: m}, auth: map[string]bool{}}
			es = append(es, hit)
		}
		hit.g.Count++
		hit.g.IDs = append(hit.g.IDs, m.ID)
		if a := store.AuthorKey(m.Author); a != "" && !hit.auth[a] {
			hit.auth[a] = true
			hit.g.Authors++
		}
	}
	out := make([]Group, len(es))
	for i, e := range es {
		out[i] = *e.g
	}
	return out
}

// normWords folds s to its comparable words.
func normWords(s string) []string { return foldWords(s, false) }

// foldWords is normWords, keeping digits in words when digits is set
// ("500rb", "2x"): a short text's numbers tell one report from another.
func foldWords(s string, digits bool) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if len(out) == maxShingleWords {
			break
		}
		lf := strings.ToLower(f)
		// Links (also with their punctuation stripped: "http//tco/x") and
		// handles say who or where, not what.
		if strings.HasPrefix(lf, "http") || strings.HasPrefix(lf, "www.") || strings.HasPrefix(f, "@") {
			continue
		}
		var b strings.Builder
		for _, r := range lf {
			if unicode.IsLetter(r) || digits && unicode.IsDigit(r) {
				b.WriteRune(r)
			} else if r == '\'' || r == '’' {
				// "don't" and "dont" are one word
			} else if b.Len() > 0 {
				out = appendWord(out, b.String())
				b.Reset()
			}
		}
		if b.Len() > 0 {
			out = appendWord(out, b.String())
		}
	}
	return out
}

func appendWord(ws []string, w string) []string {
	if w == "rt" && len(ws) == 0 { // a retweet's prefix
		return ws
	}
	return append(ws, w)
}

// shingles are the word pairs of ws (the words alone when fewer than 3).
func shingles(ws []string) map[string]struct{} {
	sh := make(map[string]struct{}, len(ws))
	if len(ws) < 3 {
		for _, w := range ws {
			sh[w] = struct{}{}
		}
		return sh
	}
	for i := 1; i < len(ws); i++ {
		sh[ws[i-1]+" "+ws[i]] = struct{}{}
	}
	return sh
}

func jaccard(a, b map[string]struct{}) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	inter := 0
	for k := range a {
		if _, ok := b[k]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
