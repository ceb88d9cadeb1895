#!/usr/bin/env bash
# Regenerates the files derived from others, so that they cannot drift:
#   helm/modelrollout/crds/*                 copies of crds/*.yaml
#   helm/modelrollout/files/prometheus/      copy of manifests/prometheus/rules.yml
#   helm/modelrollout/files/dashboards/      copies of manifests/grafana/*.json
#   manifests/install.yaml                   the chart rendered with its default values + Namespace
# `--check` changes nothing and exits 1 listing the stale files (test/deploy runs it).
# Uses $HELM, or the helm binary built into the cache by scripts/build-kube-binaries.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
[[ "${1:-}" == "--check" ]] && check=true
chart=helm/modelrollout
namespace=modelrollout-system
helm_bin="${HELM:-$(bash scripts/build-kube-binaries.sh 2>/dev/null | sed -n 's/^HELM=//p')}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/modelrollout"
cp -R "$chart/." "$tmp/modelrollout/"
rm -rf "$tmp/modelrollout/crds" "$tmp/modelrollout/files/prometheus" "$tmp/modelrollout/files/dashboards"
mkdir -p "$tmp/modelrollout/crds" "$tmp/modelrollout/files/prometheus" "$tmp/modelrollout/files/dashboards"
cp crds/*.yaml "$tmp/modelrollout/crds/"
cp manifests/prometheus/rules.yml "$tmp/modelrollout/files/prometheus/"
cp manifests/grafana/*.json "$tmp/modelrollout/files/dashboards/"

{
  cat <<HEADER
# modelrollout install bundle: CRDs, namespace $namespace and the operator with the chart's
# default values (cluster-wide RBAC, 2 replicas with leader election).
#   kubectl apply -f install.yaml
# Generated from helm/modelrollout by scripts/render-manifests.sh; do not edit.
---
apiVersion: v1
kind: Namespace
metadata:
  name: $namespace
  labels:
    app.kubernetes.io/part-of: modelrollout
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
HEADER
  "$helm_bin" template modelrollout "$tmp/modelrollout" --namespace "$namespace" --include-crds
} >"$tmp/install.yaml"

derived=(crds files/prometheus files/dashboards)
if $check; then
  stale=()
  for dir in "${derived[@]}"; do
    diff -rq "$tmp/modelrollout/$dir" "$chart/$dir" >/dev/null 2>&1 || stale+=("$chart/$dir")
  done
  cmp -s "$tmp/install.yaml" manifests/install.yaml || stale+=(manifests/install.yaml)
  if ((${#stale[@]})); then
    echo "stale (run scripts/render-manifests.sh): ${stale[*]}" >&2
    exit 1
  fi
  echo "up to date" >&2
  exit 0
fi

for dir in "${derived[@]}"; do
  rm -rf "${chart:?}/$dir"
  mkdir -p "$(dirname "$chart/$dir")"
  cp -R "$tmp/modelrollout/$dir" "$chart/$dir"
done
cp "$tmp/install.yaml" manifests/install.yaml
echo "rendered $chart/{crds,files} and manifests/install.yaml" >&2
