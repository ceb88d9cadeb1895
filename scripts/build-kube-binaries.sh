#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, etcd and helm from the Go module proxy into a
# cache outside the repository, each only when missing. A component's directory counts as
# complete only once its `.complete` marker exists, so an interrupted build is detected and redone.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
HELM_VERSION="${HELM_VERSION:-3.21.4}"
CACHE="${MODELROLLOUT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modelrollout}"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false

# Staging modules of k8s.io/kubernetes 1.36/1.37: its go.mod maps each to ./staging at v0.0.0,
# so a wrapper module must replace every one with its published version.
STAGING="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api
cri-client cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice externaljwt
kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics
mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller streaming"

log() { printf '[build-kube-binaries %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null || die "Go is not installed (need go >= 1.26 on PATH to build the Kubernetes binaries)"

check_proxy() {
  local proxy; proxy="$(go env GOPROXY | cut -d, -f1)"
  [[ "$proxy" == off || "$proxy" == direct ]] && return 0
  curl -fsS --max-time 20 -o /dev/null "$proxy/k8s.io/kubernetes/@v/v$K8S_VERSION.info" ||
    die "the Go module proxy ($proxy) does not answer for k8s.io/kubernetes@v$K8S_VERSION; it is needed to build the cached binaries"
}

complete() { [[ -f "$1/.complete" ]]; }

# Runs a build in a temp work dir and moves its outputs into place; the marker is written last.
finish() { # dir
  touch "$1/.complete"
  log "done: $1"
}

ldflags_k8s() {
  local minor; minor="$(cut -d. -f2 <<<"$K8S_VERSION")"
  local ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  echo "$ld"
}

build_kubernetes() {
  local out="$CACHE/kubernetes-$K8S_VERSION"
  complete "$out" && { log "cached: $out"; return; }
  check_proxy
  rm -rf "$out"; mkdir -p "$out"
  local work; work="$(mktemp -d)"; trap 'rm -rf "$work"' RETURN
  local s="0.${K8S_VERSION#1.}"
  log "kubernetes v$K8S_VERSION: preparing wrapper module (staging modules at v$s)"
  cd "$work"
  go mod init local/kubebins >/dev/null 2>&1
  go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION"
  for m in $STAGING; do go mod edit -replace="k8s.io/$m=k8s.io/$m@v$s"; done
  mkdir -p cmd/kube-apiserver cmd/kube-controller-manager
  cat > cmd/kube-apiserver/main.go <<'GO'
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() { os.Exit(cli.Run(app.NewAPIServerCommand())) }
GO
  cat > cmd/kube-controller-manager/main.go <<'GO'
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() { os.Exit(cli.Run(app.NewControllerManagerCommand())) }
GO
  log "kubernetes: go mod tidy (downloads ~1-2 GB of modules on a cold cache)"
  go mod tidy
  # Only the main module's godebug settings count: copy kubernetes' own.
  local kmod; kmod="$(go list -m -f '{{.Dir}}' k8s.io/kubernetes)/go.mod"
  if grep -q '^godebug' "$kmod"; then
    awk '/^godebug \(/{p=1} p{print} p&&/^\)/{p=0} /^godebug [^(]/{print}' "$kmod" >> go.mod
  fi
  log "kubernetes: compiling kube-apiserver and kube-controller-manager (10-25 min cold on 2 cores)"
  go build -trimpath -ldflags "$(ldflags_k8s)" -o "$out/" ./cmd/kube-apiserver ./cmd/kube-controller-manager
  "$out/kube-apiserver" --version >&2
  finish "$out"
}

build_etcd() {
  local out="$CACHE/etcd-$ETCD_VERSION"
  complete "$out" && { log "cached: $out"; return; }
  check_proxy
  rm -rf "$out"; mkdir -p "$out"
  local work; work="$(mktemp -d)"; trap 'rm -rf "$work"' RETURN
  log "etcd v$ETCD_VERSION: preparing wrapper module"
  cd "$work"
  go mod init local/etcdbin >/dev/null 2>&1
  go mod edit -require="go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  cat > main.go <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  go mod tidy
  log "etcd: compiling"
  go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v$ETCD_VERSION" -o "$out/etcd" .
  "$out/etcd" --version >&2
  finish "$out"
}

build_helm() {
  local out="$CACHE/helm-$HELM_VERSION"
  complete "$out" && { log "cached: $out"; return; }
  check_proxy
  rm -rf "$out"; mkdir -p "$out"
  local minor; minor="$(cut -d. -f2 <<<"$K8S_VERSION")"
  log "helm v$HELM_VERSION: compiling"
  GOBIN="$out" go install -trimpath -ldflags "-s -w \
    -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION \
    -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor" \
    "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"
  "$out/helm" version >&2
  finish "$out"
}

mkdir -p "$CACHE"
# One builder at a time: a second run (another checkout's tests, say) waits for the first and then
# finds its results, instead of removing a half-built directory under it.
exec 9>"$CACHE/.build.lock"
if ! flock -n 9; then
  log "another build is running; waiting for it"
  flock 9
fi
targets=("${@:-etcd helm kubernetes}")
for t in ${targets[*]}; do
  case "$t" in
    kubernetes) (build_kubernetes) ;;
    etcd) (build_etcd) ;;
    helm) (build_helm) ;;
    *) die "unknown component '$t' (kubernetes, etcd, helm)" ;;
  esac
done
# Print the paths for scripts: NAME=path
echo "KUBE_APISERVER=$CACHE/kubernetes-$K8S_VERSION/kube-apiserver"
echo "KUBE_CONTROLLER_MANAGER=$CACHE/kubernetes-$K8S_VERSION/kube-controller-manager"
echo "ETCD=$CACHE/etcd-$ETCD_VERSION/etcd"
echo "HELM=$CACHE/helm-$HELM_VERSION/helm"
