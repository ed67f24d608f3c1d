#!/usr/bin/env bash
# Builds the Kubernetes control-plane binaries and the render tools from the Go module proxy at the
# versions pinned in versions.env, into ${FLOTILLA_CACHE:-$HOME/.cache/flotilla}/bin/<tool>-<version>/.
# Builds only what is missing; prints the plan, which binary it builds (and every 30 s that it still
# is) and how long each took. `npm run demo` reads these lines (test/demo/build-progress.ts).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
cache=${FLOTILLA_CACHE:-$HOME/.cache/flotilla}
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false"
export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOPATH="$cache/go/path"
mkdir -p "$cache/bin"
started=$SECONDS

log() { printf '[build-tools %4ss] %s\n' "$((SECONDS - started))" "$*"; }

# Go: the machine's when it is new enough, else the pinned toolchain from the Go module proxy
# (the same zip GOTOOLCHAIN downloads), unpacked once into the cache. Only asked for when
# something must be built, so a warm cache needs no Go at all.
go_ready=""
ensure_go() {
  [ -n "$go_ready" ] && return 0
  local minor
  minor=$(go version 2>/dev/null | sed -n 's/.*go1\.\([0-9]*\).*/\1/p' || true)
  if [ -z "$minor" ] || [ "$minor" -lt 24 ]; then
    local toolchain="$cache/go-toolchain/$GO_TOOLCHAIN"
    if [ ! -x "$toolchain/bin/go" ]; then
      log "no Go >= 1.24 on PATH; fetching $GO_TOOLCHAIN from the Go module proxy"
      rm -rf "$toolchain.tmp" && mkdir -p "$toolchain.tmp"
      curl -fsSL "${GOPROXY_URL:-https://proxy.golang.org}/golang.org/toolchain/@v/v0.0.1-$GO_TOOLCHAIN.linux-amd64.zip" -o "$toolchain.zip"
      (cd "$toolchain.tmp" && unzip -q "$toolchain.zip")
      mv "$toolchain.tmp/golang.org/toolchain@v0.0.1-$GO_TOOLCHAIN.linux-amd64" "$toolchain"
      rm -rf "$toolchain.tmp" "$toolchain.zip"
    fi
    export PATH="$toolchain/bin:$PATH" GOROOT="$toolchain"
  fi
  log "using $(go version)"
  go_ready=1
}

# go prints one "downloading" line per module; keep its other messages.
quiet_go() { "$@" 2> >(grep -v '^go: downloading' >&2); }

# build NAME DIR BUILD-FUNCTION: runs the function only when DIR/NAME is missing.
need() { [ -x "$1/$2" ] && { log "$2 $(basename "$1") cached"; return 1; }; mkdir -p "$1"; return 0; }
ticker=""
trap '[ -n "$ticker" ] && kill "$ticker" 2>/dev/null; true' EXIT
timed() {
  local t=$SECONDS
  ensure_go
  log "building $1 ..."
  # The ticker's sleep is killed with it, so nothing holds the output open once the build ends.
  ( trap 'kill "$s" 2>/dev/null; exit 0' TERM
    while :; do sleep 30 & s=$!; wait "$s"; log "still building $1 ($((SECONDS - t))s)"; done ) &
  ticker=$!
  "${@:2}"
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  ticker=""
  log "built $1 in $((SECONDS - t))s"
}

