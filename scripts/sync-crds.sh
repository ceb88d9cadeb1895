#!/usr/bin/env bash
# Copies the CustomResourceDefinitions of crds/ (the source of truth) into the Helm chart's crds/,
# byte for byte, and removes chart copies whose source is gone. test/deploy checks they agree.
set -euo pipefail
cd "$(dirname "$0")/.."

dest=helm/modelrollout/crds
mkdir -p "$dest"
for file in "$dest"/*.yaml; do
  [[ -e "$file" && ! -e "crds/$(basename "$file")" ]] && rm -f "$file"
done
cp crds/*.yaml "$dest"/
