package alerts

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// readTweets reads the texts of a SemEval file (id, label, text).
func readTweets(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("%v (the shared data sets are not here)", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 3)
		if len(parts) == 3 && strings.TrimSpace(parts[2]) != "" {
			out = append(out, strings.TrimSpace(parts[2]))
		}
	}
	return out
}

// perturb makes near-copies of a text the way they reach a brand: a
// retweet, another link, shouting, stripped punctuation, a word dropped, a
// word appended.
var perturb = map[string]func(string) string{
	"retweet":    func(s string) string { return "RT @someone: " + s },
	"other link": func(s string) string { return s + " https://t.co/Zx81kQ" },
	"upper case": strings.ToUpper,
	"no punct": func(s string) string {
		return strings.Map(func(r rune) rune {
			if strings.ContainsRune(".,!?;:'\"", r) {
				return -1
			}
			return r
		}, s)
	},
	"first word":  func(s string) string { _, rest, _ := strings.Cut(s, " "); return rest },
	"word added":  func(s string) string { return s + " again" },
	"handle+link": func(s string) string { return "@KopiSenjaID " + s + " http://bit.ly/3xY" },
}

// groupingFigures measures GroupSimilar on tweets by different people: in
// batches of EvidenceLimit, how many distinct tweets end up grouped with
// another (false merges, if they are not real copies), and how many
// perturbed copies group with their original (recall).
func groupingFigures(tweets []string) (mergeRate float64, recall map[string]float64, merged [][2]string) {
	recall = map[string]float64{}
	batches, mergedN, total := 0, 0, 0
	for start := 0; start+EvidenceLimit <= len(tweets); start += EvidenceLimit {
		batch := tweets[start : start+EvidenceLimit]
		ms := make([]mw.Mention, len(batch))
		for i, s := range batch {
			ms[i] = mw.Mention{ID: fmt.Sprint(start + i), Text: s}
		}
		for _, g := range GroupSimilar(ms) {
			if g.Count > 1 {
				mergedN += g.Count - 1
				merged = append(merged, [2]string{g.Mention.Text, ms[atoi(g.IDs[1])-start].Text})
			}
		}
		total += len(batch)
		batches++
	}
	mergeRate = float64(mergedN) / float64(total)
	for name, f := range perturb {
		hit, n := 0, 0
		for i, s := range tweets {
			if i%5 != 0 { // a sample of a fifth keeps the test fast
				continue
			}
			gs := GroupSimilar([]mw.Mention{{ID: "a", Text: s}, {ID: "b", Text: f(s)}})
			n++
			if len(gs) == 1 {
				hit++
			}
		}
		recall[name] = float64(hit) / float64(n)
	}
	return mergeRate, recall, merged
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

// TestGroupSimilarOnTweets: the threshold similarJaccard (0.6) was set
// before this measurement and not changed after it. Figures on SemEval
// 2013train and 2016train (tweets by different people about brands and
// events) are in docs/ALERTS.md.
func TestGroupSimilarOnTweets(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the shared data sets")
	}
	for _, file := range []string{"2013train.tsv", "2016train.tsv", "2016dev.tsv"} {
		tweets := readTweets(t, "../../shared/data/sentiment-en/semeval/"+file)
		rate, recall, merged := groupingFigures(tweets)
		var names []string
		for name := range perturb {
			names = append(names, name)
		}
		slices.Sort(names)
		var parts []string
		for _, n := range names {
			parts = append(parts, fmt.Sprintf("%s %.3f", n, recall[n]))
		}
		t.Logf("%s: %d tweets; distinct tweets grouped: %.4f (%d groups); near-copy recall: %s", file, len(tweets), rate, len(merged), strings.Join(parts, ", "))
		for i, m := range merged {
			if i == 10 {
				break
			}
			t.Logf("  grouped: %q ~ %q", m[0], m[1])
		}
		if rate > 0.01 {
			t.Errorf("%s: %.2f%% of distinct tweets were grouped with another", file, 100*rate)
		}
		for n, r := range recall {
			if r < 0.9 {
				t.Errorf("%s: near-copy recall for %s is %.3f", file, n, r)
			}
		}
	}
}