# A wrapper module: k8s.io/kubernetes replaces its staging modules with ./staging paths, which a
# plain `go install` refuses; repeating each replace at the matching v0.x.y version works.
k8s_module() {
  local dir="$cache/src/kubernetes-$KUBERNETES_VERSION" staging="v0.${KUBERNETES_VERSION#v1.}"
  if [ ! -f "$dir/go.sum" ]; then
    log "fetching the Go modules Kubernetes $KUBERNETES_VERSION needs (once; most of the first build) ..." >&2
    mkdir -p "$dir"
    local mod
    mod=$(quiet_go go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    {
      echo "module flotilla.local/k8s-tools"
      echo "go 1.24"
      echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
      sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#replace \1 => \1 '"$staging"'#p' "$mod"
    } > "$dir/go.mod"
    printf 'package tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager"\n\t_ "k8s.io/kubernetes/cmd/kube-scheduler"\n\t_ "k8s.io/kubernetes/cmd/kubectl"\n)\n' > "$dir/tools.go"
    sed -i 's/^package tools/\/\/go:build tools\n\npackage tools/' "$dir/tools.go"
    (cd "$dir" && quiet_go go mod tidy)
  fi
  echo "$dir"
}

k8s_build() {
  local cmd=$1 out=$2 dir minor
  dir=$(k8s_module)
  minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  local x=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    x+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  (cd "$dir" && quiet_go go build -ldflags "-s -w$x" -o "$out/.$cmd.partial" "k8s.io/kubernetes/cmd/$cmd")
  mv "$out/.$cmd.partial" "$out/$cmd"
}

etcd_build() {
  local out=$1 dir="$cache/src/etcd-$ETCD_VERSION"
  mkdir -p "$dir"
  if [ ! -f "$dir/go.sum" ]; then
    {
      echo "module flotilla.local/etcd-tools"
      echo "go 1.24"
      echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
      for m in api/v3 client/pkg/v3 client/v3 pkg/v3; do echo "replace go.etcd.io/etcd/$m => go.etcd.io/etcd/$m $ETCD_VERSION"; done
    } > "$dir/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > "$dir/tools.go"
    (cd "$dir" && quiet_go go mod tidy)
  fi
  (cd "$dir" && quiet_go go build -ldflags "-s -w" -o "$out/.etcd.partial" go.etcd.io/etcd/server/v3)
  mv "$out/.etcd.partial" "$out/etcd"
}

gobin_install() { # OUT PACKAGE@VERSION [LDFLAGS]; installs into a scratch GOBIN, then moves the binary
  local tmp="$1/.partial"
  rm -rf "$tmp"
  GOBIN="$tmp" quiet_go go install -ldflags "-s -w ${3:-}" "$2"
  mv "$tmp"/* "$1/" && rmdir "$tmp"
}

k8s_out="$cache/bin/kubernetes-$KUBERNETES_VERSION"
# The plan first: which binaries are missing (a progress display counts them).
missing=()
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do [ -x "$k8s_out/$cmd" ] || missing+=("$cmd"); done
pairs=("etcd-$ETCD_VERSION/etcd" "kwok-$KWOK_VERSION/kwok" "helm-$HELM_VERSION/helm" "kustomize-$KUSTOMIZE_VERSION/kustomize" "jsonnet-$JSONNET_VERSION/jsonnet" "distribution-$DISTRIBUTION_VERSION/registry")
for pair in "${pairs[@]}"; do
  [ -x "$cache/bin/$pair" ] || missing+=("${pair#*/}")
done
log "to build: ${missing[*]:-nothing} (${#missing[@]} of $((4 + ${#pairs[@]})))"
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  if need "$k8s_out" "$cmd"; then timed "$cmd $KUBERNETES_VERSION" k8s_build "$cmd" "$k8s_out"; fi
done
out="$cache/bin/etcd-$ETCD_VERSION"
if need "$out" etcd; then timed "etcd $ETCD_VERSION" etcd_build "$out"; fi
out="$cache/bin/kwok-$KWOK_VERSION"
if need "$out" kwok; then timed "kwok $KWOK_VERSION" gobin_install "$out" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION"; fi
out="$cache/bin/helm-$HELM_VERSION"
if need "$out" helm; then timed "helm $HELM_VERSION" gobin_install "$out" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"; fi
out="$cache/bin/kustomize-$KUSTOMIZE_VERSION"
if need "$out" kustomize; then timed "kustomize $KUSTOMIZE_VERSION" gobin_install "$out" "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"; fi
out="$cache/bin/jsonnet-$JSONNET_VERSION"
if need "$out" jsonnet; then timed "jsonnet $JSONNET_VERSION" gobin_install "$out" "github.com/google/go-jsonnet/cmd/jsonnet@$JSONNET_VERSION"; fi
# The CNCF distribution registry: an OCI registry on loopback for the Helm OCI chart tests (test/support/oci-registry.ts).
out="$cache/bin/distribution-$DISTRIBUTION_VERSION"
if need "$out" registry; then timed "registry $DISTRIBUTION_VERSION" gobin_install "$out" "github.com/distribution/distribution/v3/cmd/registry@$DISTRIBUTION_VERSION" "-X github.com/distribution/distribution/v3/version.version=$DISTRIBUTION_VERSION"; fi
log "all tools ready under $cache/bin"
