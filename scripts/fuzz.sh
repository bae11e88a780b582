#!/usr/bin/env bash
# Runs every Fuzz* target in the module briefly: $1 is go test's -fuzztime,
# a count of executions (10000x) or a duration (5s).
set -euo pipefail
t=${1:-20000x}
cd "$(dirname "$0")/.."
grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do
  pkg=./$(dirname "${f#./}")
  for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //'); do
    echo "fuzz: $pkg $fn ($t)"
    go test -run='^$' -fuzz="^${fn}\$" -fuzztime="$t" "$pkg"
  done
done
