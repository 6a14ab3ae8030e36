# shellcheck shell=bash
# Source this file to get the location of the prebuilt e2e binaries (built by build.sh):
#   . test/cluster/paths.sh && "$CRASHLOOP_BIN_DIR/kubectl" version --client
# CRASHLOOP_BIN_DIR holds kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd,
# kwok, kwokctl, alertmanager and helm (symlinks into per-component, per-version directories).
_crashloop_paths_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
. "$_crashloop_paths_dir/versions.sh"
CRASHLOOP_CACHE="${CRASHLOOP_CACHE:-$HOME/.cache/crashloop-bot}"
CRASHLOOP_BIN_DIR="$CRASHLOOP_CACHE/bin/all-k8s-$CRASHLOOP_K8S_VERSION-etcd-$CRASHLOOP_ETCD_VERSION-kwok-$CRASHLOOP_KWOK_VERSION-am-$CRASHLOOP_ALERTMANAGER_VERSION-helm-$CRASHLOOP_HELM_VERSION"
export CRASHLOOP_CACHE CRASHLOOP_BIN_DIR
unset _crashloop_paths_dir
