#!/usr/bin/env bash
# The test command (`npm test`): set-up, a shared local control plane, every test, one summary line.
# The last line printed is `N passed, N failed[, N skipped]` for the whole run.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

mkdir -p .tmp
results=.tmp/test-results
rm -rf "$results"; mkdir -p "$results"
plane_dir=.tmp/test-plane

source scripts/lib/plane.sh
t0=$SECONDS
start_plane "$plane_dir" "$results/plane.log" || { echo "0 passed, 1 failed"; exit 1; }
echo "control plane up in $((SECONDS - t0)) s"

passed=0 failed=0 skipped=0
count() { # name, exit code, passed, failed, skipped
  passed=$((passed + $3)); failed=$((failed + $4)); skipped=$((skipped + $5))
  echo "== $1: $3 passed, $4 failed, $5 skipped (exit $2)"
}

# Static checks count as tests: a type error or lint error fails the run.
npx tsc -p tsconfig.json --noEmit >"$results/typecheck.log" 2>&1; rc=$?
cat "$results/typecheck.log"; count typecheck $rc $((rc == 0)) $((rc != 0)) 0
npm run -s lint >"$results/lint.log" 2>&1; rc=$?
cat "$results/lint.log"; count lint $rc $((rc == 0)) $((rc != 0)) 0

npx ava --tap "$@" | tee "$results/ava.tap"; rc=${PIPESTATUS[0]}
p=$(awk '/^# pass/{print $3}' "$results/ava.tap"); f=$(awk '/^# fail/{print $3}' "$results/ava.tap")
s=$(awk '/^# skip/{print $3}' "$results/ava.tap"); t=$(awk '/^# todo/{print $3}' "$results/ava.tap")
p=${p:-0} f=${f:-0} s=$(( ${s:-0} + ${t:-0} ))
# ava exits non-zero without a failed test on uncaught exceptions, timeouts or no tests at all.
(( rc != 0 && f == 0 )) && f=1
count ava $rc $p $f $s

if (( skipped > 0 )); then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
(( failed == 0 ))
