#!/usr/bin/env bash
# One-time (and idempotent) set-up for the demo and the tests: Debian packages, npm packages,
# the cached Kubernetes binaries and the model artifacts. Safe to run again: each step is skipped
# when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

# Debian packages: PostgreSQL server, Prometheus (with promtool), openssl, curl.
need=()
command -v prometheus >/dev/null && command -v promtool >/dev/null || need+=(prometheus)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
  [[ $(id -u) == 0 ]] && SUDO="" || SUDO="sudo"
  log "installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian packages start system services we do not use; the local control plane runs its own.
if [[ " ${need[*]-} " == *" prometheus "* ]]; then
  (systemctl stop prometheus prometheus-node-exporter 2>/dev/null || service prometheus stop 2>/dev/null) || true
fi

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

bash scripts/build-kube-binaries.sh >/dev/null

if [[ -x scripts/train-models.sh ]]; then
  bash scripts/train-models.sh
fi
log "ready"
