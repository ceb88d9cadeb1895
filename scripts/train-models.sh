#!/usr/bin/env bash
# Trains every shipped model config into model-server/artifacts/ (or the directory given as
# the first argument): course-gbm 0.1.0, linear-baseline 1.0.0, default-gbm 2.0.0, bad-gbm 3.0.0.
# Each artifact is reproducible on its own:
#   npx tsx model-server/src/main.ts train --config model-server/config/<name>.yml --out <file>
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-model-server/artifacts}"
mkdir -p "$out"
for name in course-gbm linear-baseline default-gbm bad-gbm; do
  npx tsx model-server/src/main.ts train --config "model-server/config/$name.yml" --out "$out/$name.json"
done
