#!/usr/bin/env bash
# `npm run bench`: runs every benchmark under test/bench/ (or the ones named) on the local control
# plane; each prints its figures. test/bench/helpers/ holds the processes the benchmarks start.
# Usage: scripts/bench.sh [test/bench/NAME.ts ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/lib/plane.sh
mkdir -p .tmp
start_plane .tmp/bench-plane .tmp/bench-plane.log
benches=("$@")
((${#benches[@]})) || benches=(test/bench/*.ts)
for bench in "${benches[@]}"; do
  [[ "$bench" == */reference/* || "$bench" == */helpers/* ]] && continue
  echo "=== $bench"
  npx tsx "$bench"
done
