#!/usr/bin/env bash
# Counts the instructions and branch mispredictions per text of the
# scorer (BenchmarkScore) and of govader (BenchmarkGovader), set by set,
# with valgrind. Unlike timings on a shared machine, the scorer's counts
# repeat to within about 2% (init builds its tables in a fixed order, see
# TestLayoutDeterministic), so they show what a change to it is worth.
#
# Each figure is the difference between a run over one cycle of the set's
# texts and a run over three cycles, divided by two cycles' texts: start-up
# cancels out and every text counts once per cycle, so both scorers see
# the same mix (a window that is not whole cycles favours whichever
# scorer the short texts favour). The median of three runs is printed.
#
# The scorer runs with GOGC=off. It allocates nothing per text (0
# allocs/op), so a collection during its run only collects the loading's
# garbage, and whether one falls in the short or the long run is chance:
# that moved its per-text count by up to 60% between runs. govader runs with
# the collector on, since collecting its per-text garbage is part of its
# cost; its counts vary by up to 10% between runs, from where its rare
# collections fall and from its maps' random hash seeds (4% with GOGC=off).
#
# Needs valgrind (apt-get install -y valgrind) and ../shared/data.
# Usage: scripts/instructions.sh [set...]   (default: all tweets product_reviews smsa_valid)
set -euo pipefail
cd "$(dirname "$0")/../scoring"
data=../../shared/data
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is not installed (apt-get install -y valgrind)" >&2; exit 1; }
[ -d "$data" ] || { echo "instructions.sh: no shared data at $data" >&2; exit 1; }

# Texts per set, counted as bench_test.go's benchSets reads them.
count() {
  case $1 in
    tweets) awk -F'\t' 'NF>2' "$data/sentiment-en/tweets.tsv" | wc -l ;;
    product_reviews) awk -F'\t' 'NF>2' "$data/sentiment-en/product_reviews.tsv" | wc -l ;;
    smsa_valid) awk 'END{print NR}' "$data/sentiment-id/smsa_valid.tsv" ;;
    all) echo $(( $(count tweets) + $(count product_reviews) + $(count smsa_valid) )) ;;
  esac
}

bin=$(mktemp -d)/scoring.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" .

# run BENCH N: prints "instructions mispredictions" of the whole process.
run() {
  local gc=100
  [[ $1 == Score/* ]] && gc=off
  GOGC=$gc GOMAXPROCS=1 valgrind --tool=cachegrind --cache-sim=no --branch-sim=yes \
    --cachegrind-out-file=/dev/null "$bin" -test.run '^$' -test.bench "$1" \
    -test.benchtime "${2}x" 2>&1 | sed 's/==[0-9]*==//' |
    awk '/I *refs/{gsub(",","",$3); i=$3} /Mispredicts/{gsub(",","",$2); m=$2} END{print i, m}'
}

# measure BENCH L: median over three runs of per-text instructions and mispredictions.
measure() {
  for _ in 1 2 3; do
    read -r i1 m1 < <(run "$1" "$2")
    read -r i2 m2 < <(run "$1" $((3 * $2)))
    echo $(( (i2 - i1) / (2 * $2) )) $(( (m2 - m1) / (2 * $2) ))
  done | sort -n | sed -n 2p
}

printf '%-16s %7s %14s %10s %16s %10s %6s\n' set texts score_instr score_mispr govader_instr gov_mispr ratio
for set in "${@:-all tweets product_reviews smsa_valid}"; do
  for s in $set; do
    L=$(count "$s")
    read -r si sm < <(measure "Score/$s\$" "$L")
    read -r gi gm < <(measure "Govader/$s\$" "$L")
    printf '%-16s %7d %14d %10d %16d %10d %5.1fx\n' "$s" "$L" "$si" "$sm" "$gi" "$gm" "$(echo "$gi / $si" | bc -l)"
  done
done
