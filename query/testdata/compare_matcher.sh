#!/bin/sh
# compare_matcher.sh REV: the brand matcher's cost per text (Prepare, then
# nine brand queries) of this tree's package query against REV's, in one
# process, texts interleaved and the order alternated so that the shared
# machine's load hits both alike. docs/BENCHMARKS.md, "Brand queries".
# Run from the repository root: sh query/testdata/compare_matcher.sh d0de628
set -eu
rev=${1:?usage: compare_matcher.sh REV}
root=$(pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/queryold"
for f in $(git ls-tree --name-only "$rev" query/ | grep '\.go$' | grep -v '_test\.go$'); do
	git show "$rev:$f" >"$dir/queryold/$(basename "$f")"
done
# The old package as package queryold; its internal import (edit distance
# for "did you mean") is not reachable from another module and not timed.
sed -i -e 's/^package query$/package queryold/' \
	-e 's#"github.com/mentionwatch/mentionwatch/internal/editdist"##' \
	-e 's/editdist\.Levenshtein(a, b)/len(a) + len(b)/' "$dir"/queryold/*.go
cat >"$dir/go.mod" <<EOF
module matchercmp

go $(sed -n 's/^go //p' go.mod)

require github.com/mentionwatch/mentionwatch v0.0.0

replace github.com/mentionwatch/mentionwatch => $root
EOF
cp go.sum "$dir/"
cat >"$dir/cmp_test.go" <<'EOF'
package matchercmp

import (
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"matchercmp/queryold"

	"github.com/mentionwatch/mentionwatch/query"
)

func BenchmarkMatcherOldVsNew(b *testing.B) {
	data, err := os.ReadFile(os.Getenv("TEXTS"))
	if err != nil {
		b.Fatal(err)
	}
	var ts []string
	for _, line := range strings.Split(string(data), "\n")[1:] {
		if f := strings.Split(line, "\t"); len(f) == 4 {
			ts = append(ts, f[3])
		}
	}
	brands := []string{
		`(acme OR "acme store" OR @acme_id) NOT wile`, "shopee OR tokopedia OR tokped", `"kopi kenangan" OR #kopikenangan`,
		"gojek -ojek", `(hotel OR "harbormist hotel") -lowongan`, "apple -pie -juice", "the OR tidak OR saya",
		"paket NEAR/3 sampai", `"kestrel jet" OR norvane`,
	}
	var oq []*queryold.Query
	var nq []*query.Query
	for _, s := range brands {
		oq, nq = append(oq, queryold.MustParse(s)), append(nq, query.MustParse(s))
	}
	old := func(s string) {
		p := queryold.Prepare(queryold.Doc{Text: s})
		for _, q := range oq {
			q.MatchPrepared(&p)
		}
	}
	cur := func(s string) {
		p := query.Prepare(query.Doc{Text: s})
		for _, q := range nq {
			q.MatchPrepared(&p)
		}
	}
	var ratios []float64
	var to, tn time.Duration
	k := 0
	for b.Loop() {
		var o, n time.Duration
		for i, s := range ts {
			first, second, d1, d2 := old, cur, &o, &n
			if (i+k)%2 == 1 {
				first, second, d1, d2 = cur, old, &n, &o
			}
			t0 := time.Now()
			first(s)
			t1 := time.Now()
			second(s)
			*d1, *d2 = *d1+t1.Sub(t0), *d2+time.Since(t1)
		}
		k++
		ratios = append(ratios, float64(n)/float64(o))
		to, tn = to+o, tn+n
	}
	sort.Float64s(ratios)
	b.ReportMetric(float64(to.Nanoseconds())/float64(b.N*len(ts)), "old-ns/text")
	b.ReportMetric(float64(tn.Nanoseconds())/float64(b.N*len(ts)), "new-ns/text")
	b.ReportMetric(float64(tn)/float64(to), "new/old")
	b.ReportMetric(ratios[len(ratios)/2], "median-pass-new/old")
}
EOF
cd "$dir"
TEXTS="$root/scoring/testdata/stage_train.tsv" GOFLAGS=-mod=mod go test -run XXX -bench MatcherOldVsNew -benchtime 100x -count "${COUNT:-5}" .
