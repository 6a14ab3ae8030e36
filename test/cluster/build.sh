#!/usr/bin/env bash
# Build (or reuse) the binaries of the end-to-end control plane, cached outside the repository:
#   ${CRASHLOOP_CACHE:-$HOME/.cache/crashloop-bot}/bin/<component>-<version>/
# and a combined directory of symlinks, $CRASHLOOP_BIN_DIR (see paths.sh), printed on stdout.
#
# usage: test/cluster/build.sh [all|kubernetes|etcd|kwok|alertmanager|helm]...   (default: all)
# Progress goes to stderr; the only stdout line is the combined bin dir (when `all` is built)
# or the component dir(s). A second run finds everything cached and returns in well under a second.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=paths.sh
. "$here/paths.sh"

GO_MIN_MINOR=26
GO_FALLBACK_VERSION="go1.26.8"

# A Go >= 1.26: the one on PATH or in /usr/local/go, else the official toolchain module fetched from
# the Go module proxy (golang.org/toolchain, the same zip `GOTOOLCHAIN` switching uses) into the cache.
go_ok() { "$1" version 2>/dev/null | grep -Eq "go1\.(2[6-9]|[3-9][0-9])"; }
ensure_go() {
  local g
  # CRASHLOOP_FETCH_GO=1 skips any installed Go (to exercise the fresh-machine path).
  [[ "${CRASHLOOP_FETCH_GO:-}" == 1 ]] || for g in "$(command -v go || true)" /usr/local/go/bin/go "$CRASHLOOP_CACHE/go/$GO_FALLBACK_VERSION/bin/go"; do
    if [[ -n "$g" && -x "$g" ]] && go_ok "$g"; then
      export PATH="$(dirname "$g"):$PATH"
      return 0
    fi
  done
  local arch proxy dest zip
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  proxy="${GOPROXY:-https://proxy.golang.org}"
  proxy="${proxy%%,*}"
  [[ "$proxy" == direct || "$proxy" == off ]] && proxy=https://proxy.golang.org
  dest="$CRASHLOOP_CACHE/go/$GO_FALLBACK_VERSION"
  zip="$CRASHLOOP_CACHE/go/$GO_FALLBACK_VERSION.zip"
  if go_ok "$dest/bin/go"; then
    export PATH="$dest/bin:$PATH"
    return 0
  fi
  rm -rf "$dest"
  log "no Go >= 1.$GO_MIN_MINOR found: fetching $GO_FALLBACK_VERSION from $proxy"
  mkdir -p "$CRASHLOOP_CACHE/go"
  curl -fsSL -o "$zip" "$proxy/golang.org/toolchain/@v/v0.0.1-$GO_FALLBACK_VERSION.linux-$arch.zip"
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  unzip -q "$zip" -d "$dest.tmp"
  mv "$dest.tmp/golang.org/toolchain@v0.0.1-$GO_FALLBACK_VERSION.linux-$arch" "$dest"
  rm -rf "$dest.tmp" "$zip"
  chmod -R u+w "$dest"
  chmod +x "$dest"/bin/* "$dest"/pkg/tool/*/*
  go_ok "$dest/bin/go" || { echo "build.sh: the fetched Go toolchain does not run" >&2; return 1; }
  export PATH="$dest/bin:$PATH"
}

bin_root="$CRASHLOOP_CACHE/bin"
work_root="$CRASHLOOP_CACHE/work"
mkdir -p "$bin_root" "$work_root"

log() { echo "[build.sh $(date -u +%H:%M:%S)] $*" >&2; }

ensure_go
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

# install_dir NAME VERSION FN: run FN TMPDIR, then atomically move TMPDIR into place.
install_dir() {
  local name=$1 version=$2 fn=$3
  local dest="$bin_root/$name-$version"
  if [[ -f "$dest/.complete" ]]; then
    log "$name $version: cached in $dest"
    return 0
  fi
  local tmp
  tmp="$(mktemp -d "$bin_root/.tmp-$name-XXXXXX")"
  local start=$SECONDS
  log "$name $version: building (2 cores: the Kubernetes build takes tens of minutes cold)"
  if ! "$fn" "$tmp"; then
    rm -rf "$tmp"
    log "$name $version: build FAILED"
    return 1
  fi
  chmod 755 "$tmp"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/.complete"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  log "$name $version: built in $((SECONDS - start))s into $dest"
}

