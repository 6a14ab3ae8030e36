# Pinned versions of the end-to-end control plane. Sourced by build.sh and paths.sh.
# Changing a version changes the cache key, so the next build.sh run rebuilds that component only.
CRASHLOOP_K8S_VERSION="v1.36.3"          # k8s.io/kubernetes (kwok v0.8.0 defaults to 1.36.1)
CRASHLOOP_ETCD_VERSION="v3.6.16"         # go.etcd.io/etcd/server/v3
CRASHLOOP_KWOK_VERSION="v0.8.0"          # sigs.k8s.io/kwok
CRASHLOOP_ALERTMANAGER_VERSION="v0.34.2" # github.com/prometheus/alertmanager
CRASHLOOP_HELM_VERSION="v4.3.2"          # helm.sh/helm/v4 (chart lint/render tests)
