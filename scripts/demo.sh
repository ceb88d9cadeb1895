#!/usr/bin/env bash
# `npm run demo`: the main job on a fresh machine. Sets everything up, then runs the rollout demo
# on the local control plane (test/e2e/demo.ts when present); otherwise brings the control plane
# up and tells how to use it. Options are passed on (e.g. --keep).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ -f test/e2e/demo.ts ]]; then
  exec npx tsx test/e2e/demo.ts "$@"
fi
npx tsx test/cluster/cli.ts up