# A throwaway wrapper module under $work_root/<name>, recreated on every cold build.
new_module_dir() {
  local d="$work_root/$1"
  rm -rf "$d"
  mkdir -p "$d"
  echo "$d"
}

build_kubernetes() {
  local out=$1 v=$CRASHLOOP_K8S_VERSION
  local mod
  mod="$(new_module_dir "kubernetes-$v")"
  local info gomod
  info="$(cd "$mod" && go mod download -json "k8s.io/kubernetes@$v")"
  gomod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p' <<<"$info")"
  [[ -f "$gomod" ]] || { echo "cannot find go.mod of k8s.io/kubernetes@$v" >&2; return 1; }
  local gover
  gover="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")"
  local staging_ver="v0.${v#v1.}"
  {
    echo "module crashloop.local/kubernetes-build"
    echo
    echo "go $gover"
    echo
    grep '^godebug' "$gomod" || true
    echo
    echo "require k8s.io/kubernetes $v"
    echo
    # k8s.io/kubernetes replaces every staging module with ./staging/...; a replace in a dependency's
    # go.mod is ignored, so pin each of them to the published module of the same release.
    sed -n 's|^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*$|\1|p' "$gomod" | sort -u |
      while read -r m; do echo "replace $m => $m $staging_ver"; done
  } >"$mod/go.mod"
  local pkgs=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  (cd "$mod" && go get "${pkgs[@]/%/@$v}" >&2)
  local minor=${v#v1.}
  minor=${minor%%.*}
  local build_date commit
  build_date="$(sed -n 's/^[[:space:]]*"Time": "\([^"]*\)".*/\1/p' <<<"$info" | head -1)"
  build_date="${build_date%%.*}"
  build_date="${build_date%Z}Z"
  commit="$(sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]*\)".*/\1/p' <<<"$info" | head -1)"
  local ld="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ld+=" -X $p.buildDate=$build_date"
    [[ -n "$commit" ]] && ld+=" -X $p.gitCommit=$commit"
  done
  (cd "$mod" && go build -trimpath -tags selinux,notest -ldflags "$ld" -o "$out/" "${pkgs[@]}" >&2)
}

build_etcd() {
  local out=$1 v=$CRASHLOOP_ETCD_VERSION
  local mod
  mod="$(new_module_dir "etcd-$v")"
  printf 'module crashloop.local/etcd-build\n\ngo 1.25\n' >"$mod/go.mod"
  (cd "$mod" && go get "go.etcd.io/etcd/server/v3@$v" >&2 &&
    go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3 >&2)
}

build_kwok() {
  local out=$1 v=$CRASHLOOP_KWOK_VERSION
  GOBIN="$out" go install -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${v#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${CRASHLOOP_K8S_VERSION#v}" \
    "sigs.k8s.io/kwok/cmd/kwok@$v" "sigs.k8s.io/kwok/cmd/kwokctl@$v" >&2
}

build_alertmanager() {
  local out=$1 v=$CRASHLOOP_ALERTMANAGER_VERSION
  local mod src info
  mod="$(new_module_dir "alertmanager-$v")"
  # The published module embeds ui/app/dist, which is built by npm in their release pipeline and is
  # absent from the module zip, so `go install` fails. Build from a copy with a placeholder page:
  # the tests drive Alertmanager's API, never its web UI.
  info="$(cd "$mod" && go mod download -json "github.com/prometheus/alertmanager@$v")"
  src="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p' <<<"$info")"
  [[ -d "$src" ]] || { echo "cannot find the source of alertmanager@$v" >&2; return 1; }
  cp -R "$src" "$mod/alertmanager"
  chmod -R u+w "$mod/alertmanager"
  mkdir -p "$mod/alertmanager/ui/app/dist"
  echo '<!doctype html><title>Alertmanager</title><p>UI not built (crashloop-bot test build).</p>' \
    >"$mod/alertmanager/ui/app/dist/index.html"
  (cd "$mod/alertmanager" &&
    go build -trimpath -ldflags "-s -w -X github.com/prometheus/common/version.Version=${v#v}" \
      -o "$out/alertmanager" ./cmd/alertmanager >&2)
}

# helm for the chart tests (lint, template). Its module pins every dependency, so `go get` of the
# command resolves the exact release graph; the version string is set the way helm's Makefile does.
# Cold: about 4 minutes on 2 shared cores (about 1 minute of it downloading modules); cached: 0 s.
build_helm() {
  local out=$1 v=$CRASHLOOP_HELM_VERSION
  local mod major
  mod="$(new_module_dir "helm-$v")"
  major="${v%%.*}"
  printf 'module crashloop.local/helm-build\n\ngo 1.26\n' >"$mod/go.mod"
  (cd "$mod" && go get "helm.sh/helm/$major/cmd/helm@$v" >&2 &&
    go build -trimpath -ldflags "-s -w -X helm.sh/helm/$major/internal/version.version=$v" \
      -o "$out/helm" "helm.sh/helm/$major/cmd/helm" >&2)
}

# Combined directory of symlinks, rebuilt whenever every component is present.
link_all() {
  local d="$CRASHLOOP_BIN_DIR" c f
  mkdir -p "$d"
  for c in "kubernetes-$CRASHLOOP_K8S_VERSION" "etcd-$CRASHLOOP_ETCD_VERSION" \
    "kwok-$CRASHLOOP_KWOK_VERSION" "alertmanager-$CRASHLOOP_ALERTMANAGER_VERSION" "helm-$CRASHLOOP_HELM_VERSION"; do
    for f in "$bin_root/$c"/*; do
      ln -sfn "$f" "$d/$(basename "$f")"
    done
  done
}

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(all)
for t in "${targets[@]}"; do
  case "$t" in
  all)
    # Small components first so a failure there shows up before the long Kubernetes build.
    install_dir kwok "$CRASHLOOP_KWOK_VERSION" build_kwok
    install_dir etcd "$CRASHLOOP_ETCD_VERSION" build_etcd
    install_dir alertmanager "$CRASHLOOP_ALERTMANAGER_VERSION" build_alertmanager
    install_dir helm "$CRASHLOOP_HELM_VERSION" build_helm
    install_dir kubernetes "$CRASHLOOP_K8S_VERSION" build_kubernetes
    link_all
    echo "$CRASHLOOP_BIN_DIR"
    ;;
  kubernetes)
    install_dir kubernetes "$CRASHLOOP_K8S_VERSION" build_kubernetes
    echo "$bin_root/kubernetes-$CRASHLOOP_K8S_VERSION"
    ;;
  etcd)
    install_dir etcd "$CRASHLOOP_ETCD_VERSION" build_etcd
    echo "$bin_root/etcd-$CRASHLOOP_ETCD_VERSION"
    ;;
  kwok)
    install_dir kwok "$CRASHLOOP_KWOK_VERSION" build_kwok
    echo "$bin_root/kwok-$CRASHLOOP_KWOK_VERSION"
    ;;
  alertmanager)
    install_dir alertmanager "$CRASHLOOP_ALERTMANAGER_VERSION" build_alertmanager
    echo "$bin_root/alertmanager-$CRASHLOOP_ALERTMANAGER_VERSION"
    ;;
  helm)
    install_dir helm "$CRASHLOOP_HELM_VERSION" build_helm
    echo "$bin_root/helm-$CRASHLOOP_HELM_VERSION"
    ;;
  *)
    echo "usage: $0 [all|kubernetes|etcd|kwok|alertmanager|helm]..." >&2
    exit 2
    ;;
  esac
done
