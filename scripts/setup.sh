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
command -v chromium >/dev/null || need+=(chromium) # headless screenshots in the assess report tests
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

# Model artifacts: trained when missing or older than their config or the model code.
stale=0
newest_src="$(find model-server/src/model model-server/src/train -name '*.ts' -newer model-server/artifacts/.trained 2>/dev/null | head -1 || true)"
[[ -f model-server/artifacts/.trained && -z "$newest_src" ]] || stale=1
for config in model-server/config/*.yml; do
  [[ model-server/artifacts/$(basename "$config" .yml).json -nt "$config" ]] || stale=1
done
if ((stale)); then
  log "training the model artifacts"
  bash scripts/train-models.sh >/dev/null
  touch model-server/artifacts/.trained
fi
log "ready"
